//! Reading a Shapefile set into polygon features, on all cores: the records by hand from the
//! `.shp` (found through the `.shx`, or by walking the `.shp` without a usable one;
//! `records.rs`), the attributes by hand from the `.dbf` (`dbf.rs` says why) in an encoding
//! chosen here, each record finished and turned into the reader's type as soon as it is read.

use super::dbf::DbfTable;
use super::records::{self, Record};
use crate::crs::{Crs, PrjError, from_wkt};
use crate::formats::feature::{Finished, Finisher, RawFeature, assemble_rings};
use crate::formats::{
    FeatureRef, FromFeature, Import, ImportReport, ImportedFeature, LayerChoice, Level, Message,
    RejectReason, Rejected, close_ring,
};
use crate::layer::{Progress, Stage};
use rayon::prelude::*;
use shapefile::ShapeType;
use std::path::{Path, PathBuf};

/// Reads the polygons of a Shapefile set, named by its `.shp` or by a `.zip` holding it (the
/// set named by `layer` when the zip holds several). Never panics.
pub fn read_shapefile(path: &Path, layer: LayerChoice<'_>) -> Result<Import, Box<Rejected>> {
    read_shapefile_as::<ImportedFeature>(path, layer, None, &Progress::new())
        .map(|(features, report)| Import { features, report })
}

/// [`read_shapefile`], turning each record into a `T` as soon as it is read, on all cores,
/// decoding only the attributes `T` reads ([`FromFeature::KEEP`]); a set without `.prj` is
/// read in `assume` when given.
pub fn read_shapefile_as<T: FromFeature>(
    path: &Path,
    layer: LayerChoice<'_>,
    assume: Option<&Crs>,
    progress: &Progress,
) -> Result<(Vec<T>, ImportReport), Box<Rejected>> {
    let mut report = ImportReport::new(&path.display().to_string());
    let read = SetFiles::open(path, layer, MAP_FROM_BYTES)
        .and_then(|set| read_set_as::<T>(&set, assume, &mut report, progress));
    match read {
        Ok(items) => {
            report.features_loaded = items.len();
            report.skipped = report.features_read.saturating_sub(items.len());
            Ok((items, report))
        }
        Err(reason) => Err(Box::new(Rejected { reason, report })),
    }
}

/// The files of one set, read into memory (the large `.shp` and `.dbf` mapped).
struct SetFiles {
    shp: Bytes,
    shx: Option<Vec<u8>>,
    dbf: Option<Bytes>,
    prj: Option<Vec<u8>>,
    cpg: Option<Vec<u8>>,
}

/// A file's bytes: read into memory, or mapped.
enum Bytes {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Self::Read(bytes) => bytes,
            Self::Mapped(map) => map,
        }
    }
}

/// From which size a `.shp` or `.dbf` is mapped rather than read.
const MAP_FROM_BYTES: u64 = 64 << 20;

/// A `.shp` or `.dbf`: mapped into memory from `map_from` bytes, read when smaller.
fn set_file_bytes(path: &Path, map_from: u64) -> Result<Bytes, RejectReason> {
    let io = |e: std::io::Error| RejectReason::Io(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.len() >= map_from {
        // Mapped, not copied, for one number: a million-parcel Shapefile ready to draw three
        // times faster than geopandas reads it (issue 14). Copying its 930 MB from the page
        // cache cost 0.6 s of system time (2.8 s against 3.2 s ready to draw).
        //
        // SAFETY: the map is read-only and private, and lives only while the set is read,
        // a second or two. Parkland never writes the file meanwhile; what `Mmap::map` asks
        // of its caller is that no other program does either. Another program truncating
        // the file in that window would stop Parkland with SIGBUS: the price of the number,
        // and the reason small files are read instead.
        #[allow(unsafe_code)]
        let mapped = unsafe { memmap2::Mmap::map(&file) };
        if let Ok(map) = mapped {
            return Ok(Bytes::Mapped(map));
        }
    }
    crate::formats::file_bytes(path)
        .map(Bytes::Read)
        .map_err(|rejected| rejected.reason)
}

impl SetFiles {
    /// The set at `path`, its `.shp` and `.dbf` mapped from `map_from` bytes.
    fn open(path: &Path, layer: LayerChoice<'_>, map_from: u64) -> Result<Self, RejectReason> {
        let is_zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if is_zip {
            return Self::from_zip(path, layer);
        }
        // Big files are mapped, or read in one piece per core (`file_bytes`): half a gigabyte
        // of `.dbf` read on one core held up everything after it.
        let read = |ext: &str| sibling(path, ext).and_then(|p| crate::formats::file_bytes(&p).ok());
        Ok(Self {
            shp: set_file_bytes(path, map_from)?,
            shx: read("shx"),
            dbf: sibling(path, "dbf").and_then(|p| set_file_bytes(&p, map_from).ok()),
            prj: read("prj"),
            cpg: read("cpg"),
        })
    }

    /// The set in a zip: its one `.shp` (in any folder of the zip), or the one `layer` names
    /// when it holds several; the other files beside it in the zip.
    fn from_zip(path: &Path, layer: LayerChoice<'_>) -> Result<Self, RejectReason> {
        use std::io::Read as _;
        let file = std::fs::File::open(path).map_err(|e| RejectReason::Io(e.to_string()))?;
        let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
            .map_err(|e| not_shapefile(format!("the zip cannot be read: {e}")))?;
        let names: Vec<String> = archive
            .file_names()
            .map(|name| name.map(std::borrow::Cow::into_owned))
            .collect::<Result<_, _>>()
            .map_err(|e| not_shapefile(format!("the zip cannot be read: {e}")))?;
        let stem_of = |name: &str| -> Option<String> {
            let lower = name.to_ascii_lowercase();
            lower
                .strip_suffix(".shp")
                .map(|_| name[..name.len() - 4].to_owned())
        };
        let sets: Vec<String> = names.iter().filter_map(|n| stem_of(n)).collect();
        let base = |stem: &str| stem.rsplit('/').next().unwrap_or(stem).to_owned();
        let chosen = match (layer, sets.len()) {
            (_, 0) => return Err(not_shapefile("the zip holds no .shp")),
            (LayerChoice::Named(name), _) => sets
                .iter()
                .find(|s| base(s) == name)
                .ok_or_else(|| not_shapefile(format!("the zip holds no set named {name}")))?,
            (LayerChoice::Prefer(name), _) if sets.iter().any(|s| base(s) == name) => {
                sets.iter().find(|s| base(s) == name).unwrap_or(&sets[0])
            }
            (_, 1) => &sets[0],
            _ => {
                return Err(RejectReason::SeveralSets(
                    sets.iter().map(|s| base(s)).collect(),
                ));
            }
        }
        .clone();
        let mut read = |ext: &str| -> Result<Option<Vec<u8>>, RejectReason> {
            let wanted = format!("{chosen}.{ext}");
            let Some(name) = names.iter().find(|n| n.eq_ignore_ascii_case(&wanted)) else {
                return Ok(None);
            };
            let mut entry = archive
                .by_name(name)
                .map_err(|e| not_shapefile(format!("{name} in the zip: {e}")))?;
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| not_shapefile(format!("{name} in the zip cannot be read: {e}")))?;
            Ok(Some(bytes))
        };
        Ok(Self {
            shp: Bytes::Read(read("shp")?.unwrap_or_default()),
            shx: read("shx")?,
            dbf: read("dbf")?.map(Bytes::Read),
            prj: read("prj")?,
            cpg: read("cpg")?,
        })
    }
}

/// The file beside `shp` with the same name and extension `ext`, in any case.
fn sibling(shp: &Path, ext: &str) -> Option<PathBuf> {
    let stem = shp.file_stem()?;
    for candidate in [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()] {
        let path = shp.with_extension(candidate);
        if path.is_file() {
            return Some(path);
        }
    }
    let dir = shp.parent().filter(|d| !d.as_os_str().is_empty())?;
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_stem() == Some(stem)
                && p.extension()
                    .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext))
        })
}

fn not_shapefile(text: impl Into<String>) -> RejectReason {
    RejectReason::NotShapefile(text.into())
}

/// Records read together on one core, at least.
const CHUNK_RECORDS: usize = 16_384;

fn read_set_as<T: FromFeature>(
    set: &SetFiles,
    assume: Option<&Crs>,
    report: &mut ImportReport,
    progress: &Progress,
) -> Result<Vec<T>, RejectReason> {
    let shp = &set.shp;
    if shp.is_empty() {
        return Err(RejectReason::Empty);
    }
    let Some(announced) = records::declared_length(shp) else {
        return Err(not_shapefile(
            "the .shp does not start with the Shapefile header (file code 9994)",
        ));
    };
    if shp.len() < announced {
        report.warn(
            None,
            format!(
                "the .shp is cut short: it has {} bytes of the {announced} its header announces; \
                 the records after the cut are missing",
                shp.len()
            ),
        );
    }
    let shape_type = records::header_shape_type(shp)
        .ok_or_else(|| not_shapefile("its header names no shape type the format defines"))?;
    if !matches!(
        shape_type,
        ShapeType::Polygon | ShapeType::PolygonZ | ShapeType::PolygonM | ShapeType::NullShape
    ) {
        return Err(RejectReason::NoPolygons(format!(
            "the Shapefile holds {} shapes, not polygons: nothing to load as land parcels",
            shape_type_name(shape_type)
        )));
    }
    // Where each record lies: by the index, or found record after record without it.
    let index = set
        .shx
        .as_deref()
        .filter(|shx| match records::declared_length(shx) {
            None => {
                report.warn(
                    None,
                    "the .shx beside the .shp is not a Shapefile index: the records were read \
                     one after another without it",
                );
                false
            }
            Some(declared) if declared > shx.len() => {
                report.warn(
                    None,
                    format!(
                        "the .shx is cut short ({} bytes of the {declared} its header \
                         announces): the records were read one after another without it",
                        shx.len()
                    ),
                );
                false
            }
            Some(_) => true,
        });
    let mut offsets = if let Some(shx) = index {
        records::offsets_from_index(shx)
    } else {
        if set.shx.is_none() {
            report.warn(
                None,
                "no .shx beside the .shp: the records were read one after another without it",
            );
        }
        records::offsets_by_walking(shp, announced)
    };
    let indexed = index.map(|_| offsets.len());
    // An index cannot list more records than the `.shp` could hold (12 bytes the smallest);
    // one more is kept, so that reading it names the problem, but no memory for the rest.
    offsets.truncate((shp.len() - records::HEADER_BYTES) / 12 + 1);

    let (crs, declared) = if let Some(prj) = &set.prj {
        match from_wkt(&String::from_utf8_lossy(prj)) {
            Ok(crs) => (crs, true),
            Err(PrjError::Unsupported(unsupported)) => {
                return Err(RejectReason::Crs(unsupported));
            }
            Err(error @ PrjError::NoTransformation { .. }) => {
                return Err(not_shapefile(format!("its .prj: {error}")));
            }
        }
    } else if let Some(crs) = assume {
        report.warn(
            None,
            format!(
                "no .prj beside the .shp: read in {}, as chosen when it was opened",
                crs.label()
            ),
        );
        (crs.clone(), true)
    } else {
        report.warn(
            None,
            "no .prj beside the .shp: the coordinates were read as lon/lat (CGCS2000 / WGS 84)",
        );
        (Crs::default_lon_lat(), false)
    };
    report.crs = crs.label();
    let finisher = Finisher::new(&crs, declared)?;

    let table = if let Some(dbf) = &set.dbf {
        Some(open_dbf::<T>(dbf, set.cpg.as_deref(), report)?)
    } else {
        report.warn(
            None,
            "no .dbf beside the .shp: the shapes have no attributes (no parcel numbers, \
             holders or status); parcels are numbered by their place in the file",
        );
        None
    };

    // Any record can be read on any core: a few long runs per core, each item written
    // straight to its record's slot (runs of their own, joined after, copied every parcel
    // once more).
    let count = offsets.len();
    let run = (count / (rayon::current_num_threads() * 4)).max(CHUNK_RECORDS);
    progress.start(Stage::Reading, count);
    let mut slots: Vec<Option<T>> = Vec::new();
    slots.resize_with(count, || None);
    let chunks: Vec<Chunk> = offsets
        .par_chunks(run)
        .zip(slots.par_chunks_mut(run))
        .enumerate()
        .map(|(number, (offsets, slots))| {
            if progress.is_cancelled() {
                return Err(RejectReason::Cancelled);
            }
            let mut chunk = Chunk::default();
            for ((index, &offset), slot) in (number * run..).zip(offsets).zip(slots) {
                let properties = table.as_ref().and_then(|t| t.record(index));
                let record = records::read_record(shp, offset);
                *slot = chunk.record(index, record, properties, &finisher)?;
                if chunk.stopped {
                    break;
                }
            }
            progress.advance(offsets.len());
            Ok(chunk)
        })
        .collect::<Result<_, _>>()?;

    let mut dropped_z = false;
    let mut read = 0;
    for (number, chunk) in chunks.into_iter().enumerate() {
        report.messages.extend(chunk.messages);
        dropped_z |= chunk.dropped_z;
        read += chunk.read;
        report.area_m2 += chunk.area_m2;
        report.invalid_geometries += chunk.invalid;
        if chunk.stopped {
            // Nothing after the record that could not be read.
            slots.truncate((number + 1) * run);
            break;
        }
    }
    // In place (`filter_map` reuses the slots' memory, an `Option<T>` being a `T` in size;
    // `flatten` would copy every parcel into a new vector).
    #[allow(clippy::filter_map_identity)]
    let items: Vec<T> = slots.into_iter().filter_map(|slot| slot).collect();
    report.features_read = read;
    if dropped_z {
        report.warn(
            None,
            "the shapes carry Z or M values (PolygonZ/PolygonM); only X and Y were read",
        );
    }
    if let Some(indexed) = indexed
        && indexed != read
    {
        report.warn(
            None,
            format!(".shx indexes {indexed} records but {read} were read from the .shp"),
        );
    }
    if let Some(table) = &table
        && table.declared_records() != read
    {
        report.warn(
            None,
            format!(
                "the .dbf has {} records and the .shp {read}: records are matched by position; \
                 shapes without a .dbf record have no attributes",
                table.declared_records()
            ),
        );
    }
    if items.is_empty() {
        return Err(RejectReason::NoPolygons(if read == 0 {
            "the Shapefile holds no records".to_owned()
        } else {
            format!("none of its {read} record(s) is a usable polygon")
        }));
    }
    Ok(items)
}

/// What one core made of a run of records besides its items: the messages, in record order.
#[derive(Default)]
struct Chunk {
    messages: Vec<Message>,
    read: usize,
    /// The loaded features' geodesic area and how many are invalid, for the report.
    area_m2: f64,
    invalid: usize,
    dropped_z: bool,
    /// A record could not be read: the records after it are not either.
    stopped: bool,
}

impl Chunk {
    fn message(&mut self, level: Level, index: usize, text: impl Into<String>) {
        self.messages.push(Message {
            level,
            feature: Some(FeatureRef { index, id: None }),
            text: text.into(),
        });
    }

    /// One record: its shape's rings grouped into polygons, finished (reprojected, measured,
    /// checked) and turned into a `T`; `None` for a record that gives none (said why).
    fn record<T: FromFeature>(
        &mut self,
        index: usize,
        record: Result<Record, String>,
        properties: Option<crate::formats::Properties>,
        finisher: &Finisher<'_>,
    ) -> Result<Option<T>, RejectReason> {
        let mut rings = match record {
            Ok(Record::Polygon { rings, z_or_m }) => {
                self.dropped_z |= z_or_m;
                rings
            }
            Ok(Record::Null) => {
                self.read += 1;
                self.message(
                    Level::Warning,
                    index,
                    "the record has no shape (a null shape); skipped",
                );
                return Ok(None);
            }
            Ok(Record::Other(shape_type)) => {
                self.read += 1;
                self.message(
                    Level::Error,
                    index,
                    format!(
                        "a {} shape in a polygon Shapefile; skipped",
                        shape_type_name(shape_type)
                    ),
                );
                return Ok(None);
            }
            Err(e) => {
                self.message(
                    Level::Error,
                    index,
                    format!("cannot read this record: {e}; the records from here on are skipped"),
                );
                self.stopped = true;
                return Ok(None);
            }
        };
        self.read += 1;
        let mut warnings = Vec::new();
        for (i, ring) in rings.iter_mut().enumerate() {
            if let Err(e) = close_ring(&format_args!("ring {}", i + 1), ring, &mut warnings) {
                self.message(Level::Error, index, format!("{e}; skipped"));
                return Ok(None);
            }
        }
        for warning in warnings {
            self.message(Level::Warning, index, warning);
        }
        if rings.is_empty() {
            self.message(Level::Warning, index, "the polygon has no rings; skipped");
            return Ok(None);
        }
        let raw = RawFeature {
            feature_ref: FeatureRef { index, id: None },
            properties: properties.unwrap_or_default(),
            polygons: assemble_rings(rings),
        };
        Ok(match finisher.finish(raw)? {
            Finished::Loaded(feature, problem) => {
                if let Some(problem) = problem {
                    self.message(Level::Warning, index, problem);
                }
                self.area_m2 += feature.area_m2;
                self.invalid += usize::from(!feature.valid);
                let mut item = T::from_feature(feature, &mut self.messages);
                item.place(index);
                Some(item)
            }
            Finished::Skipped(feature, text) => {
                self.messages.push(Message {
                    level: Level::Error,
                    feature: Some(feature),
                    text,
                });
                None
            }
        })
    }
}

fn shape_type_name(shape_type: ShapeType) -> &'static str {
    match shape_type {
        ShapeType::NullShape => "null",
        ShapeType::Point => "Point",
        ShapeType::PointM => "PointM",
        ShapeType::PointZ => "PointZ",
        ShapeType::Polyline => "PolyLine (line)",
        ShapeType::PolylineM => "PolyLineM (line)",
        ShapeType::PolylineZ => "PolyLineZ (line)",
        ShapeType::Polygon => "Polygon",
        ShapeType::PolygonM => "PolygonM",
        ShapeType::PolygonZ => "PolygonZ",
        ShapeType::Multipoint => "MultiPoint",
        ShapeType::MultipointM => "MultiPointM",
        ShapeType::MultipointZ => "MultiPointZ",
        ShapeType::Multipatch => "MultiPatch",
    }
}

/// The encoding a `.dbf`'s text is read in, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbfEncoding {
    pub encoding: &'static encoding_rs::Encoding,
    /// Why: what the `.cpg` or the language driver byte says, or what the bytes are.
    pub reason: String,
    /// The set declares it (by `.cpg` or language driver byte), rather than its bytes.
    pub declared: bool,
}

impl DbfEncoding {
    /// The encoding as an office names it: `UTF-8`, `GBK` (read as GB18030, its superset).
    #[must_use]
    pub fn name(&self) -> &'static str {
        if self.encoding == encoding_rs::GB18030 {
            "GBK"
        } else {
            self.encoding.name()
        }
    }

    /// The `.cpg` (UTF-8, GBK, GB2312, GB18030, 936, CP936, …), else the DBF's language driver
    /// byte, else the bytes themselves: valid UTF-8, otherwise GB18030 (which reads GBK and
    /// GB2312 too).
    #[must_use]
    pub fn choose(dbf: &[u8], cpg: Option<&str>) -> Self {
        if let Some(cpg) = cpg.map(str::trim).filter(|c| !c.is_empty())
            && let Some(encoding) = cpg_encoding(cpg)
        {
            return Self {
                encoding,
                reason: format!("the .cpg says \"{cpg}\""),
                declared: true,
            };
        }
        let ldid = dbf.get(29).copied().unwrap_or(0);
        let by_ldid = match ldid {
            0x4D | 0x7A => Some(encoding_rs::GB18030),
            0x4F | 0x78 => Some(encoding_rs::BIG5),
            0x4E | 0x79 => Some(encoding_rs::EUC_KR),
            0x13 | 0x7B => Some(encoding_rs::SHIFT_JIS),
            _ => None,
        };
        if let Some(encoding) = by_ldid {
            return Self {
                encoding,
                reason: format!("the .dbf's language driver byte is 0x{ldid:02X}"),
                declared: true,
            };
        }
        let header = dbf
            .get(8..10)
            .map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
        let records = dbf.get(header.min(dbf.len())..).unwrap_or_default();
        if std::str::from_utf8(records).is_ok() {
            Self {
                encoding: encoding_rs::UTF_8,
                reason: "its text is valid UTF-8".to_owned(),
                declared: false,
            }
        } else {
            Self {
                encoding: encoding_rs::GB18030,
                reason: "its text is not UTF-8 (read as GB18030, which covers GBK and GB2312)"
                    .to_owned(),
                declared: false,
            }
        }
    }
}

/// What a `.cpg` names, as `encoding_rs` reads it; Chinese code pages read as GB18030, the
/// superset of GBK and GB2312.
fn cpg_encoding(cpg: &str) -> Option<&'static encoding_rs::Encoding> {
    let upper = cpg.to_ascii_uppercase().replace([' ', '_'], "-");
    let chinese = [
        "GBK",
        "GB2312",
        "GB18030",
        "936",
        "CP936",
        "MS936",
        "WINDOWS-936",
        "CP-936",
        "ANSI-936",
        "EUC-CN",
        "GB-2312",
    ];
    if chinese.contains(&upper.as_str()) {
        return Some(encoding_rs::GB18030);
    }
    match upper.as_str() {
        "UTF-8" | "UTF8" | "65001" | "CP65001" => Some(encoding_rs::UTF_8),
        "950" | "CP950" | "BIG5" => Some(encoding_rs::BIG5),
        "1252" | "CP1252" | "ANSI-1252" | "88591" | "8859-1" | "ISO-8859-1" | "ISO88591"
        | "LATIN1" => Some(encoding_rs::WINDOWS_1252),
        _ => encoding_rs::Encoding::for_label(cpg.trim().as_bytes()),
    }
}

/// The `.dbf` as a table over its bytes, in the encoding chosen for it (said in the report),
/// decoding only the fields `T` reads.
fn open_dbf<'a, T: FromFeature>(
    bytes: &'a [u8],
    cpg: Option<&[u8]>,
    report: &mut ImportReport,
) -> Result<DbfTable<'a>, RejectReason> {
    let cpg = cpg.map(String::from_utf8_lossy);
    let chosen = DbfEncoding::choose(bytes, cpg.as_deref());
    if let Some(cpg) = cpg.as_deref().filter(|c| cpg_encoding(c.trim()).is_none()) {
        report.warn(
            None,
            format!(
                "the .cpg names \"{}\", an encoding Parkland does not know",
                cpg.trim()
            ),
        );
    }
    report.encoding = Some(format!("{} ({})", chosen.name(), chosen.reason));
    if !chosen.declared {
        report.warn(
            None,
            format!(
                "the attributes' encoding is not declared (no .cpg, no language driver byte): \
                 read as {}, {}",
                chosen.name(),
                chosen.reason
            ),
        );
    }
    DbfTable::parse(bytes, chosen.encoding, T::KEEP)
        .map_err(|e| not_shapefile(format!("its .dbf cannot be read: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// The sample park written as a Shapefile and read back mapped and read: the same
    /// parcels, attributes and report either way, the files mapped in the one case.
    #[test]
    fn a_mapped_set_reads_as_a_read_one() {
        let park = crate::sample::sample_park().expect("sample");
        let dir = std::env::temp_dir().join(format!("parkland-mapped-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("parcels.shp");
        crate::formats::write_shapefile(&park, &[], &path).expect("written");
        let read_with = |map_from: u64| {
            let set = SetFiles::open(&path, LayerChoice::First, map_from).expect("set");
            let mapped =
                matches!(set.shp, Bytes::Mapped(_)) && matches!(set.dbf, Some(Bytes::Mapped(_)));
            let mut report = ImportReport::new("parcels.shp");
            let features =
                read_set_as::<ImportedFeature>(&set, None, &mut report, &Progress::new())
                    .expect("read");
            (mapped, features, report)
        };
        let (mapped, by_map, map_report) = read_with(0);
        let (read, by_read, read_report) = read_with(u64::MAX);
        assert!(mapped && !read);
        assert_eq!(by_map.len(), park.parcels.len());
        // Every coordinate and attribute (the features compare by their full Debug form).
        assert_eq!(format!("{by_map:?}"), format!("{by_read:?}"));
        assert_eq!(map_report, read_report);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A record that cannot be read stops the reading there, whichever core's run it is in:
    /// the records before it load, none after it, in runs before and after its own.
    #[test]
    fn a_damaged_record_ends_the_reading_across_the_runs() {
        use shapefile::{Point, Polygon, PolygonRing};
        let count = 3 * CHUNK_RECORDS;
        let (mut shp, mut shx) = (Cursor::new(Vec::new()), Cursor::new(Vec::new()));
        {
            let mut writer = shapefile::ShapeWriter::with_shx(&mut shp, &mut shx);
            for i in 0..count {
                let (x, y) = (
                    100.0 + (i % 500) as f64 * 0.001,
                    30.0 + (i / 500) as f64 * 0.001,
                );
                let d = 0.0005;
                let ring = vec![
                    Point::new(x, y),
                    Point::new(x, y + d),
                    Point::new(x + d, y + d),
                    Point::new(x + d, y),
                    Point::new(x, y),
                ];
                writer
                    .write_shape(&Polygon::new(PolygonRing::Outer(ring)))
                    .expect("written");
            }
            writer.finalize().expect("finalized");
        }
        let (mut shp, shx) = (shp.into_inner(), shx.into_inner());
        let damaged = CHUNK_RECORDS + 7;
        let offset = records::offsets_from_index(&shx)[damaged];
        // Its point count made negative.
        shp[offset + 8 + 40..offset + 8 + 44].copy_from_slice(&(-1_i32).to_le_bytes());
        let set = SetFiles {
            shp: Bytes::Read(shp),
            shx: Some(shx),
            dbf: None,
            prj: None,
            cpg: None,
        };
        let mut report = ImportReport::new("damaged.shp");
        let features = read_set_as::<ImportedFeature>(&set, None, &mut report, &Progress::new())
            .expect("read up to the damage");
        assert_eq!(features.len(), damaged);
        assert_eq!(report.features_read, damaged);
        assert!(features.iter().enumerate().all(|(i, f)| f.index == i));
        let errors: Vec<String> = report
            .messages
            .iter()
            .filter(|m| m.level == Level::Error)
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("point count is negative"), "{errors:?}");
    }

    /// A `.dbf` header with the language driver byte `ldid` and one record holding `text`.
    fn dbf(ldid: u8, text: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0_u8; 32];
        bytes[0] = 3;
        bytes[4] = 1;
        let header = 32 + 32 + 1;
        let record = 1 + text.len();
        bytes[8..10].copy_from_slice(&u16::try_from(header).expect("small").to_le_bytes());
        bytes[10..12].copy_from_slice(&u16::try_from(record).expect("small").to_le_bytes());
        bytes[29] = ldid;
        let mut field = vec![0_u8; 32];
        field[..4].copy_from_slice(b"NAME");
        field[11] = b'C';
        field[16] = u8::try_from(text.len()).expect("small");
        bytes.extend(field);
        bytes.push(0x0D);
        bytes.push(b' ');
        bytes.extend(text);
        bytes
    }

    #[test]
    fn the_encoding_comes_from_the_cpg_then_the_driver_byte_then_the_bytes() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("黑龙江省");
        // The .cpg first, in any of the names Chinese tools write.
        for cpg in ["GBK", "gb2312", "936", "CP936", " GB18030\r\n"] {
            let chosen = DbfEncoding::choose(&dbf(0, &gbk), Some(cpg));
            assert_eq!((chosen.name(), chosen.declared), ("GBK", true), "{cpg:?}");
        }
        let chosen = DbfEncoding::choose(&dbf(0x4D, &gbk), Some("UTF-8"));
        assert_eq!(chosen.name(), "UTF-8", "the .cpg wins over the driver byte");
        // Then the language driver byte.
        for ldid in [0x4D, 0x7A] {
            let chosen = DbfEncoding::choose(&dbf(ldid, &gbk), None);
            assert_eq!((chosen.name(), chosen.declared), ("GBK", true), "{ldid:#x}");
        }
        // Then the bytes: GBK is not UTF-8; UTF-8 is.
        let chosen = DbfEncoding::choose(&dbf(0x57, &gbk), None);
        assert_eq!((chosen.name(), chosen.declared), ("GBK", false));
        let chosen = DbfEncoding::choose(&dbf(0, "黑龙江省".as_bytes()), Some("no-such-code-page"));
        assert_eq!((chosen.name(), chosen.declared), ("UTF-8", false));
        // The table reads the name in the encoding chosen.
        let bytes = dbf(0, &gbk);
        let table = DbfTable::parse(&bytes, DbfEncoding::choose(&bytes, None).encoding, None)
            .expect("parsed");
        assert_eq!(table.record(0).expect("a record")["NAME"], "黑龙江省");
    }
}
