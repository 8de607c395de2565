//! The park as a map image, drawn in software: no window, no GPU. tiny-skia fills and strokes
//! anti-aliased paths, `ab_glyph` reads the embedded CJK font for the text, `png` writes the
//! file. Used by `parkland render`, the reports and the window's "export map image".
//!
//! The image has a title band (title and date), the map frame (district fills, parcel fills by
//! a [`Classification`], parcel outlines where parcels are big enough, district outlines and
//! names, a scale bar of a round length, a north arrow) and a legend panel (each class with
//! its swatch, parcel count and 亩; the districts with their km²). The fills and the legend
//! come from the same [`Classification`] as the window's, so a PNG matches the screen.
//!
//! ```
//! use parkland::model::Lang;
//! use parkland::render::{RenderRequest, render_map};
//! use parkland::style::{Classification, StylePreset};
//!
//! let park = parkland::sample::sample_park().expect("sample park");
//! let classes = Classification::compute(StylePreset::Status, &park, &[], Lang::Zh);
//! let mut request = RenderRequest::new(&park, &classes);
//! (request.width, request.height) = (640, 400);
//! let image = render_map(&request).expect("rendered");
//! assert_eq!((image.width(), image.height()), (640, 400));
//! let png = parkland::render::encode_png(&image).expect("encoded");
//! assert!(png.starts_with(b"\x89PNG"));
//! ```
//!
//! Speed: parcels are culled by their box, those under two pixels are splatted per class
//! into coverage planes instead of being rasterized one by one, the rest are filled with one
//! path per class; see `shapes` and `BENCHMARKS.md` (1,000,000 parcels at 1920×1080).

mod furniture;
pub mod palette;
mod shapes;
mod text;

pub use furniture::nice_scale_length;
pub use shapes::{OUTLINE_MIN_PX, ParcelCounts, SPLAT_MAX_PX, TileCounts};
pub use text::{Align, TextStyle, Typeface, draw_text};
pub use tiny_skia::Pixmap;

use crate::crs::web_mercator;
use crate::model::{Lang, Park};
use crate::style::Classification;
use std::path::{Path, PathBuf};

/// Largest side of an image, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// Largest image, in pixels (about 400 MB of RGBA while drawing).
pub const MAX_PIXELS: u64 = 100_000_000;

/// What part of the world the map shows. The view is fitted into the map frame, centred,
/// keeping its proportions (so more than the view may show on one axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum View {
    /// Everything loaded, with a small margin.
    Full,
    /// A lon/lat rectangle in degrees.
    LonLat {
        west: f64,
        south: f64,
        east: f64,
        north: f64,
    },
    /// A Web Mercator rectangle in metres (the window's camera space).
    Mercator { min: [f64; 2], max: [f64; 2] },
}

/// Why a map could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(
        "image size {width}×{height} px is not possible: each side must be 16 to {MAX_SIDE} px and the image at most {MAX_PIXELS} px"
    )]
    BadSize { width: u32, height: u32 },
    #[error(
        "image size {width}×{height} px leaves no room for the map beside the title and legend; make the image larger"
    )]
    NoRoomForMap { width: u32, height: u32 },
    #[error("text scale {0} is not possible: give a number between 0.25 and 16")]
    BadScale(f32),
    #[error("view {0}: west must be less than east and south less than north, all finite")]
    BadView(String),
    #[error("nothing to draw: the park has no district or parcel with a position")]
    EmptyPark,
    #[error(
        "the classification has {classified} parcels but the park {parcels}: classify this park again"
    )]
    StaleClassification { classified: usize, parcels: usize },
    #[error("the embedded font cannot be read: {0}")]
    Font(String),
    #[error("encoding the PNG: {0}")]
    Png(#[from] png::EncodingError),
    #[error("writing {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What to draw and how big.
#[derive(Debug, Clone)]
pub struct RenderRequest<'a> {
    pub park: &'a Park,
    /// Parcel classes and the legend; computed for `park` (same parcel order).
    pub classification: &'a Classification,
    pub width: u32,
    pub height: u32,
    pub view: View,
    pub lang: Lang,
    /// The title; `None` gives [`default_title`].
    pub title: Option<String>,
    /// The date printed on the map; `None` prints today's.
    pub date: Option<jiff::civil::Date>,
    pub show_districts: bool,
    pub show_parcels: bool,
    /// Title band, legend, scale bar and north arrow. Without them the image is the map alone.
    pub furniture: bool,
    /// Size of text and lines (1 = sized for a 1280×800 image); `None` picks it from the
    /// image size, so that a larger image is the same map with more detail.
    pub scale: Option<f32>,
    /// Imagery drawn under the parcels (the districts are then outlined, not filled, so that
    /// the ground shows).
    pub basemap: Option<&'a dyn crate::basemap::TileSource>,
}

impl<'a> RenderRequest<'a> {
    /// A 1920×1080 map of the whole park with title and legend, in Chinese, dated today.
    #[must_use]
    pub fn new(park: &'a Park, classification: &'a Classification) -> Self {
        Self {
            park,
            classification,
            width: 1920,
            height: 1080,
            view: View::Full,
            lang: Lang::Zh,
            title: None,
            date: None,
            show_districts: true,
            show_parcels: true,
            furniture: true,
            scale: None,
            basemap: None,
        }
    }
}

/// "一园三区 宗地专题图 — 按状态".
#[must_use]
pub fn default_title(classification: &Classification, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "一园三区 宗地专题图 — {}",
            classification.preset.label(lang)
        ),
        Lang::En => format!(
            "Industrial park parcel map — {}",
            classification.preset.label(lang).to_lowercase()
        ),
    }
}

/// A rectangle in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PxRect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl PxRect {
    #[must_use]
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    #[must_use]
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    #[must_use]
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 && x < self.x1 && y >= self.y0 && y < self.y1
    }
}

/// World (Web Mercator metres) to image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapTransform {
    /// World position at the centre of the map frame.
    pub center: [f64; 2],
    /// Web Mercator metres per image pixel.
    pub m_per_px: f64,
    /// Image pixel position of `center`.
    pub center_px: [f64; 2],
}

impl MapTransform {
    /// Image pixels (x right, y down) of a Web Mercator position.
    #[must_use]
    pub fn px_from_world(&self, world: [f64; 2]) -> [f64; 2] {
        [
            self.center_px[0] + (world[0] - self.center[0]) / self.m_per_px,
            self.center_px[1] - (world[1] - self.center[1]) / self.m_per_px,
        ]
    }

    /// Web Mercator position of image pixels.
    #[must_use]
    pub fn world_from_px(&self, px: [f64; 2]) -> [f64; 2] {
        [
            self.center[0] + (px[0] - self.center_px[0]) * self.m_per_px,
            self.center[1] - (px[1] - self.center_px[1]) * self.m_per_px,
        ]
    }

    /// Image pixels of a lon/lat position.
    #[must_use]
    pub fn px_from_lon_lat(&self, lon: f64, lat: f64) -> [f64; 2] {
        let (x, y) = web_mercator::from_lon_lat(lon, lat);
        self.px_from_world([x, y])
    }

    /// Ground metres per pixel at the frame's centre.
    #[must_use]
    pub fn ground_per_px(&self) -> f64 {
        let lat = web_mercator::to_lon_lat(self.center[0], self.center[1]).1;
        self.m_per_px * web_mercator::ground_per_projected(lat)
    }
}

/// Where things are on the image.
#[derive(Debug, Clone, PartialEq)]
pub struct MapLayout {
    pub width: u32,
    pub height: u32,
    /// Text and line scale.
    pub scale: f32,
    /// The map frame (whole pixels).
    pub frame: PxRect,
    pub title: Option<PxRect>,
    pub legend: Option<PxRect>,
    pub transform: MapTransform,
}

/// A drawn map with its layout and what happened to the parcels.
pub struct RenderedMap {
    pub image: Pixmap,
    pub layout: MapLayout,
    pub parcels: ParcelCounts,
    /// The base layer's tiles: drawn, and missing (blank) or unreadable.
    pub basemap: shapes::TileCounts,
}

/// The text and line scale for an image size when none is given.
#[must_use]
pub fn auto_scale(width: u32, height: u32) -> f32 {
    (width as f32 / 1280.0)
        .min(height as f32 / 800.0)
        .clamp(0.6, 8.0)
}

/// Legend blocks side by side under the map (tall images) instead of in a column beside it.
fn legend_below(width: u32, height: u32) -> bool {
    f64::from(width) < 1.15 * f64::from(height)
}

/// Computes where the title, map frame and legend go, and the map's transform.
pub fn layout(req: &RenderRequest<'_>) -> Result<MapLayout, RenderError> {
    layout_with(req, &|| park_bounds(req.park, None))
}

/// [`layout`] with the park's bounds computed by `bounds` (when the view needs them).
fn layout_with(
    req: &RenderRequest<'_>,
    bounds: &dyn Fn() -> Option<geo::Rect<f64>>,
) -> Result<MapLayout, RenderError> {
    let (width, height) = (req.width, req.height);
    if !(16..=MAX_SIDE).contains(&width)
        || !(16..=MAX_SIDE).contains(&height)
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(RenderError::BadSize { width, height });
    }
    let s = req.scale.unwrap_or_else(|| auto_scale(width, height));
    if !(0.25..=16.0).contains(&s) {
        return Err(RenderError::BadScale(s));
    }
    let (w, h) = (width as f32, height as f32);
    let (frame, title, legend) = if req.furniture {
        let margin = 14.0 * s;
        let title_h = (56.0 * s).min(h * 0.2);
        let title = PxRect {
            x0: 0.0,
            y0: 0.0,
            x1: w,
            y1: title_h,
        };
        let blocks = furniture::legend_blocks(req.park, req.classification, req.lang);
        let pad = 14.0 * s;
        if legend_below(width, height) {
            let tallest = blocks
                .iter()
                .map(furniture::Block::height)
                .fold(0.0, f32::max);
            let band = (tallest * s + 2.0 * pad).min(h * 0.45);
            let legend = PxRect {
                x0: margin,
                y0: h - margin - band,
                x1: w - margin,
                y1: h - margin,
            };
            let frame = PxRect {
                x0: margin,
                y0: title_h + margin,
                x1: w - margin,
                y1: legend.y0 - margin,
            };
            (frame, Some(title), Some(legend))
        } else {
            // English class names are longer than Chinese ones.
            let legend_w = match req.lang {
                Lang::Zh => (0.22 * w).clamp(260.0 * s, 330.0 * s),
                Lang::En => (0.28 * w).clamp(320.0 * s, 420.0 * s),
            }
            .min(0.45 * w);
            let legend = PxRect {
                x0: w - margin - legend_w,
                y0: title_h + margin,
                x1: w - margin,
                y1: h - margin,
            };
            let frame = PxRect {
                x0: margin,
                y0: title_h + margin,
                x1: legend.x0 - margin,
                y1: h - margin,
            };
            (frame, Some(title), Some(legend))
        }
    } else {
        (
            PxRect {
                x0: 0.0,
                y0: 0.0,
                x1: w,
                y1: h,
            },
            None,
            None,
        )
    };
    let frame = PxRect {
        x0: frame.x0.round(),
        y0: frame.y0.round(),
        x1: frame.x1.round(),
        y1: frame.y1.round(),
    };
    if frame.width() < 16.0 || frame.height() < 16.0 {
        return Err(RenderError::NoRoomForMap { width, height });
    }
    let (min, max) = view_rect(req, bounds)?;
    let m_per_px = ((max[0] - min[0]) / f64::from(frame.width()))
        .max((max[1] - min[1]) / f64::from(frame.height()));
    let transform = MapTransform {
        center: [f64::midpoint(min[0], max[0]), f64::midpoint(min[1], max[1])],
        m_per_px,
        center_px: [
            f64::from(frame.x0 + frame.x1) / 2.0,
            f64::from(frame.y0 + frame.y1) / 2.0,
        ],
    };
    Ok(MapLayout {
        width,
        height,
        scale: s,
        frame,
        title,
        legend,
        transform,
    })
}

/// The requested view in Web Mercator metres, with some size.
fn view_rect(
    req: &RenderRequest<'_>,
    bounds: &dyn Fn() -> Option<geo::Rect<f64>>,
) -> Result<([f64; 2], [f64; 2]), RenderError> {
    let (min, max) = match req.view {
        View::Full => {
            let bounds = bounds().ok_or(RenderError::EmptyPark)?;
            let (x0, y0) = web_mercator::from_lon_lat(bounds.min().x, bounds.min().y);
            let (x1, y1) = web_mercator::from_lon_lat(bounds.max().x, bounds.max().y);
            let pad = ((x1 - x0).max(y1 - y0) * 0.03).max(50.0);
            ([x0 - pad, y0 - pad], [x1 + pad, y1 + pad])
        }
        View::LonLat {
            west,
            south,
            east,
            north,
        } => {
            let ok = [west, south, east, north].iter().all(|v| v.is_finite())
                && west < east
                && south < north
                && (-180.0..=180.0).contains(&west)
                && (-180.0..=180.0).contains(&east)
                && south >= -85.06
                && north <= 85.06;
            if !ok {
                return Err(RenderError::BadView(format!(
                    "lon/lat {west},{south},{east},{north}"
                )));
            }
            let (x0, y0) = web_mercator::from_lon_lat(west, south);
            let (x1, y1) = web_mercator::from_lon_lat(east, north);
            ([x0, y0], [x1, y1])
        }
        View::Mercator { min, max } => {
            let ok =
                min.iter().chain(&max).all(|v| v.is_finite()) && min[0] < max[0] && min[1] < max[1];
            if !ok {
                return Err(RenderError::BadView(format!(
                    "Web Mercator {min:?} to {max:?}"
                )));
            }
            (min, max)
        }
    };
    if !(max[0] - min[0] > 1e-3 && max[1] - min[1] > 1e-3) {
        return Err(RenderError::BadView(format!(
            "{min:?} to {max:?} is smaller than a millimetre"
        )));
    }
    Ok((min, max))
}

/// Lon/lat bounds of everything loaded, as [`Park::bounds`]; the parcels' from `boxes` when
/// they were computed already, else read on every core.
fn park_bounds(park: &Park, boxes: Option<&[Option<[f64; 4]>]>) -> Option<geo::Rect<f64>> {
    use geo::BoundingRect as _;
    use rayon::prelude::*;
    let union = |a: [f64; 4], b: [f64; 4]| {
        [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ]
    };
    let parcels = match boxes {
        Some(boxes) => boxes.iter().flatten().copied().reduce(union),
        None => park
            .parcels
            .par_iter()
            .filter_map(|p| shapes::exterior_box(&p.geometry))
            .reduce_with(union),
    };
    park.districts
        .iter()
        .filter_map(|d| d.geometry.bounding_rect())
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        .chain(parcels)
        .reduce(union)
        .map(|[x0, y0, x1, y1]| {
            geo::Rect::new(geo::coord! { x: x0, y: y0 }, geo::coord! { x: x1, y: y1 })
        })
}

/// Draws the map.
pub fn render_map(req: &RenderRequest<'_>) -> Result<Pixmap, RenderError> {
    render(req).map(|r| r.image)
}

/// Draws the map and says where things went.
pub fn render(req: &RenderRequest<'_>) -> Result<RenderedMap, RenderError> {
    let classified = req.classification.class_of.len();
    if classified != req.park.parcels.len() {
        return Err(RenderError::StaleClassification {
            classified,
            parcels: req.park.parcels.len(),
        });
    }
    // Every parcel's box, read once on every core: it gives the park's extent and decides how
    // each parcel is drawn, without walking a million parcels' coordinates twice.
    let boxes = req.show_parcels.then(|| shapes::parcel_boxes(req.park));
    let layout = layout_with(req, &|| park_bounds(req.park, boxes.as_deref()))?;
    let s = layout.scale;
    let mut face = Typeface::cjk().map_err(|e| RenderError::Font(e.to_string()))?;
    let mut image = Pixmap::new(layout.width, layout.height).ok_or(RenderError::BadSize {
        width: layout.width,
        height: layout.height,
    })?;
    image.fill(palette::color(palette::PAGE));

    // The map, in a pixmap of its own: clipped to the frame by construction.
    let frame_rect = layout.frame;
    let (fw, fh) = (frame_rect.width() as u32, frame_rect.height() as u32);
    let mut map = Pixmap::new(fw, fh).ok_or(RenderError::BadSize {
        width: layout.width,
        height: layout.height,
    })?;
    map.fill(palette::color(palette::MAP_BACKGROUND));
    let frame = shapes::Frame {
        center: layout.transform.center,
        m_per_px: layout.transform.m_per_px,
        width: fw,
        height: fh,
        scale: s,
    };
    let basemap = req
        .basemap
        .map(|source| shapes::draw_basemap(&mut map, source, &frame))
        .unwrap_or_default();
    if req.show_districts && req.basemap.is_none() {
        shapes::draw_district_fills(&mut map, req.park, &frame);
    }
    let parcels = match &boxes {
        Some(boxes) => shapes::draw_parcels(&mut map, req.park, boxes, req.classification, &frame),
        None => ParcelCounts::default(),
    };
    if req.show_districts {
        shapes::draw_district_outlines(&mut map, req.park, &frame);
        shapes::draw_district_names(&mut map, &mut face, req.park, &frame, req.lang);
    }
    image.draw_pixmap(
        frame_rect.x0 as i32,
        frame_rect.y0 as i32,
        map.as_ref(),
        &tiny_skia::PixmapPaint::default(),
        tiny_skia::Transform::identity(),
        None,
    );
    drop(map);

    if req.furniture {
        furniture::draw_frame_border(&mut image, frame_rect, s);
        furniture::draw_scale_bar(
            &mut image,
            &mut face,
            frame_rect,
            layout.transform.ground_per_px(),
            s,
        );
        furniture::draw_north_arrow(&mut image, &mut face, frame_rect, s);
        if let Some(band) = layout.title {
            let title = req
                .title
                .clone()
                .unwrap_or_else(|| default_title(req.classification, req.lang));
            let date = req.date.unwrap_or_else(|| jiff::Zoned::now().date());
            let date = match req.lang {
                Lang::Zh => format!(
                    "制图日期：{}年{}月{}日",
                    date.year(),
                    date.month(),
                    date.day()
                ),
                Lang::En => format!("Date: {date}"),
            };
            furniture::draw_title(&mut image, &mut face, band, &title, &date, 14.0 * s, s);
        }
        if let Some(panel) = layout.legend {
            draw_legend(
                &mut image,
                &mut face,
                req,
                panel,
                s,
                legend_below(layout.width, layout.height),
            );
        }
    }
    Ok(RenderedMap {
        image,
        layout,
        parcels,
        basemap,
    })
}

/// The legend panel: blocks in a column (beside the map) or side by side (under it), shrunk
/// to fit when there are many classes.
fn draw_legend(
    image: &mut Pixmap,
    face: &mut Typeface,
    req: &RenderRequest<'_>,
    panel: PxRect,
    s: f32,
    below: bool,
) {
    let blocks = furniture::legend_blocks(req.park, req.classification, req.lang);
    let pad = 14.0 * s;
    let inner_w = panel.width() - 2.0 * pad;
    let inner_h = panel.height() - 2.0 * pad;
    let gap = 16.0;
    let needed = if below {
        blocks
            .iter()
            .map(furniture::Block::height)
            .fold(0.0, f32::max)
    } else {
        blocks.iter().map(furniture::Block::height).sum::<f32>()
            + gap * blocks.len().saturating_sub(1) as f32
    };
    let k = (inner_h / (needed * s)).min(1.0);
    let ks = s * k;
    if below {
        let columns = blocks.len().max(1) as f32;
        let column_w = ((inner_w - 2.0 * pad * (columns - 1.0)) / columns).min(380.0 * ks);
        for (i, block) in blocks.iter().enumerate() {
            let x = panel.x0 + pad + i as f32 * (column_w + 2.0 * pad);
            furniture::draw_block(image, face, block, x, panel.y0 + pad, column_w, ks);
        }
    } else {
        let mut y = panel.y0 + pad;
        for block in &blocks {
            furniture::draw_block(image, face, block, panel.x0 + pad, y, inner_w, ks);
            y += (block.height() + gap) * ks;
        }
    }
}

/// The image as PNG bytes (RGB when it is opaque, as the maps are; RGBA otherwise).
pub fn encode_png(image: &Pixmap) -> Result<Vec<u8>, RenderError> {
    let opaque = image.pixels().iter().all(|p| p.alpha() == 0xff);
    let data: Vec<u8> = if opaque {
        image
            .pixels()
            .iter()
            .flat_map(|p| [p.red(), p.green(), p.blue()])
            .collect()
    } else {
        image
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect()
    };
    let mut out = Vec::with_capacity(data.len() / 8);
    {
        let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
        encoder.set_color(if opaque {
            png::ColorType::Rgb
        } else {
            png::ColorType::Rgba
        });
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&data)?;
        writer.finish()?;
    }
    Ok(out)
}

/// Writes the image as a PNG file.
pub fn write_png(image: &Pixmap, path: &Path) -> Result<(), RenderError> {
    let bytes = encode_png(image)?;
    crate::atomic_file::write(path, &bytes).map_err(|source| RenderError::Io {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::StylePreset;

    fn sample() -> (Park, Classification) {
        let park = crate::sample::sample_park().expect("sample park");
        let classes = Classification::compute(StylePreset::Status, &park, &[], Lang::Zh);
        (park, classes)
    }

    #[test]
    fn bad_sizes_views_and_stale_classes_are_errors_not_panics() {
        let (park, classes) = sample();
        let mut req = RenderRequest::new(&park, &classes);
        req.width = 0;
        assert!(matches!(render_map(&req), Err(RenderError::BadSize { .. })));
        req.width = 40;
        req.height = 40;
        assert!(matches!(
            render_map(&req),
            Err(RenderError::NoRoomForMap { .. })
        ));
        req.furniture = false;
        assert!(render_map(&req).is_ok(), "a small map without furniture");
        req.view = View::LonLat {
            west: 108.0,
            south: 33.0,
            east: 107.0,
            north: 34.0,
        };
        assert!(matches!(render_map(&req), Err(RenderError::BadView(_))));
        req.view = View::Mercator {
            min: [f64::NAN, 0.0],
            max: [1.0, 1.0],
        };
        assert!(matches!(render_map(&req), Err(RenderError::BadView(_))));
        let empty = Park::default();
        let none = Classification::compute(StylePreset::Status, &empty, &[], Lang::Zh);
        let req = RenderRequest::new(&empty, &none);
        assert!(matches!(render_map(&req), Err(RenderError::EmptyPark)));
        let req = RenderRequest::new(&park, &none);
        assert!(matches!(
            render_map(&req),
            Err(RenderError::StaleClassification { .. })
        ));
    }

    #[test]
    fn the_frame_fits_the_whole_park_and_the_transform_round_trips() {
        let (park, classes) = sample();
        let req = RenderRequest::new(&park, &classes);
        let layout = layout(&req).expect("layout");
        let bounds = park.bounds().expect("bounds");
        for (lon, lat) in [
            (bounds.min().x, bounds.min().y),
            (bounds.max().x, bounds.max().y),
        ] {
            let [x, y] = layout.transform.px_from_lon_lat(lon, lat);
            assert!(layout.frame.contains(x as f32, y as f32), "{x},{y}");
            let back = layout
                .transform
                .world_from_px(layout.transform.px_from_lon_lat(lon, lat));
            let (blon, blat) = web_mercator::to_lon_lat(back[0], back[1]);
            assert!((blon - lon).abs() < 1e-9 && (blat - lat).abs() < 1e-9);
        }
        let legend = layout.legend.expect("legend");
        assert!(legend.x0 > layout.frame.x1, "legend beside the map");
        let tall = RenderRequest {
            width: 800,
            height: 1200,
            ..req.clone()
        };
        let tall = layout_of(&tall);
        assert!(
            tall.legend.expect("legend").y0 > tall.frame.y1,
            "legend under the map"
        );
    }

    fn layout_of(req: &RenderRequest<'_>) -> MapLayout {
        layout(req).expect("layout")
    }
}
