//! The map camera: where the view is centred and how many projected metres a screen point
//! covers. Kept in f64 because Web Mercator metres near 10^7 lose precision in f32.

use egui::{Pos2, Rect, Vec2, pos2};
use serde::{Deserialize, Serialize};

/// Smallest and largest zoom, in Web Mercator metres per screen point.
const MIN_M_PER_POINT: f64 = 0.01;
const MAX_M_PER_POINT: f64 = 200_000.0;

/// One logical point is 1/96 inch on screen.
const METRES_PER_SCREEN_POINT: f64 = 0.0254 / 96.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Camera {
    /// World (Web Mercator) position at the centre of the view.
    pub center: [f64; 2],
    /// World metres per screen point.
    pub m_per_point: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Self {
            center: [0.0, 0.0],
            m_per_point: 1_000.0,
        }
    }
}

impl Camera {
    /// Screen position of a world position, for a view filling `rect`.
    #[must_use]
    pub fn ui_from_world(&self, world: [f64; 2], rect: Rect) -> Pos2 {
        let c = rect.center();
        pos2(
            c.x + ((world[0] - self.center[0]) / self.m_per_point) as f32,
            c.y - ((world[1] - self.center[1]) / self.m_per_point) as f32,
        )
    }

    /// World position under a screen position.
    #[must_use]
    pub fn world_from_ui(&self, pos: Pos2, rect: Rect) -> [f64; 2] {
        let c = rect.center();
        [
            self.center[0] + f64::from(pos.x - c.x) * self.m_per_point,
            self.center[1] - f64::from(pos.y - c.y) * self.m_per_point,
        ]
    }

    /// Moves the view by a screen drag.
    pub fn pan(&mut self, delta: Vec2) {
        self.center[0] -= f64::from(delta.x) * self.m_per_point;
        self.center[1] += f64::from(delta.y) * self.m_per_point;
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the world point under `anchor` fixed.
    pub fn zoom_about(&mut self, anchor: Pos2, factor: f64, rect: Rect) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let before = self.world_from_ui(anchor, rect);
        self.m_per_point = (self.m_per_point / factor).clamp(MIN_M_PER_POINT, MAX_M_PER_POINT);
        let after = self.world_from_ui(anchor, rect);
        self.center[0] += before[0] - after[0];
        self.center[1] += before[1] - after[1];
    }

    /// Fits world bounds into `rect` with a margin.
    pub fn fit(&mut self, min: [f64; 2], max: [f64; 2], rect: Rect) {
        let width = (max[0] - min[0]).max(1.0);
        let height = (max[1] - min[1]).max(1.0);
        let usable = (rect.size() * 0.92).max(Vec2::splat(10.0));
        self.center = [f64::midpoint(min[0], max[0]), f64::midpoint(min[1], max[1])];
        self.m_per_point = (width / f64::from(usable.x))
            .max(height / f64::from(usable.y))
            .clamp(MIN_M_PER_POINT, MAX_M_PER_POINT);
    }

    /// World rectangle visible in `rect`.
    #[must_use]
    pub fn visible_world(&self, rect: Rect) -> ([f64; 2], [f64; 2]) {
        let a = self.world_from_ui(rect.left_bottom(), rect);
        let b = self.world_from_ui(rect.right_top(), rect);
        (a, b)
    }

    /// Map scale denominator N of "1:N" at a latitude (Web Mercator stretches by 1/cos φ).
    #[must_use]
    pub fn scale_denominator(&self, lat: f64) -> f64 {
        self.m_per_point * crate::crs::web_mercator::ground_per_projected(lat)
            / METRES_PER_SCREEN_POINT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> Rect {
        Rect::from_min_size(pos2(100.0, 50.0), egui::vec2(800.0, 600.0))
    }

    #[test]
    fn screen_and_world_round_trip_near_a_real_park() {
        let camera = Camera {
            center: [11_911_000.0, 3_895_000.0],
            m_per_point: 3.0,
        };
        let world = [11_911_123.5, 3_894_876.25];
        let back = camera.world_from_ui(camera.ui_from_world(world, view()), view());
        assert!((back[0] - world[0]).abs() < 0.5 && (back[1] - world[1]).abs() < 0.5);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut camera = Camera {
            center: [11_911_000.0, 3_895_000.0],
            m_per_point: 3.0,
        };
        let cursor = pos2(700.0, 120.0);
        let before = camera.world_from_ui(cursor, view());
        camera.zoom_about(cursor, 2.0, view());
        let after = camera.world_from_ui(cursor, view());
        assert!((camera.m_per_point - 1.5).abs() < 1e-12);
        assert!((before[0] - after[0]).abs() < 1e-6 && (before[1] - after[1]).abs() < 1e-6);
    }

    #[test]
    fn fit_shows_the_whole_extent() {
        let mut camera = Camera::default();
        let (min, max) = ([11_900_000.0, 3_890_000.0], [11_912_000.0, 3_896_000.0]);
        camera.fit(min, max, view());
        for corner in [min, max] {
            assert!(view().contains(camera.ui_from_world(corner, view())));
        }
    }
}
