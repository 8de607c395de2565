//! The Web Mercator tile grid (XYZ, EPSG:3857): 2^z × 2^z tiles of 256 pixels, x from the
//! west, y from the north, in the same metres the map is drawn in.

use crate::crs::web_mercator::EARTH_RADIUS_M;
use std::f64::consts::PI;

/// Half the width of the world in Web Mercator metres.
pub const HALF_WORLD_M: f64 = PI * EARTH_RADIUS_M;
/// Pixels along a tile's side.
pub const TILE_PX: f64 = 256.0;

/// The side of a tile at zoom `z`, in metres.
#[must_use]
pub fn tile_size_m(z: u8) -> f64 {
    2.0 * HALF_WORLD_M / f64::from(1_u32 << z.min(30))
}

/// A tile's bounds in Web Mercator metres: `[west, south, east, north]`.
#[must_use]
pub fn tile_bounds(z: u8, x: u32, y: u32) -> [f64; 4] {
    let size = tile_size_m(z);
    let west = -HALF_WORLD_M + f64::from(x) * size;
    let north = HALF_WORLD_M - f64::from(y) * size;
    [west, north - size, west + size, north]
}

/// The zoom whose tiles show about one tile pixel per screen pixel at `m_per_px`, rounded up
/// (sharper rather than blurrier), within `range`.
#[must_use]
pub fn zoom_for(m_per_px: f64, range: (u8, u8)) -> u8 {
    let exact = (2.0 * HALF_WORLD_M / TILE_PX / m_per_px.max(1e-9)).log2();
    let z = exact.ceil().clamp(0.0, 30.0) as u8;
    z.clamp(range.0, range.1.max(range.0))
}

/// The tiles at zoom `z` that cover `[west, south, east, north]` (metres), as `(x, y)`.
#[must_use]
pub fn covering(z: u8, bounds: [f64; 4]) -> Vec<(u32, u32)> {
    let n = 1_u32 << z.min(30);
    let size = tile_size_m(z);
    let index = |m: f64| ((m / size).floor().max(0.0) as u32).min(n - 1);
    let (x0, x1) = (
        index(bounds[0] + HALF_WORLD_M),
        index(bounds[2] + HALF_WORLD_M),
    );
    let (y0, y1) = (
        index(HALF_WORLD_M - bounds[3]),
        index(HALF_WORLD_M - bounds[1]),
    );
    (y0..=y1)
        .flat_map(|y| (x0..=x1).map(move |x| (x, y)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_matches_the_published_tile_of_a_known_place() {
        // 汉中 (107.02°E, 33.07°N) at zoom 12 is tile 3265/1648 in every XYZ service (the
        // slippy-map formula: x = (lon + 180) / 360 · 2^z, y = (1 − asinh(tan φ) / π) / 2 · 2^z).
        let (x, y) = crate::crs::web_mercator::from_lon_lat(107.02, 33.07);
        assert_eq!(covering(12, [x, y, x, y]), vec![(3265, 1648)]);
        let b = tile_bounds(12, 3265, 1648);
        assert!(b[0] <= x && x < b[2] && b[1] < y && y <= b[3]);
        assert!((tile_size_m(0) - 40_075_016.686).abs() < 0.01);
    }

    #[test]
    fn the_zoom_is_the_sharper_one_within_the_source() {
        // About 38 m a pixel at zoom 12.
        assert_eq!(zoom_for(tile_size_m(12) / TILE_PX, (0, 18)), 12);
        assert_eq!(zoom_for(tile_size_m(12) / TILE_PX * 1.5, (0, 18)), 12);
        assert_eq!(zoom_for(tile_size_m(12) / TILE_PX * 0.9, (0, 18)), 13);
        assert_eq!(zoom_for(1.0, (10, 14)), 14, "no deeper than the source");
    }
}
