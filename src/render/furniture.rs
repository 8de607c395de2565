//! Map furniture: the title band, the legend (classes with swatch, count and 亩; districts
//! with their area), the scale bar and the north arrow.

use super::PxRect;
use super::palette;
use super::text::{Align, TextStyle, Typeface, draw_text};
use crate::model::{Lang, Park};
use crate::style::{Classification, Rgb};
use crate::units::group_thousands;
use crate::units::{km2_from_m2, mu_from_m2};
use tiny_skia::{FillRule, LineJoin, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

/// One line of the legend.
#[derive(Debug, Clone)]
pub enum Row {
    Heading(String),
    Sub(String),
    /// Column heads: label, count, area.
    Columns(String, String, String),
    Class {
        color: Rgb,
        label: String,
        count: usize,
        area_mu: f64,
    },
    Rule,
    Total {
        label: String,
        count: usize,
        area_mu: f64,
    },
    District {
        fill: Rgb,
        outline: Rgb,
        label: String,
        area: String,
    },
    Note(String),
    Gap,
}

impl Row {
    /// Height at scale 1.
    fn height(&self) -> f32 {
        match self {
            Self::Heading(_) => 32.0,
            Self::Sub(_) | Self::Columns(..) | Self::Note(_) => 22.0,
            Self::Class { .. } | Self::Total { .. } | Self::District { .. } => 25.0,
            Self::Rule => 9.0,
            Self::Gap => 12.0,
        }
    }
}

/// A group of legend rows drawn in one column.
#[derive(Debug, Clone)]
pub struct Block {
    pub rows: Vec<Row>,
}

impl Block {
    /// Height at scale 1.
    #[must_use]
    pub fn height(&self) -> f32 {
        self.rows.iter().map(Row::height).sum()
    }
}

/// The legend: the parcel classes, then the districts and a note.
#[must_use]
pub fn legend_blocks(park: &Park, classification: &Classification, lang: Lang) -> Vec<Block> {
    let mut classes = vec![
        Row::Heading(lang.pick("图例", "Legend").to_owned()),
        Row::Sub(format!(
            "{} · {}",
            lang.pick("宗地", "Parcels").to_owned(),
            classification.preset.label(lang)
        )),
        Row::Columns(
            lang.pick("类别", "Class").to_owned(),
            lang.pick("宗数", "Count").to_owned(),
            lang.pick("面积（亩）", "Area (mu)").to_owned(),
        ),
    ];
    for class in &classification.classes {
        classes.push(Row::Class {
            color: class.color,
            label: class.label.clone(),
            count: class.count,
            area_mu: class.area_mu(),
        });
    }
    classes.push(Row::Rule);
    classes.push(Row::Total {
        label: lang.pick("合计", "Total").to_owned(),
        count: classification.classes.iter().map(|c| c.count).sum(),
        area_mu: mu_from_m2(classification.classes.iter().map(|c| c.area_m2).sum()),
    });
    let mut districts = vec![Row::Heading(lang.pick("片区", "Districts").to_owned())];
    for (i, district) in park.districts.iter().enumerate() {
        districts.push(Row::District {
            fill: palette::district_fill(i),
            outline: palette::district_outline(i),
            label: district.label(lang).to_owned(),
            area: format!("{} km²", group_thousands(km2_from_m2(district.area_m2), 2)),
        });
    }
    districts.push(Row::Gap);
    let basis = park.area_basis.label(lang);
    districts.push(Row::Note(match lang {
        Lang::Zh => format!("面积为{basis}；Web 墨卡托投影"),
        Lang::En => format!("Areas: {basis}; Web Mercator"),
    }));
    let outside = park.outside_zones();
    if outside > 0 && park.area_basis == crate::model::AreaBasis::Plane {
        districts.push(Row::Note(match lang {
            Lang::Zh => format!("{outside} 宗不在分带内，用椭球面积"),
            Lang::En => format!("{outside} outside the zones: ellipsoidal"),
        }));
    }
    vec![Block { rows: classes }, Block { rows: districts }]
}

fn paint(color: tiny_skia::Color) -> Paint<'static> {
    let mut paint = Paint {
        anti_alias: true,
        ..Paint::default()
    };
    paint.set_color(color);
    paint
}

fn fill_rect(pixmap: &mut Pixmap, rect: PxRect, color: tiny_skia::Color) {
    if let Some(r) = Rect::from_ltrb(rect.x0, rect.y0, rect.x1, rect.y1) {
        pixmap.fill_rect(r, &paint(color), Transform::identity(), None);
    }
}

fn stroke_rect(pixmap: &mut Pixmap, rect: PxRect, color: tiny_skia::Color, width: f32) {
    if let Some(r) = Rect::from_ltrb(rect.x0, rect.y0, rect.x1, rect.y1) {
        let path = PathBuilder::from_rect(r);
        let stroke = Stroke {
            width,
            line_join: LineJoin::Miter,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(color), &stroke, Transform::identity(), None);
    }
}

fn hline(pixmap: &mut Pixmap, x0: f32, x1: f32, y: f32, color: tiny_skia::Color, width: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x0, y);
    pb.line_to(x1, y);
    if let Some(path) = pb.finish() {
        let stroke = Stroke {
            width,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(color), &stroke, Transform::identity(), None);
    }
}

/// Draws a legend block in a column at (`x`, `y`), `width` wide, at scale `s`.
pub fn draw_block(
    pixmap: &mut Pixmap,
    face: &mut Typeface,
    block: &Block,
    x: f32,
    y: f32,
    width: f32,
    s: f32,
) {
    let text = palette::color(palette::TEXT);
    let muted = palette::color(palette::TEXT_MUTED);
    let body = 14.0 * s;
    let small = 12.0 * s;
    let swatch_w = 24.0 * s;
    let label_x = x + swatch_w + 8.0 * s;
    let area_right = x + width;
    // Number columns as wide as their widest entry, so labels get the rest.
    let (mut count_w, mut area_w) = (0.0f32, 0.0f32);
    for row in &block.rows {
        match row {
            Row::Columns(_, count, area) => {
                count_w = count_w.max(face.width(count, small));
                area_w = area_w.max(face.width(area, small));
            }
            Row::Class { count, area_mu, .. } | Row::Total { count, area_mu, .. } => {
                count_w = count_w.max(face.width(&group_thousands(*count as f64, 0), body));
                area_w = area_w.max(face.width(&group_thousands(*area_mu, 2), body));
            }
            _ => {}
        }
    }
    let count_right = area_right - area_w - 14.0 * s;
    let label_max = count_right - count_w - 10.0 * s - label_x;
    // A class's or the total's count and 亩, right-aligned in their columns.
    let draw_numbers = |pixmap: &mut Pixmap,
                        face: &mut Typeface,
                        count: usize,
                        area_mu: f64,
                        mid: f32,
                        style: TextStyle| {
        let count = group_thousands(count as f64, 0);
        draw_text(pixmap, face, &count, count_right, mid, Align::Right, style);
        let area = group_thousands(area_mu, 2);
        draw_text(pixmap, face, &area, area_right, mid, Align::Right, style);
    };
    let mut top = y;
    for row in &block.rows {
        let h = row.height() * s;
        let mid = top + h / 2.0;
        match row {
            Row::Heading(title) => {
                draw_text(
                    pixmap,
                    face,
                    title,
                    x,
                    mid + 2.0 * s,
                    Align::Left,
                    TextStyle::new(17.0 * s, text).bold(),
                );
            }
            Row::Sub(sub) => {
                let sub = face.fit(sub, body, width);
                draw_text(
                    pixmap,
                    face,
                    &sub,
                    x,
                    mid,
                    Align::Left,
                    TextStyle::new(body, text),
                );
            }
            Row::Columns(label, count, area) => {
                let style = TextStyle::new(small, muted);
                draw_text(pixmap, face, label, x, mid, Align::Left, style);
                draw_text(pixmap, face, count, count_right, mid, Align::Right, style);
                draw_text(pixmap, face, area, area_right, mid, Align::Right, style);
                hline(
                    pixmap,
                    x,
                    x + width,
                    top + h - 1.0 * s,
                    palette::color(palette::RULE),
                    s,
                );
            }
            Row::Class {
                color,
                label,
                count,
                area_mu,
            } => {
                let swatch = PxRect {
                    x0: x,
                    y0: mid - 7.0 * s,
                    x1: x + swatch_w,
                    y1: mid + 7.0 * s,
                };
                fill_rect(pixmap, swatch, palette::color(*color));
                stroke_rect(
                    pixmap,
                    swatch,
                    palette::color(palette::PARCEL_OUTLINE),
                    0.8 * s,
                );
                let style = TextStyle::new(body, text);
                let label = face.fit(label, body, label_max);
                draw_text(pixmap, face, &label, label_x, mid, Align::Left, style);
                draw_numbers(pixmap, face, *count, *area_mu, mid, style);
            }
            Row::Rule => {
                hline(pixmap, x, x + width, mid, palette::color(palette::RULE), s);
            }
            Row::Total {
                label,
                count,
                area_mu,
            } => {
                let style = TextStyle::new(body, text).bold();
                draw_text(pixmap, face, label, label_x, mid, Align::Left, style);
                draw_numbers(pixmap, face, *count, *area_mu, mid, style);
            }
            Row::District {
                fill,
                outline,
                label,
                area,
            } => {
                let swatch = PxRect {
                    x0: x + 1.0 * s,
                    y0: mid - 7.0 * s,
                    x1: x + swatch_w - 1.0 * s,
                    y1: mid + 7.0 * s,
                };
                fill_rect(pixmap, swatch, palette::color(*fill));
                stroke_rect(pixmap, swatch, palette::color(*outline), 2.0 * s);
                let style = TextStyle::new(body, text);
                let area_w = face.width(area, body);
                let label = face.fit(label, body, area_right - area_w - 8.0 * s - label_x);
                draw_text(pixmap, face, &label, label_x, mid, Align::Left, style);
                draw_text(pixmap, face, area, area_right, mid, Align::Right, style);
            }
            Row::Note(note) => {
                let note = face.fit(note, small, width);
                draw_text(
                    pixmap,
                    face,
                    &note,
                    x,
                    mid,
                    Align::Left,
                    TextStyle::new(small, muted),
                );
            }
            Row::Gap => {}
        }
        top += h;
    }
}

/// The title band: title on the left, the date on the right, a rule under it.
pub fn draw_title(
    pixmap: &mut Pixmap,
    face: &mut Typeface,
    band: PxRect,
    title: &str,
    date: &str,
    margin: f32,
    s: f32,
) {
    let mid = f32::midpoint(band.y0, band.y1);
    let date_size = 14.0 * s;
    let date_w = face.width(date, date_size);
    let title_size = 26.0 * s;
    let title = face.fit(
        title,
        title_size,
        band.width() - 2.0 * margin - date_w - 24.0 * s,
    );
    draw_text(
        pixmap,
        face,
        &title,
        band.x0 + margin,
        mid,
        Align::Left,
        TextStyle::new(title_size, palette::color(palette::TEXT)).bold(),
    );
    draw_text(
        pixmap,
        face,
        date,
        band.x1 - margin,
        mid + 4.0 * s,
        Align::Right,
        TextStyle::new(date_size, palette::color(palette::TEXT_MUTED)),
    );
    hline(
        pixmap,
        band.x0 + margin,
        band.x1 - margin,
        band.y1 - 1.0,
        palette::color(palette::RULE),
        s,
    );
}

/// The frame's border.
pub fn draw_frame_border(pixmap: &mut Pixmap, frame: PxRect, s: f32) {
    stroke_rect(
        pixmap,
        PxRect {
            x0: frame.x0 - 0.5,
            y0: frame.y0 - 0.5,
            x1: frame.x1 + 0.5,
            y1: frame.y1 + 0.5,
        },
        palette::color(palette::RULE),
        s.max(1.0),
    );
}

/// The largest 1-2-5 × 10^k ground length that fits in `max_px`, and its length in pixels.
#[must_use]
pub fn nice_scale_length(ground_per_px: f64, max_px: f64) -> (f64, f64) {
    let max_m = ground_per_px * max_px;
    if !(max_m.is_finite() && max_m > 0.0) {
        return (0.0, 0.0);
    }
    let magnitude = 10f64.powf(max_m.log10().floor());
    let metres = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|f| f * magnitude)
        .find(|&m| m <= max_m)
        .unwrap_or(magnitude);
    (metres, metres / ground_per_px)
}

/// "250", "1.5", "2 km": a length in the bar's unit.
fn length_text(metres: f64, km: bool) -> String {
    let value = if km { metres / 1000.0 } else { metres };
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A two-segment scale bar of a round length in the frame's bottom-left corner.
pub fn draw_scale_bar(
    pixmap: &mut Pixmap,
    face: &mut Typeface,
    frame: PxRect,
    ground_per_px: f64,
    s: f32,
) {
    let max_px = f64::from((frame.width() * 0.3).min(180.0 * s));
    let (metres, length) = nice_scale_length(ground_per_px, max_px);
    if metres <= 0.0 || length < 8.0 {
        return;
    }
    let length = length as f32;
    let km = metres >= 1000.0;
    let unit = if km { "km" } else { "m" };
    let x0 = frame.x0 + 18.0 * s;
    let bar_bottom = frame.y1 - 14.0 * s;
    let bar_h = 6.0 * s;
    let label_y = bar_bottom - bar_h - 10.0 * s;
    let size = 12.0 * s;
    let end_label = format!("{} {unit}", length_text(metres, km));
    let end_w = face.width(&end_label, size);
    let backing = PxRect {
        x0: x0 - 8.0 * s,
        y0: label_y - 10.0 * s,
        x1: x0 + length + end_w / 2.0 + 8.0 * s,
        y1: bar_bottom + 6.0 * s,
    };
    fill_rect(pixmap, backing, palette::white(0.85));
    let ink = palette::color(palette::INK);
    let half = length / 2.0;
    let first = PxRect {
        x0,
        y0: bar_bottom - bar_h,
        x1: x0 + half,
        y1: bar_bottom,
    };
    let second = PxRect {
        x0: x0 + half,
        y0: bar_bottom - bar_h,
        x1: x0 + length,
        y1: bar_bottom,
    };
    fill_rect(pixmap, first, ink);
    fill_rect(pixmap, second, palette::white(1.0));
    stroke_rect(
        pixmap,
        PxRect {
            x0,
            y0: bar_bottom - bar_h,
            x1: x0 + length,
            y1: bar_bottom,
        },
        ink,
        s,
    );
    let style = TextStyle::new(size, ink);
    draw_text(pixmap, face, "0", x0, label_y, Align::Center, style);
    draw_text(
        pixmap,
        face,
        &length_text(metres / 2.0, km),
        x0 + half,
        label_y,
        Align::Center,
        style,
    );
    draw_text(
        pixmap,
        face,
        &end_label,
        x0 + length - face.width(&length_text(metres, km), size) / 2.0,
        label_y,
        Align::Left,
        style,
    );
}

/// A north arrow in the frame's top-right corner (north is up: the map is not rotated).
pub fn draw_north_arrow(pixmap: &mut Pixmap, face: &mut Typeface, frame: PxRect, s: f32) {
    let tip_x = frame.x1 - 32.0 * s;
    let tip_y = frame.y0 + 18.0 * s;
    let (half_w, height, notch) = (10.0 * s, 32.0 * s, 24.0 * s);
    let ink = palette::color(palette::INK);
    // A light backing, so the arrow reads over a dense map.
    fill_rect(
        pixmap,
        PxRect {
            x0: tip_x - 18.0 * s,
            y0: tip_y - 8.0 * s,
            x1: tip_x + 18.0 * s,
            y1: tip_y + height + 24.0 * s,
        },
        palette::white(0.8),
    );
    let triangle = |points: [(f32, f32); 3]| {
        let mut pb = PathBuilder::new();
        pb.move_to(points[0].0, points[0].1);
        pb.line_to(points[1].0, points[1].1);
        pb.line_to(points[2].0, points[2].1);
        pb.close();
        pb.finish()
    };
    let right = triangle([
        (tip_x, tip_y),
        (tip_x + half_w, tip_y + height),
        (tip_x, tip_y + notch),
    ]);
    let left = triangle([
        (tip_x, tip_y),
        (tip_x, tip_y + notch),
        (tip_x - half_w, tip_y + height),
    ]);
    let stroke = Stroke {
        width: s,
        line_join: LineJoin::Miter,
        ..Stroke::default()
    };
    if let Some(left) = left {
        pixmap.fill_path(
            &left,
            &paint(palette::white(1.0)),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
        pixmap.stroke_path(&left, &paint(ink), &stroke, Transform::identity(), None);
    }
    if let Some(right) = right {
        pixmap.fill_path(
            &right,
            &paint(ink),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
        pixmap.stroke_path(&right, &paint(ink), &stroke, Transform::identity(), None);
    }
    draw_text(
        pixmap,
        face,
        "N",
        tip_x,
        tip_y + height + 12.0 * s,
        Align::Center,
        TextStyle::new(15.0 * s, ink)
            .bold()
            .halo(palette::white(0.9), 4.0 * s),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bar_lengths_are_round() {
        let (m, px) = nice_scale_length(3.0, 120.0);
        assert!((m - 200.0).abs() < 1e-9 && (px - 66.666).abs() < 0.01);
        assert!((nice_scale_length(50.0, 120.0).0 - 5000.0).abs() < 1e-9);
        assert!((nice_scale_length(213.0, 180.0).0 - 20_000.0).abs() < 1e-9);
        assert_eq!(nice_scale_length(f64::NAN, 100.0), (0.0, 0.0));
    }

    #[test]
    fn lengths_are_written_without_trailing_zeros() {
        assert_eq!(length_text(250.0, false), "250");
        assert_eq!(length_text(1500.0, true), "1.5");
        assert_eq!(length_text(20_000.0, true), "20");
    }
}
