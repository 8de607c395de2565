//! Every colour the window uses, in one place.

use crate::model::{ParcelStatus, Progress};
use egui::Color32;

/// Map background, a light paper tone.
pub const MAP_BACKGROUND: Color32 = Color32::from_rgb(0xf3, 0xf1, 0xec);

/// Fill and outline of each district, by position in the district file.
const DISTRICT_FILLS: [Color32; 6] = [
    Color32::from_rgb(0xcf, 0xe3, 0xf5),
    Color32::from_rgb(0xd5, 0xee, 0xd0),
    Color32::from_rgb(0xf8, 0xe0, 0xc4),
    Color32::from_rgb(0xe6, 0xd7, 0xf2),
    Color32::from_rgb(0xf5, 0xd0, 0xd8),
    Color32::from_rgb(0xd9, 0xf0, 0xee),
];
const DISTRICT_OUTLINES: [Color32; 6] = [
    Color32::from_rgb(0x2b, 0x6c, 0xb0),
    Color32::from_rgb(0x2f, 0x85, 0x3a),
    Color32::from_rgb(0xc0, 0x6a, 0x12),
    Color32::from_rgb(0x74, 0x44, 0xa8),
    Color32::from_rgb(0xb0, 0x35, 0x58),
    Color32::from_rgb(0x1f, 0x8a, 0x80),
];

#[must_use]
pub fn district_fill(i: usize) -> Color32 {
    DISTRICT_FILLS[i % DISTRICT_FILLS.len()]
}

#[must_use]
pub fn district_outline(i: usize) -> Color32 {
    DISTRICT_OUTLINES[i % DISTRICT_OUTLINES.len()]
}

/// Parcel fill by status; `None` is a parcel whose file records no status.
#[must_use]
pub fn status_fill(status: Option<ParcelStatus>) -> Color32 {
    match status {
        Some(ParcelStatus::InUse) => Color32::from_rgb(0x9d, 0xb4, 0xcc),
        Some(ParcelStatus::Idle) => Color32::from_rgb(0xe0, 0x4f, 0x39),
        Some(ParcelStatus::LowEfficiency) => Color32::from_rgb(0xf0, 0xa2, 0x02),
        Some(ParcelStatus::Revitalized) => Color32::from_rgb(0x3f, 0xa3, 0x4d),
        None => Color32::from_rgb(0xbd, 0xbd, 0xbd),
    }
}

pub const PARCEL_OUTLINE: Color32 = Color32::from_rgb(0x4a, 0x55, 0x68);
pub const HOVER_OUTLINE: Color32 = Color32::from_rgb(0x00, 0xa0, 0xe0);
pub const HOVER_FILL: Color32 = Color32::from_rgba_premultiplied(0x00, 0x50, 0x70, 0x50);
pub const SELECTED_OUTLINE: Color32 = Color32::from_rgb(0xff, 0xd4, 0x00);
pub const SELECTED_FILL: Color32 = Color32::from_rgba_premultiplied(0x80, 0x6a, 0x00, 0x80);
pub const LABEL_TEXT: Color32 = Color32::from_rgb(0x1d, 0x24, 0x30);
pub const LABEL_HALO: Color32 = Color32::from_rgba_premultiplied(0xf0, 0xf0, 0xf0, 0xc8);
pub const SCALE_BAR: Color32 = Color32::from_rgb(0x20, 0x20, 0x20);
pub const ERROR_TEXT: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);

/// Parcel fill by ledger progress; `None` is a parcel with no case.
#[must_use]
pub fn progress_fill(progress: Option<Progress>) -> Color32 {
    match progress {
        Some(Progress::Pending) => Color32::from_rgb(0xf2, 0xd3, 0x5b),
        Some(Progress::Identified) => Color32::from_rgb(0xf0, 0x8a, 0x24),
        Some(Progress::Disposing) => Color32::from_rgb(0x3a, 0x7b, 0xd5),
        Some(Progress::Disposed) => Color32::from_rgb(0x8e, 0x5c, 0xc4),
        Some(Progress::Revitalized) => Color32::from_rgb(0x3f, 0xa3, 0x4d),
        Some(Progress::Suspended) => Color32::from_rgb(0x9e, 0x9e, 0x9e),
        Some(Progress::WrittenOff) => Color32::from_rgb(0x5f, 0x5f, 0x5f),
        None => Color32::from_rgb(0xdc, 0xdf, 0xe4),
    }
}

/// 预警 outline: overdue or idle two years and more.
pub const ALERT_SEVERE: Color32 = Color32::from_rgb(0xd0, 0x10, 0x10);
/// 预警 outline: idle a year and more.
pub const ALERT_WARNING: Color32 = Color32::from_rgb(0xff, 0x8c, 0x00);

/// Fill of the selection box while dragging.
pub const SELECTION_BOX_FILL: Color32 = Color32::from_rgba_premultiplied(0x40, 0x35, 0x00, 0x30);
