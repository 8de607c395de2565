//! Reading a Shapefile set into polygon features. Shapes through the `shapefile` crate, the
//! attributes through `dbase` in an encoding chosen here.

use crate::crs::{Crs, PrjError, from_wkt};
use crate::formats::feature::{RawFeature, assemble_rings, finish_features, whole_file_import};
use crate::formats::{FeatureRef, Import, ImportReport, LayerChoice, RejectReason, Rejected};
use serde_json::{Map, Value};
use shapefile::dbase::{self, FieldValue};
use shapefile::{Shape, ShapeReader, ShapeType};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Reads the polygons of a Shapefile set, named by its `.shp` or by a `.zip` holding it (the
/// set named by `layer` when the zip holds several). Never panics.
pub fn read_shapefile(path: &Path, layer: LayerChoice<'_>) -> Result<Import, Box<Rejected>> {
    let mut report = ImportReport::new(&path.display().to_string());
    let read = SetFiles::open(path, layer).and_then(|set| read_set(&set, &mut report));
    whole_file_import(read, report)
}

/// The files of one set, read into memory.
struct SetFiles {
    shp: Vec<u8>,
    shx: Option<Vec<u8>>,
    dbf: Option<Vec<u8>>,
    prj: Option<Vec<u8>>,
    cpg: Option<Vec<u8>>,
}

impl SetFiles {
    fn open(path: &Path, layer: LayerChoice<'_>) -> Result<Self, RejectReason> {
        let is_zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if is_zip {
            return Self::from_zip(path, layer);
        }
        let read = |ext: &str| sibling(path, ext).and_then(|p| std::fs::read(p).ok());
        Ok(Self {
            shp: std::fs::read(path).map_err(|e| RejectReason::Io(e.to_string()))?,
            shx: read("shx"),
            dbf: read("dbf"),
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
                let listed: Vec<String> = sets.iter().map(|s| format!("{}.shp", base(s))).collect();
                return Err(not_shapefile(format!(
                    "the zip holds {} Shapefile sets ({}); unzip it and open the one you want",
                    sets.len(),
                    listed.join(", ")
                )));
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
            shp: read("shp")?.unwrap_or_default(),
            shx: read("shx")?,
            dbf: read("dbf")?,
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

fn read_set(
    set: &SetFiles,
    report: &mut ImportReport,
) -> Result<Vec<crate::formats::ImportedFeature>, RejectReason> {
    let shp = &set.shp;
    if shp.is_empty() {
        return Err(RejectReason::Empty);
    }
    if shp.len() < 100 || shp[..4] != [0x00, 0x00, 0x27, 0x0A] {
        return Err(not_shapefile(
            "the .shp does not start with the Shapefile header (file code 9994)",
        ));
    }
    let announced = u64::from(u32::from_be_bytes([shp[24], shp[25], shp[26], shp[27]])) * 2;
    if (shp.len() as u64) < announced {
        report.warn(
            None,
            format!(
                "the .shp is cut short: it has {} bytes of the {announced} its header announces; \
                 the records after the cut are missing",
                shp.len()
            ),
        );
    }
    let shx = &set.shx;
    let shapes = if let Some(shx) = shx {
        ShapeReader::with_shx(Cursor::new(&shp[..]), Cursor::new(&shx[..]))
    } else {
        report.warn(
            None,
            "no .shx beside the .shp: the records were read one after another without it",
        );
        ShapeReader::new(Cursor::new(&shp[..]))
    };
    let mut shapes = shapes.map_err(|e| not_shapefile(e.to_string()))?;
    let shape_type = shapes.header().shape_type;
    if !matches!(
        shape_type,
        ShapeType::Polygon | ShapeType::PolygonZ | ShapeType::PolygonM | ShapeType::NullShape
    ) {
        return Err(RejectReason::NoPolygons(format!(
            "the Shapefile holds {} shapes, not polygons: nothing to load as land parcels",
            shape_type_name(shape_type)
        )));
    }

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
    } else {
        report.warn(
            None,
            "no .prj beside the .shp: the coordinates were read as lon/lat (CGCS2000 / WGS 84)",
        );
        (Crs::default_lon_lat(), false)
    };
    report.crs = crs.label();

    let attributes = if let Some(dbf) = &set.dbf {
        let cpg = set.cpg.as_deref().map(String::from_utf8_lossy);
        read_dbf(dbf, cpg.as_deref(), report)?
    } else {
        report.warn(
            None,
            "no .dbf beside the .shp: the shapes have no attributes (no parcel numbers, \
             holders or status); parcels are numbered by their place in the file",
        );
        Vec::new()
    };

    let mut features = Vec::new();
    let mut dropped_z = false;
    let mut index = 0;
    for shape in shapes.iter_shapes() {
        let shape = match shape {
            Ok(shape) => shape,
            Err(e) => {
                report.error(
                    Some(FeatureRef { index, id: None }),
                    format!("cannot read this record ({e}); the records from here on are skipped"),
                );
                break;
            }
        };
        let feature_ref = FeatureRef { index, id: None };
        report.features_read += 1;
        let rings: Option<Vec<Vec<[f64; 2]>>> = match &shape {
            Shape::Polygon(p) => Some(
                p.rings()
                    .iter()
                    .map(|r| r.points().iter().map(|p| [p.x, p.y]).collect())
                    .collect(),
            ),
            Shape::PolygonZ(p) => {
                dropped_z = true;
                Some(
                    p.rings()
                        .iter()
                        .map(|r| r.points().iter().map(|p| [p.x, p.y]).collect())
                        .collect(),
                )
            }
            Shape::PolygonM(p) => {
                dropped_z = true;
                Some(
                    p.rings()
                        .iter()
                        .map(|r| r.points().iter().map(|p| [p.x, p.y]).collect())
                        .collect(),
                )
            }
            Shape::NullShape => {
                report.warn(
                    Some(feature_ref.clone()),
                    "the record has no shape (a null shape); skipped",
                );
                None
            }
            other => {
                report.error(
                    Some(feature_ref.clone()),
                    format!(
                        "a {} shape in a polygon Shapefile; skipped",
                        shape_type_name(other.shapetype())
                    ),
                );
                None
            }
        };
        let properties = attributes.get(index).cloned().unwrap_or_default();
        index += 1;
        let Some(rings) = rings else { continue };
        let mut closed = Vec::with_capacity(rings.len());
        let mut ring_error = None;
        let mut warnings = Vec::new();
        for (i, mut ring) in rings.into_iter().enumerate() {
            let name = format!("ring {}", i + 1);
            if let Err(e) = crate::formats::close_ring(&name, &mut ring, &mut warnings) {
                ring_error = Some(e);
                break;
            }
            closed.push(ring);
        }
        for warning in warnings {
            report.warn(Some(feature_ref.clone()), warning);
        }
        if let Some(e) = ring_error {
            report.error(Some(feature_ref), format!("{e}; skipped"));
            continue;
        }
        if closed.is_empty() {
            report.warn(Some(feature_ref), "the polygon has no rings; skipped");
            continue;
        }
        features.push(RawFeature {
            feature_ref,
            properties,
            polygons: assemble_rings(closed),
        });
    }
    if dropped_z {
        report.warn(
            None,
            "the shapes carry Z or M values (PolygonZ/PolygonM); only X and Y were read",
        );
    }
    if let Some(shx) = &shx {
        let indexed = shx.len().saturating_sub(100) / 8;
        if indexed != index {
            report.warn(
                None,
                format!(".shx indexes {indexed} records but {index} were read from the .shp"),
            );
        }
    }
    if !attributes.is_empty() && attributes.len() != index {
        report.warn(
            None,
            format!(
                "the .dbf has {} records and the .shp {index}: records are matched by position; \
                 shapes without a .dbf record have no attributes",
                attributes.len()
            ),
        );
    }
    let loaded = finish_features(features, &crs, declared, report).map_err(|reason| match reason {
        RejectReason::LooksProjected {
            feature, x, y, guess,
        } => not_shapefile(format!(
            "it has no .prj and its coordinates look projected, not lon/lat (feature {feature}: \
             {x}, {y}); put the set's .prj beside the .shp (probably {guess})"
        )),
        other => other,
    })?;
    if loaded.is_empty() {
        return Err(RejectReason::NoPolygons(if report.features_read == 0 {
            "the Shapefile holds no records".to_owned()
        } else {
            format!(
                "none of its {} record(s) is a usable polygon",
                report.features_read
            )
        }));
    }
    Ok(loaded)
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

/// The attributes of every record, in order, as `GeoJSON`-like properties.
fn read_dbf(
    bytes: &[u8],
    cpg: Option<&str>,
    report: &mut ImportReport,
) -> Result<Vec<Map<String, Value>>, RejectReason> {
    let chosen = DbfEncoding::choose(bytes, cpg);
    if let Some(cpg) = cpg.filter(|c| cpg_encoding(c.trim()).is_none()) {
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
    let mut reader = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(chosen.encoding))
        .build(Cursor::new(bytes))
        .map_err(|e| not_shapefile(format!("its .dbf cannot be read: {e}")))?;
    let names: Vec<String> = reader
        .fields()
        .iter()
        .map(|f| f.name().to_owned())
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.iter_records().enumerate() {
        match record {
            Ok(record) => {
                let mut record = record;
                let mut properties = Map::new();
                for name in &names {
                    if let Some(value) = record.remove(name) {
                        properties.insert(name.clone(), json_value(value));
                    }
                }
                rows.push(properties);
            }
            Err(e) => {
                report.error(
                    Some(FeatureRef { index: i, id: None }),
                    format!("its .dbf record cannot be read ({e}); this and later records have no attributes"),
                );
                break;
            }
        }
    }
    Ok(rows)
}

fn json_value(value: FieldValue) -> Value {
    let number = |v: f64| serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number);
    match value {
        FieldValue::Character(Some(text)) | FieldValue::Memo(text) => Value::String(text),
        FieldValue::Character(None)
        | FieldValue::Numeric(None)
        | FieldValue::Float(None)
        | FieldValue::Logical(None)
        | FieldValue::Date(None) => Value::Null,
        FieldValue::Numeric(Some(v)) | FieldValue::Double(v) | FieldValue::Currency(v) => number(v),
        FieldValue::Float(Some(v)) => number(f64::from(v)),
        FieldValue::Integer(v) => Value::from(v),
        FieldValue::Logical(Some(v)) => Value::Bool(v),
        FieldValue::Date(Some(date)) => Value::String(format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            date.month(),
            date.day()
        )),
        FieldValue::DateTime(datetime) => {
            let date = datetime.date();
            Value::String(format!(
                "{:04}-{:02}-{:02}",
                date.year(),
                date.month(),
                date.day()
            ))
        }
    }
}
