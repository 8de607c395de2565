//! Coordinate reference systems: what a `GeoJSON` file may declare, and the map's projection.
//!
//! Files are read into lon/lat degrees (WGS84 / CGCS2000, which agree to centimetres). A legacy
//! `crs` member naming a CGCS2000 Gauss-Krüger zone or Web Mercator is reprojected with
//! proj4rs from the proj strings in [`Crs::proj_string`]; anything else is refused by name.
//! The map draws in Web Mercator metres ([`web_mercator`]).

mod kruger;
pub mod web_mercator;
mod wkt;

pub use kruger::KrugerInverse;

pub use wkt::{PrjError, from_wkt};

use proj4rs::Proj;

/// A coordinate reference system Parkland can read.
#[derive(Debug, Clone, PartialEq)]
pub enum Crs {
    /// Longitude/latitude in degrees: no `crs` member, CRS84, EPSG:4326 or EPSG:4490.
    LonLat {
        /// How the file named it (`OGC:CRS84`, `EPSG:4326`, ...).
        name: String,
    },
    /// CGCS2000 Gauss-Krüger, EPSG:4491–4554 (3° and 6° zones).
    GaussKruger {
        epsg: u32,
        central_meridian_deg: f64,
        false_easting_m: f64,
    },
    /// EPSG:3857, spherical Web Mercator.
    WebMercator,
}

/// A `crs` name Parkland does not know how to read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unsupported CRS \"{0}\": Parkland reads lon/lat (CRS84, EPSG:4326, EPSG:4490), \
     CGCS2000 Gauss-Krüger (EPSG:4491–4554) and EPSG:3857; reproject the file to EPSG:4326"
)]
pub struct UnsupportedCrs(pub String);

impl Crs {
    /// The default of RFC 7946: lon/lat with no `crs` member.
    #[must_use]
    pub fn default_lon_lat() -> Self {
        Self::LonLat {
            name: "OGC:CRS84".to_owned(),
        }
    }

    /// The CRS for an EPSG code, if Parkland supports it.
    #[must_use]
    pub fn from_epsg(code: u32) -> Option<Self> {
        let gauss_kruger = |central_meridian_deg: f64, false_easting_m: f64| Crs::GaussKruger {
            epsg: code,
            central_meridian_deg,
            false_easting_m,
        };
        match code {
            4326 | 4490 | 4258 | 4269 => Some(Self::LonLat {
                name: format!("EPSG:{code}"),
            }),
            3857 | 900_913 | 3785 | 102_100 => Some(Self::WebMercator),
            // 6° zones 13–23 with the zone number in the false easting.
            4491..=4501 => {
                let zone = f64::from(code - 4478);
                Some(gauss_kruger(zone * 6.0 - 3.0, zone * 1e6 + 500_000.0))
            }
            // 6° zones by central meridian 75°E–135°E.
            4502..=4512 => Some(gauss_kruger(75.0 + 6.0 * f64::from(code - 4502), 500_000.0)),
            // 3° zones 25–45 with the zone number in the false easting.
            4513..=4533 => {
                let zone = f64::from(code - 4488);
                Some(gauss_kruger(zone * 3.0, zone * 1e6 + 500_000.0))
            }
            // 3° zones by central meridian 75°E–135°E.
            4534..=4554 => Some(gauss_kruger(75.0 + 3.0 * f64::from(code - 4534), 500_000.0)),
            _ => None,
        }
    }

    /// Reads the name in a legacy `GeoJSON` `crs` member, e.g. `urn:ogc:def:crs:EPSG::4527`,
    /// `EPSG:4490` or `urn:ogc:def:crs:OGC:1.3:CRS84`.
    pub fn from_name(name: &str) -> Result<Self, UnsupportedCrs> {
        let trimmed = name.trim();
        let upper = trimmed.to_ascii_uppercase();
        if upper.ends_with("CRS84") || upper.ends_with("CRS:84") {
            return Ok(Self::LonLat {
                name: "OGC:CRS84".to_owned(),
            });
        }
        let code = upper
            .rsplit([':', '/'])
            .next()
            .filter(|_| upper.contains("EPSG"))
            .and_then(|tail| tail.parse::<u32>().ok());
        code.and_then(Self::from_epsg)
            .ok_or_else(|| UnsupportedCrs(trimmed.to_owned()))
    }

    /// True when coordinates are already lon/lat degrees.
    #[must_use]
    pub fn is_lon_lat(&self) -> bool {
        matches!(self, Self::LonLat { .. })
    }

    /// A short name for reports: `OGC:CRS84`, `EPSG:4527`, `EPSG:3857`.
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::LonLat { name } => name.clone(),
            Self::GaussKruger { epsg, .. } => format!("EPSG:{epsg}"),
            Self::WebMercator => "EPSG:3857".to_owned(),
        }
    }

    /// The proj string of a projected CRS (our own table; no EPSG database is needed).
    #[must_use]
    pub fn proj_string(&self) -> Option<String> {
        match self {
            Self::LonLat { .. } => None,
            Self::GaussKruger {
                central_meridian_deg,
                false_easting_m,
                ..
            } => Some(format!(
                "+proj=tmerc +lat_0=0 +lon_0={central_meridian_deg} +k=1 +x_0={false_easting_m} \
                 +y_0=0 +ellps=GRS80 +units=m +no_defs"
            )),
            Self::WebMercator => Some(
                "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 \
                 +units=m +no_defs"
                    .to_owned(),
            ),
        }
    }

    /// A transform from this CRS to lon/lat degrees: a Gauss-Krüger zone by Krüger's series
    /// ([`KrugerInverse`]), Web Mercator by proj4rs.
    pub fn to_lon_lat(&self) -> Result<ToLonLat, String> {
        if let Self::GaussKruger {
            central_meridian_deg,
            false_easting_m,
            ..
        } = self
        {
            return Ok(ToLonLat::Kruger(KrugerInverse::new(
                *central_meridian_deg,
                *false_easting_m,
            )));
        }
        let Some(source) = self.proj_string() else {
            return Ok(ToLonLat::Identity);
        };
        let from = Proj::from_proj_string(&source).map_err(|e| format!("{source}: {e}"))?;
        let to = Proj::from_proj_string("+proj=longlat +ellps=GRS80 +no_defs")
            .map_err(|e| e.to_string())?;
        Ok(ToLonLat::Proj(Box::new((from, to))))
    }

    /// The CGCS2000 3° Gauss-Krüger zone (with the zone number in the easting,
    /// EPSG:4513–4533) whose central meridian is nearest to `lon`, if China has one there.
    ///
    /// ```
    /// use parkland::crs::Crs;
    /// assert_eq!(Crs::gauss_kruger_3deg_zone(107.02).map(|c| c.label()), Some("EPSG:4524".to_owned()));
    /// assert!(Crs::gauss_kruger_3deg_zone(2.35).is_none());
    /// ```
    #[must_use]
    pub fn gauss_kruger_3deg_zone(lon: f64) -> Option<Self> {
        let zone = (lon / 3.0).round();
        if !(25.0..=45.0).contains(&zone) {
            return None;
        }
        Self::from_epsg(4488 + zone as u32)
    }

    /// A transform from lon/lat degrees to this CRS.
    pub fn from_lon_lat(&self) -> Result<FromLonLat, String> {
        let Some(target) = self.proj_string() else {
            return Ok(FromLonLat { projs: None });
        };
        let from = Proj::from_proj_string("+proj=longlat +ellps=GRS80 +no_defs")
            .map_err(|e| e.to_string())?;
        let to = Proj::from_proj_string(&target).map_err(|e| format!("{target}: {e}"))?;
        Ok(FromLonLat {
            projs: Some((from, to)),
        })
    }

    /// The CRSs projected coordinates with no CRS can be in, likeliest first: an easting of
    /// eight digits names its zone (3° zones 25–45, 6° zones 13–23); one of six digits needs
    /// a central meridian, the park's first (108°E, EPSG:4545), then its neighbours; anything
    /// else may be Web Mercator.
    ///
    /// ```
    /// use parkland::crs::Crs;
    /// let labels = |x, y| Crs::suggestions(x, y).iter().map(Crs::label).collect::<Vec<_>>();
    /// assert_eq!(labels(36_408_576.0, 3_653_229.0), ["EPSG:4524"]);
    /// assert_eq!(labels(408_576.0, 3_653_229.0)[0], "EPSG:4545");
    /// ```
    #[must_use]
    pub fn suggestions(x: f64, y: f64) -> Vec<Self> {
        let codes: Vec<u32> = if (1.3e7..4.6e7).contains(&x) && (0.0..1.0e7).contains(&y) {
            let zone = (x / 1e6).floor() as u32;
            match zone {
                25..=45 => vec![4488 + zone],
                13..=23 => vec![4478 + zone],
                _ => Vec::new(),
            }
        } else if (0.0..1.0e6).contains(&x) && (0.0..1.0e7).contains(&y) {
            vec![4545, 4544, 4546, 4507]
        } else {
            vec![3857]
        };
        codes.into_iter().filter_map(Self::from_epsg).collect()
    }

    /// For coordinates that are clearly not lon/lat, the CRS they probably are in.
    #[must_use]
    pub fn guess_projected(x: f64, y: f64) -> &'static str {
        if (1.3e7..4.6e7).contains(&x) && (0.0..1.0e7).contains(&y) {
            "a CGCS2000 Gauss-Krüger zone with the zone number in the easting (EPSG:4513–4533 for 3° zones)"
        } else if (0.0..1.0e6).contains(&x) && (1.0e6..6.0e6).contains(&y) {
            "a CGCS2000 Gauss-Krüger zone by central meridian (EPSG:4534–4554) or Web Mercator (EPSG:3857)"
        } else {
            "Web Mercator (EPSG:3857) or a CGCS2000 Gauss-Krüger zone (EPSG:4513–4554)"
        }
    }
}

/// A ready transform from a file's CRS to lon/lat degrees.
pub enum ToLonLat {
    /// Already lon/lat.
    Identity,
    /// A CGCS2000 Gauss-Krüger zone.
    Kruger(KrugerInverse),
    /// Anything else proj4rs projects (Web Mercator).
    Proj(Box<(Proj, Proj)>),
}

impl ToLonLat {
    /// Lon/lat degrees of one position in the source CRS.
    pub fn apply(&self, x: f64, y: f64) -> Result<(f64, f64), String> {
        match self {
            Self::Identity => Ok((x, y)),
            Self::Kruger(inverse) => inverse.apply(x, y).ok_or_else(|| {
                format!(
                    "({x}, {y}) lies beyond the zone's projection (an easting of another zone?)"
                )
            }),
            Self::Proj(projs) => {
                let (from, to) = projs.as_ref();
                let mut point = (x, y, 0.0);
                proj4rs::transform::transform(from, to, &mut point).map_err(|e| e.to_string())?;
                Ok((point.0.to_degrees(), point.1.to_degrees()))
            }
        }
    }
}

/// A ready transform from lon/lat degrees to a CRS.
pub struct FromLonLat {
    projs: Option<(Proj, Proj)>,
}

impl FromLonLat {
    /// The position in the target CRS of lon/lat degrees.
    pub fn apply(&self, lon: f64, lat: f64) -> Result<(f64, f64), String> {
        let Some((from, to)) = &self.projs else {
            return Ok((lon, lat));
        };
        let mut point = (lon.to_radians(), lat.to_radians(), 0.0);
        proj4rs::transform::transform(from, to, &mut point).map_err(|e| e.to_string())?;
        Ok((point.0, point.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_legacy_crs_members_are_recognised() {
        assert!(Crs::from_name("urn:ogc:def:crs:OGC:1.3:CRS84").is_ok_and(|c| c.is_lon_lat()));
        assert!(Crs::from_name("EPSG:4490").is_ok_and(|c| c.is_lon_lat()));
        assert_eq!(
            Crs::from_name("urn:ogc:def:crs:EPSG::3857"),
            Ok(Crs::WebMercator)
        );
        assert_eq!(
            Crs::from_name("EPSG:4527").map(|c| c.label()),
            Ok("EPSG:4527".to_owned())
        );
        let Err(err) = Crs::from_name("urn:ogc:def:crs:EPSG::2154") else {
            panic!("EPSG:2154 (Lambert-93) is not supported");
        };
        assert!(err.to_string().contains("EPSG::2154"), "{err}");
    }

    #[test]
    fn gauss_kruger_zones_have_the_right_meridians() {
        let Some(Crs::GaussKruger {
            central_meridian_deg,
            false_easting_m,
            ..
        }) = Crs::from_epsg(4524)
        else {
            panic!("EPSG:4524 is a GK zone");
        };
        assert_eq!(
            (central_meridian_deg, false_easting_m),
            (108.0, 36_500_000.0)
        );
        let Some(Crs::GaussKruger {
            central_meridian_deg,
            false_easting_m,
            ..
        }) = Crs::from_epsg(4545)
        else {
            panic!("EPSG:4545 is a GK zone");
        };
        assert_eq!((central_meridian_deg, false_easting_m), (108.0, 500_000.0));
        assert!(Crs::from_epsg(4555).is_none());
    }

    #[test]
    fn lon_lat_to_gauss_kruger_and_back() {
        let Some(crs) = Crs::gauss_kruger_3deg_zone(107.02) else {
            panic!("zone 36 exists");
        };
        let (Ok(forward), Ok(inverse)) = (crs.from_lon_lat(), crs.to_lon_lat()) else {
            panic!("proj strings parse");
        };
        // The inverse of the PROJ reference in the test below.
        let Ok((x, y)) = forward.apply(108.0, 32.994_202_727) else {
            panic!("forward");
        };
        assert!(
            (x - 36_500_000.0).abs() < 1e-3 && (y - 3_652_105.1).abs() < 2e-3,
            "{x} {y}"
        );
        let Ok((x, y)) = forward.apply(107.021_736_3, 33.000_507_3) else {
            panic!("forward");
        };
        let Ok((lon, lat)) = inverse.apply(x, y) else {
            panic!("inverse");
        };
        assert!(
            (lon - 107.021_736_3).abs() < 1e-10 && (lat - 33.000_507_3).abs() < 1e-10,
            "{lon} {lat}"
        );
    }

    #[test]
    fn central_meridian_maps_to_the_false_easting() {
        let Some(crs) = Crs::from_epsg(4524) else {
            panic!("known zone")
        };
        let Ok(transform) = crs.to_lon_lat() else {
            panic!("proj string parses")
        };
        let Ok((lon, lat)) = transform.apply(36_500_000.0, 0.0) else {
            panic!("transform")
        };
        assert!(
            (lon - 108.0).abs() < 1e-9 && lat.abs() < 1e-9,
            "{lon} {lat}"
        );
        // Along the central meridian northing is the GRS80 meridian arc; reference from
        // PROJ (pyproj, EPSG:4524 → EPSG:4490): 3,652,105.1 m north is 32.994202727°N.
        let Ok((lon, lat)) = transform.apply(36_500_000.0, 3_652_105.1) else {
            panic!("transform")
        };
        assert!(
            (lon - 108.0).abs() < 1e-9 && (lat - 32.994_202_727).abs() < 1e-8,
            "{lon} {lat}"
        );
    }
}
