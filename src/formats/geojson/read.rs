//! Reading `GeoJSON` leniently and reporting precisely.
//!
//! Accepts a `FeatureCollection`, a single `Feature` or a bare geometry. Polygons and
//! `MultiPolygons` (also inside a `GeometryCollection`) become features; everything else is
//! skipped with a message naming the feature. The rules are listed on [`read_geojson`].
//!
//! The document is walked as a `serde_json::Value` rather than deserialised into the `geojson`
//! crate's types because the latter fail a whole collection on one bad feature, while a land
//! officer needs every good feature loaded and every bad one named.

use crate::crs::Crs;
use crate::formats::{
    FromFeature, Import, ImportedFeature, RawPolygon, RejectReason, Rejected, close_ring,
    first_out_of_range, to_multipolygon,
};
use crate::geometry::{geodesic_area_m2, validity_problem};
use crate::layer::{Progress, Stage};
use crate::report::{FeatureRef, ImportReport, Message};
use geo::{Coord, CoordsIter, LineString, MapCoordsInPlace, MultiPolygon};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::path::Path;

/// Reads a `GeoJSON` file from disk. See [`read_geojson`].
pub fn read_geojson_file(path: &Path) -> Result<Import, Box<Rejected>> {
    read_geojson_file_as::<ImportedFeature>(path, &Progress::new())
        .map(|(features, report)| Import { features, report })
}

/// Reads `GeoJSON` bytes into polygon features and a report. Never panics.
///
/// - A UTF-8 byte-order mark is accepted; Z values are dropped; winding is ignored.
/// - A ring that is not closed is closed (warning); a ring with fewer than four positions
///   after closing, a non-numeric position, or an unknown geometry type fails its feature.
/// - Null, empty and non-polygon geometries are skipped with a warning.
/// - Invalid polygons (self-intersections, overlapping parts, ...) load, flagged, with a warning.
/// - Rings crossing ±180° are unwrapped so that they are drawn in one piece (warning).
/// - No `crs`, CRS84, EPSG:4326/4490 mean lon/lat; CGCS2000 Gauss-Krüger and EPSG:3857 are
///   reprojected; other CRSs, and projected-looking coordinates with no CRS, reject the file.
///
/// ```
/// let text = br#"{"type":"Polygon","coordinates":[[[107,33],[107.01,33],[107.01,33.01],[107,33]]]}"#;
/// let import = parkland::formats::read_geojson(text, "triangle.geojson").unwrap();
/// assert_eq!(import.features.len(), 1);
/// assert!(import.features[0].area_m2 > 0.0);
/// ```
pub fn read_geojson(bytes: &[u8], source: &str) -> Result<Import, Box<Rejected>> {
    read_geojson_as::<ImportedFeature>(bytes, source, &Progress::new())
        .map(|(features, report)| Import { features, report })
}

/// Reads `GeoJSON` like [`read_geojson`], turning each loaded feature into a `T` as soon as
/// it is read. A `FeatureCollection` is read on all cores in one pass; a feature the fast path
/// does not recognise (a `GeometryCollection`, an unclosed ring, Z values, ...) is read by the
/// lenient path, so the result and the messages are the same either way. Of the properties,
/// the fast path keeps only those `T` reads ([`FromFeature::KEEP`]).
///
/// Messages (also those `T::from_feature` adds) are reported in feature order. `progress` is
/// advanced as the file is read and checked for cancellation.
pub fn read_geojson_as<T: FromFeature>(
    bytes: &[u8],
    source: &str,
    progress: &Progress,
) -> Result<(Vec<T>, ImportReport), Box<Rejected>> {
    let mut report = ImportReport::new(source);
    let read = read_into::<T>(bytes, None, &mut report, progress);
    finish_report(read, report)
}

/// [`read_geojson_as`] from a file. A big `FeatureCollection` is read from the file in pieces,
/// each parsed as soon as it is read, so the whole text is never held in memory.
pub fn read_geojson_file_as<T: FromFeature>(
    path: &Path,
    progress: &Progress,
) -> Result<(Vec<T>, ImportReport), Box<Rejected>> {
    read_geojson_file_assuming(path, None, progress)
}

/// [`read_geojson_file_as`], reading a file without a `crs` member in `assume` when given
/// (what the user said the coordinates are, `--crs`), instead of lon/lat.
pub fn read_geojson_file_assuming<T: FromFeature>(
    path: &Path,
    assume: Option<&Crs>,
    progress: &Progress,
) -> Result<(Vec<T>, ImportReport), Box<Rejected>> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).ok().and_then(|file| {
        let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
        Some(super::split::FileSource { file, len })
    });
    if let Some(file) = file.filter(|f| f.len >= crate::formats::file::PARALLEL_FROM_BYTES) {
        let mut report = ImportReport::new(&name);
        if let Some(read) = read_collection_in_pieces::<_, T>(&file, assume, &mut report, progress)
        {
            return finish_report(read, report);
        }
    }
    // Small, unusual or unreadable: read whole (which names any read error).
    let bytes = crate::formats::file_bytes(path)?;
    let mut report = ImportReport::new(&name);
    let read = read_into::<T>(&bytes, assume, &mut report, progress);
    finish_report(read, report)
}

fn finish_report<T>(
    read: Result<(Vec<T>, Totals), RejectReason>,
    mut report: ImportReport,
) -> Result<(Vec<T>, ImportReport), Box<Rejected>> {
    match read {
        Ok((items, totals)) => {
            report.features_loaded = totals.loaded;
            report.skipped = report.features_read.saturating_sub(totals.loaded);
            report.invalid_geometries = totals.invalid;
            report.area_m2 = totals.area_m2;
            Ok((items, report))
        }
        Err(reason) => Err(Box::new(Rejected { reason, report })),
    }
}

/// Counts over the loaded features.
#[derive(Default)]
struct Totals {
    loaded: usize,
    invalid: usize,
    area_m2: f64,
}

/// The area and validity of a feature that loaded.
#[derive(Clone, Copy)]
struct FeatureFacts {
    valid: bool,
    area_m2: f64,
}

fn read_into<T: FromFeature>(
    bytes: &[u8],
    assume: Option<&Crs>,
    report: &mut ImportReport,
    progress: &Progress,
) -> Result<(Vec<T>, Totals), RejectReason> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(RejectReason::Empty);
    }
    if let Some(what) = sniff_non_json(bytes) {
        return Err(RejectReason::NotJson(what.to_owned()));
    }
    if let Some(read) = read_collection_in_pieces(bytes, assume, report, progress) {
        return read;
    }
    if let Some(collection) = split_collection(bytes) {
        let crs = collection_crs(collection.crs, assume, report)?;
        let reader = PieceReader::new(&crs)?;
        let features = collection.features.unwrap_or_default();
        progress.start(Stage::Parsing, features.len());
        let pieces: Vec<Piece<T>> = features
            .par_chunks(PIECE_FEATURES)
            .map(|chunk| {
                let mut piece = Piece::default();
                for raw in chunk {
                    if progress.is_cancelled() {
                        break;
                    }
                    reader.read(&mut piece, raw.get().as_bytes());
                }
                progress.advance(chunk.len());
                piece
            })
            .collect();
        if progress.is_cancelled() {
            return Err(RejectReason::Cancelled);
        }
        return reader.finish(pieces, report, progress);
    }
    let root: Value =
        serde_json::from_slice(bytes).map_err(|e| RejectReason::NotJson(e.to_string()))?;
    let Value::Object(root) = root else {
        return Err(RejectReason::NotGeoJson(format!(
            "the top-level value is {}, where a GeoJSON object was expected",
            json_kind(&root)
        )));
    };

    let crs = read_crs_member(&root, assume, report)?;
    report.crs = crs.label();
    let raw = raw_features(&root, report)?;
    drop(root);
    check_coordinate_range(&raw, &crs)?;
    let to_lon_lat = crs
        .to_lon_lat()
        .map_err(|e| RejectReason::NotGeoJson(format!("cannot set up {}: {e}", crs.label())))?;

    let mut items = Vec::with_capacity(raw.len());
    let mut totals = Totals::default();
    for feature in raw {
        let mut local = ImportReport::default();
        if let Some(feature) = finish_feature(feature, &crs, &to_lon_lat, &mut local) {
            totals.loaded += 1;
            totals.invalid += usize::from(!feature.valid);
            totals.area_m2 += feature.area_m2;
            let index = feature.index;
            let mut item = T::from_feature(feature, &mut local.messages);
            item.place(index);
            items.push(item);
        }
        report.messages.append(&mut local.messages);
    }
    if items.is_empty() {
        return Err(no_polygons(report));
    }
    Ok((items, totals))
}

fn no_polygons(report: &ImportReport) -> RejectReason {
    RejectReason::NoPolygons(if report.features_read == 0 {
        "the file holds no features".to_owned()
    } else {
        format!(
            "none of its {} feature(s) is a usable Polygon or MultiPolygon",
            report.features_read
        )
    })
}

/// Reprojects, unwraps, measures and checks one feature read from the file.
fn finish_feature(
    feature: RawFeature,
    crs: &Crs,
    to_lon_lat: &crate::crs::ToLonLat,
    report: &mut ImportReport,
) -> Option<ImportedFeature> {
    let feature_ref = FeatureRef {
        index: feature.index,
        id: feature.id.clone(),
    };
    let (geometry, area_m2, plane, valid) =
        measure_geometry(feature.geometry, &feature_ref, crs, to_lon_lat, report)?;
    Some(ImportedFeature {
        plane,
        index: feature.index,
        id: feature.id,
        properties: feature.properties,
        geometry,
        area_m2,
        valid,
    })
}

/// Reprojects and unwraps a feature's geometry as read from the file; the geometry, its
/// ellipsoidal area, its plane area in the file's Gauss-Krüger zone when it has one (and the
/// ellipsoidal area from it: [`crate::formats::feature::own_plane_area`]) and its validity,
/// or `None` (with an error) when it cannot be reprojected.
fn measure_geometry(
    mut geometry: MultiPolygon<f64>,
    feature_ref: &FeatureRef,
    crs: &Crs,
    to_lon_lat: &crate::crs::ToLonLat,
    report: &mut ImportReport,
) -> Option<(
    MultiPolygon<f64>,
    f64,
    Option<crate::model::PlaneArea>,
    bool,
)> {
    let plane = crate::formats::feature::own_plane_area(
        crs,
        to_lon_lat,
        crate::geometry::rings_of(&geometry),
    );
    if !crs.is_lon_lat()
        && let Err(e) = reproject(&mut geometry, to_lon_lat)
    {
        report.error(
            Some(feature_ref.clone()),
            format!("cannot reproject from {}: {e}", crs.label()),
        );
        return None;
    }
    let beyond_180 = geometry
        .coords_iter()
        .map(|c| c.x.abs())
        .fold(0.0_f64, f64::max);
    if beyond_180 > 180.0 {
        report.warn(
            Some(feature_ref.clone()),
            format!("longitudes reach beyond ±180° (up to {beyond_180}°); kept as they are so the polygon is drawn in one piece"),
        );
    }
    if unwrap_antimeridian(&mut geometry) {
        report.warn(
            Some(feature_ref.clone()),
            "crosses the antimeridian (±180°): longitudes unwrapped so the polygon is drawn in one piece",
        );
    }
    let area_m2 = match plane {
        Some((plane, k2)) => plane.m2 / k2,
        None => geodesic_area_m2(&geometry),
    };
    let problem = validity_problem(&geometry);
    if let Some(problem) = &problem {
        report.warn(
            Some(feature_ref.clone()),
            format!("invalid geometry ({problem}); loaded as it is, its area may be wrong"),
        );
    }
    Some((geometry, area_m2, plane.map(|(p, _)| p), problem.is_none()))
}

/// A `FeatureCollection` whose features are still unparsed slices of the file.
#[derive(Deserialize)]
struct CollectionSlices<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    crs: Option<Value>,
    #[serde(borrow, default)]
    features: Option<Vec<&'a RawValue>>,
}

/// Splits a `FeatureCollection` into its features' text in one pass; `None` for anything else
/// (including broken JSON, which the lenient path then describes).
fn split_collection(bytes: &[u8]) -> Option<CollectionSlices<'_>> {
    let collection: CollectionSlices<'_> = serde_json::from_slice(bytes).ok()?;
    (collection.kind.as_deref() == Some("FeatureCollection") && collection.features.is_some())
        .then_some(collection)
}

/// The CRS a collection's `crs` member names, recorded in the report.
fn collection_crs(
    crs: Option<Value>,
    assume: Option<&Crs>,
    report: &mut ImportReport,
) -> Result<Crs, RejectReason> {
    let mut root = Map::new();
    if let Some(crs) = crs {
        root.insert("crs".to_owned(), crs);
    }
    let crs = read_crs_member(&root, assume, report)?;
    report.crs = crs.label();
    Ok(crs)
}

/// Reads a `FeatureCollection` in pieces on all cores (see [`super::split`]); `None` when
/// the source is not such a collection or a piece cannot be read, and the caller reads it
/// sequentially.
fn read_collection_in_pieces<S: super::split::Source + ?Sized, T: FromFeature>(
    source: &S,
    assume: Option<&Crs>,
    report: &mut ImportReport,
    progress: &Progress,
) -> Option<Result<(Vec<T>, Totals), RejectReason>> {
    let (crs, start) = super::split::collection_head(source)?;
    let messages_before = report.messages.len();
    let crs = match collection_crs(crs, assume, report) {
        Ok(crs) => crs,
        Err(reason) => return Some(Err(reason)),
    };
    let reader = match PieceReader::new(&crs) {
        Ok(reader) => reader,
        Err(reason) => return Some(Err(reason)),
    };
    progress.start(Stage::Parsing, source.size() - start);
    let pieces =
        super::split::read_features(source, start, progress, |piece: &mut Piece<T>, rest| {
            reader.read_at(piece, rest)
        });
    crate::layer::mark("features read");
    if let Some(pieces) = pieces {
        return Some(reader.finish(pieces, report, progress));
    }
    if progress.is_cancelled() {
        return Some(Err(RejectReason::Cancelled));
    }
    // Read again sequentially: the CRS messages would be said twice.
    report.messages.truncate(messages_before);
    None
}

/// Features per piece when a collection's features are already split.
const PIECE_FEATURES: usize = 1024;

/// What a piece of a collection gave (see [`super::split`]). The file is read in pieces on
/// all cores, so a feature's place in the file is known only once all the pieces before it
/// are read: features are numbered from 0 within their piece, and [`PieceReader::finish`]
/// moves them to their place.
struct Piece<T> {
    /// Features read, loaded or not.
    read: usize,
    items: Vec<T>,
    /// Each item's number within the piece.
    numbers: Vec<usize>,
    facts: Vec<FeatureFacts>,
    /// Messages, each with its feature's number within the piece.
    messages: Vec<(usize, Message)>,
    /// The first position out of lon/lat range, in a file read as lon/lat.
    out_of_range: Option<(usize, f64, f64)>,
}

impl<T> Default for Piece<T> {
    fn default() -> Self {
        Self {
            read: 0,
            items: Vec::new(),
            numbers: Vec::new(),
            facts: Vec::new(),
            messages: Vec::new(),
            out_of_range: None,
        }
    }
}

/// Reads the features of a collection, piece by piece, shared by all cores.
struct PieceReader<'c> {
    crs: &'c Crs,
    to_lon_lat: crate::crs::ToLonLat,
}

impl<'c> PieceReader<'c> {
    fn new(crs: &'c Crs) -> Result<Self, RejectReason> {
        let to_lon_lat = crs
            .to_lon_lat()
            .map_err(|e| RejectReason::NotGeoJson(format!("cannot set up {}: {e}", crs.label())))?;
        Ok(Self { crs, to_lon_lat })
    }

    /// Reads the feature at the start of `rest` into `piece`; the bytes it took. On failure
    /// `piece` is left as it was.
    fn read_at<T: FromFeature>(
        &self,
        piece: &mut Piece<T>,
        rest: &[u8],
    ) -> Result<usize, super::split::Unread> {
        if let Some((feature, n)) = super::fast::parse_at::<T>(rest) {
            self.add_fast(piece, feature);
            return Ok(n);
        }
        let (_, n) = super::split::try_next_value::<serde::de::IgnoredAny>(rest)?;
        self.add_lenient(piece, &rest[..n]);
        Ok(n)
    }

    /// Reads one feature's whole text into `piece`.
    fn read<T: FromFeature>(&self, piece: &mut Piece<T>, text: &[u8]) {
        match super::fast::parse_at::<T>(text) {
            Some((feature, n)) if text[n..].iter().all(u8::is_ascii_whitespace) => {
                self.add_fast(piece, feature);
            }
            _ => self.add_lenient(piece, text),
        }
    }

    fn add_fast<T: FromFeature>(&self, piece: &mut Piece<T>, feature: super::fast::FastFeature) {
        let raw = RawFeature {
            index: piece.read,
            id: feature.id,
            properties: feature.properties,
            geometry: feature.geometry,
        };
        self.add(piece, Some(raw), ImportReport::default());
    }

    fn add_lenient<T: FromFeature>(&self, piece: &mut Piece<T>, text: &[u8]) {
        let index = piece.read;
        let mut local = ImportReport::default();
        let raw = match serde_json::from_slice::<Value>(text) {
            Ok(value) => read_feature(index, &value, &mut local),
            Err(e) => {
                local.error(
                    Some(FeatureRef { index, id: None }),
                    format!("cannot be read: {e}"),
                );
                None
            }
        };
        self.add(piece, raw, local);
    }

    /// Measures, checks and converts a feature read (or not) into `piece`.
    fn add<T: FromFeature>(
        &self,
        piece: &mut Piece<T>,
        raw: Option<RawFeature>,
        mut local: ImportReport,
    ) {
        let number = piece.read;
        piece.read += 1;
        if let Some(raw) = raw {
            if self.crs.is_lon_lat()
                && let Some([x, y]) = first_out_of_range(raw.geometry.coords_iter())
            {
                piece.out_of_range.get_or_insert((number, x, y));
            } else if let Some(feature) =
                finish_feature(raw, self.crs, &self.to_lon_lat, &mut local)
            {
                piece.facts.push(FeatureFacts {
                    valid: feature.valid,
                    area_m2: feature.area_m2,
                });
                piece
                    .items
                    .push(T::from_feature(feature, &mut local.messages));
                piece.numbers.push(number);
            }
        }
        piece
            .messages
            .extend(local.messages.into_iter().map(|m| (number, m)));
    }

    /// Puts every feature of the pieces at its place in the file, and joins them.
    fn finish<T: FromFeature>(
        &self,
        mut pieces: Vec<Piece<T>>,
        report: &mut ImportReport,
        progress: &Progress,
    ) -> Result<(Vec<T>, Totals), RejectReason> {
        if progress.is_cancelled() {
            return Err(RejectReason::Cancelled);
        }
        let mut bases = Vec::with_capacity(pieces.len());
        let mut read = 0;
        for piece in &pieces {
            bases.push(read);
            read += piece.read;
        }
        report.features_read = read;
        let out_of_range = pieces
            .iter()
            .zip(&bases)
            .find_map(|(piece, base)| piece.out_of_range.map(|(n, x, y)| (base + n, x, y)));
        if let Some((feature, x, y)) = out_of_range {
            return Err(out_of_range_reason(self.crs, feature, x, y));
        }
        pieces
            .par_iter_mut()
            .zip(&bases)
            .for_each(|(piece, &base)| {
                for (item, &number) in piece.items.iter_mut().zip(&piece.numbers) {
                    item.place(base + number);
                }
                for (number, message) in &mut piece.messages {
                    *number += base;
                    if let Some(feature) = &mut message.feature {
                        feature.index = *number;
                    }
                }
            });
        let mut items = Vec::with_capacity(pieces.iter().map(|p| p.items.len()).sum());
        let mut totals = Totals::default();
        for piece in pieces {
            for f in &piece.facts {
                totals.loaded += 1;
                totals.invalid += usize::from(!f.valid);
                totals.area_m2 += f.area_m2;
            }
            items.extend(piece.items);
            report
                .messages
                .extend(piece.messages.into_iter().map(|(_, message)| message));
        }
        if items.is_empty() {
            return Err(no_polygons(report));
        }
        Ok((items, totals))
    }
}

struct RawFeature {
    index: usize,
    id: Option<String>,
    properties: crate::formats::Properties,
    /// As in the file: not yet reprojected or unwrapped.
    geometry: MultiPolygon<f64>,
}

/// Recognises files that are clearly something else before trying to parse them as JSON.
fn sniff_non_json(bytes: &[u8]) -> Option<&'static str> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = bytes.get(start..).unwrap_or_default();
    let known: [(&[u8], &'static str); 7] = [
        (
            b"version https://git-lfs",
            "this looks like a Git LFS pointer, not the data itself; fetch the real file with `git lfs pull`",
        ),
        (
            b"PK\x03\x04",
            "this looks like a ZIP archive (a zipped shapefile?); unzip it and convert it to GeoJSON",
        ),
        (
            b"SQLite format 3",
            "this looks like an SQLite database or GeoPackage, not GeoJSON",
        ),
        (b"<?xml", "this looks like XML (KML or GML?), not GeoJSON"),
        (b"<kml", "this looks like KML, not GeoJSON"),
        (
            b"<!DOCTYPE",
            "this looks like an HTML page, not GeoJSON (a download that failed?)",
        ),
        (
            b"<html",
            "this looks like an HTML page, not GeoJSON (a download that failed?)",
        ),
    ];
    known
        .iter()
        .find(|(prefix, _)| {
            head.len() >= prefix.len() && head[..prefix.len()].eq_ignore_ascii_case(prefix)
        })
        .map(|(_, what)| *what)
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn read_crs_member(
    root: &Map<String, Value>,
    assume: Option<&Crs>,
    report: &mut ImportReport,
) -> Result<Crs, RejectReason> {
    let unnamed = |report: &mut ImportReport| match assume {
        Some(crs) => {
            report.warn(
                None,
                format!(
                    "the file names no CRS: read in {}, as chosen when it was opened",
                    crs.label()
                ),
            );
            crs.clone()
        }
        None => Crs::default_lon_lat(),
    };
    let Some(crs) = root.get("crs") else {
        return Ok(unnamed(report));
    };
    if crs.is_null() {
        return Ok(unnamed(report));
    }
    let name = crs
        .get("properties")
        .and_then(|p| p.get("name").or_else(|| p.get("code")))
        .and_then(|n| match n {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format!("EPSG:{n}")),
            _ => None,
        });
    if let Some(name) = name {
        Ok(Crs::from_name(&name)?)
    } else {
        report.warn(
            None,
            format!("the \"crs\" member {crs} names no CRS; reading lon/lat degrees"),
        );
        Ok(Crs::default_lon_lat())
    }
}

const GEOJSON_TYPES: [&str; 9] = [
    "FeatureCollection",
    "Feature",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
];

/// Names a type that is `GeoJSON` but for its letter case.
fn case_hint(kind: &str) -> String {
    GEOJSON_TYPES
        .iter()
        .find(|t| t.eq_ignore_ascii_case(kind))
        .map(|t| format!(" (GeoJSON type names are case-sensitive: did you mean \"{t}\"?)"))
        .unwrap_or_default()
}

fn raw_features(
    root: &Map<String, Value>,
    report: &mut ImportReport,
) -> Result<Vec<RawFeature>, RejectReason> {
    let kind = root.get("type").and_then(Value::as_str);
    let mut out = Vec::new();
    match kind {
        Some("FeatureCollection") => {
            let Some(Value::Array(items)) = root.get("features") else {
                return Err(RejectReason::NotGeoJson(
                    "a FeatureCollection without a \"features\" array".to_owned(),
                ));
            };
            report.features_read = items.len();
            for (index, item) in items.iter().enumerate() {
                if let Some(feature) = read_feature(index, item, report) {
                    out.push(feature);
                }
            }
        }
        Some("Feature") => {
            report.features_read = 1;
            out.extend(read_feature(0, &Value::Object(root.clone()), report));
        }
        Some(geometry_kind) if GEOJSON_TYPES[2..].contains(&geometry_kind) => {
            report.features_read = 1;
            let feature_ref = FeatureRef { index: 0, id: None };
            if let Some(polygons) =
                geometry_polygons(&Value::Object(root.clone()), &feature_ref, report)
            {
                out.push(RawFeature {
                    index: 0,
                    id: None,
                    properties: crate::formats::Properties::new(),
                    geometry: to_multipolygon(polygons),
                });
            }
        }
        Some(other) => {
            let what = if other == "Topology" {
                "this is TopoJSON; convert it to GeoJSON (e.g. with mapshaper or topojson-client)"
                    .to_owned()
            } else {
                format!(
                    "\"type\": \"{other}\" is not a GeoJSON type{}",
                    case_hint(other)
                )
            };
            return Err(RejectReason::NotGeoJson(what));
        }
        None => return Err(RejectReason::NotGeoJson(describe_untyped(root))),
    }
    Ok(out)
}

/// Says what an object without a `GeoJSON` `type` looks like.
fn describe_untyped(root: &Map<String, Value>) -> String {
    let esri = root.contains_key("geometryType")
        || root.contains_key("spatialReference")
        || root
            .get("features")
            .and_then(|f| f.get(0))
            .is_some_and(|f| f.get("attributes").is_some());
    if esri {
        "this looks like Esri JSON (ArcGIS), not GeoJSON; export it as GeoJSON (e.g. ogr2ogr -f GeoJSON)".to_owned()
    } else {
        let keys: Vec<&str> = root.keys().take(5).map(String::as_str).collect();
        format!(
            "the top-level object has no \"type\" member (its keys: {})",
            keys.join(", ")
        )
    }
}

fn feature_id(value: &Value) -> Option<String> {
    match value.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_feature(index: usize, item: &Value, report: &mut ImportReport) -> Option<RawFeature> {
    let id = feature_id(item);
    let feature_ref = FeatureRef {
        index,
        id: id.clone(),
    };
    let Value::Object(object) = item else {
        report.error(
            Some(feature_ref),
            format!("is {}, not a Feature object", json_kind(item)),
        );
        return None;
    };
    match object.get("type").and_then(Value::as_str) {
        Some("Feature") => {}
        Some(other) => {
            report.error(
                Some(feature_ref),
                format!(
                    "has \"type\": \"{other}\" where \"Feature\" was expected{}",
                    case_hint(other)
                ),
            );
            return None;
        }
        None => {
            report.error(Some(feature_ref), "has no \"type\": \"Feature\"");
            return None;
        }
    }
    let properties = match object.get("properties") {
        None | Some(Value::Null) => crate::formats::Properties::new(),
        Some(Value::Object(p)) => p.clone().into(),
        Some(other) => {
            report.warn(
                Some(feature_ref.clone()),
                format!(
                    "\"properties\" is {}, not an object; ignored",
                    json_kind(other)
                ),
            );
            crate::formats::Properties::new()
        }
    };
    let geometry = object.get("geometry").unwrap_or(&Value::Null);
    let polygons = geometry_polygons(geometry, &feature_ref, report)?;
    Some(RawFeature {
        index,
        id,
        properties,
        geometry: to_multipolygon(polygons),
    })
}

/// The polygons of a geometry, or `None` when the feature is skipped (with its message).
fn geometry_polygons(
    geometry: &Value,
    feature_ref: &FeatureRef,
    report: &mut ImportReport,
) -> Option<Vec<RawPolygon>> {
    let mut warnings = Vec::new();
    match collect_polygons(geometry, &mut warnings, 0) {
        Ok(polygons) if polygons.is_empty() => {
            for w in warnings {
                report.warn(Some(feature_ref.clone()), w);
            }
            None
        }
        Ok(polygons) => {
            for w in warnings {
                report.warn(Some(feature_ref.clone()), w);
            }
            Some(polygons)
        }
        Err(error) => {
            for w in warnings {
                report.warn(Some(feature_ref.clone()), w);
            }
            report.error(
                Some(feature_ref.clone()),
                format!("{error}; feature skipped"),
            );
            None
        }
    }
}

/// Depth guard for nested `GeometryCollections`.
const MAX_NESTING: usize = 16;

fn collect_polygons(
    geometry: &Value,
    warnings: &mut Vec<String>,
    depth: usize,
) -> Result<Vec<RawPolygon>, String> {
    if geometry.is_null() {
        warnings.push("has no geometry (null); skipped".to_owned());
        return Ok(Vec::new());
    }
    let Value::Object(object) = geometry else {
        return Err(format!(
            "geometry is {}, not an object",
            json_kind(geometry)
        ));
    };
    let Some(kind) = object.get("type").and_then(Value::as_str) else {
        return Err("geometry has no \"type\"".to_owned());
    };
    let coordinates = object.get("coordinates").unwrap_or(&Value::Null);
    match kind {
        "Polygon" => {
            let polygon = read_polygon(coordinates, None, warnings)?;
            if polygon.is_empty() {
                warnings.push("empty Polygon (no coordinates); skipped".to_owned());
                return Ok(Vec::new());
            }
            Ok(vec![polygon])
        }
        "MultiPolygon" => {
            let Value::Array(parts) = coordinates else {
                return Err("MultiPolygon \"coordinates\" is not an array".to_owned());
            };
            let mut polygons = Vec::with_capacity(parts.len());
            for (i, part) in parts.iter().enumerate() {
                let polygon = read_polygon(part, Some(i), warnings)?;
                if !polygon.is_empty() {
                    polygons.push(polygon);
                }
            }
            if polygons.is_empty() {
                warnings.push("empty MultiPolygon (no coordinates); skipped".to_owned());
            }
            Ok(polygons)
        }
        "GeometryCollection" => {
            if depth >= MAX_NESTING {
                return Err("GeometryCollections nested too deeply".to_owned());
            }
            let Some(Value::Array(members)) = object.get("geometries") else {
                return Err("GeometryCollection without a \"geometries\" array".to_owned());
            };
            let mut polygons = Vec::new();
            let mut other = 0;
            for member in members {
                let mut inner = Vec::new();
                let found = collect_polygons(member, &mut inner, depth + 1)?;
                if found.is_empty() {
                    other += 1;
                }
                polygons.extend(found);
            }
            if other > 0 {
                warnings.push(format!(
                    "GeometryCollection: {other} member(s) that are not polygons ignored"
                ));
            }
            if polygons.is_empty() {
                warnings.push("GeometryCollection holds no polygon; skipped".to_owned());
            }
            Ok(polygons)
        }
        "Point" | "MultiPoint" | "LineString" | "MultiLineString" => {
            warnings.push(format!("is a {kind}, not a polygon; skipped"));
            Ok(Vec::new())
        }
        other => Err(format!(
            "unknown geometry type \"{other}\"{}",
            case_hint(other)
        )),
    }
}

/// Reads one polygon's rings; an empty array gives an empty polygon.
fn read_polygon(
    value: &Value,
    part: Option<usize>,
    warnings: &mut Vec<String>,
) -> Result<RawPolygon, String> {
    let where_part = part.map(|i| format!("part {i}, ")).unwrap_or_default();
    let Value::Array(rings) = value else {
        return Err(format!(
            "{where_part}polygon coordinates are not an array of rings"
        ));
    };
    let mut out = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let name = if r == 0 {
            format!("{where_part}exterior ring")
        } else {
            format!("{where_part}hole {r}")
        };
        let Value::Array(positions) = ring else {
            return Err(format!("{name} is not an array of positions"));
        };
        let mut points = Vec::with_capacity(positions.len() + 1);
        for (p, position) in positions.iter().enumerate() {
            points.push(read_position(position).map_err(|e| format!("{name}, position {p}: {e}"))?);
        }
        if points.is_empty() {
            if r == 0 {
                return Ok(Vec::new());
            }
            warnings.push(format!("{name} is empty; ignored"));
            continue;
        }
        close_ring(&name, &mut points, warnings)?;
        out.push(points);
    }
    Ok(out)
}

fn read_position(value: &Value) -> Result<[f64; 2], String> {
    let Value::Array(numbers) = value else {
        return Err(format!("is {}, not a [lon, lat] array", json_kind(value)));
    };
    let (Some(x), Some(y)) = (numbers.first(), numbers.get(1)) else {
        return Err(format!(
            "has {} number(s); a position needs 2",
            numbers.len()
        ));
    };
    match (x.as_f64(), y.as_f64()) {
        (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Ok([x, y]),
        _ => Err(format!("[{x}, {y}] is not a pair of numbers")),
    }
}

/// Lon/lat files must be in range; projected-looking coordinates with no CRS are refused.
fn check_coordinate_range(features: &[RawFeature], crs: &Crs) -> Result<(), RejectReason> {
    if !crs.is_lon_lat() {
        return Ok(());
    }
    for feature in features {
        if let Some([x, y]) = first_out_of_range(feature.geometry.coords_iter()) {
            return Err(out_of_range_reason(crs, feature.index, x, y));
        }
    }
    Ok(())
}

/// Why a lon/lat file with a position out of range is refused: with no CRS declared (CRS84),
/// its coordinates look projected; with one declared, they are out of its range.
fn out_of_range_reason(crs: &Crs, feature: usize, x: f64, y: f64) -> RejectReason {
    match crs {
        Crs::LonLat { name } if name == "OGC:CRS84" => RejectReason::LooksProjected {
            feature,
            x,
            y,
            guess: Crs::guess_projected(x, y),
        },
        _ => RejectReason::OutOfRange {
            crs: crs.label(),
            feature,
            x,
            y,
        },
    }
}

fn reproject(
    geometry: &mut MultiPolygon<f64>,
    transform: &crate::crs::ToLonLat,
) -> Result<(), String> {
    geometry.try_map_coords_in_place(|c| {
        let (lon, lat) = transform.apply(c.x, c.y)?;
        if !(lon.is_finite() && lat.is_finite()) {
            return Err(format!("position {:?} has no lon/lat", [c.x, c.y]));
        }
        Ok(Coord { x: lon, y: lat })
    })
}

/// Makes each ring continuous across ±180° (every step under 180° of longitude) and keeps
/// holes beside their exterior. Returns true when anything was changed.
fn unwrap_antimeridian(geometry: &mut MultiPolygon<f64>) -> bool {
    let mut changed = false;
    for polygon in &mut geometry.0 {
        let mut exterior_start = None;
        let mut unwrap_ring = |ring: &mut LineString<f64>| {
            let mut previous: Option<f64> = None;
            for point in &mut ring.0 {
                if let Some(prev) = previous {
                    let shift = ((prev - point.x) / 360.0).round() * 360.0;
                    if shift != 0.0 {
                        point.x += shift;
                        changed = true;
                    }
                }
                previous = Some(point.x);
            }
            // Move a hole by whole turns to lie beside its exterior.
            let Some(first) = ring.0.first().map(|p| p.x) else {
                return;
            };
            match exterior_start {
                None => exterior_start = Some(first),
                Some(start) => {
                    let shift = ((start - first) / 360.0).round() * 360.0;
                    if shift != 0.0 {
                        for p in &mut ring.0 {
                            p.x += shift;
                        }
                        changed = true;
                    }
                }
            }
        };
        polygon.exterior_mut(&mut unwrap_ring);
        polygon.interiors_mut(|holes| holes.iter_mut().for_each(&mut unwrap_ring));
    }
    changed
}
