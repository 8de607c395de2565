//! Text for the map image: the embedded CJK font read with `ab_glyph`, each glyph's outline
//! turned into a tiny-skia path once and cached, so text is filled (and haloed) by the same
//! anti-aliased rasterizer as the map.
//!
//! Layout is one line, left to right, by advance widths (and kerning where the font has it):
//! enough for Chinese and Latin labels; no shaping.

use ab_glyph::{Font as _, FontRef, GlyphId, OutlineCurve};
use std::collections::HashMap;
use tiny_skia::{
    Color, FillRule, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, Stroke, Transform,
};

/// Horizontal placement of a line of text relative to its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// The font with its glyph paths cached in font units (y up).
pub struct Typeface {
    font: FontRef<'static>,
    units_per_em: f32,
    glyphs: HashMap<GlyphId, Option<Path>>,
}

impl Typeface {
    /// The embedded CJK font.
    pub fn cjk() -> Result<Self, ab_glyph::InvalidFont> {
        let font = FontRef::try_from_slice(crate::fonts::CJK_FONT)?;
        let units_per_em = font.units_per_em().unwrap_or(1000.0);
        Ok(Self {
            font,
            units_per_em,
            glyphs: HashMap::new(),
        })
    }

    fn px(&self, size: f32) -> f32 {
        size / self.units_per_em
    }

    /// Width of a line of text at `size` px per em.
    #[must_use]
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let mut width = 0.0;
        let mut previous: Option<GlyphId> = None;
        for c in text.chars() {
            let id = self.font.glyph_id(c);
            if let Some(p) = previous {
                width += self.font.kern_unscaled(p, id);
            }
            width += self.font.h_advance_unscaled(id);
            previous = Some(id);
        }
        width * self.px(size)
    }

    /// `text` shortened with "…" to fit `max_width`.
    #[must_use]
    pub fn fit(&self, text: &str, size: f32, max_width: f32) -> String {
        if self.width(text, size) <= max_width {
            return text.to_owned();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let candidate: String = chars.iter().chain(['…'].iter()).collect();
            if self.width(&candidate, size) <= max_width {
                return candidate;
            }
        }
        String::new()
    }

    /// The outline of a glyph in font units, cached.
    fn glyph_path(&mut self, id: GlyphId) -> Option<&Path> {
        let font = &self.font;
        self.glyphs
            .entry(id)
            .or_insert_with(|| {
                let outline = font.outline(id)?;
                let mut pb = PathBuilder::new();
                let mut last: Option<ab_glyph::Point> = None;
                for curve in &outline.curves {
                    let start = match curve {
                        OutlineCurve::Line(a, _)
                        | OutlineCurve::Quad(a, _, _)
                        | OutlineCurve::Cubic(a, _, _, _) => *a,
                    };
                    if last != Some(start) {
                        if last.is_some() {
                            pb.close();
                        }
                        pb.move_to(start.x, start.y);
                    }
                    let end = match curve {
                        OutlineCurve::Line(_, b) => {
                            pb.line_to(b.x, b.y);
                            *b
                        }
                        OutlineCurve::Quad(_, c, b) => {
                            pb.quad_to(c.x, c.y, b.x, b.y);
                            *b
                        }
                        OutlineCurve::Cubic(_, c1, c2, b) => {
                            pb.cubic_to(c1.x, c1.y, c2.x, c2.y, b.x, b.y);
                            *b
                        }
                    };
                    last = Some(end);
                }
                if last.is_some() {
                    pb.close();
                }
                pb.finish()
            })
            .as_ref()
    }

    /// The outline of a line of text with its baseline starting at (`x`, `baseline`), in
    /// pixels (y down).
    pub fn path(&mut self, text: &str, size: f32, x: f32, baseline: f32) -> Option<Path> {
        let scale = self.px(size);
        let mut pb = PathBuilder::new();
        let mut pen = 0.0;
        let mut previous: Option<GlyphId> = None;
        for c in text.chars() {
            let id = self.font.glyph_id(c);
            if let Some(p) = previous {
                pen += self.font.kern_unscaled(p, id);
            }
            let advance = self.font.h_advance_unscaled(id);
            let at = x + pen * scale;
            if let Some(glyph) = self.glyph_path(id)
                && let Some(placed) = glyph
                    .clone()
                    .transform(Transform::from_row(scale, 0.0, 0.0, -scale, at, baseline))
            {
                pb.push_path(&placed);
            }
            pen += advance;
            previous = Some(id);
        }
        pb.finish()
    }
}

/// How a piece of text is drawn.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    pub size: f32,
    pub color: Color,
    /// A light outline around the glyphs so that text reads over the map: colour and width.
    pub halo: Option<(Color, f32)>,
    /// Thickens the glyphs a little (the font has one weight).
    pub bold: bool,
}

impl TextStyle {
    #[must_use]
    pub fn new(size: f32, color: Color) -> Self {
        Self {
            size,
            color,
            halo: None,
            bold: false,
        }
    }

    #[must_use]
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }

    #[must_use]
    pub fn halo(mut self, color: Color, width: f32) -> Self {
        self.halo = Some((color, width));
        self
    }
}

/// Draws one line of text. `y` is the vertical centre of the line (of the ideographs' body),
/// which is how labels are placed in rows and at points. Returns the width drawn.
pub fn draw_text(
    pixmap: &mut Pixmap,
    face: &mut Typeface,
    text: &str,
    x: f32,
    y: f32,
    align: Align,
    style: TextStyle,
) -> f32 {
    let width = face.width(text, style.size);
    let left = match align {
        Align::Left => x,
        Align::Center => x - width / 2.0,
        Align::Right => x - width,
    };
    // Ideographs sit from about -0.08 to 0.84 em around the baseline: centre them on `y`.
    let baseline = y + 0.38 * style.size;
    let Some(path) = face.path(text, style.size, left, baseline) else {
        return width;
    };
    let mut paint = Paint {
        anti_alias: true,
        ..Paint::default()
    };
    if let Some((color, halo_width)) = style.halo {
        paint.set_color(color);
        let stroke = Stroke {
            width: halo_width,
            line_join: LineJoin::Round,
            line_cap: LineCap::Round,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
    }
    paint.set_color(style.color);
    pixmap.fill_path(
        &path,
        &paint,
        FillRule::Winding,
        Transform::identity(),
        None,
    );
    if style.bold {
        let stroke = Stroke {
            width: style.size * 0.035,
            line_join: LineJoin::Round,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_and_drawn_where_asked() {
        let mut face = Typeface::cjk().expect("the embedded font reads");
        let w = face.width("园区", 20.0);
        // Ideographs are one em wide.
        assert!((w - 40.0).abs() < 0.5, "{w}");
        let mut pixmap = Pixmap::new(100, 40).expect("pixmap");
        pixmap.fill(Color::WHITE);
        let drawn = draw_text(
            &mut pixmap,
            &mut face,
            "园区",
            10.0,
            20.0,
            Align::Left,
            TextStyle::new(20.0, Color::BLACK),
        );
        assert!((drawn - w).abs() < 1e-3);
        let dark = |x0: u32, x1: u32| {
            (0..40)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .filter(|&(x, y)| pixmap.pixel(x, y).is_some_and(|p| p.red() < 128))
                .count()
        };
        assert!(dark(10, 50) > 60, "ink where the text is");
        assert_eq!(dark(55, 100), 0, "no ink right of it");
        assert_eq!(dark(0, 9), 0, "no ink left of it");
    }

    #[test]
    fn long_text_is_shortened_with_an_ellipsis() {
        let face = Typeface::cjk().expect("font");
        let fitted = face.fit("梁川永鑫汽车零部件有限公司", 10.0, 60.0);
        assert!(fitted.ends_with('…'), "{fitted}");
        assert!(face.width(&fitted, 10.0) <= 60.0);
        assert_eq!(face.fit("园区", 10.0, 60.0), "园区");
    }
}
