//! The map's shapes: district fills and outlines, parcel fills by class, parcel outlines,
//! district names. Drawn into a pixmap the size of the map frame.
//!
//! Parcels are drawn by their size on the image:
//! - culled when their box misses the frame;
//! - under [`SPLAT_MAX_PX`] across: not drawn as polygons but *splatted*: their area is spread
//!   over the pixels their box covers, per class, and each pixel then takes the colour of the
//!   class that covers most of it, with the total coverage as opacity. That is a mode
//!   (majority) resampling, right for categories: at a whole-county extent a pixel holding one
//!   idle and two in-use parcels shows in-use, never a muddy average, and street gaps show the
//!   district through;
//! - larger: one tiny-skia path per class (every parcel of the class in one path, rings
//!   oriented so that holes stay holes under the non-zero rule), filled anti-aliased;
//! - from [`OUTLINE_MIN_PX`] on the short side: also in one outline path, stroked once.

use super::palette;
use super::text::{Align, TextStyle, Typeface, draw_text};
use crate::crs::web_mercator;
use crate::model::Park;
use crate::style::Classification;
use geo::{InteriorPoint, LineString, MultiPolygon};
use tiny_skia::{FillRule, LineJoin, Paint, PathBuilder, Pixmap, Stroke, Transform};

/// Parcels smaller than this (longer side of their box, px) are splatted, not filled as paths.
pub const SPLAT_MAX_PX: f64 = 2.0;
/// Parcels at least this big (shorter side of their box, px) get an outline.
pub const OUTLINE_MIN_PX: f64 = 3.0;

/// Coverage 1.0 in the splat planes (u16: a pixel saturates at 16 full coverages).
const ONE: f32 = 4096.0;

/// How far (px) beyond the frame a ring may reach before it is clipped, so that a parcel seen
/// from very close never overflows the rasterizer's fixed-point maths.
const GUARD_PX: f64 = 4096.0;

/// World (Web Mercator) to frame pixels.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// World position at the frame's centre.
    pub center: [f64; 2],
    /// Web Mercator metres per pixel.
    pub m_per_px: f64,
    pub width: u32,
    pub height: u32,
    /// Line and text scale.
    pub scale: f32,
}

impl Frame {
    /// Frame pixels of a lon/lat position.
    #[inline]
    #[must_use]
    pub fn px(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = web_mercator::from_lon_lat(lon, lat);
        (
            f64::from(self.width) / 2.0 + (x - self.center[0]) / self.m_per_px,
            f64::from(self.height) / 2.0 - (y - self.center[1]) / self.m_per_px,
        )
    }

    fn contains_box(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> bool {
        // Written so that NaN is outside.
        x1 >= -1.0
            && y1 >= -1.0
            && x0 <= f64::from(self.width) + 1.0
            && y0 <= f64::from(self.height) + 1.0
    }
}

/// Lon/lat box `[west, south, east, north]` of a shape, from its exterior rings only (holes
/// lie inside them). A plain loop over each ring's coordinates: this is the hot loop of a
/// million-parcel map, about twice as fast as the generic `BoundingRect`.
#[inline]
#[must_use]
pub fn exterior_box(shape: &MultiPolygon<f64>) -> Option<[f64; 4]> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for polygon in &shape.0 {
        for c in &polygon.exterior().0 {
            b[0] = b[0].min(c.x);
            b[1] = b[1].min(c.y);
            b[2] = b[2].max(c.x);
            b[3] = b[3].max(c.y);
        }
    }
    (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
}

/// Every parcel's [`exterior_box`], computed on every core.
#[must_use]
pub fn parcel_boxes(park: &Park) -> Vec<Option<[f64; 4]>> {
    use rayon::prelude::*;
    park.parcels
        .par_iter()
        .map(|p| exterior_box(&p.geometry))
        .collect()
}

/// Rings in frame pixels, oriented and clipped, reused between shapes.
#[derive(Default)]
struct Rings {
    points: Vec<(f64, f64)>,
    /// End of each ring in `points`.
    ends: Vec<usize>,
    scratch: Vec<(f64, f64)>,
}

impl Rings {
    fn clear(&mut self) {
        self.points.clear();
        self.ends.clear();
    }

    /// Projects a shape's rings: exteriors with positive area (y down), holes negative.
    fn project(&mut self, shape: &MultiPolygon<f64>, frame: &Frame) {
        self.clear();
        for polygon in &shape.0 {
            self.push_ring(polygon.exterior(), frame, true);
            for hole in polygon.interiors() {
                self.push_ring(hole, frame, false);
            }
        }
    }

    fn push_ring(&mut self, ring: &LineString<f64>, frame: &Frame, exterior: bool) {
        self.scratch.clear();
        self.scratch
            .extend(ring.coords().map(|c| frame.px(c.x, c.y)));
        let (w, h) = (f64::from(frame.width), f64::from(frame.height));
        let far = self.scratch.iter().any(|&(x, y)| {
            !(x >= -GUARD_PX && y >= -GUARD_PX && x <= w + GUARD_PX && y <= h + GUARD_PX)
        });
        if far {
            let clipped = clip_ring(
                &self.scratch,
                [-GUARD_PX, -GUARD_PX, w + GUARD_PX, h + GUARD_PX],
            );
            self.scratch = clipped;
        }
        if self.scratch.len() < 3 {
            return;
        }
        let area = signed_area(&self.scratch);
        let start = self.points.len();
        if (area >= 0.0) == exterior {
            self.points.extend_from_slice(&self.scratch);
        } else {
            self.points.extend(self.scratch.iter().rev());
        }
        if self.points.len() > start {
            self.ends.push(self.points.len());
        }
    }

    fn add_to(&self, pb: &mut PathBuilder) {
        let mut start = 0;
        for &end in &self.ends {
            let Some(ring) = self.points.get(start..end) else {
                break;
            };
            if let Some(&(x, y)) = ring.first() {
                pb.move_to(x as f32, y as f32);
                for &(x, y) in &ring[1..] {
                    pb.line_to(x as f32, y as f32);
                }
                pb.close();
            }
            start = end;
        }
    }
}

/// Twice the signed area of a ring (positive when clockwise on screen, y down).
fn signed_area(ring: &[(f64, f64)]) -> f64 {
    let mut sum = 0.0;
    let mut previous = ring.last().copied().unwrap_or_default();
    for &p in ring {
        sum += previous.0 * p.1 - p.0 * previous.1;
        previous = p;
    }
    sum
}

/// Sutherland–Hodgman clip of a ring to a rectangle `[x0, y0, x1, y1]`. Exact for filling
/// (even for concave rings): the edges it adds run along the rectangle, far outside the frame.
fn clip_ring(ring: &[(f64, f64)], rect: [f64; 4]) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = ring
        .iter()
        .copied()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    // (axis, bound, keep the side above the bound)
    let edges = [
        (0, rect[0], true),
        (0, rect[2], false),
        (1, rect[1], true),
        (1, rect[3], false),
    ];
    for (axis, bound, above) in edges {
        let coord = |p: (f64, f64)| if axis == 0 { p.0 } else { p.1 };
        let inside = |p: (f64, f64)| {
            if above {
                coord(p) >= bound
            } else {
                coord(p) <= bound
            }
        };
        let mut out = Vec::with_capacity(points.len() + 4);
        let Some(&last) = points.last() else {
            return out;
        };
        let mut previous = last;
        for &p in &points {
            let (pin, qin) = (inside(p), inside(previous));
            if pin != qin {
                let t = (bound - coord(previous)) / (coord(p) - coord(previous));
                out.push((
                    previous.0 + t * (p.0 - previous.0),
                    previous.1 + t * (p.1 - previous.1),
                ));
            }
            if pin {
                out.push(p);
            }
            previous = p;
        }
        points = out;
    }
    points
}

fn fill_paint(color: tiny_skia::Color) -> Paint<'static> {
    let mut paint = Paint {
        anti_alias: true,
        ..Paint::default()
    };
    paint.set_color(color);
    paint
}

/// District fills.
pub fn draw_district_fills(map: &mut Pixmap, park: &Park, frame: &Frame) {
    let mut rings = Rings::default();
    for (i, district) in park.districts.iter().enumerate() {
        rings.project(&district.geometry, frame);
        let mut pb = PathBuilder::new();
        rings.add_to(&mut pb);
        if let Some(path) = pb.finish() {
            map.fill_path(
                &path,
                &fill_paint(palette::color(palette::district_fill(i))),
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }
}

/// District outlines.
pub fn draw_district_outlines(map: &mut Pixmap, park: &Park, frame: &Frame) {
    let mut rings = Rings::default();
    let stroke = Stroke {
        width: 2.0 * frame.scale,
        line_join: LineJoin::Round,
        ..Stroke::default()
    };
    for (i, district) in park.districts.iter().enumerate() {
        rings.project(&district.geometry, frame);
        let mut pb = PathBuilder::new();
        rings.add_to(&mut pb);
        if let Some(path) = pb.finish() {
            map.stroke_path(
                &path,
                &fill_paint(palette::color(palette::district_outline(i))),
                &stroke,
                Transform::identity(),
                None,
            );
        }
    }
}

/// District names at an interior point of each district's largest part, with a halo.
pub fn draw_district_names(
    map: &mut Pixmap,
    face: &mut Typeface,
    park: &Park,
    frame: &Frame,
    lang: crate::model::Lang,
) {
    use geo::Area as _;
    for (i, district) in park.districts.iter().enumerate() {
        let largest = district
            .geometry
            .0
            .iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()));
        let Some(point) = largest.and_then(InteriorPoint::interior_point) else {
            continue;
        };
        let (x, y) = frame.px(point.x(), point.y());
        let (w, h) = (f64::from(frame.width), f64::from(frame.height));
        if !(x > 0.0 && y > 0.0 && x < w && y < h) {
            continue;
        }
        let style = TextStyle::new(
            22.0 * frame.scale,
            palette::color(palette::district_outline(i)),
        )
        .bold()
        .halo(palette::white(0.92), 5.0 * frame.scale);
        // Kept inside the frame when the district is near its edge.
        let half = f64::from(face.width(district.label(lang), style.size)) / 2.0 + 6.0;
        let x = if 2.0 * half < w {
            x.clamp(half, w - half)
        } else {
            w / 2.0
        };
        draw_text(
            map,
            face,
            district.label(lang),
            x as f32,
            y as f32,
            Align::Center,
            style,
        );
    }
}

/// One parcel too small to draw as a polygon: its box in frame pixels and its area in px².
#[derive(Debug, Clone, Copy)]
struct Splat {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    area_px: f32,
}

/// What happened to the parcels (for tests and benchmarks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParcelCounts {
    pub culled: usize,
    pub splatted: usize,
    pub filled: usize,
    pub outlined: usize,
}

/// What became of a base layer's tiles in a drawing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TileCounts {
    pub drawn: usize,
    /// Not in the source: left blank.
    pub missing: usize,
    /// In the source but unreadable: left blank too.
    pub failed: usize,
}

/// A base layer's tile as fetched and decoded.
enum Fetched {
    Tile(Pixmap),
    Missing,
    Failed,
}

/// Draws a base layer's tiles under everything else, at the zoom nearest the frame's scale
/// (a coarser source is scaled up); tiles are fetched and decoded on every core.
pub fn draw_basemap(
    map: &mut Pixmap,
    source: &dyn crate::basemap::TileSource,
    frame: &Frame,
) -> TileCounts {
    use crate::basemap::tiles;
    use rayon::prelude::*;
    let (w, h) = (f64::from(frame.width), f64::from(frame.height));
    let west = frame.center[0] - w / 2.0 * frame.m_per_px;
    let north = frame.center[1] + h / 2.0 * frame.m_per_px;
    let bounds = [
        west,
        north - h * frame.m_per_px,
        west + w * frame.m_per_px,
        north,
    ];
    let z = tiles::zoom_for(frame.m_per_px, source.zoom_range());
    let wanted = tiles::covering(z, bounds);
    let fetched: Vec<((u32, u32), Fetched)> = wanted
        .par_iter()
        .map(|&(x, y)| {
            let pixels = match source.tile_image(z, x, y) {
                Ok(Some(rgba)) => pixmap_of(&rgba).map_or(Fetched::Failed, Fetched::Tile),
                Ok(None) => Fetched::Missing,
                Err(_) => Fetched::Failed,
            };
            ((x, y), pixels)
        })
        .collect();
    let mut counts = TileCounts::default();
    let paint = tiny_skia::PixmapPaint {
        quality: tiny_skia::FilterQuality::Bilinear,
        ..tiny_skia::PixmapPaint::default()
    };
    for ((x, y), pixels) in fetched {
        let tile = match pixels {
            Fetched::Tile(tile) => tile,
            Fetched::Failed => {
                counts.failed += 1;
                continue;
            }
            Fetched::Missing => {
                counts.missing += 1;
                continue;
            }
        };
        let b = crate::basemap::drawn_bounds(source, z, x, y);
        let scale = tiles::tile_size_m(z) / f64::from(tile.width().max(1)) / frame.m_per_px;
        let transform = tiny_skia::Transform::from_row(
            scale as f32,
            0.0,
            0.0,
            scale as f32,
            ((b[0] - west) / frame.m_per_px) as f32,
            ((north - b[3]) / frame.m_per_px) as f32,
        );
        map.draw_pixmap(0, 0, tile.as_ref(), &paint, transform, None);
        counts.drawn += 1;
    }
    counts
}

/// RGBA pixels as a (premultiplied) pixmap.
fn pixmap_of(rgba: &image::RgbaImage) -> Option<Pixmap> {
    let mut data = rgba.as_raw().clone();
    for px in data.chunks_exact_mut(4) {
        let a = u16::from(px[3]);
        if a < 255 {
            for c in &mut px[..3] {
                *c = ((u16::from(*c) * a + 127) / 255) as u8;
            }
        }
    }
    Pixmap::from_vec(
        data,
        tiny_skia::IntSize::from_wh(rgba.width(), rgba.height())?,
    )
}

/// What the first pass decided for a run of parcels.
#[derive(Default)]
struct Sorted {
    /// Parcels to splat, with their class.
    splats: Vec<(u16, Splat)>,
    /// Parcels to draw as shapes: index, class, with an outline.
    shapes: Vec<(usize, u16, bool)>,
    culled: usize,
}

/// Parcels per task of the first pass.
const CHUNK: usize = 8192;

/// Parcel fills by class and outlines.
pub fn draw_parcels(
    map: &mut Pixmap,
    park: &Park,
    boxes: &[Option<[f64; 4]>],
    classification: &Classification,
    frame: &Frame,
) -> ParcelCounts {
    use rayon::prelude::*;
    let n_classes = classification.classes.len();
    // Ground metres per pixel at the frame's centre latitude.
    let center_lat = web_mercator::to_lon_lat(frame.center[0], frame.center[1]).1;
    let ground_per_px = frame.m_per_px * web_mercator::ground_per_projected(center_lat);
    let px2_per_m2 = 1.0 / (ground_per_px * ground_per_px);

    // First pass, in parallel: each parcel's box on the image decides how it is drawn. The
    // boxes were computed once (the walk over every coordinate is the costly, memory-bound
    // part); here they and the areas are read in order.
    let sorted: Vec<Sorted> = park
        .parcels
        .par_chunks(CHUNK)
        .zip(boxes.par_chunks(CHUNK))
        .zip(classification.class_of.par_chunks(CHUNK))
        .enumerate()
        .map(|(chunk, ((parcels, boxes), classes))| {
            let mut out = Sorted::default();
            for (k, ((parcel, bb), &class)) in parcels.iter().zip(boxes).zip(classes).enumerate() {
                let Some([west, south, east, north]) =
                    bb.filter(|_| usize::from(class) < n_classes)
                else {
                    out.culled += 1;
                    continue;
                };
                // Lon grows east and lat north, so the box's corners project to the box's
                // corners.
                let (x0, y1) = frame.px(west, south);
                let (x1, y0) = frame.px(east, north);
                if !frame.contains_box(x0, y0, x1, y1) {
                    out.culled += 1;
                    continue;
                }
                let (bw, bh) = (x1 - x0, y1 - y0);
                if bw.max(bh) < SPLAT_MAX_PX {
                    let box_px = bw * bh;
                    let area_px = parcel.area_m2 * px2_per_m2;
                    let area_px = if area_px.is_finite() && area_px > 0.0 {
                        area_px.min(box_px)
                    } else {
                        0.6 * box_px
                    };
                    out.splats.push((
                        class,
                        Splat {
                            x0: x0 as f32,
                            y0: y0 as f32,
                            x1: x1 as f32,
                            y1: y1 as f32,
                            area_px: area_px as f32,
                        },
                    ));
                } else {
                    out.shapes
                        .push((chunk * CHUNK + k, class, bw.min(bh) >= OUTLINE_MIN_PX));
                }
            }
            out
        })
        .collect();

    let mut counts = ParcelCounts::default();
    let mut splats: Vec<Vec<Splat>> = vec![Vec::new(); n_classes];
    let mut fills: Vec<PathBuilder> = (0..n_classes).map(|_| PathBuilder::new()).collect();
    let mut outlines = PathBuilder::new();
    let mut rings = Rings::default();
    for part in &sorted {
        counts.culled += part.culled;
        counts.splatted += part.splats.len();
        for &(class, splat) in &part.splats {
            if let Some(list) = splats.get_mut(usize::from(class)) {
                list.push(splat);
            }
        }
        for &(index, class, outline) in &part.shapes {
            let (Some(parcel), Some(fill)) =
                (park.parcels.get(index), fills.get_mut(usize::from(class)))
            else {
                continue;
            };
            rings.project(&parcel.geometry, frame);
            rings.add_to(fill);
            counts.filled += 1;
            if outline {
                rings.add_to(&mut outlines);
                counts.outlined += 1;
            }
        }
    }
    drop(sorted);
    if counts.splatted > 0 {
        let colors: Vec<_> = classification.classes.iter().map(|c| c.color).collect();
        resolve_splats(map, &splats, &colors);
    }
    for (builder, class) in fills.into_iter().zip(&classification.classes) {
        if let Some(path) = builder.finish() {
            map.fill_path(
                &path,
                &fill_paint(palette::color(class.color)),
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }
    if let Some(path) = outlines.finish() {
        let stroke = Stroke {
            width: (0.6 * frame.scale).max(0.5),
            line_join: LineJoin::Round,
            ..Stroke::default()
        };
        map.stroke_path(
            &path,
            &fill_paint(palette::color_alpha(palette::PARCEL_OUTLINE, 0.85)),
            &stroke,
            Transform::identity(),
            None,
        );
    }
    counts
}

/// Spreads each splat's area over the pixels its box covers, class by class, keeps for each
/// pixel the class covering most of it and the total, and paints the result over `map`.
fn resolve_splats(map: &mut Pixmap, splats: &[Vec<Splat>], colors: &[crate::style::Rgb]) {
    let (w, h) = (map.width() as usize, map.height() as usize);
    let n = w * h;
    let mut plane = vec![0u16; n];
    let mut total = vec![0u16; n];
    let mut best = vec![0u16; n];
    let mut best_class = vec![0u16; n];
    for (class, list) in splats.iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let (mut row_min, mut row_max) = (h, 0);
        for s in list {
            let (r0, r1) = splat(&mut plane, w, h, s);
            row_min = row_min.min(r0);
            row_max = row_max.max(r1);
        }
        if row_min >= row_max {
            continue;
        }
        let range = row_min * w..row_max * w;
        let (Some(plane), Some(total), Some(best), Some(best_class)) = (
            plane.get_mut(range.clone()),
            total.get_mut(range.clone()),
            best.get_mut(range.clone()),
            best_class.get_mut(range),
        ) else {
            continue;
        };
        for (((p, t), b), bc) in plane
            .iter_mut()
            .zip(total.iter_mut())
            .zip(best.iter_mut())
            .zip(best_class.iter_mut())
        {
            let v = *p;
            if v != 0 {
                *t = t.saturating_add(v);
                if v > *b {
                    *b = v;
                    *bc = class as u16;
                }
                *p = 0;
            }
        }
    }
    let data = map.data_mut();
    for ((px, &t), &c) in data.chunks_exact_mut(4).zip(&total).zip(&best_class) {
        if t == 0 {
            continue;
        }
        let Some(rgb) = colors.get(usize::from(c)) else {
            continue;
        };
        let a = (f32::from(t) / ONE).min(1.0);
        for (d, &s) in px.iter_mut().zip(rgb) {
            *d = (f32::from(s) * a + f32::from(*d) * (1.0 - a) + 0.5) as u8;
        }
        // The map under the parcels is opaque: so is the result.
        px[3] = 0xff;
    }
}

/// Adds one splat to `plane`; returns the rows it touched.
fn splat(plane: &mut [u16], w: usize, h: usize, s: &Splat) -> (usize, usize) {
    let (bw, bh) = (s.x1 - s.x0, s.y1 - s.y0);
    let cx0 = s.x0.max(0.0);
    let cy0 = s.y0.max(0.0);
    let cx1 = s.x1.min(w as f32);
    let cy1 = s.y1.min(h as f32);
    if !(cx0 <= cx1 && cy0 <= cy1) {
        return (h, 0);
    }
    let col0 = (cx0.floor() as usize).min(w.saturating_sub(1));
    let col1 = (cx1.ceil() as usize).clamp(col0 + 1, w);
    let row0 = (cy0.floor() as usize).min(h.saturating_sub(1));
    let row1 = (cy1.ceil() as usize).clamp(row0 + 1, h);
    // Share of the box in a pixel column or row; a box thinner than 1e-6 px is all in one.
    let share = |lo: f32, hi: f32, a: f32, extent: f32| {
        if extent < 1e-6 {
            1.0
        } else {
            ((hi.min(a + 1.0) - lo.max(a)).max(0.0)) / extent
        }
    };
    let amount = s.area_px * ONE;
    for row in row0..row1 {
        let fy = share(s.y0, s.y1, row as f32, bh);
        if fy <= 0.0 {
            continue;
        }
        let Some(line) = plane.get_mut(row * w + col0..row * w + col1) else {
            continue;
        };
        for (col, cell) in (col0..col1).zip(line.iter_mut()) {
            let fx = share(s.x0, s.x1, col as f32, bw);
            let v = (amount * fx * fy + 0.5) as u16;
            *cell = cell.saturating_add(v);
        }
    }
    (row0, row1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_splat_spreads_its_area_over_the_pixels_it_covers() {
        let (w, h) = (4, 4);
        let mut plane = vec![0u16; w * h];
        // A 1×1 px box straddling four pixels, half filled: 0.5 px² in quarters.
        let rows = splat(
            &mut plane,
            w,
            h,
            &Splat {
                x0: 0.5,
                y0: 0.5,
                x1: 1.5,
                y1: 1.5,
                area_px: 0.5,
            },
        );
        assert_eq!(rows, (0, 2));
        let quarter = (0.125 * ONE) as u16;
        for idx in [0, 1, 4, 5] {
            assert!(plane[idx].abs_diff(quarter) <= 1, "{idx}: {}", plane[idx]);
        }
        assert_eq!(plane.iter().filter(|&&v| v > 0).count(), 4);
    }

    #[test]
    fn splats_outside_the_frame_touch_nothing() {
        let mut plane = vec![0u16; 16];
        let s = Splat {
            x0: -5.0,
            y0: 1.0,
            x1: -4.0,
            y1: 2.0,
            area_px: 1.0,
        };
        assert_eq!(splat(&mut plane, 4, 4, &s), (4, 0));
        assert!(plane.iter().all(|&v| v == 0));
    }

    #[test]
    fn the_majority_class_colours_a_shared_pixel() {
        let mut map = Pixmap::new(1, 1).expect("pixmap");
        map.fill(tiny_skia::Color::WHITE);
        let whole = |area_px| Splat {
            x0: 0.0,
            y0: 0.0,
            x1: 1.0,
            y1: 1.0,
            area_px,
        };
        // Class 0 covers 30 %, class 1 covers 60 %: class 1 wins with 90 % opacity.
        resolve_splats(
            &mut map,
            &[vec![whole(0.3)], vec![whole(0.6)]],
            &[[255, 0, 0], [0, 0, 255]],
        );
        let p = map.pixel(0, 0).expect("pixel");
        assert!(p.blue() > 240 && p.red() < 30 && p.green() < 30, "{p:?}");
        assert!(p.red() > 15, "10 % of the white shows through: {p:?}");
    }

    #[test]
    fn the_exterior_box_is_the_bounding_box() {
        use geo::BoundingRect as _;
        let park = crate::sample::sample_park().expect("sample");
        for parcel in &park.parcels {
            let r = parcel.geometry.bounding_rect().expect("box");
            let b = exterior_box(&parcel.geometry).expect("box");
            let want = [r.min().x, r.min().y, r.max().x, r.max().y];
            assert!(b.iter().zip(want).all(|(a, w)| a.to_bits() == w.to_bits()));
        }
        assert_eq!(exterior_box(&MultiPolygon::<f64>(vec![])), None);
    }

    #[test]
    fn rings_far_outside_are_clipped_and_keep_their_inside() {
        let square = [(-1e7, -1e7), (1e7, -1e7), (1e7, 1e7), (-1e7, 1e7)];
        let clipped = clip_ring(&square, [0.0, 0.0, 100.0, 100.0]);
        assert_eq!(clipped.len(), 4);
        assert!((signed_area(&clipped).abs() / 2.0 - 10_000.0).abs() < 1e-6);
        assert!(
            clip_ring(
                &[(200.0, 200.0), (300.0, 200.0), (300.0, 300.0)],
                [0.0, 0.0, 100.0, 100.0]
            )
            .is_empty()
        );
    }
}
