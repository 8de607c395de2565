//! Reading a 国土TXT file: header, parcels, rings; what common tools write varies (spacing,
//! blank fields, GBK or UTF-8, CRLF or LF, a missing final newline), and all of it is read.

use crate::crs::Crs;
use crate::formats::feature::{RawFeature, assemble_rings, finish_features, whole_file_import};
use crate::formats::{FeatureRef, Import, ImportReport, RejectReason, Rejected};
use serde_json::{Map, Value};
use std::path::Path;

/// Reads every parcel of a 国土TXT file. Never panics.
pub fn read_guotu_txt(path: &Path) -> Result<Import, Box<Rejected>> {
    read_guotu_txt_assuming(path, None)
}

/// [`read_guotu_txt`], reading a file whose zone neither its eastings nor its header give in
/// `assume` when given (a Gauss-Krüger zone the user named, `--crs`).
pub fn read_guotu_txt_assuming(path: &Path, assume: Option<&Crs>) -> Result<Import, Box<Rejected>> {
    let mut report = ImportReport::new(&path.display().to_string());
    let read = read_into(path, assume, &mut report);
    whole_file_import(read, report)
}

fn not_txt(text: impl Into<String>) -> RejectReason {
    RejectReason::NotGuotuTxt(text.into())
}

/// One parcel as the file gives it.
struct TxtParcel {
    /// The 1-based line of its header.
    line: usize,
    fields: Vec<String>,
    /// (圈号, (easting, northing)) in file order.
    points: Vec<(u32, [f64; 2])>,
    problem: Option<String>,
}

/// The parcel header's fields by position (`界址点数, 地块面积, 地块编号, 地块名称, 记录图形属性,
/// 图幅号, 地块用途, 地类编码`), as properties.
const FIELD_NAMES: [&str; 8] = [
    "point_count",
    "declared_area",
    "parcel_no",
    "name",
    "geometry_kind",
    "map_sheet",
    "land_use",
    "land_class",
];

fn read_into(
    path: &Path,
    assume: Option<&Crs>,
    report: &mut ImportReport,
) -> Result<Vec<crate::formats::ImportedFeature>, RejectReason> {
    let bytes = std::fs::read(path).map_err(|e| RejectReason::Io(e.to_string()))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(RejectReason::Empty);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = if let Ok(text) = std::str::from_utf8(bytes) {
        report.encoding = Some("UTF-8 (its text is valid UTF-8)".to_owned());
        text.to_owned()
    } else {
        report.encoding = Some("GBK (its text is not UTF-8; read as GB18030)".to_owned());
        encoding_rs::GB18030.decode(bytes).0.into_owned()
    };

    let mut header: Vec<(String, String)> = Vec::new();
    let mut parcels: Vec<TxtParcel> = Vec::new();
    let mut section = "";
    let mut saw_coordinates = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            section = if line.contains("属性描述") {
                "header"
            } else if line.contains("地块坐标") {
                saw_coordinates = true;
                "coordinates"
            } else {
                ""
            };
            continue;
        }
        match section {
            "header" => {
                if let Some((key, value)) = line.split_once('=') {
                    header.push((key.trim().to_owned(), value.trim().to_owned()));
                }
            }
            "coordinates" if line.ends_with('@') => parcels.push(TxtParcel {
                line: i + 1,
                fields: line
                    .trim_end_matches('@')
                    .split(',')
                    .map(|f| f.trim().to_owned())
                    .collect(),
                points: Vec::new(),
                problem: None,
            }),
            "coordinates" => {
                let Some(parcel) = parcels.last_mut() else {
                    return Err(not_txt(format!(
                        "line {}: a point before any parcel line (a parcel line ends in @)",
                        i + 1
                    )));
                };
                if parcel.problem.is_some() {
                    continue;
                }
                match point(line) {
                    Ok(p) => parcel.points.push(p),
                    Err(e) => parcel.problem = Some(format!("line {}: {e}", i + 1)),
                }
            }
            _ => {}
        }
    }
    if !saw_coordinates {
        return Err(not_txt(
            "it has no [地块坐标] section (a 国土TXT file has [属性描述] and [地块坐标])",
        ));
    }
    let value = |key: &str| {
        header
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let first = parcels.iter().flat_map(|p| &p.points).map(|p| p.1).next();
    let crs = txt_crs(value, first, assume, report)?;
    report.crs = crs.label();
    if let Some(unit) =
        value("计量单位").filter(|u| !u.contains('米') && !u.eq_ignore_ascii_case("m"))
    {
        report.warn(
            None,
            format!("计量单位 is \"{unit}\", not 米; the coordinates were read as metres"),
        );
    }

    let mut features = Vec::new();
    for (index, parcel) in parcels.into_iter().enumerate() {
        report.features_read += 1;
        let field = |i: usize| {
            parcel
                .fields
                .get(i)
                .map(String::as_str)
                .filter(|f| !f.is_empty())
        };
        let feature_ref = FeatureRef {
            index,
            id: field(2).map(str::to_owned),
        };
        if let Some(problem) = parcel.problem {
            report.error(Some(feature_ref), format!("{problem}; parcel skipped"));
            continue;
        }
        if let Some(kind) = field(4).filter(|k| *k == "点" || *k == "线") {
            report.warn(
                Some(feature_ref),
                format!("记录图形属性 is {kind}, not 面: not a parcel outline; skipped"),
            );
            continue;
        }
        let mut rings: Vec<(u32, Vec<[f64; 2]>)> = Vec::new();
        for (ring, position) in parcel.points {
            match rings.last_mut() {
                Some((number, points)) if *number == ring => points.push(position),
                _ => rings.push((ring, vec![position])),
            }
        }
        let mut closed = Vec::new();
        let mut failure = None;
        for (number, mut ring) in rings {
            // Rings close themselves: the first point repeated at the end is optional.
            let mut quiet = Vec::new();
            if let Err(e) =
                crate::formats::close_ring(&format_args!("圈号 {number}"), &mut ring, &mut quiet)
            {
                failure = Some(e);
                break;
            }
            closed.push(ring);
        }
        if let Some(e) = failure {
            report.error(Some(feature_ref), format!("{e}; parcel skipped"));
            continue;
        }
        if closed.is_empty() {
            report.warn(Some(feature_ref), "the parcel has no points; skipped");
            continue;
        }
        if let Some(count) = field(0).and_then(|c| c.parse::<usize>().ok()) {
            let given: usize = closed.iter().map(Vec::len).sum();
            if count != given && count + closed.len() != given {
                report.warn(
                    Some(feature_ref.clone()),
                    format!("界址点数 says {count} points, the file lists {given}"),
                );
            }
        }
        let polygons = assemble_rings(closed);
        let plane = crate::geometry::plane_polygons_area(&polygons);
        if let Some(declared) = field(1) {
            check_declared_area(declared, plane, parcel.line, &feature_ref, report);
        }
        let mut properties = Map::new();
        for (i, name) in FIELD_NAMES.iter().enumerate() {
            if let Some(text) = field(i) {
                properties.insert((*name).to_owned(), Value::String(text.to_owned()));
            }
        }
        properties.insert("plane_area_m2".to_owned(), Value::from(plane));
        features.push(RawFeature {
            feature_ref,
            properties: properties.into(),
            polygons,
        });
    }
    let loaded = finish_features(features, &crs, true, report)?;
    if loaded.is_empty() {
        return Err(RejectReason::NoPolygons(if report.features_read == 0 {
            "the [地块坐标] section holds no parcel (a parcel line ends in @)".to_owned()
        } else {
            format!(
                "none of its {} parcel(s) could be read",
                report.features_read
            )
        }));
    }
    Ok(loaded)
}

/// A point line: `点号,圈号,X,Y` with X the northing and Y the easting. A blank 圈号 is ring 1.
fn point(line: &str) -> Result<(u32, [f64; 2]), String> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if fields.len() < 4 {
        return Err(format!("\"{line}\" is not a point (点号,圈号,X,Y)"));
    }
    let ring = if fields[1].is_empty() {
        1
    } else {
        fields[1]
            .parse::<u32>()
            .map_err(|_| format!("圈号 \"{}\" is not a number", fields[1]))?
    };
    let number = |text: &str, name: &str| {
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{name} \"{text}\" is not a number"))
    };
    let northing = number(fields[2], "X")?;
    let easting = number(fields[3], "Y")?;
    Ok((ring, [easting, northing]))
}

/// The Gauss-Krüger zone the header and the coordinates name.
fn txt_crs<'a>(
    value: impl Fn(&str) -> Option<&'a str>,
    first: Option<[f64; 2]>,
    assume: Option<&Crs>,
    report: &mut ImportReport,
) -> Result<Crs, RejectReason> {
    let system = value("坐标系").unwrap_or_default();
    if system.contains("西安") || (system.contains("80") && !system.contains("2000")) {
        return Err(no_transformation("Xian 1980 (西安80)"));
    }
    if system.contains("北京") || (system.contains("54") && !system.contains("2000")) {
        return Err(no_transformation("Beijing 1954 (北京54)"));
    }
    if system.is_empty() {
        report.warn(
            None,
            "坐标系 is not given; read as 2000国家大地坐标系 (CGCS2000)",
        );
    } else if !system.contains("2000") && !system.to_ascii_uppercase().contains("CGCS") {
        return Err(RejectReason::Crs(crate::crs::UnsupportedCrs(format!(
            "坐标系={system}"
        ))));
    }
    let six = value("几度分带").is_some_and(|w| w.trim() == "6");
    // Zone numbers a Gauss-Krüger zone of China can have (6° zones 13–23, 3° zones 25–45);
    // anything else is not a zone, and never reaches the arithmetic below.
    let header_zone = value("带号")
        .and_then(|z| z.parse::<u32>().ok())
        .filter(|z| (1..=60).contains(z));
    let prefix = first
        .map(|[easting, _]| easting)
        .filter(|e| *e < 1e8)
        .filter(|e| *e >= 1e7)
        .map(|e| (e / 1e6).floor() as u32);
    let code = match (prefix, header_zone) {
        (Some(zone), header) => {
            if let Some(header) = header.filter(|h| *h != zone) {
                report.warn(
                    None,
                    format!("带号 says {header} but the eastings carry zone {zone}; zone {zone} was used"),
                );
            }
            if six { 4478 + zone } else { 4488 + zone }
        }
        (None, Some(zone)) => {
            let cm = if six { zone * 6 - 3 } else { zone * 3 };
            let step = if six { 6 } else { 3 };
            if cm < 75 || (cm - 75) % step != 0 {
                return Err(not_txt(format!("带号 {zone} is not a zone of China")));
            }
            if six {
                4502 + (cm - 75) / 6
            } else {
                4534 + (cm - 75) / 3
            }
        }
        (None, None) => {
            if let Some(crs @ Crs::GaussKruger { .. }) = assume {
                report.warn(
                    None,
                    format!(
                        "the file names no zone: read in {}, as chosen when it was opened",
                        crs.label()
                    ),
                );
                return Ok(crs.clone());
            }
            // The same question as for any file that names no CRS: the window asks, the CLI
            // takes --crs; 带号 in [属性描述] answers it for good.
            let [x, y] = first.unwrap_or_default();
            return Err(RejectReason::LooksProjected {
                feature: 0,
                x,
                y,
                guess: Crs::guess_projected(x, y),
            });
        }
    };
    Crs::from_epsg(code).ok_or_else(|| not_txt(format!("zone EPSG:{code} is not a zone of China")))
}

fn no_transformation(datum: &'static str) -> RejectReason {
    not_txt(crate::crs::PrjError::NoTransformation { datum }.to_string())
}

/// The declared 地块面积 (公顷 by the format; some tools write 平方米 or 亩) against the plane
/// area: a difference above 0.5% in every unit is a warning naming the parcel.
fn check_declared_area(
    declared: &str,
    plane_m2: f64,
    line: usize,
    feature: &FeatureRef,
    report: &mut ImportReport,
) {
    if plane_m2 <= 0.0 {
        return;
    }
    let Ok(value) = declared.parse::<f64>() else {
        report.warn(
            Some(feature.clone()),
            format!("line {line}: 地块面积 \"{declared}\" is not a number"),
        );
        return;
    };
    let units = [("公顷", 10_000.0), ("平方米", 1.0), ("亩", 10_000.0 / 15.0)];
    let (unit, difference) = units
        .iter()
        .map(|(unit, m2)| (*unit, ((value * m2 - plane_m2) / plane_m2).abs()))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or(("公顷", f64::INFINITY));
    if difference > 0.005 {
        report.warn(
            Some(feature.clone()),
            format!(
                "the declared 地块面积 {declared} 公顷 differs from the plane area {:.1} m² ({:.4} 公顷) by {:.1}%",
                plane_m2,
                plane_m2 / 10_000.0,
                ((value * 10_000.0 - plane_m2) / plane_m2 * 100.0).abs()
            ),
        );
    } else if unit != "公顷" {
        report.warn(
            Some(feature.clone()),
            format!("the declared 地块面积 {declared} is in {unit}, not 公顷 (it matches the plane area in {unit})"),
        );
    }
}
