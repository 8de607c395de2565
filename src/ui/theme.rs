//! Every colour the window uses, in one place.

use crate::model::ParcelStatus;
use egui::Color32;

// The map's own colours are the map image's (`render::palette`), so that an exported image
// looks like the screen: one palette, read here.
use crate::render::palette;

/// Map background, a light paper tone.
pub const MAP_BACKGROUND: Color32 = rgb(palette::MAP_BACKGROUND);

/// Fill of each district, by position in the district file.
#[must_use]
pub fn district_fill(i: usize) -> Color32 {
    rgb(palette::district_fill(i))
}

/// Outline and name colour of each district.
#[must_use]
pub fn district_outline(i: usize) -> Color32 {
    rgb(palette::district_outline(i))
}

/// An egui colour from a style colour.
#[must_use]
pub const fn rgb(c: crate::style::Rgb) -> Color32 {
    Color32::from_rgb(c[0], c[1], c[2])
}

/// Parcel fill by status; `None` is a parcel whose file records no status.
#[must_use]
pub fn status_fill(status: Option<ParcelStatus>) -> Color32 {
    rgb(crate::style::status_color(status))
}

pub const PARCEL_OUTLINE: Color32 = rgb(palette::PARCEL_OUTLINE);
pub const HOVER_OUTLINE: Color32 = Color32::from_rgb(0x00, 0xa0, 0xe0);
pub const HOVER_FILL: Color32 = Color32::from_rgba_premultiplied(0x00, 0x50, 0x70, 0x50);
pub const SELECTED_OUTLINE: Color32 = Color32::from_rgb(0xff, 0xd4, 0x00);
pub const SELECTED_FILL: Color32 = Color32::from_rgba_premultiplied(0x80, 0x6a, 0x00, 0x80);
pub const LABEL_TEXT: Color32 = Color32::from_rgb(0x1d, 0x24, 0x30);
pub const LABEL_HALO: Color32 = Color32::from_rgba_premultiplied(0xf0, 0xf0, 0xf0, 0xc8);
pub const SCALE_BAR: Color32 = Color32::from_rgb(0x20, 0x20, 0x20);
pub const ERROR_TEXT: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);
/// Notes that are not errors (e.g. the open case was opened instead of a second one).
pub const INFO_TEXT: Color32 = Color32::from_rgb(0x1f, 0x5f, 0xa8);

/// 预警 outline: overdue or idle two years and more.
pub const ALERT_SEVERE: Color32 = Color32::from_rgb(0xd0, 0x10, 0x10);
/// 预警 outline: idle a year and more.
pub const ALERT_WARNING: Color32 = Color32::from_rgb(0xff, 0x8c, 0x00);

/// Fill of the selection box while dragging.
pub const SELECTION_BOX_FILL: Color32 = Color32::from_rgba_premultiplied(0x40, 0x35, 0x00, 0x30);

/// 统计 dashboard: bars of cases by disposal method.
pub const CHART_METHODS: Color32 = Color32::from_rgb(0x3a, 0x7b, 0xd5);
/// 统计 dashboard: bars of revitalized land (the 已盘活 green of the map).
pub const CHART_REVITALIZED: Color32 = Color32::from_rgb(0x3f, 0xa3, 0x4d);
/// 统计 dashboard: the accent strip of the park and parcel cards.
pub const CARD_PARK: Color32 = Color32::from_rgb(0x2b, 0x6c, 0xb0);
