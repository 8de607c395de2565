//! A GeoTIFF orthophoto (正射影像, DOM) as a base layer: CGCS2000 or WGS 84 lon/lat,
//! CGCS2000 Gauss-Krüger or Web Mercator, placed by its tie point and pixel size
//! (`ModelTiepointTag`, `ModelPixelScaleTag`) and the EPSG code of its `GeoKeyDirectoryTag`,
//! and cut into Web Mercator tiles as the map asks, each reprojected from a grid of points.
//!
//! The image is read a piece (a TIFF tile or strip) at a time as tiles need them, from the
//! overview (a reduced-resolution image in the same file, as `gdaladdo` writes) nearest the
//! tile's scale, and at most [`CACHE_BYTES`] of decoded pieces are kept: a DOM of any size
//! takes bounded memory.

use super::{BasemapError, TileSource, tiles};
use crate::crs::{Crs, FromLonLat};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// GeoTIFF tags.
const MODEL_PIXEL_SCALE: u16 = 33_550;
const MODEL_TIEPOINT: u16 = 33_922;
const GEO_KEY_DIRECTORY: u16 = 34_735;
/// GeoKeys naming the CRS.
const PROJECTED_CS_TYPE: u16 = 3072;
const GEOGRAPHIC_TYPE: u16 = 2048;

/// Decoded pieces kept at most, as RGBA bytes: 64 MB.
pub const CACHE_BYTES: usize = 64 << 20;
/// The largest piece read (pixels; 64 MB as RGBA): a large image stored in one strip is
/// refused with how to tile it.
const MAX_PIECE_PIXELS: u64 = 16_000_000;
/// A tile is reprojected from a grid of this many points a side, bilinear between them
/// (Gauss-Krüger and Web Mercator differ by far less than a pixel across a 16-pixel cell).
const GRID: usize = 17;

/// One image of the file: the full resolution or an overview.
#[derive(Debug, Clone)]
struct Level {
    /// Its place among the file's images (IFDs).
    ifd: usize,
    width: u32,
    height: u32,
    /// The size of a piece (a tile, or a strip the image's width across).
    piece: (u32, u32),
    /// Pieces a row.
    across: u32,
    /// Full-resolution pixels a pixel of this image, across and down.
    factor: [f64; 2],
    colour: tiff::ColorType,
}

/// A decoded piece, as RGBA.
struct Piece {
    width: u32,
    rgba: Vec<u8>,
}

/// The open file and the pieces decoded from it, most recently used kept.
struct Pieces {
    decoder: Option<(
        tiff::decoder::Decoder<std::io::BufReader<std::fs::File>>,
        usize,
    )>,
    kept: HashMap<(usize, u32), (Arc<Piece>, u64)>,
    bytes: usize,
    clock: u64,
    limit: usize,
}

/// An orthophoto, read a piece at a time.
pub struct GeoTiff {
    path: PathBuf,
    /// The full resolution first, then the overviews, finer to coarser.
    levels: Vec<Level>,
    pieces: Mutex<Pieces>,
    /// The CRS position of the image's top-left corner, and the size of a pixel (x right,
    /// y down) in its units.
    origin: [f64; 2],
    pixel: [f64; 2],
    crs: Crs,
    from_lon_lat: FromLonLat,
    zooms: (u8, u8),
}

impl std::fmt::Debug for GeoTiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeoTiff")
            .field("path", &self.path)
            .field("levels", &self.levels)
            .field("crs", &self.crs.label())
            .finish_non_exhaustive()
    }
}

/// Whether the decoder's current image is one Parkland reads, and how it is cut.
fn level_of(
    decoder: &mut tiff::decoder::Decoder<std::io::BufReader<std::fs::File>>,
    ifd: usize,
    full: Option<(u32, u32)>,
) -> Result<Level, String> {
    let (width, height) = decoder.dimensions().map_err(|e| e.to_string())?;
    let colour = decoder.colortype().map_err(|e| e.to_string())?;
    match colour {
        tiff::ColorType::RGBA(8) | tiff::ColorType::RGB(8) | tiff::ColorType::Gray(8) => {}
        other => {
            return Err(format!(
                "colour type {other:?} is not read (8-bit gray, RGB or RGBA; convert with gdal_translate -ot Byte)"
            ));
        }
    }
    let planar = decoder
        .find_tag_unsigned::<u16>(tiff::tags::Tag::PlanarConfiguration)
        .map_err(|e| e.to_string())?;
    if planar == Some(2) && colour != tiff::ColorType::Gray(8) {
        return Err(
            "its colours are stored in separate planes (convert with gdal_translate -co INTERLEAVE=PIXEL)"
                .to_owned(),
        );
    }
    // A strip's rows as the file says, up to the image's height ("the whole image in one
    // strip" is written as 2³² − 1 rows).
    let (piece_width, piece_rows) = decoder.chunk_dimensions();
    let piece = (piece_width.min(width).max(1), piece_rows.min(height).max(1));
    if u64::from(piece.0) * u64::from(piece.1) > MAX_PIECE_PIXELS {
        return Err(format!(
            "it is stored in pieces of {} × {} pixels, more than Parkland decodes at once ({MAX_PIECE_PIXELS} pixels): tile it with gdal_translate -co TILED=YES (and add overviews with gdaladdo)",
            piece.0, piece.1
        ));
    }
    let (full_width, full_height) = full.unwrap_or((width, height));
    Ok(Level {
        ifd,
        width,
        height,
        piece,
        across: width.div_ceil(piece.0.max(1)),
        factor: [
            f64::from(full_width) / f64::from(width.max(1)),
            f64::from(full_height) / f64::from(height.max(1)),
        ],
        colour,
    })
}

/// The bytes of decoded pieces a tile `zoom_out` zooms coarser than the finest reads from a
/// level at most: the pieces its span (256 pixels at the finest zoom, doubled each zoom out,
/// over the level's factor) can touch across and down.
fn tile_bytes(level: &Level, zoom_out: u8) -> f64 {
    let span = 256.0 * 1.2 * 2f64.powi(i32::from(zoom_out)) / level.factor[0];
    let (width, rows) = (f64::from(level.piece.0), f64::from(level.piece.1));
    let across = ((span / width).ceil() + 1.0).min(f64::from(level.across));
    let down = ((span / rows).ceil() + 1.0).min(f64::from(level.height.div_ceil(level.piece.1)));
    across * down * width * rows * 4.0
}

impl GeoTiff {
    pub fn open(path: &Path) -> Result<Self, BasemapError> {
        let failed = |detail: String| BasemapError::Open {
            path: path.display().to_string(),
            detail,
        };
        let file = std::fs::File::open(path).map_err(|e| failed(e.to_string()))?;
        let mut decoder = tiff::decoder::Decoder::new(std::io::BufReader::new(file))
            .map_err(|e| failed(format!("not a TIFF: {e}")))?;
        let full = level_of(&mut decoder, 0, None).map_err(failed)?;
        let tag = |decoder: &mut tiff::decoder::Decoder<_>, code: u16| {
            decoder
                .get_tag_f64_vec(tiff::tags::Tag::Unknown(code))
                .map_err(|_| failed(format!("no GeoTIFF tag {code}: not a georeferenced image")))
        };
        let scale = tag(&mut decoder, MODEL_PIXEL_SCALE)?;
        let tie = tag(&mut decoder, MODEL_TIEPOINT)?;
        let (Some(&sx), Some(&sy), Some(&i), Some(&j), Some(&x), Some(&y)) = (
            scale.first(),
            scale.get(1),
            tie.first(),
            tie.get(1),
            tie.get(3),
            tie.get(4),
        ) else {
            return Err(failed("incomplete tie point or pixel size".to_owned()));
        };
        let keys = decoder
            .get_tag_u16_vec(tiff::tags::Tag::Unknown(GEO_KEY_DIRECTORY))
            .map_err(|_| failed("no GeoKeyDirectory: the CRS is not said".to_owned()))?;
        let epsg = keys
            .chunks_exact(4)
            .skip(1)
            .find(|k| k[0] == PROJECTED_CS_TYPE && k[1] == 0)
            .or_else(|| {
                keys.chunks_exact(4)
                    .skip(1)
                    .find(|k| k[0] == GEOGRAPHIC_TYPE && k[1] == 0)
            })
            .map(|k| u32::from(k[3]))
            .ok_or_else(|| failed("the GeoKeys name no EPSG code".to_owned()))?;
        let crs = Crs::from_epsg(epsg).ok_or_else(|| {
            failed(format!(
                "EPSG:{epsg} is not a CRS Parkland places imagery in (CGCS2000 or WGS 84 lon/lat, CGCS2000 Gauss-Krüger, Web Mercator)"
            ))
        })?;
        let from_lon_lat = crs.from_lon_lat().map_err(failed)?;
        // The overviews: the reduced-resolution images that follow (not masks), each
        // coarser than the last; any the program cannot read are passed over.
        let mut levels = vec![full];
        let mut ifd = 0;
        while decoder.more_images() {
            ifd += 1;
            if decoder.next_image().is_err() {
                break;
            }
            let kind = decoder
                .find_tag_unsigned::<u32>(tiff::tags::Tag::NewSubfileType)
                .ok()
                .flatten()
                .unwrap_or(0);
            if kind & 1 == 0 || kind & 4 != 0 {
                continue;
            }
            let full_size = (levels[0].width, levels[0].height);
            if let Ok(level) = level_of(&mut decoder, ifd, Some(full_size))
                && levels
                    .last()
                    .is_some_and(|last| level.width < last.width && level.factor[0] > 1.0)
            {
                levels.push(level);
            }
        }
        let origin = [x - i * sx, y + j * sy];
        // The finest zoom is the one of about a source pixel a tile pixel; each zoom out
        // doubles the pixels a tile spans, as far as the coarsest image serves it.
        let metres = if crs.is_lon_lat() { sx * 111_320.0 } else { sx };
        let finest = tiles::zoom_for(metres.max(1e-3) * 1.2, (0, 22));
        // Zoomed out as far as a tile of the coarsest image reads at most `CACHE_BYTES` of
        // pieces (a strip the width of a wide image counts whole), or all the way when that
        // image is small enough to be read whole.
        let zoom_out = levels.last().map_or(0, |coarsest| {
            let whole = u64::from(coarsest.width) * u64::from(coarsest.height) <= MAX_PIECE_PIXELS;
            let mut zoom_out = 0_u8;
            while zoom_out < 8
                && (whole || tile_bytes(coarsest, zoom_out + 1) <= CACHE_BYTES as f64)
            {
                zoom_out += 1;
            }
            zoom_out
        });
        Ok(Self {
            path: path.to_owned(),
            levels,
            pieces: Mutex::new(Pieces {
                decoder: None,
                kept: HashMap::new(),
                bytes: 0,
                clock: 0,
                limit: CACHE_BYTES,
            }),
            origin,
            pixel: [sx, sy],
            crs,
            from_lon_lat,
            zooms: (finest.saturating_sub(zoom_out), finest),
        })
    }

    /// The same image keeping at most `bytes` of decoded pieces (at least the pieces one
    /// tile reads are kept while it is cut).
    #[must_use]
    pub fn with_cache_limit(self, bytes: usize) -> Self {
        if let Ok(mut pieces) = self.pieces.lock() {
            pieces.limit = bytes;
        }
        self
    }

    /// How many of the file's images it reads: the full resolution and its overviews.
    pub fn levels(&self) -> usize {
        self.levels.len()
    }

    /// The bytes of decoded pieces kept now.
    pub fn cached_bytes(&self) -> usize {
        self.pieces.lock().map_or(0, |p| p.bytes)
    }

    /// The image pixel (column, row) at a lon/lat, if the CRS takes it.
    fn pixel_at(&self, lon: f64, lat: f64) -> Option<[f64; 2]> {
        let (x, y) = self.from_lon_lat.apply(lon, lat).ok()?;
        Some([
            (x - self.origin[0]) / self.pixel[0],
            (self.origin[1] - y) / self.pixel[1],
        ])
    }

    /// A piece of an image, decoded now or kept from before.
    fn piece(&self, level: usize, index: u32) -> Result<Arc<Piece>, String> {
        let mut pieces = self
            .pieces
            .lock()
            .map_err(|_| "the image's reader failed".to_owned())?;
        pieces.clock += 1;
        let clock = pieces.clock;
        if let Some((piece, used)) = pieces.kept.get_mut(&(level, index)) {
            *used = clock;
            return Ok(Arc::clone(piece));
        }
        let wanted = &self.levels[level];
        if pieces
            .decoder
            .as_ref()
            .is_none_or(|(_, ifd)| *ifd != wanted.ifd)
        {
            let mut decoder = if let Some((decoder, _)) = pieces.decoder.take() {
                decoder
            } else {
                let file = std::fs::File::open(&self.path)
                    .map_err(|e| format!("{}: {e}", self.path.display()))?;
                tiff::decoder::Decoder::new(std::io::BufReader::new(file))
                    .map_err(|e| format!("{}: {e}", self.path.display()))?
            };
            decoder
                .seek_to_image(wanted.ifd)
                .map_err(|e| e.to_string())?;
            pieces.decoder = Some((decoder, wanted.ifd));
        }
        let Some((decoder, _)) = pieces.decoder.as_mut() else {
            return Err("the image's reader failed".to_owned());
        };
        let (width, height) = decoder.chunk_data_dimensions(index);
        let tiff::decoder::DecodingResult::U8(data) =
            decoder.read_chunk(index).map_err(|e| e.to_string())?
        else {
            return Err(
                "only 8-bit images are read (convert with gdal_translate -ot Byte)".to_owned(),
            );
        };
        let rgba = rgba_of(data, wanted.colour, width, height)?;
        let piece = Arc::new(Piece { width, rgba });
        pieces.bytes += piece.rgba.len();
        pieces
            .kept
            .insert((level, index), (Arc::clone(&piece), clock));
        // The least recently used go first, down to the limit.
        while pieces.bytes > pieces.limit && pieces.kept.len() > 1 {
            let Some(oldest) = pieces
                .kept
                .iter()
                .filter(|(key, _)| **key != (level, index))
                .min_by_key(|(_, (_, used))| *used)
                .map(|(key, _)| *key)
            else {
                break;
            };
            if let Some((gone, _)) = pieces.kept.remove(&oldest) {
                pieces.bytes -= gone.rgba.len();
            }
        }
        Ok(piece)
    }
}

/// A piece's samples as RGBA, whatever its colour type (8-bit gray, RGB, RGBA).
fn rgba_of(
    data: Vec<u8>,
    colour: tiff::ColorType,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    use tiff::ColorType;
    let pixels = width as usize * height as usize;
    let rgba: Vec<u8> = match colour {
        ColorType::RGBA(8) => data,
        ColorType::RGB(8) => data
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        ColorType::Gray(8) => data.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        other => {
            return Err(format!(
                "colour type {other:?} is not read (8-bit gray, RGB or RGBA)"
            ));
        }
    };
    if rgba.len() < pixels * 4 {
        return Err("a piece of the image is shorter than its size".to_owned());
    }
    Ok(rgba)
}

impl TileSource for GeoTiff {
    fn name(&self) -> String {
        format!("{} ({})", self.path.display(), self.crs.label())
    }

    fn zoom_range(&self) -> (u8, u8) {
        self.zooms
    }

    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, BasemapError> {
        let Some(image) = self.tile_image(z, x, y)? else {
            return Ok(None);
        };
        let mut png = std::io::Cursor::new(Vec::new());
        image
            .write_to(&mut png, image::ImageFormat::Png)
            .map_err(|e| BasemapError::Tile {
                source_name: self.name(),
                z,
                x,
                y,
                detail: e.to_string(),
            })?;
        Ok(Some(png.into_inner()))
    }

    fn tile_image(&self, z: u8, x: u32, y: u32) -> Result<Option<image::RgbaImage>, BasemapError> {
        let bounds = tiles::tile_bounds(z, x, y);
        // The full-resolution pixel at each grid point of the tile.
        let mut grid = Vec::with_capacity(GRID * GRID);
        let fraction = |g: usize| g as f64 / (GRID - 1) as f64;
        for gy in 0..GRID {
            for gx in 0..GRID {
                let mx = bounds[0] + fraction(gx) * (bounds[2] - bounds[0]);
                let my = bounds[3] - fraction(gy) * (bounds[3] - bounds[1]);
                let (lon, lat) = crate::crs::web_mercator::to_lon_lat(mx, my);
                grid.push(self.pixel_at(lon, lat));
            }
        }
        let cell = 255.0 / (GRID - 1) as f64;
        // Image pixels a tile pixel spans, across the tile's middle: the coarsest image no
        // coarser than that serves it.
        let middle = GRID / 2 * GRID + GRID / 2;
        let span = match (grid[middle], grid[middle + 1]) {
            (Some(left), Some(right)) => (right[0] - left[0]).hypot(right[1] - left[1]) / cell,
            _ => 1.0,
        };
        let level = self
            .levels
            .iter()
            .rposition(|l| l.factor[0] <= span.max(1.0))
            .unwrap_or(0);
        let chosen = &self.levels[level];
        let failed = |detail: String| BasemapError::Tile {
            source_name: self.name(),
            z,
            x,
            y,
            detail,
        };
        // The pieces this tile reads, asked for once each.
        let mut read: HashMap<u32, Arc<Piece>> = HashMap::new();
        let mut out = image::RgbaImage::new(256, 256);
        let mut any = false;
        for (py, row) in out.rows_mut().enumerate() {
            let gy = (py as f64 / cell).min((GRID - 2) as f64);
            let (g0, ty) = (gy.floor() as usize, gy - gy.floor());
            for (px, pixel) in row.enumerate() {
                let gx = (px as f64 / cell).min((GRID - 2) as f64);
                let (h0, tx) = (gx.floor() as usize, gx - gx.floor());
                let corners = [
                    grid[g0 * GRID + h0],
                    grid[g0 * GRID + h0 + 1],
                    grid[(g0 + 1) * GRID + h0],
                    grid[(g0 + 1) * GRID + h0 + 1],
                ];
                let [
                    Some(top_left),
                    Some(top_right),
                    Some(bottom_left),
                    Some(bottom_right),
                ] = corners
                else {
                    continue;
                };
                let lerp = |i: usize| {
                    let top = top_left[i] + (top_right[i] - top_left[i]) * tx;
                    let bottom = bottom_left[i] + (bottom_right[i] - bottom_left[i]) * tx;
                    top + (bottom - top) * ty
                };
                let (col, row_px) = (lerp(0) / chosen.factor[0], lerp(1) / chosen.factor[1]);
                // Outside the image, or where the CRS gave no number (NaN is in no range).
                if !(0.0..f64::from(chosen.width)).contains(&col)
                    || !(0.0..f64::from(chosen.height)).contains(&row_px)
                {
                    continue;
                }
                let (col, row_px) = (col as u32, row_px as u32);
                let (across, down) = (col / chosen.piece.0, row_px / chosen.piece.1);
                let index = down * chosen.across + across;
                let piece = match read.entry(index) {
                    Entry::Occupied(kept) => kept.into_mut(),
                    Entry::Vacant(slot) => slot.insert(self.piece(level, index).map_err(failed)?),
                };
                let (in_col, in_row) = (col % chosen.piece.0, row_px % chosen.piece.1);
                let at = (in_row as usize * piece.width as usize + in_col as usize) * 4;
                if let Some(src) = piece.rgba.get(at..at + 4) {
                    pixel.0.copy_from_slice(src);
                    any = true;
                }
            }
        }
        Ok(any.then_some(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(width: u32, height: u32, piece: (u32, u32)) -> Level {
        Level {
            ifd: 0,
            width,
            height,
            piece,
            across: width.div_ceil(piece.0),
            factor: [1.0, 1.0],
            colour: tiff::ColorType::RGB(8),
        }
    }

    /// What a tile may read bounds how far an image without overviews zooms out: tiles of
    /// 256 pixels three zooms (a tile spanning 2,457 pixels reads 121 pieces, 32 MB; four
    /// would read 115 MB); strips one row high across 40,000 pixels, only the finest zoom
    /// (a tile spanning 307 rows reads 308 strips, 49 MB).
    #[test]
    fn a_tile_reads_no_more_than_the_cache_holds() {
        let limit = CACHE_BYTES as f64;
        let tiled = level(40_000, 40_000, (256, 256));
        assert!(tile_bytes(&tiled, 3) <= limit && tile_bytes(&tiled, 4) > limit);
        let strips = level(40_000, 40_000, (40_000, 1));
        assert!(tile_bytes(&strips, 0) <= limit && tile_bytes(&strips, 1) > limit);
    }
}
