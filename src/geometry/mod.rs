//! Geometry algorithms on lon/lat polygons: true (geodesic) area and validity.
//!
//! ```
//! use geo::polygon;
//! use parkland::geometry::geodesic_area_m2;
//! // A 1°×1° cell at the equator on WGS84, wound either way.
//! let cell = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
//! let area = geodesic_area_m2(&geo::MultiPolygon::new(vec![cell]));
//! assert!((area - 12_308_778_361.5).abs() < 1.0);
//! ```

mod validity;

pub use validity::{ring_self_intersects, validity_problem};

use geo::{LineString, MultiPolygon};
use geographiclib_rs::{Geodesic, PolygonArea, Winding};
use std::sync::LazyLock;

static WGS84: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

/// Geodesic area of one ring on the WGS84 ellipsoid (Karney), whatever its winding.
///
/// This is geographiclib's `PolygonArea` without the perimeter: each edge's `S12` comes from
/// the same exact inverse problem, asked for the area only (the distance is most of the
/// remaining cost), and prime-meridian crossings are counted as `PolygonArea` counts them.
#[must_use]
pub fn ring_area_m2(ring: &LineString<f64>) -> f64 {
    use geographiclib_rs::capability::{AREA, LATITUDE, LONGITUDE};
    // The closing position repeats the first; the ring is closed here.
    let n = ring.0.len().saturating_sub(usize::from(ring.is_closed()));
    let points = &ring.0[..n];
    if points.len() < 3 {
        return 0.0;
    }
    let mut sum = 0.0;
    let mut crossings = 0_i64;
    for (i, a) in points.iter().enumerate() {
        let b = points[(i + 1) % points.len()];
        let out = WGS84._gen_inverse(a.y, a.x, b.y, b.x, LATITUDE | LONGITUDE | AREA);
        sum += out.9;
        crossings += transit(a.x, b.x);
    }
    let whole = WGS84.area();
    let mut area = sum % whole;
    if crossings % 2 != 0 {
        area += if area < 0.0 {
            whole / 2.0
        } else {
            -whole / 2.0
        };
    }
    if area > whole / 2.0 {
        area -= whole;
    } else if area <= -whole / 2.0 {
        area += whole;
    }
    area.abs()
}

/// A longitude in [-180°, 180°] (180° rather than -180°), as geographiclib's `AngNormalize`.
#[expect(
    clippy::float_cmp,
    reason = "exactly -180° is the one value mapped to 180°"
)]
fn normalize_lon(x: f64) -> f64 {
    let y = x - 360.0 * (x / 360.0).round();
    let y = if y < -180.0 {
        y + 360.0
    } else if y > 180.0 {
        y - 360.0
    } else {
        y
    };
    if y == -180.0 { 180.0 } else { y }
}

/// 1 or -1 when the edge crosses the prime meridian eastward or westward, as
/// geographiclib's `PolygonArea::transit`.
fn transit(lon1: f64, lon2: f64) -> i64 {
    let delta = normalize_lon(lon2 - lon1);
    let (lon1, lon2) = (normalize_lon(lon1), normalize_lon(lon2));
    if delta > 0.0 && ((lon1 < 0.0 && lon2 >= 0.0) || (lon1 > 0.0 && lon2 == 0.0)) {
        1
    } else if delta < 0.0 && lon1 >= 0.0 && lon2 < 0.0 {
        -1
    } else {
        0
    }
}

/// Geodesic length in metres of a path of lon/lat points on WGS84 (Karney), segment by segment.
#[must_use]
pub fn geodesic_length_m(points: &[[f64; 2]]) -> f64 {
    use geographiclib_rs::InverseGeodesic as _;
    points
        .windows(2)
        .map(|w| {
            let s12: f64 = WGS84.inverse(w[0][1], w[0][0], w[1][1], w[1][0]);
            s12
        })
        .sum()
}

/// Geodesic area in m² of the polygon whose corners are `points` (lon/lat, closed
/// implicitly), whatever its winding; 0 for fewer than three points.
#[must_use]
pub fn geodesic_polygon_area_m2(points: &[[f64; 2]]) -> f64 {
    if points.len() < 3 {
        return 0.0;
    }
    let mut area = PolygonArea::new(&WGS84, Winding::CounterClockwise);
    for p in points {
        area.add_point(p[1], p[0]);
    }
    let (_perimeter, signed, _count) = area.compute(true);
    signed.abs()
}

/// Geodesic area in m²: for each polygon |exterior| minus its holes, parts added up.
///
/// Winding is ignored (an area is never negative and a hole is always subtracted). Invalid
/// polygons are measured as they are, as GDAL and pyproj do.
#[must_use]
pub fn geodesic_area_m2(geometry: &MultiPolygon<f64>) -> f64 {
    geometry
        .0
        .iter()
        .map(|polygon| {
            ring_area_m2(polygon.exterior())
                - polygon.interiors().iter().map(ring_area_m2).sum::<f64>()
        })
        .sum()
}

/// The area of a ring of plane coordinates (a Gauss-Krüger zone's metres), winding ignored,
/// closed or not. The shoelace sum runs around the ring's first point, so that coordinates of
/// 3.6e7 m (an easting with its zone number) lose no precision.
///
/// ```
/// let square = [[36_500_000.0, 3_700_000.0], [36_500_010.0, 3_700_000.0], [36_500_010.0, 3_700_010.0], [36_500_000.0, 3_700_010.0]];
/// assert_eq!(parkland::geometry::plane_ring_area(&square), 100.0);
/// ```
#[must_use]
pub fn plane_ring_area(ring: &[[f64; 2]]) -> f64 {
    let Some(&[x0, y0]) = ring.first() else {
        return 0.0;
    };
    let n = ring.len();
    let twice: f64 = (0..n)
        .map(|i| {
            let [xa, ya] = ring[i];
            let [xb, yb] = ring[(i + 1) % n];
            (xa - x0) * (yb - y0) - (xb - x0) * (ya - y0)
        })
        .sum();
    twice.abs() / 2.0
}

/// The plane area of polygons given as rings of plane coordinates: each exterior (the first
/// ring) less its holes.
#[must_use]
pub fn plane_polygons_area(polygons: &[Vec<Vec<[f64; 2]>>]) -> f64 {
    polygons
        .iter()
        .map(|rings| {
            let mut rings = rings.iter();
            let outer = rings.next().map_or(0.0, |r| plane_ring_area(r));
            outer - rings.map(|r| plane_ring_area(r)).sum::<f64>()
        })
        .sum()
}

/// The plane area of polygons given as their rings of plane coordinates, each with whether
/// it is an exterior (exteriors add, holes take away, winding ignored), and their centroid,
/// the mean position of that area. The sums run around the first position, so that eastings
/// with a zone number lose no precision.
///
/// ```
/// let square = [[36_500_000.0, 3_700_000.0], [36_500_010.0, 3_700_000.0], [36_500_010.0, 3_700_010.0], [36_500_000.0, 3_700_010.0]];
/// let hole = [[36_500_002.0, 3_700_002.0], [36_500_002.0, 3_700_004.0], [36_500_004.0, 3_700_004.0], [36_500_004.0, 3_700_002.0]];
/// let (area, centroid) = parkland::geometry::plane_area_and_centroid([(true, &square[..]), (false, &hole[..])]);
/// assert_eq!(area, 96.0);
/// let [x, y] = centroid.unwrap();
/// assert!((x - 36_500_005.083_333).abs() < 1e-5 && (y - 3_700_005.083_333).abs() < 1e-5);
/// ```
pub fn plane_area_and_centroid<'a, T: Copy + Into<[f64; 2]> + 'a>(
    rings: impl IntoIterator<Item = (bool, &'a [T])>,
) -> (f64, Option<[f64; 2]>) {
    let mut origin = None;
    let (mut area, mut mx, mut my) = (0.0, 0.0, 0.0);
    for (exterior, ring) in rings {
        let n = ring.len();
        let Some(&first) = ring.first() else { continue };
        let [x0, y0] = *origin.get_or_insert_with(|| first.into());
        let (mut a, mut x, mut y) = (0.0, 0.0, 0.0);
        for j in 0..n {
            let [xa, ya] = ring[j].into();
            let [xb, yb] = ring[(j + 1) % n].into();
            let (xa, ya, xb, yb) = (xa - x0, ya - y0, xb - x0, yb - y0);
            let cross = xa * yb - xb * ya;
            a += cross;
            x += (xa + xb) * cross;
            y += (ya + yb) * cross;
        }
        let sign = if exterior == (a >= 0.0) { 1.0 } else { -1.0 };
        area += sign * a / 2.0;
        mx += sign * x / 6.0;
        my += sign * y / 6.0;
    }
    let centroid = origin
        .filter(|_| area != 0.0)
        .map(|[x0, y0]| [x0 + mx / area, y0 + my / area]);
    (area, centroid)
}

/// The rings of polygons, each with whether it is an exterior, for
/// [`plane_area_and_centroid`].
pub fn rings_of(polygons: &MultiPolygon<f64>) -> impl Iterator<Item = (bool, &[geo::Coord<f64>])> {
    polygons.0.iter().flat_map(|p| {
        std::iter::once((true, p.exterior().0.as_slice()))
            .chain(p.interiors().iter().map(|r| (false, r.0.as_slice())))
    })
}

/// The rings of polygons as positions (the first of each polygon its exterior), for
/// [`plane_area_and_centroid`].
pub fn raw_rings(polygons: &[Vec<Vec<[f64; 2]>>]) -> impl Iterator<Item = (bool, &[[f64; 2]])> {
    polygons
        .iter()
        .flat_map(|p| p.iter().enumerate().map(|(i, r)| (i == 0, r.as_slice())))
}

/// The point scale factor of a Gauss-Krüger projection (transverse Mercator, scale 1 on the
/// central meridian `cm`) at (lon, lat) on the CGCS2000 ellipsoid, by the series of Snyder's
/// *Map Projections: A Working Manual* (8-11): its error is under 1e-12 within a 3° zone.
#[must_use]
pub fn gauss_kruger_scale(lon: f64, lat: f64, cm: f64) -> f64 {
    // CGCS2000 (GRS80-like): e² of the ellipsoid and e'² = e² / (1 − e²).
    const E2: f64 = 0.006_694_380_022_900_787;
    let phi = lat.to_radians();
    let (sin, cos) = phi.sin_cos();
    let t = (sin / cos).powi(2);
    let c = E2 / (1.0 - E2) * cos * cos;
    let a = (lon - cm).to_radians() * cos;
    let a2 = a * a;
    1.0 + (1.0 + c) * a2 / 2.0
        + (5.0 - 4.0 * t + 42.0 * c + 13.0 * c * c - 28.0 * E2 / (1.0 - E2)) * a2 * a2 / 24.0
        + (61.0 - 148.0 * t + 16.0 * t * t) * a2 * a2 * a2 / 720.0
}

/// The plane area of a parcel in the CGCS2000 3° Gauss-Krüger zone of its middle (its
/// official area in real-estate registration), from its ellipsoidal area: the projection is
/// conformal, so a small area is scaled by the point scale factor squared. Over a parcel of a
/// kilometre the factor varies by a few parts in a million, linearly, so taking it at the
/// middle of the parcel is exact to about 1e-8. `None` outside China's zones.
///
/// ```
/// # use geo::{polygon, MultiPolygon};
/// let square = MultiPolygon::new(vec![polygon![(x: 107.0, y: 33.0), (x: 107.001, y: 33.0), (x: 107.001, y: 33.001), (x: 107.0, y: 33.001)]]);
/// let area = parkland::geometry::geodesic_area_m2(&square);
/// let (zone, plane) = parkland::geometry::plane_area_m2(&square, area).unwrap();
/// assert_eq!(zone.label(), "EPSG:4524");
/// // 1° from the central meridian (108°E): the plane area is 0.021% larger.
/// assert!((plane / area - 1.000_215).abs() < 1e-6, "{}", plane / area);
/// ```
#[must_use]
pub fn plane_area_m2(
    geometry: &MultiPolygon<f64>,
    ellipsoidal_m2: f64,
) -> Option<(crate::crs::Crs, f64)> {
    // The scale factor's square varies almost linearly across a parcel, so its mean over the
    // area is its value at the centroid (taken in degrees: near enough, at this size).
    let [x, y] = plane_area_and_centroid(rings_of(geometry)).1?;
    let centre = geo::coord! { x: x, y: y };
    let zone = crate::crs::Crs::gauss_kruger_3deg_zone(centre.x)?;
    let crate::crs::Crs::GaussKruger {
        central_meridian_deg,
        ..
    } = zone
    else {
        return None;
    };
    let k = gauss_kruger_scale(centre.x, centre.y, central_meridian_deg);
    Some((zone, ellipsoidal_m2 * k * k))
}

/// The smallest rectangle holding both: the one bounds union of the core.
#[must_use]
pub fn union_rect(a: geo::Rect<f64>, b: geo::Rect<f64>) -> geo::Rect<f64> {
    geo::Rect::new(
        geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// geographiclib's own `PolygonArea`, the reference for [`ring_area_m2`].
    fn reference_area(ring: &LineString<f64>) -> f64 {
        let mut area = PolygonArea::new(&WGS84, Winding::CounterClockwise);
        let n = ring.0.len().saturating_sub(usize::from(ring.is_closed()));
        for c in ring.0.iter().take(n) {
            area.add_point(c.y, c.x);
        }
        area.compute(true).1.abs()
    }

    #[test]
    fn ring_area_agrees_with_geographiclib_polygon_area() {
        // Parcels near the park, rings across the prime meridian and the antimeridian, big
        // rings, both windings (a fixed LCG, so every run checks the same rings).
        let mut state: u64 = 42;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for case in 0..3000 {
            let (lon0, lat0, size) = match case % 4 {
                0 => (107.0 + next(), 33.0 + next(), 0.003),
                1 => (next() * 0.02 - 0.01, 51.5, 0.02),
                2 => (179.99 + next() * 0.02, -17.0, 0.02),
                _ => (next() * 300.0 - 150.0, next() * 120.0 - 60.0, 5.0),
            };
            let n = 3 + (next() * 10.0) as usize;
            let mut coords: Vec<(f64, f64)> = (0..n)
                .map(|k| {
                    let angle = k as f64 / n as f64 * std::f64::consts::TAU;
                    let r = size * (0.5 + next());
                    (lon0 + r * angle.cos(), lat0 + r * angle.sin())
                })
                .collect();
            if next() < 0.5 {
                coords.reverse();
            }
            coords.push(coords[0]);
            let ring = LineString::from(coords);
            let (ours, reference) = (ring_area_m2(&ring), reference_area(&ring));
            assert!(
                (ours - reference).abs() <= 1e-9 * reference.max(1.0),
                "case {case}: {ours} vs {reference}"
            );
        }
    }

    #[test]
    fn measured_lengths_and_areas_match_the_ellipsoid() {
        // One degree of longitude along the equator: a · π / 180.
        let equator = geodesic_length_m(&[[0.0, 0.0], [1.0, 0.0]]);
        assert!((equator - 111_319.490_793).abs() < 1e-3, "{equator}");
        // A path is the sum of its segments.
        let path = [[107.0, 33.0], [107.01, 33.0], [107.01, 33.01]];
        let parts = geodesic_length_m(&path[..2]) + geodesic_length_m(&path[1..]);
        assert!((geodesic_length_m(&path) - parts).abs() < 1e-9);
        // The measured polygon equals the parcel-area routine on the same ring.
        let square = [
            [107.0, 33.0],
            [107.01, 33.0],
            [107.01, 33.01],
            [107.0, 33.01],
        ];
        let ring = LineString::from(square.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>());
        assert!((geodesic_polygon_area_m2(&square) - ring_area_m2(&ring)).abs() < 1e-6);
        assert!(geodesic_polygon_area_m2(&square[..2]).abs() < f64::EPSILON);
    }
    use geo::{Polygon, polygon};

    fn multi(p: Polygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![p])
    }

    #[test]
    fn one_degree_cell_at_the_equator_is_the_wgs84_reference() {
        let ccw = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        let mut cw = ccw.clone();
        cw.exterior_mut(|r| r.0.reverse());
        for p in [ccw, cw] {
            let area = geodesic_area_m2(&multi(p));
            assert!((area - 12_308_778_361.469).abs() < 0.5, "{area}");
        }
    }

    #[test]
    fn holes_are_subtracted_whatever_their_winding() {
        let shell = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)];
        let hole = [
            (0.25, 0.25),
            (0.75, 0.25),
            (0.75, 0.75),
            (0.25, 0.75),
            (0.25, 0.25),
        ];
        let hole_area = ring_area_m2(&LineString::from(hole.to_vec()));
        for reverse in [false, true] {
            let mut h = hole.to_vec();
            if reverse {
                h.reverse();
            }
            let p = Polygon::new(LineString::from(shell.to_vec()), vec![LineString::from(h)]);
            let area = geodesic_area_m2(&multi(p));
            assert!(
                (area - (12_308_778_361.469 - hole_area)).abs() < 0.5,
                "{area}"
            );
        }
    }

    #[test]
    fn bowtie_is_flagged_invalid() {
        let bowtie =
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)];
        let problem = validity_problem(&multi(bowtie));
        assert!(
            problem.is_some_and(|p| p.contains("intersect")),
            "bowtie must be invalid"
        );
        let square =
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        assert_eq!(validity_problem(&multi(square)), None);
    }
}
