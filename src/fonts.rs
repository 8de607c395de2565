//! The embedded CJK font, shared by the window, the software map image and the PDF report.
//!
//! A subset of Noto Sans CJK SC (SIL OFL 1.1, see `assets/OFL.txt`): GB2312 plus ASCII,
//! Latin-1, general punctuation, CJK symbols and fullwidth forms. A character outside it (a
//! rare one in a holder's name, say) is drawn as the font's empty box, so fixed text in the
//! code is tested against it (`render::text` tests).

/// `assets/NotoSansSC-Subset.otf` (CFF outlines, 1000 units per em).
pub const CJK_FONT: &[u8] = include_bytes!("../assets/NotoSansSC-Subset.otf");

/// The PostScript-style name used when the font is embedded in a PDF.
pub const CJK_FONT_NAME: &str = "NotoSansCJKsc-Regular";

/// Characters of `text` that the embedded font cannot draw (whitespace excepted).
#[must_use]
pub fn missing_glyphs(text: &str) -> Vec<char> {
    use ab_glyph::Font as _;
    let Ok(font) = ab_glyph::FontRef::try_from_slice(CJK_FONT) else {
        return text.chars().filter(|c| !c.is_whitespace()).collect();
    };
    let mut missing: Vec<char> = text
        .chars()
        .filter(|&c| !c.is_whitespace() && font.glyph_id(c).0 == 0)
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_the_park_words_and_lacks_rare_characters() {
        assert!(missing_glyphs("一园三区 宗地专题图 — 按状态 亩 ㎡ km²").is_empty());
        // 𠀀 (U+20000) is far outside GB2312.
        assert_eq!(missing_glyphs("园𠀀"), vec!['𠀀']);
    }
}
