//! Base layers under the parcels (底图): raster tiles in the Web Mercator `{z}/{x}/{y}` grid
//! the map is drawn in, read from an MBTiles file or a folder of tiles, offline. Sources
//! answer with a tile's encoded bytes; [`decode`] turns them into pixels. Which tiles a view
//! needs, and where each lies, is [`tiles`].

pub mod geotiff;
pub mod tiles;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why a base layer cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    #[error("{path}: {detail}")]
    Open { path: String, detail: String },
    #[error("{source_name}: tile {z}/{x}/{y}: {detail}")]
    Tile {
        source_name: String,
        z: u8,
        x: u32,
        y: u32,
        detail: String,
    },
}

/// Where tiles come from.
pub trait TileSource: Send + Sync + std::fmt::Debug {
    /// What to call the source (its file, for messages and the layers panel).
    fn name(&self) -> String;
    /// The zoom levels it has tiles for.
    fn zoom_range(&self) -> (u8, u8);
    /// The encoded tile (PNG, JPEG or WebP) at `z/x/y` (XYZ: y counted from the north), or
    /// `None` where it has none.
    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, BasemapError>;
    /// The tile's pixels: [`Self::tile`] decoded (a source that makes its pixels, such as an
    /// orthophoto, gives them without encoding them first).
    fn tile_image(&self, z: u8, x: u32, y: u32) -> Result<Option<image::RgbaImage>, BasemapError> {
        match self.tile(z, x, y)? {
            Some(bytes) => decode(&bytes)
                .map(Some)
                .map_err(|detail| BasemapError::Tile {
                    source_name: self.name(),
                    z,
                    x,
                    y,
                    detail,
                }),
            None => Ok(None),
        }
    }
    /// Whether its tiles are drawn in GCJ-02 (as some commercial services in China are),
    /// so that they are shifted to fit CGCS2000 parcels.
    fn gcj02(&self) -> bool {
        false
    }
}

/// A source whose tiles are in GCJ-02: drawn shifted by [`gcj02_offset_m`] to fit.
#[derive(Debug)]
pub struct Gcj02(pub Box<dyn TileSource>);

impl TileSource for Gcj02 {
    fn name(&self) -> String {
        format!("{} (GCJ-02)", self.0.name())
    }
    fn zoom_range(&self) -> (u8, u8) {
        self.0.zoom_range()
    }
    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, BasemapError> {
        self.0.tile(z, x, y)
    }
    fn tile_image(&self, z: u8, x: u32, y: u32) -> Result<Option<image::RgbaImage>, BasemapError> {
        self.0.tile_image(z, x, y)
    }
    fn gcj02(&self) -> bool {
        true
    }
}

/// Where a tile of `source` is drawn, in Web Mercator metres `[west, south, east, north]`: its
/// place in the grid, moved back by the GCJ-02 shift at its centre for a GCJ-02 source.
#[must_use]
pub fn drawn_bounds(source: &dyn TileSource, z: u8, x: u32, y: u32) -> [f64; 4] {
    let b = tiles::tile_bounds(z, x, y);
    if !source.gcj02() {
        return b;
    }
    let at = gcj02_offset_m(f64::midpoint(b[0], b[2]), f64::midpoint(b[1], b[3]));
    [b[0] - at[0], b[1] - at[1], b[2] - at[0], b[3] - at[1]]
}

/// The bounds (Web Mercator metres) whose tiles a source needs to show `bounds`: the same,
/// or where a GCJ-02 source shows them.
#[must_use]
pub fn source_bounds(source: &dyn TileSource, bounds: [f64; 4]) -> [f64; 4] {
    if !source.gcj02() {
        return bounds;
    }
    let shift = gcj02_offset_m(
        f64::midpoint(bounds[0], bounds[2]),
        f64::midpoint(bounds[1], bounds[3]),
    );
    [
        bounds[0] + shift[0],
        bounds[1] + shift[1],
        bounds[2] + shift[0],
        bounds[3] + shift[1],
    ]
}

/// Where GCJ-02 tiles show the place at Web Mercator `x, y` (CGCS2000/WGS 84; the two agree
/// to well under a metre here), less where it is: the shift, in Web Mercator metres, to take
/// back from such a tile (a few hundred metres in mainland China, none outside it). It varies
/// by metres across a tile, so a tile is shifted by the value at its centre.
#[must_use]
pub fn gcj02_offset_m(x: f64, y: f64) -> [f64; 2] {
    let (lon, lat) = crate::crs::web_mercator::to_lon_lat(x, y);
    let (glon, glat) = coordtransform::wgs84_to_gcj02(lon, lat);
    let (gx, gy) = crate::crs::web_mercator::from_lon_lat(glon, glat);
    [gx - x, gy - y]
}

/// Opens a base layer: an `.mbtiles` file, a folder of `{z}/{x}/{y}.png|jpg|jpeg|webp`, or a
/// tile server's URL template (`http://…/{z}/{x}/{y}.png`), its tiles cached on disk.
pub fn open(path: &Path) -> Result<Box<dyn TileSource>, BasemapError> {
    let text = path.to_string_lossy();
    if text.starts_with("http://") || text.starts_with("https://") {
        return Ok(Box::new(UrlTiles::new(&text, &default_cache_dir())?));
    }
    if path.is_dir() {
        return Ok(Box::new(TileFolder::open(path)?));
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("mbtiles") => Ok(Box::new(MbTiles::open(path)?)),
        Some("tif" | "tiff") => Ok(Box::new(geotiff::GeoTiff::open(path)?)),
        _ => Err(BasemapError::Open {
            path: path.display().to_string(),
            detail: "not a base layer: an .mbtiles file, a GeoTIFF orthophoto, a folder of {z}/{x}/{y} tiles or a tile URL"
                .to_owned(),
        }),
    }
}

/// Decodes a tile (PNG, JPEG or WebP) to RGBA pixels.
pub fn decode(bytes: &[u8]) -> Result<image::RgbaImage, String> {
    image::load_from_memory(bytes)
        .map(|i| i.to_rgba8())
        .map_err(|e| e.to_string())
}

/// An MBTiles file (SQLite; rows counted from the south, as TMS).
#[derive(Debug)]
pub struct MbTiles {
    path: PathBuf,
    conn: Mutex<rusqlite::Connection>,
    zooms: (u8, u8),
}

impl MbTiles {
    pub fn open(path: &Path) -> Result<Self, BasemapError> {
        let failed = |detail: String| BasemapError::Open {
            path: path.display().to_string(),
            detail,
        };
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| failed(e.to_string()))?;
        let zooms: (Option<i64>, Option<i64>) = conn
            .query_row(
                "SELECT min(zoom_level), max(zoom_level) FROM tiles",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| failed(format!("not an MBTiles file (no tiles table): {e}")))?;
        let (Some(min), Some(max)) = zooms else {
            return Err(failed("the MBTiles file holds no tiles".to_owned()));
        };
        let zoom = |z: i64| u8::try_from(z.clamp(0, 30)).unwrap_or(0);
        Ok(Self {
            path: path.to_owned(),
            conn: Mutex::new(conn),
            zooms: (zoom(min), zoom(max)),
        })
    }
}

impl TileSource for MbTiles {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn zoom_range(&self) -> (u8, u8) {
        self.zooms
    }

    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, BasemapError> {
        use rusqlite::OptionalExtension as _;
        let row = (1_u32 << z).saturating_sub(1).saturating_sub(y);
        let conn = self.conn.lock().map_err(|e| BasemapError::Tile {
            source_name: self.name(),
            z,
            x,
            y,
            detail: e.to_string(),
        })?;
        conn.prepare_cached(
            "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 \
             AND tile_row = ?3",
        )
        .and_then(|mut s| s.query_row((z, x, row), |r| r.get(0)).optional())
        .map_err(|e| BasemapError::Tile {
            source_name: self.name(),
            z,
            x,
            y,
            detail: e.to_string(),
        })
    }
}

/// A folder of tiles `{z}/{x}/{y}.png` (or `.jpg`, `.jpeg`, `.webp`), y counted from the north.
#[derive(Debug)]
pub struct TileFolder {
    root: PathBuf,
    zooms: (u8, u8),
}

/// The tile file names tried, in order.
const TILE_EXTENSIONS: [&str; 4] = ["png", "jpg", "jpeg", "webp"];

impl TileFolder {
    pub fn open(root: &Path) -> Result<Self, BasemapError> {
        let zooms: Vec<u8> = std::fs::read_dir(root)
            .map_err(|e| BasemapError::Open {
                path: root.display().to_string(),
                detail: e.to_string(),
            })?
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().to_str()?.parse::<u8>().ok())
            .filter(|z| *z <= 30)
            .collect();
        let (Some(min), Some(max)) = (zooms.iter().min(), zooms.iter().max()) else {
            return Err(BasemapError::Open {
                path: root.display().to_string(),
                detail: "no zoom folders ({z}/{x}/{y}.png) in it".to_owned(),
            });
        };
        Ok(Self {
            root: root.to_owned(),
            zooms: (*min, *max),
        })
    }
}

impl TileSource for TileFolder {
    fn name(&self) -> String {
        self.root.display().to_string()
    }

    fn zoom_range(&self) -> (u8, u8) {
        self.zooms
    }

    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, BasemapError> {
        let dir = self.root.join(z.to_string()).join(x.to_string());
        for extension in TILE_EXTENSIONS {
            let path = dir.join(format!("{y}.{extension}"));
            match std::fs::read(&path) {
                Ok(bytes) => return Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(BasemapError::Tile {
                        source_name: self.name(),
                        z,
                        x,
                        y,
                        detail: e.to_string(),
                    });
                }
            }
        }
        Ok(None)
    }
}

/// Where tiles from servers are kept: `PARKLAND_TILE_CACHE`, else the platform's cache
/// folder (`~/.cache/parkland/tiles` on Linux).
#[must_use]
pub fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PARKLAND_TILE_CACHE") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "Parkland").map_or_else(
        || std::env::temp_dir().join("parkland-tiles"),
        |dirs| dirs.cache_dir().join("tiles"),
    )
}

/// Tiles from a server on the office network: a URL template with `{z}`, `{x}` and `{y}`
/// (`{-y}` for rows counted from the south), each tile kept on disk once fetched, so that the
/// map works offline where it has been looked at.
#[derive(Debug)]
pub struct UrlTiles {
    template: String,
    /// This template's own folder in the cache.
    cache: PathBuf,
    agent: ureq::Agent,
    zooms: (u8, u8),
}

impl UrlTiles {
    /// The zoom levels the server has (0 to 18 unless said).
    #[must_use]
    pub fn with_zoom_range(mut self, zooms: (u8, u8)) -> Self {
        self.zooms = (zooms.0.min(zooms.1), zooms.1.min(30));
        self
    }

    pub fn new(template: &str, cache_root: &Path) -> Result<Self, BasemapError> {
        if !(template.contains("{z}")
            && template.contains("{x}")
            && (template.contains("{y}") || template.contains("{-y}")))
        {
            return Err(BasemapError::Open {
                path: template.to_owned(),
                detail: "a tile URL needs {z}, {x} and {y} (or {-y})".to_owned(),
            });
        }
        // One folder per template (a short hash of it), so that two servers never mix.
        let digest = crate::ledger::attachments::sha256_hex(template.as_bytes());
        let cache = cache_root.join(&digest[..16]);
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(15)))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Self {
            template: template.to_owned(),
            cache,
            agent,
            zooms: (0, 18),
        })
    }

    fn url(&self, z: u8, x: u32, y: u32) -> String {
        let tms = (1_u32 << z).saturating_sub(1).saturating_sub(y);
        self.template
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{-y}", &tms.to_string())
            .replace("{y}", &y.to_string())
    }
}

impl TileSource for UrlTiles {
    fn name(&self) -> String {
        self.template.clone()
    }

    fn zoom_range(&self) -> (u8, u8) {
        self.zooms
    }

    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, BasemapError> {
        let cached = self
            .cache
            .join(z.to_string())
            .join(x.to_string())
            .join(y.to_string());
        if let Ok(bytes) = std::fs::read(&cached) {
            return Ok(Some(bytes));
        }
        let failed = |detail: String| BasemapError::Tile {
            source_name: self.name(),
            z,
            x,
            y,
            detail,
        };
        let mut response = self
            .agent
            .get(&self.url(z, x, y))
            .call()
            .map_err(|e| failed(e.to_string()))?;
        match response.status().as_u16() {
            200 => {
                let bytes = response
                    .body_mut()
                    .with_config()
                    .limit(16 * 1024 * 1024)
                    .read_to_vec()
                    .map_err(|e| failed(e.to_string()))?;
                // Kept whole or not at all; a cache that cannot be written only costs a fetch.
                if let Some(dir) = cached.parent()
                    && std::fs::create_dir_all(dir).is_ok()
                {
                    let _ = crate::atomic_file::write(&cached, &bytes);
                }
                Ok(Some(bytes))
            }
            204 | 404 => Ok(None),
            status => Err(failed(format!("the server answered {status}"))),
        }
    }
}
