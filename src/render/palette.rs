//! Every colour of the map, in one place: the map image draws with them and the window's
//! theme (`ui::theme`) reads the map's colours from here (paper background, light district
//! fills with saturated outlines, slate parcel outlines), so that an exported image looks like
//! the screen; parcel fills come from [`crate::style`].

use crate::style::Rgb;
use tiny_skia::Color;

/// Page around the map (title and legend panels).
pub const PAGE: Rgb = [0xff, 0xff, 0xff];
/// Map background, a light paper tone (as the window's).
pub const MAP_BACKGROUND: Rgb = [0xf3, 0xf1, 0xec];

/// District fills by position in the district file (as the window's).
pub const DISTRICT_FILLS: [Rgb; 6] = [
    [0xcf, 0xe3, 0xf5],
    [0xd5, 0xee, 0xd0],
    [0xf8, 0xe0, 0xc4],
    [0xe6, 0xd7, 0xf2],
    [0xf5, 0xd0, 0xd8],
    [0xd9, 0xf0, 0xee],
];
/// District outlines and name colours (as the window's).
pub const DISTRICT_OUTLINES: [Rgb; 6] = [
    [0x2b, 0x6c, 0xb0],
    [0x2f, 0x85, 0x3a],
    [0xc0, 0x6a, 0x12],
    [0x74, 0x44, 0xa8],
    [0xb0, 0x35, 0x58],
    [0x1f, 0x8a, 0x80],
];

/// Parcel outlines (as the window's).
pub const PARCEL_OUTLINE: Rgb = [0x4a, 0x55, 0x68];
/// Text on the page and labels.
pub const TEXT: Rgb = [0x1d, 0x24, 0x30];
/// Secondary text (subtitles, column heads, footers).
pub const TEXT_MUTED: Rgb = [0x5f, 0x66, 0x70];
/// Frame lines, rules and panel borders.
pub const RULE: Rgb = [0xb8, 0xbc, 0xc4];
/// Scale bar and north arrow.
pub const INK: Rgb = [0x20, 0x20, 0x20];

#[must_use]
pub fn district_fill(i: usize) -> Rgb {
    DISTRICT_FILLS[i % DISTRICT_FILLS.len()]
}

#[must_use]
pub fn district_outline(i: usize) -> Rgb {
    DISTRICT_OUTLINES[i % DISTRICT_OUTLINES.len()]
}

/// An opaque tiny-skia colour.
#[must_use]
pub fn color(rgb: Rgb) -> Color {
    Color::from_rgba8(rgb[0], rgb[1], rgb[2], 0xff)
}

/// A tiny-skia colour with alpha in 0..=1.
#[must_use]
pub fn color_alpha(rgb: Rgb, alpha: f32) -> Color {
    let mut c = color(rgb);
    c.set_alpha(alpha.clamp(0.0, 1.0));
    c
}

/// White for halos and backing boxes, with alpha.
#[must_use]
pub fn white(alpha: f32) -> Color {
    color_alpha(PAGE, alpha)
}
