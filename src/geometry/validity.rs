//! OGC validity of polygons, with the same rules and messages as geo's `Validation`, but with
//! the ring self-intersection test done through an R-tree of segments: geo compares every
//! segment with every other, which takes 15 s on one real 16,000-vertex land-use polygon.
//!
//! ```
//! use geo::{MultiPolygon, polygon};
//! use parkland::geometry::validity_problem;
//! let bowtie = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)];
//! let problem = validity_problem(&MultiPolygon::new(vec![bowtie]));
//! assert_eq!(problem.as_deref(), Some("exterior ring has a self-intersection"));
//! ```

use geo::coordinate_position::{CoordPos, coord_pos_relative_to_ring};
use geo::dimensions::Dimensions;
use geo::{
    BoundingRect, Intersects, Line, LineString, MultiPolygon, Polygon, PreparedGeometry, Rect,
    Relate,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// Rings with fewer segments are checked pairwise; an R-tree does not pay off below this.
const PAIRWISE_LIMIT: usize = 64;

/// The first validity problem of a geometry, in words, or `None` when it is valid.
#[must_use]
pub fn validity_problem(geometry: &MultiPolygon<f64>) -> Option<String> {
    let many = geometry.0.len() > 1;
    for (i, polygon) in geometry.0.iter().enumerate() {
        if let Some(problem) = polygon_problem(polygon) {
            return Some(if many {
                format!("part {i}: {problem}")
            } else {
                problem
            });
        }
    }
    let bounds: Vec<Option<Rect<f64>>> = if many {
        geometry
            .0
            .iter()
            .map(|p| p.exterior().bounding_rect())
            .collect()
    } else {
        Vec::new()
    };
    for (i, a) in geometry.0.iter().enumerate() {
        for (j, b) in geometry.0.iter().enumerate().skip(i + 1) {
            // Parts whose boxes are apart can neither overlap nor touch.
            if let (Some(Some(ba)), Some(Some(bb))) = (bounds.get(i), bounds.get(j))
                && !ba.intersects(bb)
            {
                continue;
            }
            let matrix = a.relate(b);
            if matrix.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Some(format!("parts {i} and {j} overlap"));
            }
            if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional
            {
                return Some(format!("parts {i} and {j} touch along a line"));
            }
        }
    }
    None
}

fn ring_name(index: usize) -> String {
    if index == 0 {
        "exterior ring".to_owned()
    } else {
        format!("hole {index}")
    }
}

fn polygon_problem(polygon: &Polygon<f64>) -> Option<String> {
    let rings = || std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (index, ring) in rings().enumerate() {
        if ring.0.is_empty() {
            continue;
        }
        if distinct_points(ring) < 3 {
            return Some(format!(
                "{} has fewer than 3 distinct points",
                ring_name(index)
            ));
        }
        if ring_self_intersects(ring) {
            return Some(format!("{} has a self-intersection", ring_name(index)));
        }
    }
    if polygon.interiors().iter().all(|r| r.0.is_empty()) {
        return None;
    }
    if holes_clearly_fine(polygon) {
        return None;
    }
    let exterior = Polygon::new(polygon.exterior().clone(), vec![]);
    let prepared_exterior = PreparedGeometry::from(&exterior);
    for (i, hole) in polygon.interiors().iter().enumerate() {
        if hole.0.is_empty() {
            continue;
        }
        let hole_polygon = Polygon::new(hole.clone(), vec![]);
        let prepared_hole = PreparedGeometry::from(&hole_polygon);
        let matrix = prepared_exterior.relate(&prepared_hole);
        if !matrix.is_contains() {
            return Some(format!(
                "{} is not inside the exterior ring",
                ring_name(i + 1)
            ));
        }
        if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            return Some(format!(
                "{} touches the exterior ring along a line",
                ring_name(i + 1)
            ));
        }
        for (j, other) in polygon.interiors().iter().enumerate().skip(i + 1) {
            if other.0.is_empty() {
                continue;
            }
            let matrix = prepared_hole.relate(&Polygon::new(other.clone(), vec![]));
            if matrix.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Some(format!(
                    "{} and {} overlap",
                    ring_name(i + 1),
                    ring_name(j + 1)
                ));
            }
            if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional
            {
                return Some(format!(
                    "{} and {} touch along a line",
                    ring_name(i + 1),
                    ring_name(j + 1)
                ));
            }
        }
    }
    None
}

/// Rings with fewer segments than this are compared pairwise in the quick hole check; beyond
/// it the full relate is cheaper than the pairs.
const QUICK_HOLE_LIMIT: usize = 256;

/// True when every hole is plainly fine: no segment of any ring (exterior or hole) meets a
/// segment of another ring, every hole has a vertex strictly inside the exterior, and no hole
/// has a vertex strictly inside another hole. Without any meeting of boundaries, that is
/// exactly "each hole inside the exterior, holes apart", so the full relate below is not
/// needed. `false` only means "look closer".
fn holes_clearly_fine(polygon: &Polygon<f64>) -> bool {
    let rings: Vec<&LineString<f64>> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .filter(|r| !r.0.is_empty())
        .collect();
    if rings.iter().map(|r| r.0.len()).sum::<usize>() > QUICK_HOLE_LIMIT {
        return false;
    }
    let boxes: Vec<Option<Rect<f64>>> = rings.iter().map(|r| r.bounding_rect()).collect();
    for (i, a) in rings.iter().enumerate() {
        for (j, b) in rings.iter().enumerate().skip(i + 1) {
            let (Some(Some(ba)), Some(Some(bb))) = (boxes.get(i), boxes.get(j)) else {
                return false;
            };
            if !ba.intersects(bb) {
                if i == 0 {
                    // A hole outside the exterior's box is outside the exterior.
                    return false;
                }
                continue;
            }
            if a.lines()
                .any(|la| b.lines().any(|lb| segments_meet(&la, &lb)))
            {
                return false;
            }
        }
    }
    let (exterior, holes) = rings.split_first().unzip();
    let holes = holes.unwrap_or_default();
    holes.iter().enumerate().all(|(i, hole)| {
        let vertex = hole.0[0];
        exterior.is_some_and(|e| coord_pos_relative_to_ring(vertex, e) == CoordPos::Inside)
            && holes.iter().enumerate().all(|(j, other)| {
                i == j || coord_pos_relative_to_ring(vertex, other) == CoordPos::Outside
            })
    })
}

/// Two segments share at least a point (boxes first, then geo's exact test).
fn segments_meet(a: &Line<f64>, b: &Line<f64>) -> bool {
    let apart = a.start.x.max(a.end.x) < b.start.x.min(b.end.x)
        || b.start.x.max(b.end.x) < a.start.x.min(a.end.x)
        || a.start.y.max(a.end.y) < b.start.y.min(b.end.y)
        || b.start.y.max(b.end.y) < a.start.y.min(a.end.y);
    !apart && a.intersects(b)
}

fn distinct_points(ring: &LineString<f64>) -> usize {
    let mut count = 0;
    let mut previous = None;
    for c in &ring.0 {
        if previous != Some(*c) {
            count += 1;
            previous = Some(*c);
        }
    }
    if ring.is_closed() && count > 1 {
        count - 1
    } else {
        count
    }
}

/// Two segments of a ring cross or overlap, other than neighbours sharing their common end.
fn segments_conflict(a: &Line<f64>, b: &Line<f64>) -> bool {
    // Neighbours first: every pair of them meets, and the exact test is the costly part.
    a.start != b.end && a.end != b.start && segments_meet(a, b)
}

/// True when any two segments of the ring meet other than at their shared ends (geo's rule).
#[must_use]
pub fn ring_self_intersects(ring: &LineString<f64>) -> bool {
    if ring.0.len() <= PAIRWISE_LIMIT + 1 {
        // Segments by index: `lines().skip(i)` walked every earlier segment again.
        let segment = |i: usize| Line::new(ring.0[i], ring.0[i + 1]);
        let segments = ring.0.len().saturating_sub(1);
        return (0..segments).any(|i| {
            let a = segment(i);
            (i + 1..segments).any(|j| segments_conflict(&a, &segment(j)))
        });
    }
    let lines: Vec<Line<f64>> = ring.lines().collect();
    let envelope = |l: &Line<f64>| {
        (
            [l.start.x.min(l.end.x), l.start.y.min(l.end.y)],
            [l.start.x.max(l.end.x), l.start.y.max(l.end.y)],
        )
    };
    let tree = RTree::bulk_load(
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let (min, max) = envelope(l);
                GeomWithData::new(Rectangle::from_corners(min, max), i)
            })
            .collect(),
    );
    lines.iter().enumerate().any(|(i, a)| {
        let (min, max) = envelope(a);
        tree.locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .filter(|candidate| candidate.data > i)
            .any(|candidate| {
                lines
                    .get(candidate.data)
                    .is_some_and(|b| segments_conflict(a, b))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Validation as _;

    /// A star-shaped ring of `n` points around the origin (simple), optionally with two
    /// points swapped (which makes it cross itself).
    fn star(n: usize, kink: bool) -> LineString<f64> {
        let mut points: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let angle = i as f64 / n as f64 * std::f64::consts::TAU;
                let radius = if i % 2 == 0 { 10.0 } else { 7.0 };
                (radius * angle.cos(), radius * angle.sin())
            })
            .collect();
        if kink {
            points.swap(n / 3, n / 3 + 2);
        }
        LineString::from(points)
    }

    #[test]
    fn agrees_with_geo_on_small_and_large_rings() {
        for n in [8, 30, 200, 1000] {
            for kink in [false, true] {
                let mut ring = star(n, kink);
                ring.close();
                let polygon = Polygon::new(ring.clone(), vec![]);
                assert_eq!(ring_self_intersects(&ring), kink, "n={n} kink={kink}");
                assert_eq!(
                    validity_problem(&MultiPolygon::new(vec![polygon.clone()])).is_none(),
                    polygon.is_valid(),
                    "n={n} kink={kink}"
                );
            }
        }
    }

    #[test]
    fn holes_and_parts_are_checked() {
        let shell = LineString::from(vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        let inside = LineString::from(vec![
            (2.0, 2.0),
            (4.0, 2.0),
            (4.0, 4.0),
            (2.0, 4.0),
            (2.0, 2.0),
        ]);
        let outside = LineString::from(vec![(20.0, 2.0), (24.0, 2.0), (24.0, 4.0), (20.0, 2.0)]);
        let good = Polygon::new(shell.clone(), vec![inside.clone()]);
        assert_eq!(
            validity_problem(&MultiPolygon::new(vec![good.clone()])),
            None
        );
        let bad = Polygon::new(shell.clone(), vec![outside]);
        assert_eq!(
            validity_problem(&MultiPolygon::new(vec![bad])).as_deref(),
            Some("hole 1 is not inside the exterior ring")
        );
        let overlapping = MultiPolygon::new(vec![good.clone(), Polygon::new(shell, vec![])]);
        assert_eq!(
            validity_problem(&overlapping).as_deref(),
            Some("parts 0 and 1 overlap")
        );
    }

    /// A rectangle on a small integer grid, so that random ones often touch, cross or nest.
    fn rect(seed: &mut u64, scale: f64) -> LineString<f64> {
        let mut next = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            (*seed % 7) as f64 * scale
        };
        let (x, y) = (next(), next());
        let (w, h) = (next() + scale, next() + scale);
        LineString::from(vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)])
    }

    #[test]
    fn the_quick_checks_for_holes_and_parts_agree_with_geo() {
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let (mut valid, mut invalid) = (0, 0);
        for _ in 0..3000 {
            let shell = LineString::from(vec![
                (0.0, 0.0),
                (16.0, 0.0),
                (16.0, 16.0),
                (0.0, 16.0),
                (0.0, 0.0),
            ]);
            let holes: Vec<LineString<f64>> =
                (0..=(seed % 3)).map(|_| rect(&mut seed, 1.0)).collect();
            let with_holes = MultiPolygon::new(vec![Polygon::new(shell, holes)]);
            let parts = MultiPolygon::new(
                (0..seed % 3 + 2)
                    .map(|_| Polygon::new(rect(&mut seed, 2.0), vec![]))
                    .collect(),
            );
            for geometry in [with_holes, parts] {
                let ours = validity_problem(&geometry);
                assert_eq!(
                    ours.is_none(),
                    geometry.is_valid(),
                    "{geometry:?}: {ours:?}"
                );
                if ours.is_none() {
                    valid += 1;
                } else {
                    invalid += 1;
                }
            }
        }
        // Both answers are common, so both paths were taken.
        assert!(
            valid > 1000 && invalid > 1000,
            "{valid} valid, {invalid} invalid"
        );
    }
}
