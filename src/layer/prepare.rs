//! What the map needs, prepared once per load and never per frame: every shape projected to
//! Web Mercator and triangulated into f32 metres around a local origin (so pan and zoom are a
//! transform of the camera, never a re-tessellation), the rings for outlines, and an R-tree
//! of the shapes' lon/lat envelopes for hit testing and culling.
//!
//! Nothing here knows about a screen: the window uploads the buffers to the GPU once, and the
//! benchmarks time the same code.

use crate::crs::web_mercator;
use crate::layer::progress::{Progress, Stage};
use crate::spatial::ShapeIndex;
use geo::{BoundingRect, MultiPolygon};
use rayon::prelude::*;

/// Triangulated shapes in local coordinates: x east and y north, in metres from `origin`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tessellation {
    /// Vertex positions; each ring's vertices in order, without the closing repeat.
    pub positions: Vec<[f32; 2]>,
    /// Triangle list indices into `positions`.
    pub triangles: Vec<u32>,
    /// Each ring as (first vertex, vertex count).
    pub rings: Vec<[u32; 2]>,
    /// Shape `i` owns `triangles[tri_starts[i]..tri_starts[i + 1]]`.
    pub tri_starts: Vec<u32>,
    /// Shape `i` owns `rings[ring_starts[i]..ring_starts[i + 1]]`.
    pub ring_starts: Vec<u32>,
}

impl Tessellation {
    /// Number of shapes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tri_starts.len().saturating_sub(1)
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The triangle indices of shape `i`.
    #[must_use]
    pub fn shape_triangles(&self, i: usize) -> &[u32] {
        match (self.tri_starts.get(i), self.tri_starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.triangles[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The rings of shape `i`, each as its vertex positions.
    pub fn shape_rings(&self, i: usize) -> impl Iterator<Item = &[[f32; 2]]> + '_ {
        let range = match (self.ring_starts.get(i), self.ring_starts.get(i + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        self.rings[range]
            .iter()
            .map(|&[start, len]| &self.positions[start as usize..(start + len) as usize])
    }

    /// The index of shape `i`'s first vertex and one past its last.
    #[must_use]
    pub fn vertex_range(&self, i: usize) -> std::ops::Range<usize> {
        let range = match (self.ring_starts.get(i), self.ring_starts.get(i + 1)) {
            (Some(&a), Some(&b)) if b > a => a as usize..b as usize,
            _ => return 0..0,
        };
        let first = self.rings[range.start][0] as usize;
        let [start, len] = self.rings[range.end - 1];
        first..(start + len) as usize
    }

    /// Triangulates lon/lat shapes, projected to Web Mercator around `origin` (world metres),
    /// on all cores.
    #[must_use]
    pub fn build(shapes: &[&MultiPolygon<f64>], origin: [f64; 2], progress: &Progress) -> Self {
        Self::build_in_chunks(shapes, origin, progress, 2048)
    }

    fn build_in_chunks(
        shapes: &[&MultiPolygon<f64>],
        origin: [f64; 2],
        progress: &Progress,
        chunk: usize,
    ) -> Self {
        let parts: Vec<Self> = shapes
            .par_chunks(chunk.max(1))
            .map(|chunk| {
                let mut part = Self::default();
                let mut earcut = earcut::Earcut::new();
                let mut scratch = Scratch::default();
                for shape in chunk {
                    part.push_shape(shape, origin, &mut earcut, &mut scratch);
                }
                part.tri_starts.push(part.triangles.len() as u32);
                part.ring_starts.push(part.rings.len() as u32);
                progress.advance(chunk.len());
                part
            })
            .collect();
        Self::concat(&parts)
    }

    fn push_shape(
        &mut self,
        shape: &MultiPolygon<f64>,
        origin: [f64; 2],
        earcut: &mut earcut::Earcut<f64>,
        scratch: &mut Scratch,
    ) {
        self.tri_starts.push(self.triangles.len() as u32);
        self.ring_starts.push(self.rings.len() as u32);
        for polygon in &shape.0 {
            scratch.points.clear();
            scratch.holes.clear();
            let base = self.positions.len() as u32;
            for (r, ring) in std::iter::once(polygon.exterior())
                .chain(polygon.interiors())
                .enumerate()
            {
                let coords = ring.0.as_slice();
                // Drop the closing repeat of the first position.
                let coords = match coords {
                    [first, .., last] if first == last => &coords[..coords.len() - 1],
                    _ => coords,
                };
                if coords.len() < 3 {
                    continue;
                }
                if r > 0 {
                    scratch.holes.push(scratch.points.len() as u32);
                }
                let start = base + scratch.points.len() as u32;
                for c in coords {
                    let (x, y) = web_mercator::from_lon_lat(c.x, c.y);
                    scratch.points.push([x - origin[0], y - origin[1]]);
                }
                self.rings.push([start, coords.len() as u32]);
            }
            if scratch.points.is_empty() {
                continue;
            }
            // Most parcels are convex (72% of a generated park are rectangles): a fan is their
            // triangulation, without earcut's linked list.
            if !(scratch.holes.is_empty() && convex_fan(&scratch.points, &mut scratch.triangles)) {
                earcut.earcut(
                    scratch.points.iter().copied(),
                    &scratch.holes,
                    &mut scratch.triangles,
                );
            }
            self.positions
                .extend(scratch.points.iter().map(|&[x, y]| [x as f32, y as f32]));
            self.triangles
                .extend(scratch.triangles.iter().map(|&t| base + t));
        }
    }

    /// Joins chunks, each closed by its end offsets, into one.
    fn concat(parts: &[Self]) -> Self {
        // Where each part goes: its first vertex, triangle index, ring and shape.
        let mut starts = Vec::with_capacity(parts.len());
        let (mut vertices, mut indices, mut ring_count, mut shape_count) = (0, 0, 0, 0);
        for part in parts {
            starts.push((vertices as u32, indices as u32, ring_count as u32));
            vertices += part.positions.len();
            indices += part.triangles.len();
            ring_count += part.rings.len();
            // Each part ends with its closing offsets; all but those are kept.
            shape_count += part.tri_starts.len() - 1;
        }
        let mut out = Self {
            positions: vec![[0.0; 2]; vertices],
            triangles: vec![0; indices],
            rings: vec![[0; 2]; ring_count],
            tri_starts: vec![0; shape_count + 1],
            ring_starts: vec![0; shape_count + 1],
        };
        out.tri_starts[shape_count] = indices as u32;
        out.ring_starts[shape_count] = ring_count as u32;
        // Each part copied into its own slices of the whole on all cores: one after another,
        // the copying held one core for a quarter of a second of a million parcels' 2.6 s.
        let mut slices = Vec::with_capacity(parts.len());
        let mut positions = &mut out.positions[..];
        let mut triangles = &mut out.triangles[..];
        let mut rings = &mut out.rings[..];
        let mut tri_starts = &mut out.tri_starts[..shape_count];
        let mut ring_starts = &mut out.ring_starts[..shape_count];
        for part in parts {
            let shapes = part.tri_starts.len() - 1;
            let (pos, rest) = std::mem::take(&mut positions).split_at_mut(part.positions.len());
            positions = rest;
            let (tr, rest) = std::mem::take(&mut triangles).split_at_mut(part.triangles.len());
            triangles = rest;
            let (ri, rest) = std::mem::take(&mut rings).split_at_mut(part.rings.len());
            rings = rest;
            let (ts, rest) = std::mem::take(&mut tri_starts).split_at_mut(shapes);
            tri_starts = rest;
            let (rs, rest) = std::mem::take(&mut ring_starts).split_at_mut(shapes);
            ring_starts = rest;
            slices.push((pos, tr, ri, ts, rs));
        }
        slices
            .into_par_iter()
            .zip(parts.par_iter().zip(starts))
            .for_each(|((pos, tr, ri, ts, rs), (part, (v, t, r)))| {
                pos.copy_from_slice(&part.positions);
                for (o, &i) in tr.iter_mut().zip(&part.triangles) {
                    *o = i + v;
                }
                for (o, &[start, len]) in ri.iter_mut().zip(&part.rings) {
                    *o = [start + v, len];
                }
                for (o, &start) in ts.iter_mut().zip(&part.tri_starts) {
                    *o = start + t;
                }
                for (o, &start) in rs.iter_mut().zip(&part.ring_starts) {
                    *o = start + r;
                }
            });
        out
    }
}

/// Writes the fan triangulation of a ring (closing repeat dropped) into `triangles` when the
/// ring is convex: every turn the same way (collinear points allowed) and x and y each
/// change direction at most twice, which rules out rings that wind round more than once.
/// Returns false, writing nothing, otherwise.
fn convex_fan(points: &[[f64; 2]], triangles: &mut Vec<u32>) -> bool {
    let n = points.len();
    if n < 3 {
        return false;
    }
    let (mut left, mut right) = (false, false);
    let (mut x_flips, mut y_flips) = (0, 0);
    // Whether the last step that moved in x went east, and the last in y went north.
    let (mut eastward, mut northward): (Option<bool>, Option<bool>) = (None, None);
    for i in 0..n {
        let [ax, ay] = points[i];
        let [bx, by] = points[(i + 1) % n];
        let [cx, cy] = points[(i + 2) % n];
        let (dx, dy) = (bx - ax, by - ay);
        let cross = dx * (cy - by) - dy * (cx - bx);
        left |= cross > 0.0;
        right |= cross < 0.0;
        if dx != 0.0 {
            x_flips += usize::from(eastward.is_some_and(|e| e != (dx > 0.0)));
            eastward = Some(dx > 0.0);
        }
        if dy != 0.0 {
            y_flips += usize::from(northward.is_some_and(|n| n != (dy > 0.0)));
            northward = Some(dy > 0.0);
        }
    }
    if left == right || x_flips > 2 || y_flips > 2 {
        return false;
    }
    triangles.clear();
    for i in 1..n as u32 - 1 {
        triangles.extend_from_slice(&[0, i, i + 1]);
    }
    true
}

#[derive(Default)]
struct Scratch {
    points: Vec<[f64; 2]>,
    holes: Vec<u32>,
    triangles: Vec<u32>,
}

/// The Web Mercator box of a lon/lat box, as (min, max).
fn world_box(rect: geo::Rect<f64>) -> ([f64; 2], [f64; 2]) {
    let (x0, y0) = web_mercator::from_lon_lat(rect.min().x, rect.min().y);
    let (x1, y1) = web_mercator::from_lon_lat(rect.max().x, rect.max().y);
    ([x0, y0], [x1, y1])
}

/// Web Mercator bounds of lon/lat shapes, as (min, max).
#[must_use]
pub fn world_bounds<'a>(
    shapes: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
) -> Option<([f64; 2], [f64; 2])> {
    shapes
        .into_iter()
        .filter_map(BoundingRect::bounding_rect)
        .map(world_box)
        .reduce(|a, b| {
            (
                [a.0[0].min(b.0[0]), a.0[1].min(b.0[1])],
                [a.1[0].max(b.1[0]), a.1[1].max(b.1[1])],
            )
        })
}

/// Parcels ready to draw and to hit-test.
#[derive(Debug, Default)]
pub struct PreparedShapes {
    /// World (Web Mercator) origin of the tessellation's local coordinates.
    pub origin: [f64; 2],
    pub tessellation: Tessellation,
    /// Lon/lat envelopes of the shapes.
    pub index: ShapeIndex,
    /// World (Web Mercator) bounds of all the shapes.
    pub bounds: Option<([f64; 2], [f64; 2])>,
    /// The widest shape's smaller side, in world metres (no label fits where even this one
    /// is too narrow on screen).
    pub max_width_m: f64,
}

impl PreparedShapes {
    /// Triangulates and indexes shapes around the centre of their bounds (or `origin`, when
    /// given, so that several layers share one origin). The index is built on one core while
    /// the other triangulates.
    #[must_use]
    pub fn build(
        shapes: &[&MultiPolygon<f64>],
        origin: Option<[f64; 2]>,
        progress: &Progress,
    ) -> Self {
        // Each shape's box once, on all cores: the index, the bounds, the origin and the
        // widest shape all come from it.
        let rects: Vec<Option<geo::Rect<f64>>> =
            shapes.par_iter().map(|s| s.bounding_rect()).collect();
        let (bounds, max_width_m) = rects
            .par_iter()
            .filter_map(|rect| rect.map(world_box))
            .map(|(min, max)| (Some((min, max)), (max[0] - min[0]).min(max[1] - min[1])))
            .reduce(
                || (None, 0.0),
                |(a, wa), (b, wb)| {
                    let joined = match (a, b) {
                        (Some(a), Some(b)) => Some((
                            [a.0[0].min(b.0[0]), a.0[1].min(b.0[1])],
                            [a.1[0].max(b.1[0]), a.1[1].max(b.1[1])],
                        )),
                        (a, b) => a.or(b),
                    };
                    (joined, wa.max(wb))
                },
            );
        let origin = origin.unwrap_or_else(|| {
            bounds.map_or([0.0, 0.0], |(min, max)| {
                [f64::midpoint(min[0], max[0]), f64::midpoint(min[1], max[1])]
            })
        });
        progress.start(Stage::Tessellating, shapes.len());
        let (tessellation, index) = rayon::join(
            || {
                let tessellation = Tessellation::build(shapes, origin, progress);
                crate::layer::mark("triangulated");
                tessellation
            },
            || {
                let index = ShapeIndex::from_rects(&rects);
                crate::layer::mark("indexed");
                index
            },
        );
        progress.start(Stage::Done, 0);
        Self {
            origin,
            tessellation,
            index,
            bounds,
            max_width_m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, MapCoords, polygon};

    fn tri_area(t: &Tessellation, tris: &[u32]) -> f64 {
        tris.chunks_exact(3)
            .map(|c| {
                let [a, b, c] = [c[0], c[1], c[2]].map(|i| t.positions[i as usize]);
                let (ax, ay) = (f64::from(a[0]), f64::from(a[1]));
                let (bx, by) = (f64::from(b[0]), f64::from(b[1]));
                let (cx, cy) = (f64::from(c[0]), f64::from(c[1]));
                ((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)).abs() / 2.0
            })
            .sum()
    }

    #[test]
    fn only_convex_rings_are_fanned_and_fans_cover_them() {
        let mut triangles = Vec::new();
        let fan_area = |points: &[[f64; 2]], triangles: &[u32]| -> f64 {
            triangles
                .chunks_exact(3)
                .map(|t| {
                    let [a, b, c] = [t[0], t[1], t[2]].map(|i| points[i as usize]);
                    ((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])).abs() / 2.0
                })
                .sum()
        };
        // A rectangle, either way round, and one with a point in the middle of a side.
        for ring in [
            vec![[0.0, 0.0], [4.0, 0.0], [4.0, 3.0], [0.0, 3.0]],
            vec![[0.0, 0.0], [0.0, 3.0], [4.0, 3.0], [4.0, 0.0]],
            vec![[0.0, 0.0], [2.0, 0.0], [4.0, 0.0], [4.0, 3.0], [0.0, 3.0]],
        ] {
            assert!(convex_fan(&ring, &mut triangles), "{ring:?}");
            assert!((fan_area(&ring, &triangles) - 12.0).abs() < 1e-12);
        }
        // An L, a pentagram (every turn the same way, but it winds twice) and a flat ring.
        let star: Vec<[f64; 2]> = (0..5)
            .map(|k| {
                let a = f64::from(k * 2) * std::f64::consts::TAU / 5.0;
                [a.cos(), a.sin()]
            })
            .collect();
        for ring in [
            vec![
                [0.0, 0.0],
                [4.0, 0.0],
                [4.0, 1.0],
                [1.0, 1.0],
                [1.0, 3.0],
                [0.0, 3.0],
            ],
            star,
            vec![[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]],
        ] {
            assert!(!convex_fan(&ring, &mut triangles), "{ring:?}");
        }
    }

    #[test]
    fn concave_shapes_with_holes_are_triangulated_to_their_projected_area() {
        // A U shape with a square hole in its base, about 30 m across, near the park.
        let deg = |m: f64| m / 111_320.0;
        let u_shape = polygon![
            exterior: [
                (x: 0.0, y: 0.0), (x: 30.0, y: 0.0), (x: 30.0, y: 30.0), (x: 20.0, y: 30.0),
                (x: 20.0, y: 10.0), (x: 10.0, y: 10.0), (x: 10.0, y: 30.0), (x: 0.0, y: 30.0),
            ],
            interiors: [[(x: 2.0, y: 2.0), (x: 4.0, y: 2.0), (x: 4.0, y: 4.0), (x: 2.0, y: 4.0)]],
        ]
        .map_coords(|c| geo::coord! { x: 107.0 + deg(c.x), y: 33.0 + deg(c.y) });
        let square = polygon![(x: 107.01, y: 33.0), (x: 107.011, y: 33.0), (x: 107.011, y: 33.001), (x: 107.01, y: 33.001)];
        let shapes = [
            MultiPolygon::new(vec![u_shape.clone()]),
            MultiPolygon::new(vec![square.clone()]),
        ];
        let refs: Vec<&MultiPolygon<f64>> = shapes.iter().collect();
        let prepared = PreparedShapes::build(&refs, None, &Progress::new());
        let t = &prepared.tessellation;
        assert_eq!(t.len(), 2);
        for (i, shape) in shapes.iter().enumerate() {
            let projected = web_mercator::project(shape);
            let area = tri_area(t, t.shape_triangles(i));
            assert!(
                (area - projected.unsigned_area()).abs() < 1e-3 * projected.unsigned_area(),
                "shape {i}: {area} vs {}",
                projected.unsigned_area()
            );
        }
        // The U has its exterior and its hole; the square one ring of four corners.
        assert_eq!(t.shape_rings(0).map(<[_]>::len).collect::<Vec<_>>(), [8, 4]);
        assert_eq!(t.shape_rings(1).map(<[_]>::len).collect::<Vec<_>>(), [4]);
        assert_eq!(t.vertex_range(1), 12..16);
        // Local coordinates are small numbers around the origin.
        assert!(
            t.positions
                .iter()
                .all(|p| p[0].abs() < 2e3 && p[1].abs() < 2e3)
        );
        assert_eq!(prepared.index.len(), 2);
        // Bounds and the widest shape, from the boxes found in parallel.
        assert_eq!(prepared.bounds, world_bounds(shapes.iter()));
        let widths: Vec<f64> = shapes
            .iter()
            .filter_map(|s| world_bounds([s]))
            .map(|(min, max)| (max[0] - min[0]).min(max[1] - min[1]))
            .collect();
        assert!((prepared.max_width_m - widths.iter().copied().fold(0.0, f64::max)).abs() < 1e-9);
        assert!(prepared.max_width_m > 100.0, "{}", prepared.max_width_m);
    }

    #[test]
    fn chunks_join_into_the_same_tessellation_as_one_pass() {
        let park = crate::sample::sample_park().expect("sample");
        let shapes: Vec<&MultiPolygon<f64>> = park.parcels.iter().map(|p| &p.geometry).collect();
        let origin = [1.19e7, 3.9e6];
        let whole = Tessellation::build_in_chunks(&shapes, origin, &Progress::new(), 50);
        let mut one = Tessellation::default();
        let mut earcut = earcut::Earcut::new();
        let mut scratch = Scratch::default();
        for s in &shapes {
            one.push_shape(s, origin, &mut earcut, &mut scratch);
        }
        one.tri_starts.push(one.triangles.len() as u32);
        one.ring_starts.push(one.rings.len() as u32);
        assert!(shapes.len() > 300);
        assert_eq!(whole, one);
    }
}

#[cfg(test)]
mod hit_tests {
    use super::*;
    use geo::Contains as _;

    #[test]
    fn hit_test_agrees_with_exact_contains_on_random_points() {
        let park = crate::sample::sample_park().expect("sample");
        let shapes: Vec<&MultiPolygon<f64>> = park.parcels.iter().map(|p| &p.geometry).collect();
        let prepared = PreparedShapes::build(&shapes, None, &Progress::new());
        let bounds = shapes
            .iter()
            .filter_map(|s| s.bounding_rect())
            .reduce(crate::geometry::union_rect)
            .expect("bounds");
        let mut state: u64 = 7;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut hits = 0;
        for _ in 0..20_000 {
            let point = [
                bounds.min().x + next() * bounds.width(),
                bounds.min().y + next() * bounds.height(),
            ];
            let p = geo::Point::new(point[0], point[1]);
            let exact = shapes
                .iter()
                .enumerate()
                .filter(|(_, s)| s.contains(&p))
                .map(|(i, _)| i)
                .max();
            let found = prepared
                .index
                .hit(point, |i| park.parcels.get(i).map(|p| &p.geometry));
            assert_eq!(found, exact, "at {point:?}");
            hits += usize::from(found.is_some());
        }
        // The points fall on parcels and on the ground between them.
        assert!(hits > 2_000 && hits < 18_000, "{hits}");
    }
}
