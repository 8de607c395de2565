//! The map: camera, prepared layers, and the widget that draws them and turns pointer input
//! into pan, zoom, hover and click.

pub mod camera;
pub mod layer;

pub use camera::Camera;
pub use layer::MapLayer;

use crate::crs::web_mercator;
use crate::model::{Lang, Park};
use crate::ui::theme;
use egui::emath::TSTransform;
use egui::{Align2, Color32, FontId, Mesh, Pos2, Rect, Sense, Shape, Stroke, Ui, pos2, vec2};

/// What the map shows, as chosen in the layer list.
#[derive(Debug, Clone, Copy)]
pub struct MapStyle {
    pub show_districts: bool,
    pub show_parcels: bool,
    pub lang: Lang,
}

/// What is drawn over the parcels: hover, selection and 预警 outlines.
#[derive(Debug, Clone, Copy)]
pub struct Overlay<'a> {
    pub selection: &'a crate::query::Selection,
    pub hovered: Option<usize>,
    /// Parcels to outline as 预警, with their colour.
    pub alerts: &'a [(usize, Color32)],
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
}

/// Screen transform of local layer coordinates for a camera and view rectangle.
#[must_use]
pub fn ui_from_local(layer: &MapLayer, camera: &Camera, rect: Rect) -> TSTransform {
    let scaling = (1.0 / camera.m_per_point) as f32;
    let center_local = layer.local_from_world(camera.center);
    TSTransform {
        scaling,
        translation: rect.center().to_vec2() - center_local.to_vec2() * scaling,
    }
}

/// Draws the map filling the available space and handles its input.
pub fn map_ui(
    ui: &mut Ui,
    layer: &MapLayer,
    park: &Park,
    camera: &mut Camera,
    style: MapStyle,
    overlay: Overlay<'_>,
) -> MapOutput {
    let Overlay {
        selection,
        hovered,
        alerts,
    } = overlay;
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
    let name = match style.lang {
        Lang::Zh => "地图",
        Lang::En => "Map",
    };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, name));
    let rect = response.rect;

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
            let (min, max) = (
                [a[0].min(b[0]), a[1].min(b[1])],
                [a[0].max(b[0]), a[1].max(b[1])],
            );
            boxed = Some(layer.parcel_index.intersecting(min, max));
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

    let mut output = MapOutput {
        hovered: None,
        clicked: None,
        boxed,
        add: modifiers.shift,
        cursor_lon_lat: None,
        rect,
    };
    if let Some(pos) = response.hover_pos() {
        let world = camera.world_from_ui(pos, rect);
        output.cursor_lon_lat = Some(web_mercator::to_lon_lat(world[0], world[1]));
        if style.show_parcels {
            output.hovered = layer.parcel_index.hit(world);
        }
    }
    if response.clicked() {
        let hit = response.interact_pointer_pos().and_then(|pos| {
            style
                .show_parcels
                .then(|| layer.parcel_index.hit(camera.world_from_ui(pos, rect)))
                .flatten()
        });
        output.clicked = Some(hit);
    }

    // Drawing.
    painter.rect_filled(rect, 0.0, theme::MAP_BACKGROUND);
    let transform = ui_from_local(layer, camera, rect);
    let to_ui = |p: Pos2| transform * p;
    if style.show_districts {
        painter.add(transformed(&layer.districts.fill, transform));
    }
    if style.show_parcels {
        painter.add(transformed(&layer.parcels.fill, transform));
        // Outlines once parcels are big enough on screen to tell apart.
        if camera.m_per_point < 8.0 {
            let (min, max) = camera.visible_world(rect);
            let stroke = Stroke::new(0.6, theme::PARCEL_OUTLINE);
            for i in layer.parcel_index.in_rect(min, max) {
                for ring in layer.parcels.outlines.get(i).into_iter().flatten() {
                    painter.add(Shape::closed_line(
                        ring.iter().map(|&p| to_ui(p)).collect(),
                        stroke,
                    ));
                }
            }
        }
    }
    if style.show_districts {
        for (i, rings) in layer.districts.outlines.iter().enumerate() {
            let stroke = Stroke::new(2.0, theme::district_outline(i));
            for ring in rings {
                painter.add(Shape::closed_line(
                    ring.iter().map(|&p| to_ui(p)).collect(),
                    stroke,
                ));
            }
        }
    }
    // District names always show; parcel numbers fill the room they leave.
    let district_labels: Vec<(Rect, std::sync::Arc<egui::Galley>)> = if style.show_districts {
        park.districts
            .iter()
            .enumerate()
            .filter_map(|(i, district)| {
                let anchor = (*layer.districts.anchors.get(i)?)?;
                let galley = painter.layout_no_wrap(
                    district.label(style.lang).to_owned(),
                    FontId::proportional(18.0),
                    theme::district_outline(i),
                );
                let label_rect = Align2::CENTER_CENTER.anchor_size(to_ui(anchor), galley.size());
                Some((label_rect, galley))
            })
            .collect()
    } else {
        Vec::new()
    };
    if style.show_parcels {
        for &(index, color) in alerts {
            for ring in layer.parcels.outlines.get(index).into_iter().flatten() {
                painter.add(Shape::closed_line(
                    ring.iter().map(|&p| to_ui(p)).collect(),
                    Stroke::new(2.5, color),
                ));
            }
        }
        if let Some(index) = hovered {
            highlight(
                &painter,
                &layer.parcels,
                index,
                transform,
                theme::HOVER_FILL,
                theme::HOVER_OUTLINE,
            );
        }
        for index in selection.iter() {
            highlight(
                &painter,
                &layer.parcels,
                index,
                transform,
                theme::SELECTED_FILL,
                theme::SELECTED_OUTLINE,
            );
        }
        let taken = district_labels
            .iter()
            .map(|(r, _)| r.expand2(vec2(6.0, 3.0)))
            .collect();
        parcel_labels(&painter, layer, park, camera, transform, taken);
    }
    for (label_rect, galley) in district_labels {
        painter.rect_filled(label_rect.expand2(vec2(4.0, 1.0)), 4.0, theme::LABEL_HALO);
        painter.galley(label_rect.min, galley, theme::LABEL_TEXT);
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
    shapes: &layer::ShapeLayer,
    index: usize,
    transform: TSTransform,
    fill: Color32,
    outline: Color32,
) {
    let Some(range) = shapes.triangles.get(index) else {
        return;
    };
    let mut mesh = Mesh::default();
    for &i in shapes.fill.indices.get(range.clone()).unwrap_or_default() {
        if let Some(v) = shapes.fill.vertices.get(i as usize) {
            let n = mesh.vertices.len() as u32;
            mesh.colored_vertex(transform * v.pos, fill);
            mesh.indices.push(n);
        }
    }
    painter.add(Shape::mesh(mesh));
    for ring in shapes.outlines.get(index).into_iter().flatten() {
        painter.add(Shape::closed_line(
            ring.iter().map(|&p| transform * p).collect(),
            Stroke::new(2.5, outline),
        ));
    }
}

/// Parcel numbers where a parcel is wide enough on screen, skipping labels that would overlap.
fn parcel_labels(
    painter: &egui::Painter,
    layer: &MapLayer,
    park: &Park,
    camera: &Camera,
    transform: TSTransform,
    mut placed: Vec<Rect>,
) {
    let rect = painter.clip_rect();
    let (min, max) = camera.visible_world(rect);
    let font = FontId::proportional(11.0);
    for i in layer.parcel_index.in_rect(min, max) {
        let (Some(parcel), Some(Some(anchor)), Some(width_m)) = (
            park.parcels.get(i),
            layer.parcels.anchors.get(i),
            layer.parcels.widths_m.get(i),
        ) else {
            continue;
        };
        if width_m / camera.m_per_point < 48.0 {
            continue;
        }
        let galley =
            painter.layout_no_wrap(parcel.parcel_no.clone(), font.clone(), theme::LABEL_TEXT);
        let label_rect = Align2::CENTER_CENTER.anchor_size(transform * *anchor, galley.size());
        if !rect.contains_rect(label_rect) || placed.iter().any(|r| r.intersects(label_rect)) {
            continue;
        }
        placed.push(label_rect.expand(2.0));
        painter.galley(label_rect.min, galley, theme::LABEL_TEXT);
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

/// The largest 1-2-5 × 10^k ground length that fits in `max_points`, and its length in points.
#[must_use]
pub fn nice_scale_length(ground_per_point: f64, max_points: f64) -> (f64, f32) {
    let max_m = ground_per_point * max_points;
    let magnitude = 10f64.powf(max_m.log10().floor());
    let metres = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|f| f * magnitude)
        .find(|&m| m <= max_m)
        .unwrap_or(magnitude);
    (metres, (metres / ground_per_point) as f32)
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
    use super::nice_scale_length;

    #[test]
    fn scale_bar_lengths_are_round() {
        let (m, points) = nice_scale_length(3.0, 120.0);
        assert!((m - 200.0).abs() < 1e-9 && (points - 66.666).abs() < 0.01);
        let (m, _) = nice_scale_length(50.0, 120.0);
        assert!((m - 5000.0).abs() < 1e-9);
    }
}
