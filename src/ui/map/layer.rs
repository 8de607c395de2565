//! What the map draws, prepared once per load (see [`crate::layer::prepare`]): triangulated fills in
//! f32 metres around a local origin, rings for outlines, and lon/lat R-trees. A pan or zoom
//! only changes the camera; a restyle only rewrites the vertex colours.

use crate::crs::web_mercator;
use crate::layer::Progress;
use crate::layer::prepare::{PreparedShapes, Tessellation, world_bounds};
use crate::model::Park;
use crate::ui::revision::Revision;
use crate::ui::theme;
use egui::{Color32, Mesh, Pos2, pos2};
use geo::{InteriorPoint, MultiPolygon};
use rayon::prelude::*;
use std::sync::Arc;

/// The prepared map of a park.
pub struct MapLayer {
    /// World (Web Mercator) origin of local coordinates; shared by both layers.
    pub origin: [f64; 2],
    pub districts: PreparedShapes,
    pub parcels: PreparedShapes,
    /// World bounds of everything.
    pub bounds: Option<([f64; 2], [f64; 2])>,
    /// Where each district's name goes, in local coordinates (y north).
    pub district_anchors: Vec<Option<[f64; 2]>>,
    /// The widest parcel's smaller side in world metres: no parcel label fits when even this
    /// one is too narrow on screen.
    pub max_parcel_width_m: f64,
    /// The shapes' revision: a new layer has a new one.
    pub generation: Revision,
    /// Changes when the colours change.
    pub color_generation: Revision,
    /// Fill colour of every parcel vertex (premultiplied RGBA), for the GPU.
    pub parcel_vertex_colors: Vec<[u8; 4]>,
    pub district_vertex_colors: Vec<[u8; 4]>,
    /// The fills as egui meshes (y down), built only when there is no GPU renderer.
    pub cpu_fill: Option<(Arc<Mesh>, Arc<Mesh>)>,
}

impl MapLayer {
    /// Projects, triangulates and indexes a park (parcels and districts).
    #[must_use]
    pub fn new(park: &Park) -> Self {
        let shapes: Vec<&MultiPolygon<f64>> = park.parcels.iter().map(|p| &p.geometry).collect();
        let origin = world_bounds(
            park.districts
                .iter()
                .map(|d| &d.geometry)
                .chain(shapes.iter().copied()),
        )
        .map(|(min, max)| [f64::midpoint(min[0], max[0]), f64::midpoint(min[1], max[1])]);
        let parcels = PreparedShapes::build(&shapes, origin, &Progress::new());
        Self::with_parcels(park, parcels)
    }

    /// A layer around parcels prepared elsewhere (on the loading thread); the districts are
    /// triangulated here, around the parcels' origin.
    #[must_use]
    pub fn with_parcels(park: &Park, parcels: PreparedShapes) -> Self {
        let origin = parcels.origin;
        let district_shapes: Vec<&MultiPolygon<f64>> =
            park.districts.iter().map(|d| &d.geometry).collect();
        let origin = if park.parcels.is_empty() {
            world_bounds(district_shapes.iter().copied()).map_or(origin, |(min, max)| {
                [f64::midpoint(min[0], max[0]), f64::midpoint(min[1], max[1])]
            })
        } else {
            origin
        };
        let districts = PreparedShapes::build(&district_shapes, Some(origin), &Progress::new());
        let district_anchors = park
            .districts
            .iter()
            .map(|d| {
                let p = d.geometry.interior_point()?;
                let (x, y) = web_mercator::from_lon_lat(p.x(), p.y());
                Some([x - origin[0], y - origin[1]])
            })
            .collect();
        // The parcels' bounds and widest parcel were found on the loading thread.
        let max_parcel_width_m = parcels.max_width_m;
        let bounds = [districts.bounds, parcels.bounds]
            .into_iter()
            .flatten()
            .reduce(|a, b| {
                (
                    [a.0[0].min(b.0[0]), a.0[1].min(b.0[1])],
                    [a.1[0].max(b.1[0]), a.1[1].max(b.1[1])],
                )
            });
        let district_vertex_colors = vertex_colors(&districts.tessellation, |i| {
            theme::district_fill(i).to_array()
        });
        let parcel_vertex_colors = vec![[0, 0, 0, 0]; parcels.tessellation.positions.len()];
        Self {
            origin,
            districts,
            parcels,
            bounds,
            district_anchors,
            max_parcel_width_m,
            generation: Revision::new(),
            color_generation: Revision::new(),
            parcel_vertex_colors,
            district_vertex_colors,
            cpu_fill: None,
        }
    }

    /// Gives every parcel a new fill colour without re-triangulating.
    pub fn recolor(&mut self, color: impl Fn(usize) -> Color32 + Sync) {
        self.parcel_vertex_colors =
            vertex_colors(&self.parcels.tessellation, |i| color(i).to_array());
        self.color_generation.bump();
        self.cpu_fill = None;
    }

    /// Builds the egui meshes of the fills, for drawing without the GPU renderer.
    pub fn ensure_cpu_fill(&mut self) {
        if self.cpu_fill.is_none() {
            self.cpu_fill = Some((
                Arc::new(egui_mesh(
                    &self.districts.tessellation,
                    &self.district_vertex_colors,
                )),
                Arc::new(egui_mesh(
                    &self.parcels.tessellation,
                    &self.parcel_vertex_colors,
                )),
            ));
        }
    }

    /// Local coordinates (y north) of a world position.
    #[must_use]
    pub fn local_from_world(&self, world: [f64; 2]) -> [f64; 2] {
        [world[0] - self.origin[0], world[1] - self.origin[1]]
    }

    /// World bounds of parcel `i`.
    #[must_use]
    pub fn parcel_world_bounds(&self, park: &Park, i: usize) -> Option<([f64; 2], [f64; 2])> {
        world_bounds([&park.parcels.get(i)?.geometry])
    }
}

/// Lon/lat rectangle of a world rectangle.
#[must_use]
pub fn lon_lat_rect(min: [f64; 2], max: [f64; 2]) -> ([f64; 2], [f64; 2]) {
    let a = web_mercator::to_lon_lat(min[0], min[1]);
    let b = web_mercator::to_lon_lat(max[0], max[1]);
    ([a.0.min(b.0), a.1.min(b.1)], [a.0.max(b.0), a.1.max(b.1)])
}

/// One colour per vertex from one colour per shape.
fn vertex_colors(t: &Tessellation, color: impl Fn(usize) -> [u8; 4] + Sync) -> Vec<[u8; 4]> {
    let mut out = vec![[0u8; 4]; t.positions.len()];
    // Shapes own consecutive vertex ranges, so the output splits into disjoint chunks.
    let shapes = t.len();
    let mut rest: &mut [[u8; 4]] = &mut out;
    let mut consumed = 0;
    let mut jobs = Vec::with_capacity(shapes);
    for i in 0..shapes {
        let range = t.vertex_range(i);
        if range.is_empty() {
            continue;
        }
        let (_, tail) = std::mem::take(&mut rest).split_at_mut(range.start - consumed);
        let (mine, tail) = tail.split_at_mut(range.len());
        consumed = range.end;
        rest = tail;
        jobs.push((i, mine));
    }
    jobs.into_par_iter()
        .with_min_len(4096)
        .for_each(|(i, slice)| slice.fill(color(i)));
    out
}

/// An egui mesh (y down) of a tessellation.
fn egui_mesh(t: &Tessellation, colors: &[[u8; 4]]) -> Mesh {
    let mut mesh = Mesh::default();
    mesh.vertices.reserve(t.positions.len());
    for (p, c) in t.positions.iter().zip(colors) {
        mesh.colored_vertex(
            pos2(p[0], -p[1]),
            Color32::from_rgba_premultiplied(c[0], c[1], c[2], c[3]),
        );
    }
    mesh.indices.clone_from(&t.triangles);
    mesh
}

/// Screen position of local coordinates (y north) for a camera centred at `center_local`.
#[must_use]
pub fn ui_from_local(
    p: [f32; 2],
    center_local: [f64; 2],
    m_per_point: f64,
    rect: egui::Rect,
) -> Pos2 {
    let c = rect.center();
    pos2(
        c.x + ((f64::from(p[0]) - center_local[0]) / m_per_point) as f32,
        c.y - ((f64::from(p[1]) - center_local[1]) / m_per_point) as f32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertex_colours_follow_each_shape() {
        let park = crate::sample::sample_park().expect("sample");
        let mut layer = MapLayer::new(&park);
        layer.recolor(|i| Color32::from_gray((i % 251) as u8));
        let t = &layer.parcels.tessellation;
        for i in 0..park.parcels.len() {
            let expected = Color32::from_gray((i % 251) as u8).to_array();
            for v in t.vertex_range(i) {
                assert_eq!(layer.parcel_vertex_colors[v], expected, "parcel {i}");
            }
        }
        assert_eq!(layer.parcel_vertex_colors.len(), t.positions.len());
    }
}
