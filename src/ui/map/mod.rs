//! The map: camera, prepared layers, and the widget that draws them and turns pointer input
//! into pan, zoom, hover and click.

pub mod basemap;
pub mod camera;
pub mod gpu;
pub mod layer;
pub mod measure;

pub use camera::Camera;
pub use layer::MapLayer;

use crate::crs::web_mercator;
use crate::model::{Lang, Park};
use crate::ui::theme;
use egui::emath::TSTransform;
use egui::{Align2, Color32, FontId, Mesh, Pos2, Rect, Sense, Shape, Stroke, Ui, pos2, vec2};
use geo::InteriorPoint as _;
use layer::lon_lat_rect;
use serde::{Deserialize, Serialize};

/// What parcel labels show, as chosen in the layer list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LabelBy {
    /// 宗地编号
    #[default]
    ParcelNo,
    /// 权利人
    Holder,
    /// No parcel labels.
    None,
}

/// What the map shows, as chosen in the layer list.
#[derive(Debug, Clone, Copy)]
pub struct MapStyle {
    pub show_districts: bool,
    /// Parcels filled, or outlined only so that a base layer shows through.
    pub parcel_fill: ParcelFill,
    pub show_parcels: bool,
    pub lang: Lang,
    pub label_by: LabelBy,
    /// Draw the fills with the GPU renderer (its buffers are in sync with the layer).
    pub gpu: bool,
}

/// How parcels are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ParcelFill {
    #[default]
    Filled,
    /// Outlines only: the ground shows through (宗地仅显示轮廓).
    Outlined,
}

/// Which parcel outlines are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParcelLines {
    None,
    /// Over the fills (zoomed in).
    OverFills,
    /// Instead of the fills.
    Only,
}

/// What is drawn over the parcels: hover, selection and 预警 outlines.
#[derive(Debug, Clone, Copy)]
pub struct Overlay<'a> {
    pub selection: &'a crate::query::Selection,
    pub hovered: Option<usize>,
    /// Parcels to outline as 预警, with their colour.
    pub alerts: &'a [(usize, Color32)],
    /// The measure tool, when it is on.
    pub measure: Option<&'a measure::Measure>,
}

/// What happened on the map this frame.
#[derive(Debug)]
pub struct MapOutput {
    /// Parcel under the pointer.
    pub hovered: Option<usize>,
    /// `Some(hit)` when the map was clicked: the parcel clicked, or `None` for empty ground.
    pub clicked: Option<Option<usize>>,
    /// Parcels inside a box dragged with Shift or Ctrl held.
    pub boxed: Option<Vec<usize>>,
    /// Shift was held: add to the selection instead of replacing it.
    pub add: bool,
    /// Lon/lat under the pointer.
    pub cursor_lon_lat: Option<(f64, f64)>,
    /// Where the map is on screen.
    pub rect: Rect,
    /// The world point clicked (for tools such as the measure tool).
    pub clicked_world: Option<[f64; 2]>,
    /// `Some(hit)` when the map was right-clicked: the parcel under the pointer, if any.
    pub secondary_clicked: Option<Option<usize>>,
    /// The map's response, for its tooltip and context menu.
    pub response: egui::Response,
}

/// Zoom (world metres per point) below which parcel outlines are drawn.
pub const OUTLINE_ZOOM: f64 = 8.0;

/// The view of a layer: the camera in local coordinates and the screen rectangle.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// Camera centre in the layer's local coordinates (y north).
    pub center_local: [f64; 2],
    pub m_per_point: f64,
    pub rect: Rect,
}

impl View {
    #[must_use]
    pub fn new(layer: &MapLayer, camera: &Camera, rect: Rect) -> Self {
        Self {
            center_local: layer.local_from_world(camera.center),
            m_per_point: camera.m_per_point,
            rect,
        }
    }

    /// Screen position of local coordinates.
    #[must_use]
    pub fn to_ui(&self, p: [f32; 2]) -> Pos2 {
        layer::ui_from_local(p, self.center_local, self.m_per_point, self.rect)
    }

    /// Screen position of f64 local coordinates.
    #[must_use]
    pub fn to_ui64(&self, p: [f64; 2]) -> Pos2 {
        let c = self.rect.center();
        pos2(
            c.x + ((p[0] - self.center_local[0]) / self.m_per_point) as f32,
            c.y - ((p[1] - self.center_local[1]) / self.m_per_point) as f32,
        )
    }

    /// The transform of egui meshes stored as (x, -y) local coordinates.
    #[must_use]
    pub fn mesh_transform(&self) -> TSTransform {
        let scaling = (1.0 / self.m_per_point) as f32;
        let center = vec2(self.center_local[0] as f32, -self.center_local[1] as f32);
        TSTransform {
            scaling,
            translation: self.rect.center().to_vec2() - center * scaling,
        }
    }
}

/// Screen position of a parcel's label anchor (an interior point).
#[must_use]
pub fn parcel_anchor_ui(park: &Park, index: usize, camera: &Camera, rect: Rect) -> Option<Pos2> {
    let p = park.parcels.get(index)?.geometry.interior_point()?;
    let (x, y) = web_mercator::from_lon_lat(p.x(), p.y());
    Some(camera.ui_from_world([x, y], rect))
}

/// Draws the map filling the available space and handles its input.
pub fn map_ui(
    ui: &mut Ui,
    layer: &MapLayer,
    park: &Park,
    camera: &mut Camera,
    style: MapStyle,
    overlay: Overlay<'_>,
    ground: Option<&mut basemap::Basemaps>,
) -> MapOutput {
    let Overlay {
        selection,
        hovered,
        alerts,
        measure,
    } = overlay;
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
    let name = match style.lang {
        Lang::Zh => "地图",
        Lang::En => "Map",
    };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, name));
    let rect = response.rect;
    let geometry = |i: usize| park.parcels.get(i).map(|p| &p.geometry);

    // Input: drag pans (Shift or Ctrl + drag draws a selection box), wheel or pinch zooms
    // about the cursor.
    let modifiers = ui.input(|i| i.modifiers);
    let box_id = response.id.with("selection_box");
    let boxing: Option<Pos2> = ui.data(|d| d.get_temp(box_id));
    if boxing.is_none()
        && response.dragged_by(egui::PointerButton::Primary)
        && (modifiers.shift || modifiers.command)
        && let Some(origin) = ui.input(|i| i.pointer.press_origin())
    {
        ui.data_mut(|d| d.insert_temp(box_id, origin));
    }
    let box_start: Option<Pos2> = ui.data(|d| d.get_temp(box_id));
    let mut boxed = None;
    if let Some(start) = box_start {
        let end = ui
            .input(|i| i.pointer.latest_pos())
            .or_else(|| response.interact_pointer_pos())
            .unwrap_or(start);
        if response.drag_stopped() {
            ui.data_mut(|d| d.remove::<Pos2>(box_id));
            let a = camera.world_from_ui(start, rect);
            let b = camera.world_from_ui(end, rect);
            let (min, max) = lon_lat_rect(a, b);
            boxed = Some(layer.parcels.index.intersecting(min, max, geometry));
        } else {
            painter_box(ui, Rect::from_two_pos(start, end));
        }
    } else if response.dragged_by(egui::PointerButton::Primary)
        || response.dragged_by(egui::PointerButton::Middle)
    {
        camera.pan(response.drag_delta());
    }
    if response.hovered() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = f64::from(zoom) * (f64::from(scroll) * 0.003).exp();
        if (factor - 1.0).abs() > 1e-6
            && let Some(anchor) = response.hover_pos()
        {
            camera.zoom_about(anchor, factor, rect);
        }
    }

    let hit_at = |pos: Pos2| {
        let world = camera.world_from_ui(pos, rect);
        let (lon, lat) = web_mercator::to_lon_lat(world[0], world[1]);
        layer.parcels.index.hit([lon, lat], geometry)
    };
    let mut output = MapOutput {
        hovered: None,
        clicked: None,
        boxed,
        add: modifiers.shift,
        cursor_lon_lat: None,
        rect,
        clicked_world: None,
        secondary_clicked: None,
        response: response.clone(),
    };
    if let Some(pos) = response.hover_pos() {
        let world = camera.world_from_ui(pos, rect);
        output.cursor_lon_lat = Some(web_mercator::to_lon_lat(world[0], world[1]));
        if style.show_parcels {
            output.hovered = hit_at(pos);
        }
    }
    if response.secondary_clicked() {
        let pos = response.interact_pointer_pos();
        output.secondary_clicked =
            Some(pos.and_then(|p| style.show_parcels.then(|| hit_at(p)).flatten()));
    }
    if response.clicked() {
        let pos = response.interact_pointer_pos();
        output.clicked_world = pos.map(|p| camera.world_from_ui(p, rect));
        output.clicked = Some(pos.and_then(|p| style.show_parcels.then(|| hit_at(p)).flatten()));
    }

    // Drawing: the fills (GPU, or egui meshes without it), then overlays and labels.
    painter.rect_filled(rect, 0.0, theme::MAP_BACKGROUND);
    // The ground under everything; the districts are then outlined, not filled.
    let mut district_fills = true;
    if let Some(ground) = ground {
        ground.paint(ui.ctx(), &painter, camera, rect);
        district_fills = !ground.any_visible();
        if ground.loading() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(30));
        }
    }
    let view = View::new(layer, camera, rect);
    let outlines = camera.m_per_point < OUTLINE_ZOOM || style.parcel_fill == ParcelFill::Outlined;
    let parcel_lines = match (style.parcel_fill, outlines) {
        (ParcelFill::Outlined, _) => ParcelLines::Only,
        (ParcelFill::Filled, true) => ParcelLines::OverFills,
        (ParcelFill::Filled, false) => ParcelLines::None,
    };
    if style.gpu {
        let sx = (2.0 / (f64::from(rect.width()) * camera.m_per_point)) as f32;
        let sy = (2.0 / (f64::from(rect.height()) * camera.m_per_point)) as f32;
        let outline = Color32::from_rgba_unmultiplied(
            theme::PARCEL_OUTLINE.r(),
            theme::PARCEL_OUTLINE.g(),
            theme::PARCEL_OUTLINE.b(),
            150,
        )
        .to_normalized_gamma_f32();
        painter.add(
            gpu::MapPaint {
                center: [view.center_local[0] as f32, view.center_local[1] as f32],
                scale: [sx, sy],
                outline,
                districts: style.show_districts && district_fills,
                parcels: style.show_parcels,
                parcel_lines,
            }
            .shape(rect),
        );
    } else if let Some((districts, parcels)) = &layer.cpu_fill {
        let transform = view.mesh_transform();
        if style.show_districts && district_fills {
            painter.add(transformed(districts, transform));
        }
        if style.show_parcels {
            if parcel_lines != ParcelLines::Only {
                painter.add(transformed(parcels, transform));
            }
            if outlines {
                let (min, max) = camera.visible_world(rect);
                let (min, max) = lon_lat_rect(min, max);
                let stroke = Stroke::new(0.6, theme::PARCEL_OUTLINE);
                for i in layer.parcels.index.in_rect(min, max) {
                    for ring in layer.parcels.tessellation.shape_rings(i) {
                        painter.add(Shape::closed_line(
                            ring.iter().map(|&p| view.to_ui(p)).collect(),
                            stroke,
                        ));
                    }
                }
            }
        }
    }
    if style.show_districts {
        for i in 0..layer.districts.tessellation.len() {
            let stroke = Stroke::new(2.0, theme::district_outline(i));
            for ring in layer.districts.tessellation.shape_rings(i) {
                painter.add(Shape::closed_line(
                    ring.iter().map(|&p| view.to_ui(p)).collect(),
                    stroke,
                ));
            }
        }
    }
    // District names always show; parcel labels fill the room they leave.
    let district_labels: Vec<(Rect, std::sync::Arc<egui::Galley>)> = if style.show_districts {
        park.districts
            .iter()
            .enumerate()
            .filter_map(|(i, district)| {
                let anchor = (*layer.district_anchors.get(i)?)?;
                let galley = painter.layout_no_wrap(
                    district.label(style.lang).to_owned(),
                    FontId::proportional(18.0),
                    theme::district_outline(i),
                );
                let label_rect =
                    Align2::CENTER_CENTER.anchor_size(view.to_ui64(anchor), galley.size());
                Some((label_rect, galley))
            })
            .collect()
    } else {
        Vec::new()
    };
    if style.show_parcels {
        for &(index, color) in alerts {
            for ring in layer.parcels.tessellation.shape_rings(index) {
                painter.add(Shape::closed_line(
                    ring.iter().map(|&p| view.to_ui(p)).collect(),
                    Stroke::new(2.5, color),
                ));
            }
        }
        if let Some(index) = hovered {
            highlight(
                &painter,
                &layer.parcels.tessellation,
                index,
                &view,
                theme::HOVER_FILL,
                theme::HOVER_OUTLINE,
            );
        }
        for index in selection.iter() {
            highlight(
                &painter,
                &layer.parcels.tessellation,
                index,
                &view,
                theme::SELECTED_FILL,
                theme::SELECTED_OUTLINE,
            );
        }
        let taken = district_labels
            .iter()
            .map(|(r, _)| r.expand2(vec2(6.0, 3.0)))
            .collect();
        if style.label_by != LabelBy::None {
            parcel_labels(&painter, layer, park, camera, style.label_by, taken);
        }
    }
    for (label_rect, galley) in district_labels {
        painter.rect_filled(label_rect.expand2(vec2(4.0, 1.0)), 4.0, theme::LABEL_HALO);
        painter.galley(label_rect.min, galley, theme::LABEL_TEXT);
    }
    if let Some(measure) = measure {
        measure.draw(&painter, camera, rect, style.lang);
    }
    let center_lat = web_mercator::to_lon_lat(camera.center[0], camera.center[1]).1;
    scale_bar(&painter, rect, camera, center_lat);
    north_arrow(&painter, rect);
    output
}

/// The selection box being dragged, drawn over the map.
fn painter_box(ui: &Ui, rect: Rect) {
    let painter = ui.ctx().layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("parkland_selection_box"),
    ));
    painter.rect(
        rect,
        0.0,
        theme::SELECTION_BOX_FILL,
        Stroke::new(1.5, theme::SELECTED_OUTLINE),
        egui::StrokeKind::Inside,
    );
}

fn transformed(mesh: &Mesh, transform: TSTransform) -> Shape {
    let mut mesh = mesh.clone();
    mesh.transform(transform);
    Shape::mesh(mesh)
}

fn highlight(
    painter: &egui::Painter,
    t: &crate::layer::prepare::Tessellation,
    index: usize,
    view: &View,
    fill: Color32,
    outline: Color32,
) {
    let mut mesh = Mesh::default();
    for &i in t.shape_triangles(index) {
        if let Some(&p) = t.positions.get(i as usize) {
            let n = mesh.vertices.len() as u32;
            mesh.colored_vertex(view.to_ui(p), fill);
            mesh.indices.push(n);
        }
    }
    painter.add(Shape::mesh(mesh));
    for ring in t.shape_rings(index) {
        painter.add(Shape::closed_line(
            ring.iter().map(|&p| view.to_ui(p)).collect(),
            Stroke::new(2.5, outline),
        ));
    }
}

/// Smallest on-screen width (points) of a parcel that gets a label.
const LABEL_MIN_WIDTH: f64 = 48.0;
/// Most parcel labels examined per frame, so that a frame's cost stays bounded.
const LABEL_CANDIDATES: usize = 4000;

/// Greedy label placement: keeps each candidate rectangle (in order) that lies inside
/// `bounds` and overlaps neither a rectangle in `taken` nor one kept before it. Returns the
/// indices of the kept candidates.
#[must_use]
pub fn place_labels(candidates: &[Rect], mut taken: Vec<Rect>, bounds: Rect) -> Vec<usize> {
    let mut kept = Vec::new();
    for (i, r) in candidates.iter().enumerate() {
        if !bounds.contains_rect(*r) || taken.iter().any(|t| t.intersects(*r)) {
            continue;
        }
        taken.push(r.expand(2.0));
        kept.push(i);
    }
    kept
}

/// Parcel labels where a parcel is wide enough on screen, skipping labels that would overlap.
fn parcel_labels(
    painter: &egui::Painter,
    layer: &MapLayer,
    park: &Park,
    camera: &Camera,
    label_by: LabelBy,
    taken: Vec<Rect>,
) {
    if layer.max_parcel_width_m / camera.m_per_point < LABEL_MIN_WIDTH {
        return;
    }
    let rect = painter.clip_rect();
    let (min, max) = camera.visible_world(rect);
    let (min, max) = lon_lat_rect(min, max);
    let font = FontId::proportional(11.0);
    let mut galleys = Vec::new();
    let mut rects = Vec::new();
    for (i, lo, hi) in layer
        .parcels
        .index
        .envelopes_in_rect(min, max)
        .take(LABEL_CANDIDATES)
    {
        let a = web_mercator::from_lon_lat(lo[0], lo[1]);
        let b = web_mercator::from_lon_lat(hi[0], hi[1]);
        if (b.0 - a.0).min(b.1 - a.1) / camera.m_per_point < LABEL_MIN_WIDTH {
            continue;
        }
        let Some(parcel) = park.parcels.get(i) else {
            continue;
        };
        let text = match label_by {
            LabelBy::ParcelNo => parcel.parcel_no.clone(),
            LabelBy::Holder => match &parcel.holder {
                Some(holder) => holder.clone(),
                None => continue,
            },
            LabelBy::None => return,
        };
        let Some(anchor) = parcel_anchor_ui(park, i, camera, rect) else {
            continue;
        };
        let galley = painter.layout_no_wrap(text, font.clone(), theme::LABEL_TEXT);
        rects.push(Align2::CENTER_CENTER.anchor_size(anchor, galley.size()));
        galleys.push(galley);
    }
    for k in place_labels(&rects, taken, rect) {
        painter.rect_filled(rects[k].expand(1.0), 2.0, theme::LABEL_HALO);
        painter.galley(rects[k].min, galleys[k].clone(), theme::LABEL_TEXT);
    }
}

/// A scale bar of a round ground length about 120 points long.
fn scale_bar(painter: &egui::Painter, rect: Rect, camera: &Camera, lat: f64) {
    let ground_per_point = camera.m_per_point * web_mercator::ground_per_projected(lat);
    let (metres, points) = nice_scale_length(ground_per_point, 120.0);
    let start = rect.left_bottom() + vec2(16.0, -18.0);
    let end = start + vec2(points, 0.0);
    let stroke = Stroke::new(2.0, theme::SCALE_BAR);
    painter.line_segment([start, end], stroke);
    for x in [start, end] {
        painter.line_segment([x, x - vec2(0.0, 6.0)], stroke);
    }
    let text = if metres >= 1000.0 {
        format!("{} km", metres / 1000.0)
    } else {
        format!("{metres} m")
    };
    painter.text(
        pos2(f32::midpoint(start.x, end.x), start.y - 4.0),
        Align2::CENTER_BOTTOM,
        text,
        FontId::proportional(12.0),
        theme::SCALE_BAR,
    );
}

/// The largest 1-2-5 × 10^k ground length that fits in `max_points`, and its length in points:
/// the map image's rule ([`crate::render::nice_scale_length`]), in screen points.
#[must_use]
pub fn nice_scale_length(ground_per_point: f64, max_points: f64) -> (f64, f32) {
    let (metres, points) = crate::render::nice_scale_length(ground_per_point, max_points);
    (metres, points as f32)
}

fn north_arrow(painter: &egui::Painter, rect: Rect) {
    let tip = rect.right_top() + vec2(-28.0, 14.0);
    let color = theme::SCALE_BAR;
    painter.add(Shape::convex_polygon(
        vec![tip, tip + vec2(8.0, 22.0), tip + vec2(0.0, 16.0)],
        color,
        Stroke::NONE,
    ));
    painter.add(Shape::convex_polygon(
        vec![tip, tip + vec2(0.0, 16.0), tip + vec2(-8.0, 22.0)],
        Color32::WHITE,
        Stroke::new(1.0, color),
    ));
    painter.text(
        tip + vec2(0.0, 26.0),
        Align2::CENTER_TOP,
        "N",
        FontId::proportional(12.0),
        color,
    );
}

#[cfg(test)]
mod tests {
    use super::{nice_scale_length, place_labels};
    use egui::{Rect, pos2, vec2};

    #[test]
    fn placed_labels_never_overlap_and_stay_inside() {
        let bounds = Rect::from_min_size(pos2(0.0, 0.0), vec2(400.0, 300.0));
        // A grid of candidates 40 × 14 points every 25 × 10 points: many collide.
        let mut candidates = Vec::new();
        for row in 0..40 {
            for col in 0..20 {
                candidates.push(Rect::from_min_size(
                    pos2(col as f32 * 25.0 - 10.0, row as f32 * 10.0 - 5.0),
                    vec2(40.0, 14.0),
                ));
            }
        }
        let district = Rect::from_min_size(pos2(150.0, 100.0), vec2(100.0, 30.0));
        let kept = place_labels(&candidates, vec![district], bounds);
        assert!(kept.len() > 20, "{}", kept.len());
        for (n, &a) in kept.iter().enumerate() {
            let ra = candidates[a];
            assert!(bounds.contains_rect(ra));
            assert!(!ra.intersects(district));
            for &b in &kept[n + 1..] {
                assert!(!ra.intersects(candidates[b]), "{a} and {b} overlap");
            }
        }
        // Greedy in order: the first candidate inside the bounds is always kept.
        let first_inside = candidates.iter().position(|r| bounds.contains_rect(*r));
        assert_eq!(kept.first().copied(), first_inside);
    }

    #[test]
    fn scale_bar_lengths_are_round() {
        let (m, points) = nice_scale_length(3.0, 120.0);
        assert!((m - 200.0).abs() < 1e-9 && (points - 66.666).abs() < 0.01);
        let (m, _) = nice_scale_length(50.0, 120.0);
        assert!((m - 5000.0).abs() < 1e-9);
    }
}
