//! The measure tool: click points on the map for a geodesic distance (m, km) or area (m², 亩)
//! on the WGS84 ellipsoid, as a land officer checks a frontage or a plot on the spot.

use super::Camera;
use crate::crs::web_mercator;
use crate::geometry::{geodesic_length_m, geodesic_polygon_area_m2};
use crate::model::Lang;
use crate::ui::theme;
use crate::units::mu_from_m2;
use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, vec2};

/// What the tool measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureMode {
    /// 测距: the length of a path.
    Distance,
    /// 测面: the area of a polygon.
    Area,
}

/// A measurement in progress: its points in lon/lat degrees.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub mode: MeasureMode,
    pub points: Vec<[f64; 2]>,
}

const LINE: Color32 = Color32::from_rgb(0xd8, 0x1b, 0x60);

impl Measure {
    #[must_use]
    pub fn new(mode: MeasureMode) -> Self {
        Self {
            mode,
            points: Vec::new(),
        }
    }

    /// Adds a point clicked at a world (Web Mercator) position.
    pub fn add_world(&mut self, world: [f64; 2]) {
        let (lon, lat) = web_mercator::to_lon_lat(world[0], world[1]);
        self.points.push([lon, lat]);
    }

    /// Length of the path in metres (for an area, its perimeter).
    #[must_use]
    pub fn length_m(&self) -> f64 {
        if self.mode == MeasureMode::Area && self.points.len() >= 3 {
            let mut closed = self.points.clone();
            closed.push(self.points[0]);
            geodesic_length_m(&closed)
        } else {
            geodesic_length_m(&self.points)
        }
    }

    /// Area of the polygon in m² (0 for a distance or fewer than three points).
    #[must_use]
    pub fn area_m2(&self) -> f64 {
        match self.mode {
            MeasureMode::Distance => 0.0,
            MeasureMode::Area => geodesic_polygon_area_m2(&self.points),
        }
    }

    /// The result as a land officer reads it.
    #[must_use]
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let length = self.length_m();
        let length = if length >= 1000.0 {
            format!("{:.3} km", length / 1000.0)
        } else {
            format!("{length:.1} m")
        };
        match self.mode {
            MeasureMode::Distance => {
                if zh {
                    format!("距离 {length}（单击加点，Esc 清除）")
                } else {
                    format!("Distance {length} (click to add points, Esc clears)")
                }
            }
            MeasureMode::Area => {
                let area = self.area_m2();
                let figures = format!(
                    "{} m² = {:.2} {}",
                    crate::units::group_thousands(area, 1),
                    mu_from_m2(area),
                    if zh { "亩" } else { "mu" }
                );
                if zh {
                    format!("面积 {figures}，周长 {length}（单击加点，Esc 清除）")
                } else {
                    format!("Area {figures}, perimeter {length} (click to add points, Esc clears)")
                }
            }
        }
    }

    /// Draws the points, the path (closed for an area) and the result.
    pub fn draw(&self, painter: &egui::Painter, camera: &Camera, rect: Rect, lang: Lang) {
        let to_ui = |p: &[f64; 2]| {
            let (x, y) = web_mercator::from_lon_lat(p[0], p[1]);
            camera.ui_from_world([x, y], rect)
        };
        let points: Vec<Pos2> = self.points.iter().map(to_ui).collect();
        let stroke = Stroke::new(2.0, LINE);
        if self.mode == MeasureMode::Area && points.len() >= 3 {
            painter.add(Shape::closed_line(points.clone(), stroke));
        } else if points.len() >= 2 {
            painter.add(Shape::line(points.clone(), stroke));
        }
        for p in &points {
            painter.circle(*p, 4.0, Color32::WHITE, stroke);
        }
        let galley = painter.layout_no_wrap(
            self.text(lang),
            FontId::proportional(13.0),
            theme::LABEL_TEXT,
        );
        let at = Align2::LEFT_TOP.anchor_size(rect.left_top() + vec2(12.0, 12.0), galley.size());
        painter.rect_filled(at.expand(5.0), 4.0, Color32::from_white_alpha(230));
        painter.galley(at.min, galley, theme::LABEL_TEXT);
    }
}
