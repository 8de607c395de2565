//! Topology checks (检查) of a park's parcels: what a land office must clean up before its
//! figures can be trusted.
//!
//! - **重叠** parcels overlapping each other by more than [`MIN_OVERLAP_M2`], with the area;
//! - **越界** parcels crossing their district's boundary (the district holding most of the
//!   parcel; the area outside it, in a neighbouring district or in none) and **区外** parcels
//!   outside every district;
//! - **重号** parcel numbers used more than once; **重复图形** identical geometries;
//! - **碎片** slivers: parcels whose mean width (2 × area ÷ perimeter) is under
//!   [`SLIVER_WIDTH_M`].
//!
//! Candidate pairs come from an R-tree of the parcels' boxes; a pair is measured (the area of
//! the intersection, by `geo`'s boolean operations, in metres on a local plane) only when the
//! interiors can meet: a vertex of one strictly inside the other, a proper crossing of edges,
//! or one's interior point inside the other. Neighbours that share an edge are never measured.
//! Every parcel is checked on all cores.

use crate::model::{District, Park};
use geo::{
    Area, BooleanOps, BoundingRect, Coord, CoordinatePosition, InteriorPoint, LineString,
    MultiPolygon, Polygon, coordinate_position::CoordPos,
};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// Overlaps smaller than this are survey noise, not a finding (m²).
pub const MIN_OVERLAP_M2: f64 = 1.0;
/// A parcel narrower than this on average is a sliver (m).
pub const SLIVER_WIDTH_M: f64 = 2.0;
/// Area outside the districts smaller than this is noise (m²).
pub const MIN_OUTSIDE_M2: f64 = 1.0;

/// Two parcels overlapping.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    pub a: String,
    pub b: String,
    /// Indices in the park's parcels, for zooming to them.
    #[serde(skip)]
    pub parcels: [usize; 2],
    pub area_m2: f64,
}

/// A parcel crossing its district's boundary, or outside every district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutsideDistrict {
    pub parcel_no: String,
    #[serde(skip)]
    pub parcel: usize,
    /// The district holding most of it; `None` when it lies outside every district.
    pub district: Option<String>,
    pub area_outside_m2: f64,
}

/// A parcel number given to more than one parcel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicateNumber {
    pub parcel_no: String,
    #[serde(skip)]
    pub parcels: Vec<usize>,
    pub count: usize,
}

/// Parcels with the same geometry (the same vertices, whatever the start and winding).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdenticalGeometry {
    pub parcel_nos: Vec<String>,
    #[serde(skip)]
    pub parcels: Vec<usize>,
}

/// A very thin parcel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sliver {
    pub parcel_no: String,
    #[serde(skip)]
    pub parcel: usize,
    pub mean_width_m: f64,
    pub area_m2: f64,
}

/// Everything the checks found, each list in parcel order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TopologyReport {
    pub parcels: usize,
    pub overlaps: Vec<Overlap>,
    pub outside_districts: Vec<OutsideDistrict>,
    pub duplicate_numbers: Vec<DuplicateNumber>,
    pub identical_geometries: Vec<IdenticalGeometry>,
    pub slivers: Vec<Sliver>,
}

impl TopologyReport {
    /// Findings of every kind.
    #[must_use]
    pub fn problem_count(&self) -> usize {
        self.overlaps.len()
            + self.outside_districts.len()
            + self.duplicate_numbers.len()
            + self.identical_geometries.len()
            + self.slivers.len()
    }
}

/// A local plane in metres around a point: accurate to about 1e-5 over a few kilometres,
/// which is what a parcel and its neighbours span.
#[derive(Debug, Clone, Copy)]
struct LocalPlane {
    lon0: f64,
    lat0: f64,
    /// Metres per degree of longitude and of latitude at `lat0` (CGCS2000/WGS84 ellipsoid).
    mx: f64,
    my: f64,
}

impl LocalPlane {
    fn at(lon0: f64, lat0: f64) -> Self {
        const A: f64 = 6_378_137.0;
        const E2: f64 = 0.006_694_380_022_900_787;
        let phi = lat0.to_radians();
        let w = (1.0 - E2 * phi.sin().powi(2)).sqrt();
        let n = A / w;
        let m = A * (1.0 - E2) / (w * w * w);
        Self {
            lon0,
            lat0,
            mx: n * phi.cos() * std::f64::consts::PI / 180.0,
            my: m * std::f64::consts::PI / 180.0,
        }
    }

    fn project(&self, geometry: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        let ring = |line: &LineString<f64>| {
            LineString::from(
                line.0
                    .iter()
                    .map(|c| Coord {
                        x: (c.x - self.lon0) * self.mx,
                        y: (c.y - self.lat0) * self.my,
                    })
                    .collect::<Vec<_>>(),
            )
        };
        MultiPolygon::new(
            geometry
                .0
                .iter()
                .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
                .collect(),
        )
    }
}

fn plane_for(geometry: &MultiPolygon<f64>) -> Option<LocalPlane> {
    let first = geometry.0.first()?.exterior().0.first()?;
    Some(LocalPlane::at(first.x, first.y))
}

/// Runs every check on the park's parcels (against its districts).
#[must_use]
pub fn check(park: &Park) -> TopologyReport {
    let parcels = &park.parcels;
    let shapes: Vec<&MultiPolygon<f64>> = parcels.iter().map(|p| &p.geometry).collect();
    let index = crate::spatial::ShapeIndex::from_shapes(&shapes);
    let identical = identical_geometries(park);
    let identical_pairs: std::collections::HashSet<(usize, usize)> = identical
        .iter()
        .flat_map(|group| {
            group.parcels.iter().flat_map(|&a| {
                group
                    .parcels
                    .iter()
                    .filter(move |&&b| a < b)
                    .map(move |&b| (a, b))
            })
        })
        .collect();

    let per_parcel: Vec<(Vec<Overlap>, Option<OutsideDistrict>, Option<Sliver>)> = (0..parcels
        .len())
        .into_par_iter()
        .map(|i| {
            let parcel = &parcels[i];
            let Some(rect) = parcel.geometry.bounding_rect() else {
                return (Vec::new(), None, None);
            };
            let mut overlaps = Vec::new();
            for j in index.in_rect([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]) {
                // Each pair once; identical pairs are reported as identical, not as overlaps.
                if j <= i || identical_pairs.contains(&(i, j)) {
                    continue;
                }
                let other = &parcels[j];
                if let Some(area_m2) = overlap_area_m2(&parcel.geometry, &other.geometry)
                    && area_m2 > MIN_OVERLAP_M2
                {
                    overlaps.push(Overlap {
                        a: parcel.parcel_no.clone(),
                        b: other.parcel_no.clone(),
                        parcels: [i, j],
                        area_m2,
                    });
                }
            }
            let outside = outside_districts(i, park);
            let sliver = sliver(i, park);
            (overlaps, outside, sliver)
        })
        .collect();

    let mut report = TopologyReport {
        parcels: parcels.len(),
        identical_geometries: identical,
        duplicate_numbers: duplicate_numbers(park),
        ..TopologyReport::default()
    };
    for (overlaps, outside, sliver) in per_parcel {
        report.overlaps.extend(overlaps);
        report.outside_districts.extend(outside);
        report.slivers.extend(sliver);
    }
    report
}

/// The area two parcels' interiors share (m²), or `None` when their interiors cannot meet.
fn overlap_area_m2(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> Option<f64> {
    if !interiors_may_meet(a, b) {
        return None;
    }
    let plane = plane_for(a)?;
    let (a, b) = (plane.project(a), plane.project(b));
    Some(a.intersection(&b).unsigned_area())
}

/// Whether two polygons' interiors can overlap: a vertex of one strictly inside the other, an
/// interior point of one inside the other, or two edges crossing properly. Polygons that only
/// touch (neighbours sharing an edge or a corner) give false.
fn interiors_may_meet(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
    let strictly_inside = |points: &MultiPolygon<f64>, area: &MultiPolygon<f64>| {
        points
            .0
            .iter()
            .flat_map(|p| p.exterior().0.iter())
            .any(|c| area.coordinate_position(c) == CoordPos::Inside)
    };
    if strictly_inside(a, b) || strictly_inside(b, a) {
        return true;
    }
    let interior_in = |of: &MultiPolygon<f64>, area: &MultiPolygon<f64>| {
        of.interior_point()
            .is_some_and(|p| area.coordinate_position(&p.0) == CoordPos::Inside)
    };
    if interior_in(a, b) || interior_in(b, a) {
        return true;
    }
    let (ea, eb) = (edges(a), edges(b));
    ea.iter().any(|x| eb.iter().any(|y| cross_properly(*x, *y)))
}

/// Every edge of every ring.
fn edges(m: &MultiPolygon<f64>) -> Vec<geo::Line<f64>> {
    m.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(LineString::lines)
        .collect()
}

/// Two edges crossing at a point inside both (not at an end, not along a shared stretch).
fn cross_properly(a: geo::Line<f64>, b: geo::Line<f64>) -> bool {
    use geo::algorithm::line_intersection::{LineIntersection, line_intersection};
    matches!(
        line_intersection(a, b),
        Some(LineIntersection::SinglePoint {
            is_proper: true,
            ..
        })
    )
}

/// The parcel's area outside its district (or outside every district), when it is more than
/// noise.
fn outside_districts(i: usize, park: &Park) -> Option<OutsideDistrict> {
    let parcel = &park.parcels[i];
    if park.districts.is_empty() {
        return None;
    }
    let rect = parcel.geometry.bounding_rect()?;
    let near: Vec<&District> = park
        .districts
        .iter()
        .filter(|d| {
            d.geometry.bounding_rect().is_some_and(|r| {
                r.min().x <= rect.max().x
                    && rect.min().x <= r.max().x
                    && r.min().y <= rect.max().y
                    && rect.min().y <= r.max().y
            })
        })
        .collect();
    // Wholly inside one district: every vertex inside or on it, no edge crossing out of it.
    let inside = |d: &District| {
        parcel
            .geometry
            .0
            .iter()
            .flat_map(|p| p.exterior().0.iter())
            .all(|c| d.geometry.coordinate_position(c) != CoordPos::Outside)
            && !edges_cross(&parcel.geometry, &d.geometry)
    };
    if near.iter().any(|d| inside(d)) {
        return None;
    }
    let plane = plane_for(&parcel.geometry)?;
    let shape = plane.project(&parcel.geometry);
    let total = shape.unsigned_area();
    // Its district is the one holding most of it; what lies outside that one is outside.
    let mut best: Option<(&District, f64)> = None;
    for district in near {
        let shared = shape
            .intersection(&plane.project(&district.geometry))
            .unsigned_area();
        if best.is_none_or(|(_, b)| shared > b) && shared > 0.0 {
            best = Some((district, shared));
        }
    }
    let area_outside_m2 = (total - best.map_or(0.0, |(_, shared)| shared)).max(0.0);
    (area_outside_m2 > MIN_OUTSIDE_M2).then(|| OutsideDistrict {
        parcel_no: parcel.parcel_no.clone(),
        parcel: i,
        district: best.map(|(d, _)| d.code.clone()),
        area_outside_m2,
    })
}

fn edges_cross(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
    let la = edges(a);
    let Some(rect) = a.bounding_rect() else {
        return false;
    };
    edges(b)
        .into_iter()
        .filter(|l| {
            l.start.x.max(l.end.x) >= rect.min().x
                && l.start.x.min(l.end.x) <= rect.max().x
                && l.start.y.max(l.end.y) >= rect.min().y
                && l.start.y.min(l.end.y) <= rect.max().y
        })
        .any(|y| la.iter().any(|x| cross_properly(*x, y)))
}

/// A parcel whose mean width (2 × area ÷ perimeter, in metres) is under the sliver width.
fn sliver(i: usize, park: &Park) -> Option<Sliver> {
    use geo::{Euclidean, Length};
    let parcel = &park.parcels[i];
    let plane = plane_for(&parcel.geometry)?;
    let shape = plane.project(&parcel.geometry);
    let perimeter: f64 = shape
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|ring| Euclidean.length(ring))
        .sum();
    if perimeter <= 0.0 {
        return None;
    }
    let area = shape.unsigned_area();
    let width = 2.0 * area / perimeter;
    (width < SLIVER_WIDTH_M).then(|| Sliver {
        parcel_no: parcel.parcel_no.clone(),
        parcel: i,
        mean_width_m: width,
        area_m2: parcel.area_m2,
    })
}

fn duplicate_numbers(park: &Park) -> Vec<DuplicateNumber> {
    let mut by_number: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, parcel) in park.parcels.iter().enumerate() {
        by_number
            .entry(parcel.parcel_no.as_str())
            .or_default()
            .push(i);
    }
    let mut duplicates: Vec<DuplicateNumber> = by_number
        .into_iter()
        .filter(|(_, parcels)| parcels.len() > 1)
        .map(|(number, parcels)| DuplicateNumber {
            parcel_no: number.to_owned(),
            count: parcels.len(),
            parcels,
        })
        .collect();
    duplicates.sort_by_key(|d| d.parcels[0]);
    duplicates
}

/// Groups of parcels with the same vertices (to about a millimetre), whatever the ring's start
/// and winding.
fn identical_geometries(park: &Park) -> Vec<IdenticalGeometry> {
    let key = |geometry: &MultiPolygon<f64>| -> Vec<(i64, i64)> {
        let mut vertices: Vec<(i64, i64)> = geometry
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|ring| ring.0.iter())
            .map(|c| ((c.x * 1e8).round() as i64, (c.y * 1e8).round() as i64))
            .collect();
        vertices.sort_unstable();
        vertices.dedup();
        vertices
    };
    let keys: Vec<Vec<(i64, i64)>> = park.parcels.par_iter().map(|p| key(&p.geometry)).collect();
    let mut groups: HashMap<&[(i64, i64)], Vec<usize>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        if !k.is_empty() {
            groups.entry(k.as_slice()).or_default().push(i);
        }
    }
    let mut identical: Vec<IdenticalGeometry> = groups
        .into_values()
        .filter(|parcels| parcels.len() > 1)
        .map(|parcels| IdenticalGeometry {
            parcel_nos: parcels
                .iter()
                .map(|&i| park.parcels[i].parcel_no.clone())
                .collect(),
            parcels,
        })
        .collect();
    identical.sort_by_key(|g| g.parcels[0]);
    identical
}

#[cfg(test)]
mod tests {
    use super::*;

    use geo::Translate;

    /// A rectangle in lon/lat of `w` × `h` metres with its south-west corner at (lon, lat).
    fn rectangle(lon: f64, lat: f64, w: f64, h: f64) -> MultiPolygon<f64> {
        let plane = LocalPlane::at(lon, lat);
        let (dx, dy) = (w / plane.mx, h / plane.my);
        MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![
                (lon, lat),
                (lon + dx, lat),
                (lon + dx, lat + dy),
                (lon, lat + dy),
                (lon, lat),
            ]),
            vec![],
        )])
    }

    fn parcel(no: &str, geometry: MultiPolygon<f64>) -> crate::model::Parcel {
        let mut parcel = crate::sample::sample_park().expect("sample").parcels[0].clone();
        parcel.parcel_no = no.to_owned();
        parcel.areas =
            crate::model::Areas::measure(&geometry, crate::geometry::geodesic_area_m2(&geometry));
        parcel.area_m2 = parcel.areas.on(crate::model::AreaBasis::Plane);
        parcel.geometry = geometry;
        parcel
    }

    #[test]
    fn the_sample_park_is_clean() {
        let park = crate::sample::sample_park().expect("sample");
        let report = check(&park);
        assert_eq!(report.parcels, park.parcels.len());
        assert_eq!(report.problem_count(), 0, "{report:#?}");
    }

    /// Every kind of finding, planted in the sample park, is found once, with its numbers.
    #[test]
    fn planted_problems_are_each_found_with_their_areas() {
        let mut park = crate::sample::sample_park().expect("sample");
        let first = park.parcels[0].geometry.clone();
        let corner = first.0[0].exterior().0[0];
        // A copy of the first parcel under another number: identical, not an overlap.
        park.parcels.push(parcel("COPY-1", first.clone()));
        // The second parcel's twin moved 10 m east: an overlap of (width − 10 m) × height.
        let second = &park.parcels[1].geometry;
        let plane = LocalPlane::at(corner.x, corner.y);
        park.parcels
            .push(parcel("SHIFT-1", second.translate(10.0 / plane.mx, 0.0)));
        // A number used twice.
        let twin = park.parcels[2].parcel_no.clone();
        park.parcels[3].parcel_no = twin.clone();
        // A 100 m × 1 m strip well inside the park's first district, apart from every parcel.
        let district = park.districts[0]
            .geometry
            .interior_point()
            .expect("a point");
        let strip = rectangle(district.x(), district.y(), 100.0, 1.0);
        park.parcels.push(parcel("STRIP-1", strip));
        // A parcel far from every district.
        park.parcels
            .push(parcel("FAR-1", rectangle(100.0, 20.0, 50.0, 40.0)));
        // A 40 m square on a corner of the first district's boundary: partly outside it.
        let vertex = park.districts[0].geometry.0[0].exterior().0[0];
        let at = LocalPlane::at(vertex.x, vertex.y);
        let square = rectangle(vertex.x - 20.0 / at.mx, vertex.y - 20.0 / at.my, 40.0, 40.0);
        park.parcels.push(parcel("EDGE-1", square));

        let report = check(&park);
        assert_eq!(
            report.identical_geometries.len(),
            1,
            "{:?}",
            report.identical_geometries
        );
        assert_eq!(
            report.identical_geometries[0].parcel_nos,
            vec![park.parcels[0].parcel_no.clone(), "COPY-1".to_owned()]
        );
        assert_eq!(report.duplicate_numbers.len(), 1);
        assert_eq!(report.duplicate_numbers[0].parcel_no, twin);
        // The moved twin overlaps its original (and, moved east, its eastern neighbour).
        let original = park.parcels[1].parcel_no.clone();
        let shifted: Vec<&Overlap> = report
            .overlaps
            .iter()
            .filter(|o| o.a == original && o.b == "SHIFT-1")
            .collect();
        assert_eq!(shifted.len(), 1, "{:?}", report.overlaps);
        let expected = {
            let projected = plane.project(&park.parcels[1].geometry);
            let moved = plane.project(&park.parcels[1].geometry.translate(10.0 / plane.mx, 0.0));
            projected.intersection(&moved).unsigned_area()
        };
        // Measured on a plane around another point: the same to 1e-5.
        assert!(
            (shifted[0].area_m2 - expected).abs() < 1e-5 * expected,
            "{} {expected}",
            shifted[0].area_m2
        );
        assert!(expected > 100.0);
        let strip: Vec<&Sliver> = report.slivers.iter().collect();
        assert_eq!(strip.len(), 1, "{strip:?}");
        assert_eq!(strip[0].parcel_no, "STRIP-1");
        assert!((strip[0].mean_width_m - 2.0 * 100.0 / 202.0).abs() < 0.01);
        let far: Vec<&OutsideDistrict> = report
            .outside_districts
            .iter()
            .filter(|o| o.parcel_no == "FAR-1")
            .collect();
        assert_eq!(far.len(), 1, "{:?}", report.outside_districts);
        assert_eq!(far[0].district, None);
        let edge: Vec<&OutsideDistrict> = report
            .outside_districts
            .iter()
            .filter(|o| o.parcel_no == "EDGE-1")
            .collect();
        assert_eq!(edge.len(), 1, "{:?}", report.outside_districts);
        assert!(edge[0].district.is_some());
        assert!(
            edge[0].area_outside_m2 > 100.0 && edge[0].area_outside_m2 < 1500.0,
            "{}",
            edge[0].area_outside_m2
        );
        assert!(
            (far[0].area_outside_m2 - 2000.0).abs() < 0.5,
            "{}",
            far[0].area_outside_m2
        );
    }
}
