//! A GeoTIFF orthophoto (正射影像, DOM) as a base layer: CGCS2000 or WGS 84 lon/lat,
//! CGCS2000 Gauss-Krüger or Web Mercator, placed by its tie point and pixel size
//! (`ModelTiepointTag`, `ModelPixelScaleTag`) and the EPSG code of its `GeoKeyDirectoryTag`,
//! and cut into Web Mercator tiles as the map asks, each reprojected from a grid of points.

use super::{BasemapError, TileSource, tiles};
use crate::crs::{Crs, FromLonLat};
use std::path::{Path, PathBuf};

/// GeoTIFF tags.
const MODEL_PIXEL_SCALE: u16 = 33_550;
const MODEL_TIEPOINT: u16 = 33_922;
const GEO_KEY_DIRECTORY: u16 = 34_735;
/// GeoKeys naming the CRS.
const PROJECTED_CS_TYPE: u16 = 3072;
const GEOGRAPHIC_TYPE: u16 = 2048;

/// The largest image read whole (pixels): 400 megapixels, 1.6 GB in memory.
const MAX_PIXELS: u64 = 400_000_000;
/// A tile is reprojected from a grid of this many points a side, bilinear between them
/// (Gauss-Krüger and Web Mercator differ by far less than a pixel across a 16-pixel cell).
const GRID: usize = 17;

/// An orthophoto read whole into memory.
pub struct GeoTiff {
    path: PathBuf,
    width: u32,
    height: u32,
    /// The pixels as RGBA, decoded when the first tile is asked for (on the thread that asks:
    /// never at start-up or in a frame), or why they cannot be.
    rgba: std::sync::OnceLock<Result<Vec<u8>, String>>,
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
            .field("size", &(self.width, self.height))
            .field("crs", &self.crs.label())
            .finish_non_exhaustive()
    }
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
        let (width, height) = decoder.dimensions().map_err(|e| failed(e.to_string()))?;
        // Refused now, though the pixels are read later.
        match decoder.colortype().map_err(|e| failed(e.to_string()))? {
            tiff::ColorType::RGBA(8) | tiff::ColorType::RGB(8) | tiff::ColorType::Gray(8) => {}
            other => {
                return Err(failed(format!(
                    "colour type {other:?} is not read (8-bit gray, RGB or RGBA; convert with gdal_translate -ot Byte)"
                )));
            }
        }
        if u64::from(width) * u64::from(height) > MAX_PIXELS {
            return Err(failed(format!(
                "{width} × {height} pixels is more than this version reads whole ({MAX_PIXELS} pixels): cut it into tiles (gdal2tiles) or an MBTiles file"
            )));
        }
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
        let origin = [x - i * sx, y + j * sy];
        // The finest zoom is the one of about a source pixel a tile pixel.
        let metres = if crs.is_lon_lat() { sx * 111_320.0 } else { sx };
        let finest = tiles::zoom_for(metres.max(1e-3) * 1.2, (0, 22));
        Ok(Self {
            path: path.to_owned(),
            width,
            height,
            rgba: std::sync::OnceLock::new(),
            origin,
            pixel: [sx, sy],
            crs,
            from_lon_lat,
            zooms: (finest.saturating_sub(8), finest),
        })
    }

    /// The image pixel (column, row) at a lon/lat, if the CRS takes it.
    fn pixel_at(&self, lon: f64, lat: f64) -> Option<[f64; 2]> {
        let (x, y) = self.from_lon_lat.apply(lon, lat).ok()?;
        Some([
            (x - self.origin[0]) / self.pixel[0],
            (self.origin[1] - y) / self.pixel[1],
        ])
    }
}

/// The image at `path` decoded as RGBA, whatever its colour type (8-bit gray, RGB, RGBA).
fn rgba_of(path: &Path, width: u32, height: u32) -> Result<Vec<u8>, String> {
    use tiff::ColorType;
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut decoder = tiff::decoder::Decoder::new(std::io::BufReader::new(file))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let colortype = decoder.colortype().map_err(|e| e.to_string())?;
    let tiff::decoder::DecodingResult::U8(data) =
        decoder.read_image().map_err(|e| e.to_string())?
    else {
        return Err("only 8-bit images are read (convert with gdal_translate -ot Byte)".to_owned());
    };
    let pixels = width as usize * height as usize;
    let rgba: Vec<u8> = match colortype {
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
    if rgba.len() != pixels * 4 {
        return Err("the image's data is shorter than its size".to_owned());
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
        // The image pixel at each grid point of the tile.
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
        let rgba = self
            .rgba
            .get_or_init(|| rgba_of(&self.path, self.width, self.height))
            .as_ref()
            .map_err(|detail| BasemapError::Tile {
                source_name: self.name(),
                z,
                x,
                y,
                detail: detail.clone(),
            })?;
        let mut out = image::RgbaImage::new(256, 256);
        let mut any = false;
        let cell = 255.0 / (GRID - 1) as f64;
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
                let (col, row_px) = (lerp(0), lerp(1));
                if col < 0.0
                    || row_px < 0.0
                    || col >= f64::from(self.width)
                    || row_px >= f64::from(self.height)
                {
                    continue;
                }
                let at = (row_px as usize * self.width as usize + col as usize) * 4;
                if let Some(src) = rgba.get(at..at + 4) {
                    pixel.0.copy_from_slice(src);
                    any = true;
                }
            }
        }
        Ok(any.then_some(out))
    }
}
