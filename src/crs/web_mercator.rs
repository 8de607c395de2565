//! Spherical Web Mercator (EPSG:3857), the map's display projection, in metres.
//!
//! ```
//! use parkland::crs::web_mercator;
//! let (x, y) = web_mercator::from_lon_lat(107.0, 33.0);
//! let (lon, lat) = web_mercator::to_lon_lat(x, y);
//! assert!((lon - 107.0).abs() < 1e-12 && (lat - 33.0).abs() < 1e-12);
//! ```

/// Radius of the Web Mercator sphere.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// Web Mercator metres of a lon/lat position in degrees (latitudes clamped to ±85.06°).
#[must_use]
pub fn from_lon_lat(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let x = EARTH_RADIUS_M * lon.to_radians();
    let y = EARTH_RADIUS_M * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln();
    (x, y)
}

/// Lon/lat degrees of a Web Mercator position.
#[must_use]
pub fn to_lon_lat(x: f64, y: f64) -> (f64, f64) {
    let lon = (x / EARTH_RADIUS_M).to_degrees();
    let lat = (y / EARTH_RADIUS_M).sinh().atan().to_degrees();
    (lon, lat)
}

/// Ground metres per Web Mercator metre at a latitude (the projection's scale is 1/cos φ).
#[must_use]
pub fn ground_per_projected(lat: f64) -> f64 {
    lat.to_radians().cos()
}

/// A lon/lat geometry in Web Mercator metres.
#[must_use]
pub fn project<G: geo::MapCoords<f64, f64, Output = G>>(geometry: &G) -> G {
    geometry.map_coords(|c| {
        let (x, y) = from_lon_lat(c.x, c.y);
        geo::coord! { x: x, y: y }
    })
}
