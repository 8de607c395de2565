//! What every reader gives: the polygon features of a file ([`ImportedFeature`], in lon/lat,
//! measured and checked) with the [`ImportReport`], or the reason the whole file was refused
//! ([`Rejected`]); and the ring rules every reader applies.

use crate::crs::UnsupportedCrs;
use crate::report::{FeatureRef, ImportReport, Message};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde_json::Value;

/// Polygons as rings of [x, y] positions, before reprojection.
pub(crate) type RawPolygon = Vec<Vec<[f64; 2]>>;

/// One polygon feature read from a file, in lon/lat degrees.
#[derive(Debug, Clone)]
pub struct ImportedFeature {
    /// Zero-based index among the file's features.
    pub index: usize,
    /// The `id` member as text.
    pub id: Option<String>,
    /// The `properties` member (empty when absent or null).
    pub properties: super::Properties,
    /// Lon/lat degrees; holes kept; longitudes unwrapped across ±180°.
    pub geometry: MultiPolygon<f64>,
    /// Area on the ellipsoid, holes subtracted, winding ignored: geodesic (Karney) for a
    /// lon/lat file; for a Gauss-Krüger file, its plane area over the point scale factor
    /// squared at its centroid (see [`Self::plane`]).
    pub area_m2: f64,
    /// For a file in a CGCS2000 Gauss-Krüger zone, the plane area in that zone, from the
    /// file's own coordinates (shoelace): the area of real-estate registration, exact as the
    /// file has it. `None` for other files: the model computes a plane area from `area_m2`.
    pub plane: Option<crate::model::PlaneArea>,
    /// OGC validity (geo's validation).
    pub valid: bool,
}

impl ImportedFeature {
    /// Both areas: a Gauss-Krüger file's own plane area where it has one, else the plane
    /// area in the zone of the feature's middle.
    #[must_use]
    pub fn areas(&self) -> crate::model::Areas {
        match self.plane {
            Some(plane) => crate::model::Areas {
                ellipsoidal_m2: self.area_m2,
                plane: Some(plane),
            },
            None => crate::model::Areas::measure(&self.geometry, self.area_m2),
        }
    }

    /// Takes a property out as text (see [`Self::property_text`]) without copying a string.
    pub fn take_text(&mut self, key: &str) -> Option<String> {
        match self.properties.remove(key)? {
            Value::Null => None,
            Value::String(s) if s.trim().len() == s.len() => Some(s).filter(|s| !s.is_empty()),
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            other => Some(other.to_string()),
        }
    }

    /// A property as text (strings as they are, numbers printed), if present and not null.
    #[must_use]
    pub fn property_text(&self, key: &str) -> Option<String> {
        match self.properties.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            other => Some(other.to_string()),
        }
    }

    /// How the feature is named in messages.
    #[must_use]
    pub fn feature_ref(&self) -> FeatureRef {
        FeatureRef {
            index: self.index,
            id: self.id.clone(),
        }
    }
}

/// The features of a file that loaded, with the report.
#[derive(Debug, Clone)]
pub struct Import {
    pub features: Vec<ImportedFeature>,
    pub report: ImportReport,
}

impl RejectReason {
    /// For a file that names no CRS and whose numbers look projected, the CRSs they can be in,
    /// likeliest first ([`crate::crs::Crs::suggestions`]); empty for any other reason.
    #[must_use]
    pub fn crs_suggestions(&self) -> Vec<crate::crs::Crs> {
        match self {
            Self::LooksProjected { x, y, .. } => crate::crs::Crs::suggestions(*x, *y),
            _ => Vec::new(),
        }
    }
}

impl Import {
    /// The features turned into `T`, each at its place in the file, with the report (and
    /// the messages `T` adds).
    #[must_use]
    pub fn into_items<T: FromFeature>(self) -> (Vec<T>, ImportReport) {
        let mut report = self.report;
        let items = self
            .features
            .into_iter()
            .map(|feature| {
                let index = feature.index;
                let mut item = T::from_feature(feature, &mut report.messages);
                item.place(index);
                item
            })
            .collect();
        (items, report)
    }
}

/// Why a whole file was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RejectReason {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("the file is empty")]
    Empty,
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not GeoJSON: {0}")]
    NotGeoJson(String),
    #[error(transparent)]
    Crs(#[from] UnsupportedCrs),
    #[error(
        "coordinates look projected, not lon/lat degrees (feature {feature}: {x}, {y}) and the \
         file names no CRS; name it when opening the file (--crs EPSG:NNNN, or the window's \
         choice), probably {guess}; a GeoJSON file can also carry a \"crs\" member, a \
         Shapefile a .prj"
    )]
    LooksProjected {
        feature: usize,
        x: f64,
        y: f64,
        guess: &'static str,
    },
    #[error(
        "coordinates out of lon/lat range in a file declared as {crs} (feature {feature}: {x}, {y})"
    )]
    OutOfRange {
        crs: String,
        feature: usize,
        x: f64,
        y: f64,
    },
    #[error("no polygon to load: {0}")]
    NoPolygons(String),
    #[error("loading was cancelled")]
    Cancelled,
    #[error("not a usable GeoPackage: {0}")]
    NotGeoPackage(String),
    #[error("not a usable Shapefile: {0}")]
    NotShapefile(String),
    /// A zip of several Shapefile sets, with their names: which one is meant?
    #[error(
        "the zip holds {} Shapefile sets ({}): choose one",
        .0.len(),
        .0.iter().map(|s| format!("{s}.shp")).collect::<Vec<_>>().join(", ")
    )]
    SeveralSets(Vec<String>),
    #[error("not a usable 国土TXT coordinate file: {0}")]
    NotGuotuTxt(String),
}

/// A file that could not be loaded, with what was found before giving up.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {reason}", report.source)]
pub struct Rejected {
    pub reason: RejectReason,
    pub report: ImportReport,
}

/// What a reader turns each loaded feature into, as soon as it is read, so that a million
/// features never exist twice.
pub trait FromFeature: Send + Sized {
    /// The properties the type reads: only these are kept by the fast path, so that a
    /// million features do not allocate properties nobody reads. `None` keeps them all.
    const KEEP: Option<&'static [&'static str]> = None;

    /// The item made of `feature`, whose `index` counts from where the reader started
    /// (a piece of the file); it may add messages about the feature.
    fn from_feature(feature: ImportedFeature, messages: &mut Vec<Message>) -> Self;

    /// Called once on every item when its feature's place in the file is known: `index` is
    /// the feature's zero-based index among the file's features.
    fn place(&mut self, index: usize);
}

impl FromFeature for ImportedFeature {
    fn from_feature(feature: ImportedFeature, _: &mut Vec<Message>) -> Self {
        feature
    }

    fn place(&mut self, index: usize) {
        self.index = index;
    }
}

/// The ring rules every reader applies: a ring that is not closed is closed (with a warning),
/// and a ring of fewer than four positions after that fails its feature. `name` is written
/// only into a message.
pub(crate) fn close_ring(
    name: &dyn std::fmt::Display,
    ring: &mut Vec<[f64; 2]>,
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    if ring.first() != ring.last()
        && let Some(&first) = ring.first()
    {
        ring.push(first);
        warnings.push(format!(
            "{name} is not closed (first position ≠ last); closed it"
        ));
    }
    if ring.len() < 4 {
        return Err(format!(
            "{name} has {} positions; a linear ring needs at least 4 (3 corners and the closing position)",
            ring.len()
        ));
    }
    Ok(())
}

/// Rings of positions as the lenient readers collect them, as a `geo` geometry.
pub(crate) fn to_multipolygon(polygons: Vec<RawPolygon>) -> MultiPolygon<f64> {
    MultiPolygon::new(
        polygons
            .into_iter()
            .map(|rings| {
                let mut rings = rings.into_iter().map(|ring| {
                    LineString::from(ring.into_iter().map(|[x, y]| (x, y)).collect::<Vec<_>>())
                });
                let exterior = rings.next().unwrap_or_else(|| LineString::new(Vec::new()));
                Polygon::new(exterior, rings.collect())
            })
            .collect(),
    )
}

/// The first position that cannot be lon/lat degrees (|lon| > 540°, allowing unwrapped rings,
/// or |lat| > 90°).
pub(crate) fn first_out_of_range(
    positions: impl IntoIterator<Item = Coord<f64>>,
) -> Option<[f64; 2]> {
    positions
        .into_iter()
        .find(|c| c.x.abs() > 540.0 || c.y.abs() > 90.0)
        .map(|c| [c.x, c.y])
}

/// A feature as a whole-file reader collects it: its place and id, its properties, and its
/// polygons in the file's CRS.
pub(crate) struct RawFeature {
    pub feature_ref: FeatureRef,
    pub properties: super::Properties,
    pub polygons: Vec<RawPolygon>,
}

/// What the last step of reading makes of one feature.
pub(crate) enum Finished {
    /// Loaded, with the validity problem to report.
    Loaded(ImportedFeature, Option<String>),
    /// Skipped, with the message naming why.
    Skipped(FeatureRef, String),
}

/// The CRS of a whole-file reader's features and how to bring them to lon/lat: the last step
/// every whole-file reader shares ([`Self::finish`]).
pub(crate) struct Finisher<'a> {
    crs: &'a crate::crs::Crs,
    /// The file named its CRS; else projected-looking numbers in "lon/lat" are refused with a
    /// guess of their CRS.
    declared: bool,
    transform: Option<crate::crs::ToLonLat>,
}

impl<'a> Finisher<'a> {
    pub(crate) fn new(crs: &'a crate::crs::Crs, declared: bool) -> Result<Self, RejectReason> {
        let transform = if crs.is_lon_lat() {
            None
        } else {
            Some(crs.to_lon_lat().map_err(|e| {
                RejectReason::Crs(UnsupportedCrs(format!(
                    "cannot set up {}: {e}",
                    crs.label()
                )))
            })?)
        };
        Ok(Self {
            crs,
            declared,
            transform,
        })
    }

    /// One feature checked against a lon/lat CRS (a position out of range refuses the whole
    /// file), reprojected to lon/lat (a feature that cannot be is skipped), measured and
    /// checked (validity).
    ///
    /// A Gauss-Krüger file is measured in its own plane (the shoelace over its coordinates),
    /// and its ellipsoidal area is that over the point scale factor squared at the centroid:
    /// the projection is conformal, and the factor's square varies across a parcel almost
    /// linearly, so its mean is its value at the centroid (to about 1e-8 for a district of a
    /// few kilometres). Hand-written instead of Karney's geodesic area for the number
    /// (#14: a million-parcel Gauss-Krüger Shapefile ready to draw at least 3× faster than
    /// geopandas reads it): the geodesic sums took a third of the load's CPU time.
    pub(crate) fn finish(&self, mut feature: RawFeature) -> Result<Finished, RejectReason> {
        use crate::crs::Crs;
        use crate::geometry::{geodesic_area_m2, validity_problem};
        let plane = self.transform.as_ref().and_then(|transform| {
            own_plane_area(
                self.crs,
                transform,
                crate::geometry::raw_rings(&feature.polygons),
            )
        });
        if let Some(transform) = &self.transform {
            let result = feature.polygons.iter_mut().flatten().try_for_each(|ring| {
                // A closed ring's last position is its first: projected once.
                let closed = ring.len() > 1 && ring.first() == ring.last();
                let open = ring.len() - usize::from(closed);
                for p in &mut ring[..open] {
                    let (lon, lat) = transform.apply(p[0], p[1])?;
                    if lon.is_finite() && lat.is_finite() {
                        *p = [lon, lat];
                    } else {
                        return Err(format!("position {p:?} has no lon/lat"));
                    }
                }
                if closed {
                    ring[open] = ring[0];
                }
                Ok(())
            });
            if let Err(e) = result {
                return Ok(Finished::Skipped(
                    feature.feature_ref,
                    format!(
                        "cannot reproject from {}: {e}; feature skipped",
                        self.crs.label()
                    ),
                ));
            }
        } else {
            let positions = feature.polygons.iter().flatten().flatten();
            if let Some([x, y]) = first_out_of_range(positions.map(|&[x, y]| Coord { x, y })) {
                let index = feature.feature_ref.index;
                return Err(if self.declared {
                    RejectReason::OutOfRange {
                        crs: self.crs.label(),
                        feature: index,
                        x,
                        y,
                    }
                } else {
                    RejectReason::LooksProjected {
                        feature: index,
                        x,
                        y,
                        guess: Crs::guess_projected(x, y),
                    }
                });
            }
        }
        let geometry = to_multipolygon(feature.polygons);
        let area_m2 = match plane {
            Some((plane, k2)) => plane.m2 / k2,
            None => geodesic_area_m2(&geometry),
        };
        let problem = validity_problem(&geometry).map(|problem| {
            format!("invalid geometry ({problem}); loaded as it is, its area may be wrong")
        });
        Ok(Finished::Loaded(
            ImportedFeature {
                index: feature.feature_ref.index,
                id: feature.feature_ref.id,
                properties: feature.properties,
                geometry,
                area_m2,
                plane: plane.map(|(plane, _)| plane),
                valid: problem.is_none(),
            },
            problem,
        ))
    }
}

/// The plane area of a feature of a file in a Gauss-Krüger zone, in that zone, from the
/// file's coordinates (`rings`, before reprojection), with the point scale factor squared at
/// its centroid that turns it into the ellipsoidal area (see [`Finisher::finish`]). `None`
/// for a file in another CRS.
pub(crate) fn own_plane_area<'a, T: Copy + Into<[f64; 2]> + 'a>(
    crs: &crate::crs::Crs,
    transform: &crate::crs::ToLonLat,
    rings: impl IntoIterator<Item = (bool, &'a [T])>,
) -> Option<(crate::model::PlaneArea, f64)> {
    let crate::crs::Crs::GaussKruger {
        epsg,
        central_meridian_deg,
        ..
    } = crs
    else {
        return None;
    };
    let (m2, centroid) = crate::geometry::plane_area_and_centroid(rings);
    let (lon, lat) = centroid.and_then(|[x, y]| transform.apply(x, y).ok())?;
    let k = crate::geometry::gauss_kruger_scale(lon, lat, *central_meridian_deg);
    Some((crate::model::PlaneArea { epsg: *epsg, m2 }, k * k))
}

/// [`Finisher::finish`] for every feature, on all cores, the messages in file order.
pub(crate) fn finish_features(
    features: Vec<RawFeature>,
    crs: &crate::crs::Crs,
    declared: bool,
    report: &mut ImportReport,
) -> Result<Vec<ImportedFeature>, RejectReason> {
    let finisher = Finisher::new(crs, declared)?;
    let results: Vec<Finished> = features
        .into_par_iter()
        .map(|feature| finisher.finish(feature))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(results.len());
    for item in results {
        match item {
            Finished::Loaded(feature, problem) => {
                if let Some(problem) = problem {
                    report.warn(Some(feature.feature_ref()), problem);
                }
                out.push(feature);
            }
            Finished::Skipped(feature, message) => report.error(Some(feature), message),
        }
    }
    Ok(out)
}

/// Rings of one feature grouped into polygons by containment, as GDAL does for Shapefile
/// rings: a ring inside an odd number of larger rings is a hole of the smallest of them,
/// any other ring the exterior of a polygon of its own. Their order and winding in the file
/// do not matter (files that use 圈号 2+ for further parts, islands in holes, or wind their
/// rings the wrong way all read the same).
pub(crate) fn assemble_rings(rings: Vec<Vec<[f64; 2]>>) -> Vec<RawPolygon> {
    use geo::{Contains, Coord};
    if rings.len() == 1 {
        // One ring is an exterior: most parcels, and nothing to compare.
        return vec![rings];
    }
    let mut rings: Vec<(f64, Polygon<f64>, Vec<[f64; 2]>)> = rings
        .into_iter()
        .map(|ring| {
            let line = LineString::from(ring.iter().map(|&[x, y]| (x, y)).collect::<Vec<_>>());
            let polygon = Polygon::new(line, Vec::new());
            (crate::geometry::plane_ring_area(&ring), polygon, ring)
        })
        .collect();
    // Largest first: a ring can only lie inside a larger one.
    rings.sort_by(|a, b| b.0.total_cmp(&a.0));
    // For each ring: the ring it is a hole of, or `None` for an exterior.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(rings.len());
    for i in 0..rings.len() {
        let inside = |j: usize| {
            // A vertex strictly inside decides; rings touching at a vertex share it.
            rings[i]
                .2
                .iter()
                .map(|&[x, y]| Coord { x, y })
                .find(|c| !rings[j].1.exterior().0.contains(c))
                .is_some_and(|c| rings[j].1.contains(&c))
        };
        let containers: Vec<usize> = (0..i).filter(|&j| inside(j)).collect();
        parent.push(if containers.len() % 2 == 1 {
            // The innermost container is the smallest, the last one in this order.
            containers.last().copied()
        } else {
            None
        });
    }
    let mut polygons: Vec<RawPolygon> = Vec::new();
    let mut polygon_of: Vec<Option<usize>> = vec![None; rings.len()];
    let mut taken: Vec<Option<Vec<[f64; 2]>>> =
        rings.into_iter().map(|(_, _, ring)| Some(ring)).collect();
    for i in 0..taken.len() {
        if parent[i].is_none() {
            polygon_of[i] = Some(polygons.len());
            polygons.push(vec![taken[i].take().unwrap_or_default()]);
        }
    }
    for i in 0..taken.len() {
        if let Some(p) = parent[i].and_then(|outer| polygon_of[outer])
            && let Some(ring) = taken[i].take()
        {
            polygons[p].push(ring);
        }
    }
    polygons
}

/// A whole-file reader's result with its report's totals filled in, or its rejection.
pub(crate) fn whole_file_import(
    read: Result<Vec<ImportedFeature>, RejectReason>,
    mut report: ImportReport,
) -> Result<Import, Box<Rejected>> {
    match read {
        Ok(features) => {
            report.features_loaded = features.len();
            report.skipped = report.features_read.saturating_sub(features.len());
            report.invalid_geometries = features.iter().filter(|f| !f.valid).count();
            report.area_m2 = features.iter().map(|f| f.area_m2).sum();
            Ok(Import { features, report })
        }
        Err(reason) => Err(Box::new(Rejected { reason, report })),
    }
}
