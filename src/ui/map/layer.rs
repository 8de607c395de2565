//! What the map draws, prepared once per load: triangulated fills in f32 metres relative to
//! a local origin (so a pan or zoom is a transform, never a re-tessellation), outlines, label
//! anchors, and the spatial index for hit testing in world metres.

use crate::crs::web_mercator;
use crate::model::Park;
use crate::spatial::ShapeIndex;
use crate::ui::theme;
use egui::{Color32, Mesh, Pos2, pos2};
use geo::{BoundingRect, InteriorPoint, MultiPolygon, Polygon, TriangulateEarcut};
use std::ops::Range;
use std::sync::Arc;

/// One triangulated, outlined shape family (districts or parcels).
#[derive(Default)]
pub struct ShapeLayer {
    /// All fills in local coordinates (metres east, metres south of the origin).
    pub fill: Arc<Mesh>,
    /// For each shape, its range in `fill.indices`.
    pub triangles: Vec<Range<usize>>,
    /// For each shape, its range in `fill.vertices` (for recolouring).
    pub vertex_ranges: Vec<Range<usize>>,
    /// For each shape, its world bounds.
    pub bounds: Vec<Option<([f64; 2], [f64; 2])>>,
    /// For each shape, its rings in local coordinates.
    pub outlines: Vec<Vec<Vec<Pos2>>>,
    /// For each shape, where its label goes (an interior point), in local coordinates.
    pub anchors: Vec<Option<Pos2>>,
    /// For each shape, its width on the ground in world metres (for label decisions).
    pub widths_m: Vec<f64>,
}

/// The prepared map of a park.
pub struct MapLayer {
    /// World (Web Mercator) origin of local coordinates.
    pub origin: [f64; 2],
    pub districts: ShapeLayer,
    pub parcels: ShapeLayer,
    /// Parcels in world metres.
    pub parcel_index: ShapeIndex,
    /// World bounds of everything.
    pub bounds: Option<([f64; 2], [f64; 2])>,
}

impl MapLayer {
    /// Projects, triangulates and indexes a park.
    #[must_use]
    pub fn new(park: &Park) -> Self {
        let district_world: Vec<MultiPolygon<f64>> = park
            .districts
            .iter()
            .map(|d| web_mercator::project(&d.geometry))
            .collect();
        let parcel_world: Vec<MultiPolygon<f64>> = park
            .parcels
            .iter()
            .map(|p| web_mercator::project(&p.geometry))
            .collect();
        let bounds = district_world
            .iter()
            .chain(&parcel_world)
            .filter_map(BoundingRect::bounding_rect)
            .map(|r| ([r.min().x, r.min().y], [r.max().x, r.max().y]))
            .reduce(|a, b| {
                (
                    [a.0[0].min(b.0[0]), a.0[1].min(b.0[1])],
                    [a.1[0].max(b.1[0]), a.1[1].max(b.1[1])],
                )
            });
        let origin = bounds.map_or([0.0, 0.0], |(min, max)| {
            [f64::midpoint(min[0], max[0]), f64::midpoint(min[1], max[1])]
        });
        let districts = ShapeLayer::new(&district_world, origin, theme::district_fill);
        let parcels = ShapeLayer::new(&parcel_world, origin, |i| {
            theme::status_fill(park.parcels.get(i).and_then(|p| p.status))
        });
        Self {
            origin,
            districts,
            parcels,
            parcel_index: ShapeIndex::new(parcel_world),
            bounds,
        }
    }

    /// Local coordinates of a world position.
    #[must_use]
    pub fn local_from_world(&self, world: [f64; 2]) -> Pos2 {
        pos2(
            (world[0] - self.origin[0]) as f32,
            (self.origin[1] - world[1]) as f32,
        )
    }

    /// World position of local coordinates.
    #[must_use]
    pub fn world_from_local(&self, local: Pos2) -> [f64; 2] {
        [
            self.origin[0] + f64::from(local.x),
            self.origin[1] - f64::from(local.y),
        ]
    }
}

impl ShapeLayer {
    fn new(
        shapes: &[MultiPolygon<f64>],
        origin: [f64; 2],
        color: impl Fn(usize) -> Color32,
    ) -> Self {
        let mut layer = Self::default();
        let mut fill = Mesh::default();
        let local = |x: f64, y: f64| pos2((x - origin[0]) as f32, (origin[1] - y) as f32);
        for (i, shape) in shapes.iter().enumerate() {
            let start = fill.indices.len();
            let first_vertex = fill.vertices.len();
            let color = color(i);
            let mut rings = Vec::new();
            for polygon in &shape.0 {
                add_polygon(&mut fill, polygon, origin, color);
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    rings.push(ring.coords().map(|c| local(c.x, c.y)).collect());
                }
            }
            layer.triangles.push(start..fill.indices.len());
            layer.vertex_ranges.push(first_vertex..fill.vertices.len());
            layer.bounds.push(
                shape
                    .bounding_rect()
                    .map(|r| ([r.min().x, r.min().y], [r.max().x, r.max().y])),
            );
            layer.outlines.push(rings);
            layer
                .anchors
                .push(shape.interior_point().map(|p| local(p.x(), p.y())));
            layer.widths_m.push(
                shape
                    .bounding_rect()
                    .map_or(0.0, |r| r.width().min(r.height())),
            );
        }
        layer.fill = Arc::new(fill);
        layer
    }
}

impl ShapeLayer {
    /// Gives every shape a new fill colour without re-triangulating.
    pub fn recolor(&mut self, color: impl Fn(usize) -> Color32) {
        let fill = Arc::make_mut(&mut self.fill);
        for (i, range) in self.vertex_ranges.iter().enumerate() {
            let c = color(i);
            for v in fill.vertices.get_mut(range.clone()).into_iter().flatten() {
                v.color = c;
            }
        }
    }
}

/// Triangulates a world-metre polygon into `mesh` in local coordinates.
fn add_polygon(mesh: &mut Mesh, polygon: &Polygon<f64>, origin: [f64; 2], color: Color32) {
    // Triangulate relative to the origin so earcut works on small numbers.
    let relative = polygon.map_coords_relative(origin);
    let triangulation = relative.earcut_triangles_raw();
    let base = mesh.vertices.len() as u32;
    for [x, y] in &triangulation.vertices {
        mesh.colored_vertex(pos2(*x as f32, -*y as f32), color);
    }
    for triangle in triangulation.triangle_indices.chunks_exact(3) {
        mesh.add_triangle(
            base + triangle[0] as u32,
            base + triangle[1] as u32,
            base + triangle[2] as u32,
        );
    }
}

trait RelativeTo {
    fn map_coords_relative(&self, origin: [f64; 2]) -> Polygon<f64>;
}

impl RelativeTo for Polygon<f64> {
    fn map_coords_relative(&self, origin: [f64; 2]) -> Polygon<f64> {
        use geo::MapCoords as _;
        self.map_coords(|c| geo::coord! { x: c.x - origin[0], y: c.y - origin[1] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, polygon};

    #[test]
    fn concave_shapes_with_holes_are_triangulated_to_their_true_area() {
        // A U shape with a square hole in its base, in world metres.
        let u_shape = polygon![
            exterior: [
                (x: 0.0, y: 0.0), (x: 30.0, y: 0.0), (x: 30.0, y: 30.0), (x: 20.0, y: 30.0),
                (x: 20.0, y: 10.0), (x: 10.0, y: 10.0), (x: 10.0, y: 30.0), (x: 0.0, y: 30.0),
            ],
            interiors: [[(x: 2.0, y: 2.0), (x: 4.0, y: 2.0), (x: 4.0, y: 4.0), (x: 2.0, y: 4.0)]],
        ];
        let mut mesh = Mesh::default();
        add_polygon(
            &mut mesh,
            &u_shape,
            [1_000_000.0, 3_000_000.0],
            Color32::RED,
        );
        let area: f32 = mesh
            .triangles()
            .map(|[a, b, c]| {
                let (a, b, c) = (
                    mesh.vertices[a as usize].pos,
                    mesh.vertices[b as usize].pos,
                    mesh.vertices[c as usize].pos,
                );
                ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0
            })
            .sum();
        assert!(
            (f64::from(area) - u_shape.unsigned_area()).abs() < 1e-3,
            "{area}"
        );
        assert!((f64::from(area) - (700.0 - 4.0)).abs() < 1e-3);
    }
}
