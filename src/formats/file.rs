//! One entry point for files a user opens: the format recognised (by extension, then by the
//! file's first bytes) and the file sent to its reader.

use super::{
    FromFeature, Import, ImportReport, ImportedFeature, LayerChoice, RejectReason, Rejected,
    read_gpkg,
};
use crate::crs::Crs;
use crate::layer::Progress;
use std::path::Path;

/// Files from this size on are read in pieces on all cores.
pub(super) const PARALLEL_FROM_BYTES: usize = 4 << 20;

/// The bytes of a file, or the reason it cannot be read, naming the file.
///
/// A big file is read in one piece per core: copying a parcel file of half a gigabyte out of
/// the system's cache is memory-bound work that two cores do in about half the time.
pub fn file_bytes(path: &Path) -> Result<Vec<u8>, Box<Rejected>> {
    use rayon::prelude::*;
    use std::io::{Read as _, Seek as _, SeekFrom};
    let io_error = |e: std::io::Error| {
        Box::new(Rejected {
            reason: RejectReason::Io(e.to_string()),
            report: ImportReport::new(&path.display().to_string()),
        })
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let len = usize::try_from(file.metadata().map_err(io_error)?.len()).unwrap_or(usize::MAX);
    if len < PARALLEL_FROM_BYTES {
        let mut bytes = Vec::with_capacity(len);
        (&file).read_to_end(&mut bytes).map_err(io_error)?;
        return Ok(bytes);
    }
    let mut bytes = vec![0_u8; len];
    let piece = len.div_ceil(rayon::current_num_threads().max(1));
    bytes
        .par_chunks_mut(piece)
        .enumerate()
        .try_for_each(|(i, chunk)| {
            // Each piece has its own handle, so that the reads do not share a position.
            let mut own = std::fs::File::open(path)?;
            own.seek(SeekFrom::Start((i * piece) as u64))?;
            own.read_exact(chunk)
        })
        .map_err(io_error)?;
    // A file that grew meanwhile: read the rest too, so nothing is silently cut off.
    (&file)
        .seek(SeekFrom::Start(len as u64))
        .map_err(io_error)?;
    (&file).read_to_end(&mut bytes).map_err(io_error)?;
    Ok(bytes)
}

/// The formats Parkland reads, recognised by [`Format::of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    GeoPackage,
    /// An Esri Shapefile, named by its `.shp` or by a `.zip` holding the set.
    Shapefile,
    /// A 国土TXT boundary-point file (界址点坐标文件).
    GuotuTxt,
    /// A PostGIS table, named by a `postgresql://…?table=` URL where a file is expected.
    PostGis,
}

impl Format {
    /// Every format a user can open.
    pub const ALL: [Self; 4] = [
        Self::GeoJson,
        Self::GeoPackage,
        Self::Shapefile,
        Self::GuotuTxt,
    ];

    /// The file name extensions of the format (the first is the usual one).
    #[must_use]
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::GeoJson => &["geojson", "json"],
            Self::GeoPackage => &["gpkg"],
            Self::Shapefile => &["shp", "zip"],
            Self::GuotuTxt => &["txt"],
            Self::PostGis => &[],
        }
    }

    /// The format's name, as file dialogs list it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::GeoJson => "GeoJSON",
            Self::GeoPackage => "GeoPackage",
            Self::Shapefile => "Shapefile",
            Self::GuotuTxt => "国土TXT",
            Self::PostGis => "PostGIS",
        }
    }

    /// The names of every format a user can open (`GeoJSON / GeoPackage / Shapefile`) and
    /// their extensions, for a file dialog's filter.
    #[must_use]
    pub fn open_filter() -> (String, Vec<&'static str>) {
        let names: Vec<&str> = Self::ALL.iter().map(|f| f.name()).collect();
        let extensions = Self::ALL
            .iter()
            .flat_map(|f| f.extensions())
            .copied()
            .collect();
        (names.join(" / "), extensions)
    }
    /// The format of a file: `.gpkg` by name, or any file that starts with the SQLite header,
    /// is a GeoPackage; anything else is read as `GeoJSON` (whose reader names what else a
    /// file looks like when it is not JSON).
    #[must_use]
    pub fn of(path: &Path) -> Self {
        use std::io::Read as _;
        if super::postgis::is_postgis_location(path) {
            return Self::PostGis;
        }
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("gpkg") => return Self::GeoPackage,
            Some("shp" | "zip") => return Self::Shapefile,
            Some("txt") => return Self::GuotuTxt,
            _ => {}
        }
        let mut head = Vec::with_capacity(256);
        if std::fs::File::open(path)
            .and_then(|f| f.take(256).read_to_end(&mut head))
            .is_err()
        {
            return Self::GeoJson;
        }
        if head.starts_with(b"SQLite format 3\0") {
            Self::GeoPackage
        } else if head.starts_with(&[0x00, 0x00, 0x27, 0x0A]) {
            Self::Shapefile
        } else if is_guotu_txt(&head) {
            Self::GuotuTxt
        } else {
            Self::GeoJson
        }
    }

    /// Whether the whole file is read before its features are known (so that its kind can
    /// be guessed from them at no extra cost).
    #[must_use]
    pub fn reads_whole(self) -> bool {
        matches!(self, Self::GeoPackage | Self::Shapefile | Self::GuotuTxt)
    }
}

/// A file starting with a 国土TXT section header (`[属性描述]` or `[地块坐标]`), in UTF-8 or GBK.
fn is_guotu_txt(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if !head.starts_with(b"[") {
        return false;
    }
    let text = encoding_rs::GB18030.decode_without_bom_handling(head).0;
    let utf8 = String::from_utf8_lossy(head);
    ["属性描述", "地块坐标"]
        .iter()
        .any(|name| text.contains(name) || utf8.contains(name))
}

/// How to read a file.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'a> {
    /// Which layer of a GeoPackage, or which set of a zip of Shapefiles.
    pub layer: LayerChoice<'a>,
    /// The CRS of a file that names none (a `GeoJSON` without a `crs` member, a Shapefile
    /// without `.prj`, a 国土TXT without zone): what the user said (`--crs`). A file that
    /// names its CRS is read in it.
    pub assume_crs: Option<&'a Crs>,
}

impl<'a> ReadOptions<'a> {
    /// The layer given, no CRS assumed.
    #[must_use]
    pub fn layer(layer: LayerChoice<'a>) -> Self {
        Self {
            layer,
            assume_crs: None,
        }
    }

    /// The same, assuming `crs` for a file that names none.
    #[must_use]
    pub fn assuming(self, crs: Option<&'a Crs>) -> Self {
        Self {
            assume_crs: crs,
            ..self
        }
    }
}

/// The one entry point from a file to its features: recognises the [`Format`], reads the
/// file (a GeoPackage's layer, a zip's set, as `options` say) and turns each loaded feature
/// into a `T` (a `GeoJSON` file in pieces on all cores, straight into `T`).
pub fn read_file_as<T: FromFeature>(
    path: &Path,
    options: &ReadOptions<'_>,
    progress: &Progress,
) -> Result<(Vec<T>, ImportReport), Box<Rejected>> {
    let assume = options.assume_crs;
    match Format::of(path) {
        Format::GeoJson => super::geojson::read_geojson_file_assuming(path, assume, progress),
        Format::GeoPackage => Ok(read_gpkg(path, options.layer)?.into_items()),
        Format::Shapefile => {
            super::shapefile::read_shapefile_as(path, options.layer, assume, progress)
        }
        Format::GuotuTxt => {
            Ok(super::guotu_txt::read_guotu_txt_assuming(path, assume)?.into_items())
        }
        Format::PostGis => {
            let table = match options.layer {
                LayerChoice::Named(name) | LayerChoice::Prefer(name) => name,
                LayerChoice::First => "parcels",
            };
            Ok(
                super::postgis::read_postgis(&path.to_string_lossy(), table, assume, T::KEEP)?
                    .into_items(),
            )
        }
    }
}

/// Reads districts or parcels from a file of any format (a GeoPackage's first polygon layer).
pub fn read_file(path: &Path) -> Result<Import, Box<Rejected>> {
    read_file_with(path, &ReadOptions::layer(LayerChoice::First))
}

/// Like [`read_file`], choosing the layer of a GeoPackage.
pub fn read_file_layer(path: &Path, layer: LayerChoice<'_>) -> Result<Import, Box<Rejected>> {
    read_file_with(path, &ReadOptions::layer(layer))
}

/// Like [`read_file`], as `options` say.
pub fn read_file_with(path: &Path, options: &ReadOptions<'_>) -> Result<Import, Box<Rejected>> {
    read_file_as::<ImportedFeature>(path, options, &Progress::new())
        .map(|(features, report)| Import { features, report })
}
