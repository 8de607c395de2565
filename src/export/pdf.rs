//! A small PDF page writer for the reports: text in the embedded CJK font, lines, rectangles
//! and RGB images, on A4 pages, with `pdf-writer`.
//!
//! The font is embedded as a real font, not as pictures of text: the glyphs used are cut out
//! of the OTF with `subsetter` (CFF outlines kept, CID-keyed, glyph id = CID), written as a
//! Type 0 font with Identity-H encoding and a `ToUnicode` map, so that the text prints sharp
//! at any size and can be searched and copied (`pdftotext` reads it back).
//!
//! Positions are in points from the top-left corner of the page (y down), as in the map
//! image; the writer flips them.

use crate::fonts::{CJK_FONT, CJK_FONT_NAME};
use ab_glyph::{Font as _, FontRef};
use pdf_writer::types::{
    CidFontType, FontFlags, LineCapStyle, SystemInfo, TextRenderingMode, UnicodeCmap,
};
use pdf_writer::{Content, Filter, Finish as _, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;

/// A4 portrait, in points.
pub const A4: (f32, f32) = (595.276, 841.89);

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read: {0}")]
    Font(String),
    #[error("the embedded font cannot be subset for the PDF: {0}")]
    Subset(String),
}

/// An sRGB colour.
pub type Rgb = [u8; 3];

fn rgb_f(c: Rgb) -> [f32; 3] {
    c.map(|v| f32::from(v) / 255.0)
}

/// Horizontal placement of text relative to `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HAlign {
    Left,
    Center,
    Right,
}

/// How a line of text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub align: HAlign,
    pub color: Rgb,
    /// Thickened by stroking the glyphs too (the font has one weight).
    pub bold: bool,
}

impl Style {
    #[must_use]
    pub fn new(size: f32, color: Rgb) -> Self {
        Self {
            size,
            align: HAlign::Left,
            color,
            bold: false,
        }
    }

    #[must_use]
    pub fn align(mut self, align: HAlign) -> Self {
        self.align = align;
        self
    }

    #[must_use]
    pub fn bold(mut self, bold: bool) -> Self {
        self.bold = bold;
        self
    }
}

/// An image to place: RGB samples, row by row.
struct Image {
    width: u32,
    height: u32,
    /// zlib-compressed RGB.
    deflated: Vec<u8>,
}

struct Page {
    content: Content,
    /// Indices into the document's images.
    images: Vec<usize>,
}

/// A document being written, page by page.
pub struct PdfDoc {
    font: FontRef<'static>,
    units_per_em: f32,
    glyphs: GlyphRemapper,
    /// New glyph id → the text it stands for (for `ToUnicode`).
    unicode: BTreeMap<u16, char>,
    pages: Vec<Page>,
    /// The page being drawn on.
    current: usize,
    images: Vec<Image>,
    title: String,
}

impl PdfDoc {
    /// An empty document; `title` goes into the document information.
    pub fn new(title: &str) -> Result<Self, PdfError> {
        let font = FontRef::try_from_slice(CJK_FONT).map_err(|e| PdfError::Font(e.to_string()))?;
        let units_per_em = font.units_per_em().unwrap_or(1000.0);
        Ok(Self {
            font,
            units_per_em,
            glyphs: GlyphRemapper::new(),
            unicode: BTreeMap::new(),
            pages: Vec::new(),
            current: 0,
            images: Vec::new(),
            title: title.to_owned(),
        })
    }

    /// Starts a new page; what follows is drawn on it.
    pub fn new_page(&mut self) {
        self.pages.push(Page {
            content: Content::new(),
            images: Vec::new(),
        });
        self.current = self.pages.len() - 1;
    }

    /// Goes back to page `index` (from 0) to draw more on it, e.g. page numbers.
    pub fn select_page(&mut self, index: usize) {
        if index < self.pages.len() {
            self.current = index;
        }
    }

    /// Pages so far.
    #[must_use]
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page();
        }
        let index = self.current.min(self.pages.len() - 1);
        &mut self.pages[index]
    }

    /// Width of text at `size` points.
    #[must_use]
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.font.h_advance_unscaled(self.font.glyph_id(c)))
            .sum::<f32>()
            * size
            / self.units_per_em
    }

    /// `text` shortened with "…" to fit `max_width`.
    #[must_use]
    pub fn fit(&self, text: &str, size: f32, max_width: f32) -> String {
        if self.width(text, size) <= max_width {
            return text.to_owned();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while chars.pop().is_some() {
            let candidate: String = chars.iter().chain(['…'].iter()).collect();
            if self.width(&candidate, size) <= max_width {
                return candidate;
            }
        }
        String::new()
    }

    /// One line of text with its baseline at `y`.
    pub fn text(&mut self, text: &str, x: f32, y: f32, style: Style) {
        let size = style.size;
        let width = self.width(text, size);
        let left = match style.align {
            HAlign::Left => x,
            HAlign::Center => x - width / 2.0,
            HAlign::Right => x - width,
        };
        let mut codes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let old = self.font.glyph_id(c).0;
            let new = self.glyphs.remap(old);
            if old != 0 {
                self.unicode.entry(new).or_insert(c);
            }
            codes.extend_from_slice(&new.to_be_bytes());
        }
        let [red, green, blue] = rgb_f(style.color);
        let content = &mut self.page().content;
        content.begin_text();
        content.set_font(Name(b"F1"), size);
        content.set_fill_rgb(red, green, blue);
        if style.bold {
            content.set_text_rendering_mode(TextRenderingMode::FillStroke);
            content.set_stroke_rgb(red, green, blue);
            content.set_line_width(size * 0.03);
        } else {
            content.set_text_rendering_mode(TextRenderingMode::Fill);
        }
        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, left, A4.1 - y]);
        content.show(Str(&codes));
        content.end_text();
    }

    /// A straight line.
    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, width: f32, color: Rgb) {
        let [red, green, blue] = rgb_f(color);
        let content = &mut self.page().content;
        content.save_state();
        content.set_stroke_rgb(red, green, blue);
        content.set_line_width(width);
        content.set_line_cap(LineCapStyle::ButtCap);
        content.move_to(x0, A4.1 - y0);
        content.line_to(x1, A4.1 - y1);
        content.stroke();
        content.restore_state();
    }

    /// A filled rectangle; `(x, y)` is its top-left corner.
    pub fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32, color: Rgb) {
        let [red, green, blue] = rgb_f(color);
        let content = &mut self.page().content;
        content.save_state();
        content.set_fill_rgb(red, green, blue);
        content.rect(x, A4.1 - y - height, width, height);
        content.fill_nonzero();
        content.restore_state();
    }

    /// Places an RGB image (`rgb.len() == width × height × 3`) in the box at `(x, y)` (top
    /// left), `width` × `height` points.
    #[expect(clippy::too_many_arguments, reason = "a box and a bitmap")]
    pub fn image(
        &mut self,
        rgb: &[u8],
        px_width: u32,
        px_height: u32,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    ) {
        let index = self.images.len();
        self.images.push(Image {
            width: px_width,
            height: px_height,
            deflated: miniz_oxide::deflate::compress_to_vec_zlib(rgb, 6),
        });
        let page = self.page();
        page.images.push(index);
        let name = format!("Im{index}");
        let content = &mut page.content;
        content.save_state();
        content.transform([width, 0.0, 0.0, height, x, A4.1 - y - height]);
        content.x_object(Name(name.as_bytes()));
        content.restore_state();
    }

    /// The finished file.
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        let mut pdf = Pdf::new();
        let mut next = Ref::new(1);
        let catalog_id = next.bump();
        let pages_id = next.bump();
        let info_id = next.bump();
        let type0_id = next.bump();
        let cid_id = next.bump();
        let descriptor_id = next.bump();
        let font_file_id = next.bump();
        let cmap_id = next.bump();
        let page_ids: Vec<(Ref, Ref)> = self
            .pages
            .iter()
            .map(|_| (next.bump(), next.bump()))
            .collect();
        let image_ids: Vec<Ref> = self.images.iter().map(|_| next.bump()).collect();

        pdf.catalog(catalog_id).pages(pages_id);
        pdf.pages(pages_id)
            .kids(page_ids.iter().map(|(page, _)| *page))
            .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));
        let mut info = pdf.document_info(info_id);
        info.title(TextStr(&self.title));
        info.creator(TextStr("Parkland 园区土地管理"));
        info.finish();

        for (page, &(page_id, content_id)) in self.pages.into_iter().zip(&page_ids) {
            let mut writer = pdf.page(page_id);
            writer.media_box(Rect::new(0.0, 0.0, A4.0, A4.1));
            writer.parent(pages_id);
            writer.contents(content_id);
            let mut resources = writer.resources();
            resources.fonts().pair(Name(b"F1"), type0_id);
            let mut x_objects = resources.x_objects();
            for &index in &page.images {
                if let Some(&id) = image_ids.get(index) {
                    let name = format!("Im{index}");
                    x_objects.pair(Name(name.as_bytes()), id);
                }
            }
            x_objects.finish();
            resources.finish();
            writer.finish();
            let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&page.content.finish(), 6);
            pdf.stream(content_id, &deflated)
                .filter(Filter::FlateDecode);
        }

        for (image, &id) in self.images.iter().zip(&image_ids) {
            let mut xobject = pdf.image_xobject(id, &image.deflated);
            xobject.filter(Filter::FlateDecode);
            xobject.width(i32::try_from(image.width).unwrap_or(i32::MAX));
            xobject.height(i32::try_from(image.height).unwrap_or(i32::MAX));
            xobject.color_space().device_rgb();
            xobject.bits_per_component(8);
            xobject.finish();
        }

        // The font: the glyphs used, cut out of the OTF; its CFF table is the font program.
        let subset = subsetter::subset(CJK_FONT, 0, &self.glyphs)
            .map_err(|e| PdfError::Subset(format!("{e:?}")))?;
        let cff = table(&subset, *b"CFF ")
            .ok_or_else(|| PdfError::Subset("the subset has no CFF table".to_owned()))?;
        let bbox = head_bbox(CJK_FONT).unwrap_or([-1000.0, -300.0, 3000.0, 1200.0]);
        let per_mille = 1000.0 / self.units_per_em;
        let base_font = format!("PRKLND+{CJK_FONT_NAME}");
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0_id)
            .base_font(Name(base_font.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_id)
            .to_unicode(cmap_id);
        let widths: Vec<f32> = self
            .glyphs
            .remapped_gids()
            .map(|old| self.font.h_advance_unscaled(ab_glyph::GlyphId(old)) * per_mille)
            .collect();
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type0);
        cid.base_font(Name(base_font.as_bytes()));
        cid.system_info(system_info);
        cid.font_descriptor(descriptor_id);
        cid.default_width(1000.0);
        cid.widths().consecutive(0, widths);
        cid.finish();
        pdf.font_descriptor(descriptor_id)
            .name(Name(base_font.as_bytes()))
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                bbox[0] * per_mille,
                bbox[1] * per_mille,
                bbox[2] * per_mille,
                bbox[3] * per_mille,
            ))
            .italic_angle(0.0)
            .ascent(self.font.ascent_unscaled() * per_mille)
            .descent(self.font.descent_unscaled() * per_mille)
            .cap_height(733.0)
            .stem_v(80.0)
            .font_file3(font_file_id);
        let deflated = miniz_oxide::deflate::compress_to_vec_zlib(cff, 6);
        pdf.stream(font_file_id, &deflated)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        let mut cmap = UnicodeCmap::new(Name(b"Parkland-UTF16"), system_info);
        for (&gid, &c) in &self.unicode {
            cmap.pair(gid, c);
        }
        pdf.cmap(cmap_id, &cmap.finish());
        Ok(pdf.finish())
    }
}

fn be_u16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn be_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// A table of an OpenType font, by tag.
fn table(font: &[u8], tag: [u8; 4]) -> Option<&[u8]> {
    let count = usize::from(be_u16(font, 4)?);
    (0..count).find_map(|i| {
        let record = 12 + 16 * i;
        if font.get(record..record + 4)? != tag {
            return None;
        }
        let offset = be_u32(font, record + 8)? as usize;
        let length = be_u32(font, record + 12)? as usize;
        font.get(offset..offset.checked_add(length)?)
    })
}

/// The font's bounding box from its `head` table, in font units.
fn head_bbox(font: &[u8]) -> Option<[f32; 4]> {
    let head = table(font, *b"head")?;
    let value = |at| be_u16(head, at).map(|v| f32::from(v.cast_signed()));
    Some([value(36)?, value(38)?, value(40)?, value(42)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_with_chinese_text_and_an_image_is_a_pdf_with_the_font_embedded() {
        let mut doc = PdfDoc::new("测试").expect("font");
        doc.new_page();
        doc.text(
            "两江工业区 536.00 亩",
            56.0,
            80.0,
            Style::new(12.0, [0, 0, 0]),
        );
        doc.line(56.0, 90.0, 300.0, 90.0, 0.5, [0, 0, 0]);
        doc.image(&[255, 0, 0, 0, 255, 0], 2, 1, 56.0, 100.0, 100.0, 50.0);
        let bytes = doc.finish().expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/CIDFontType0C"), "CFF font program embedded");
        assert!(text.contains("/Identity-H"));
        assert!(text.contains("/ToUnicode"));
        assert!(text.contains("/Subtype /Image"));
    }

    #[test]
    fn the_font_tables_are_found() {
        assert!(table(CJK_FONT, *b"CFF ").is_some_and(|t| t.len() > 1_000_000));
        let bbox = head_bbox(CJK_FONT).expect("head");
        assert!(bbox[0] < 0.0 && bbox[2] > 1000.0, "{bbox:?}");
        assert!(table(b"tiny", *b"head").is_none());
    }
}
