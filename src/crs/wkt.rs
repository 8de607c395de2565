//! The CRS of a Shapefile's `.prj`: ESRI WKT, OGC WKT1 or WKT2, as the tools a Chinese land
//! office uses write it (`ArcGIS`, QGIS and GDAL, `GeoTools`, 南方 `CASS`, `EPS`).
//!
//! What is recognised: WGS 84 and CGCS2000 geographic; CGCS2000 3° and 6° Gauss-Krüger zones,
//! by an EPSG code, by name (`CGCS2000_3_Degree_GK_Zone_36`, `CGCS2000_3_Degree_GK_CM_108E`,
//! `CGCS2000 / 3-degree Gauss-Kruger CM 108E`) or by the projection's central meridian and
//! false easting (with or without the zone number in front); Web Mercator. Xian 1980 and
//! Beijing 1954 are refused by name: there is no public transformation from them to CGCS2000.

use super::{Crs, UnsupportedCrs};

/// Why a `.prj` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrjError {
    /// A datum with no public transformation to CGCS2000.
    #[error(
        "the coordinates are in {datum}, which has no public transformation to CGCS2000: \
         convert the file to CGCS2000 (EPSG:4490 or its Gauss-Krüger zone) with the office's own \
         transformation parameters (e.g. in ArcGIS or QGIS), then open it again"
    )]
    NoTransformation { datum: &'static str },
    #[error(transparent)]
    Unsupported(#[from] UnsupportedCrs),
}

/// The CRS a `.prj` (or any WKT) describes.
///
/// ```
/// use parkland::crs::{Crs, from_wkt};
/// let prj = r#"PROJCS["CGCS2000_3_Degree_GK_CM_108E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",108.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
/// assert_eq!(from_wkt(prj).unwrap().label(), "EPSG:4545");
/// ```
pub fn from_wkt(wkt: &str) -> Result<Crs, PrjError> {
    let text = wkt.trim().trim_start_matches('\u{feff}');
    let squeezed = squeeze(text);
    let projected = squeezed.starts_with("PROJCS[")
        || squeezed.starts_with("PROJCRS[")
        || squeezed.starts_with("PROJECTEDCRS[");
    if let Some(datum) = legacy_datum(&squeezed) {
        return Err(PrjError::NoTransformation { datum });
    }
    // The outermost authority code names the whole CRS: in WKT1 it is the last AUTHORITY, in
    // WKT2 the last ID.
    if let Some(code) = last_epsg_code(&squeezed)
        && let Some(crs) = Crs::from_epsg(code)
        && (projected != crs.is_lon_lat())
    {
        return Ok(crs);
    }
    let cgcs2000 = [
        "CGCS2000",
        "CGCS_2000",
        "CHINA_2000",
        "CHINA_GEODETIC_COORDINATE_SYSTEM_2000",
    ]
    .iter()
    .any(|n| squeezed.contains(n));
    if !projected {
        if cgcs2000 {
            return Ok(Crs::LonLat {
                name: "EPSG:4490".to_owned(),
            });
        }
        if squeezed.contains("WGS_1984")
            || squeezed.contains("WGS84")
            || squeezed.contains("WGS_84")
        {
            return Ok(Crs::LonLat {
                name: "EPSG:4326".to_owned(),
            });
        }
        return Err(unsupported(text));
    }
    if squeezed.contains("MERCATOR_AUXILIARY_SPHERE")
        || squeezed.contains("PSEUDO_MERCATOR")
        || squeezed.contains("POPULAR_VISUALISATION")
    {
        return Ok(Crs::WebMercator);
    }
    if !cgcs2000 {
        return Err(unsupported(text));
    }
    let transverse = ["TRANSVERSE_MERCATOR", "GAUSS_KRUGER", "GAUSS_KRÜGER"]
        .iter()
        .any(|n| squeezed.contains(n));
    let central_meridian = parameter(&squeezed, "CENTRAL_MERIDIAN")
        .or_else(|| parameter(&squeezed, "LONGITUDE_OF_NATURAL_ORIGIN"))
        .or_else(|| name_number(&squeezed, "_CM_"));
    let false_easting = parameter(&squeezed, "FALSE_EASTING");
    let zone = name_number(&squeezed, "_ZONE_");
    let six_degree = squeezed.contains("6_DEGREE");
    let crs = match (central_meridian, false_easting, zone) {
        (Some(cm), Some(fe), _) if transverse => gauss_kruger(cm, fe, six_degree),
        // Names alone: `..._GK_Zone_36` (zone number in the easting), `..._GK_CM_108E`.
        (None, _, Some(zone)) => {
            let code = if six_degree {
                4478.0 + zone
            } else {
                4488.0 + zone
            };
            code_crs(code)
        }
        (Some(cm), None, None) => gauss_kruger(cm, 500_000.0, six_degree),
        _ => None,
    };
    crs.ok_or_else(|| unsupported(text))
}

/// The WKT in upper case without whitespace between its tokens, and with spaces and hyphens
/// inside names turned to `_`, so that ESRI's, GDAL's and WKT2's spellings of a name meet:
/// `"3-degree Gauss-Kruger CM 108E"` → `"3_DEGREE_GAUSS_KRUGER_CM_108E"`.
fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            c if quoted && (c.is_whitespace() || c == '-') => out.push('_'),
            c if c.is_whitespace() => {}
            c => out.extend(c.to_uppercase()),
        }
    }
    out
}

fn unsupported(text: &str) -> PrjError {
    let name = text
        .split('"')
        .nth(1)
        .filter(|n| !n.is_empty())
        .unwrap_or(text);
    PrjError::Unsupported(UnsupportedCrs(name.to_owned()))
}

/// Xian 1980 or Beijing 1954 by the names their WKT uses.
fn legacy_datum(squeezed: &str) -> Option<&'static str> {
    if [
        "XIAN_1980",
        "XI_AN_1980",
        "XIAN1980",
        "XI'AN_1980",
        "D_XIAN",
    ]
    .iter()
    .any(|n| squeezed.contains(n))
    {
        Some("Xian 1980 (西安80)")
    } else if ["BEIJING_1954", "BEIJING1954", "D_BEIJING"]
        .iter()
        .any(|n| squeezed.contains(n))
    {
        Some("Beijing 1954 (北京54)")
    } else {
        None
    }
}

/// The last `AUTHORITY["EPSG","N"]` or `ID["EPSG",N]`.
fn last_epsg_code(squeezed: &str) -> Option<u32> {
    let at = squeezed
        .rfind("AUTHORITY[\"EPSG\",")
        .map(|i| i + "AUTHORITY[\"EPSG\",".len())
        .max(
            squeezed
                .rfind("ID[\"EPSG\",")
                .map(|i| i + "ID[\"EPSG\",".len()),
        )?;
    let digits: String = squeezed[at..]
        .trim_start_matches('"')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The value of `PARAMETER["NAME",value]` (WKT1) or `PARAMETER["Name",value,...]` (WKT2).
fn parameter(squeezed: &str, name: &str) -> Option<f64> {
    let key = format!("PARAMETER[\"{name}\",");
    let at = squeezed.find(&key)? + key.len();
    let value: String = squeezed[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'E'))
        .collect();
    value.parse().ok()
}

/// The number after `marker` in a name: `_ZONE_36` → 36, `_CM_108E` → 108.
fn name_number(squeezed: &str, marker: &str) -> Option<f64> {
    let at = squeezed.find(marker)? + marker.len();
    let digits: String = squeezed[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn code_crs(code: f64) -> Option<Crs> {
    (code.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&code))
        .then(|| Crs::from_epsg(code as u32))
        .flatten()
}

/// The CGCS2000 Gauss-Krüger zone with this central meridian and false easting.
fn gauss_kruger(cm: f64, fe: f64, six_degree: bool) -> Option<Crs> {
    let zone_prefix = ((fe - 500_000.0) / 1e6).round();
    if (fe - 500_000.0).abs() < 1e-6 {
        // By central meridian: 3° zones are CMs 75..135 in steps of 3; 6° zones 75..135 in
        // steps of 6 starting at 75. A CM on both grids is taken as 3° unless named 6°.
        let three = (cm - 75.0) / 3.0;
        let six = (cm - 75.0) / 6.0;
        if six_degree && six.fract() == 0.0 {
            return code_crs(4502.0 + six);
        }
        if three.fract() == 0.0 {
            return code_crs(4534.0 + three);
        }
        return None;
    }
    if (fe - (zone_prefix * 1e6 + 500_000.0)).abs() > 1e-6 {
        return None;
    }
    if (cm - zone_prefix * 3.0).abs() < 1e-9 && !six_degree {
        code_crs(4488.0 + zone_prefix)
    } else if (cm - (zone_prefix * 6.0 - 3.0)).abs() < 1e-9 {
        code_crs(4478.0 + zone_prefix)
    } else {
        None
    }
}

impl Crs {
    /// The ESRI WKT of a CGCS2000 Gauss-Krüger zone, as `ArcGIS` writes it in a `.prj` (and as
    /// [`crate::crs::from_wkt`] reads it back).
    #[must_use]
    pub fn esri_wkt(&self) -> Option<String> {
        let Self::GaussKruger {
            epsg,
            central_meridian_deg,
            false_easting_m,
        } = *self
        else {
            return None;
        };
        let degree = if (4491..=4512).contains(&epsg) { 6 } else { 3 };
        let name = if false_easting_m > 1e6 {
            format!(
                "CGCS2000_{degree}_Degree_GK_Zone_{}",
                ((false_easting_m - 500_000.0) / 1e6).round()
            )
        } else {
            format!("CGCS2000_{degree}_Degree_GK_CM_{central_meridian_deg}E")
        };
        Some(format!(
            "PROJCS[\"{name}\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",\
             DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],\
             PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],\
             PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",{false_easting_m:.1}],\
             PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",{central_meridian_deg:.1}],\
             PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(wkt: &str) -> String {
        from_wkt(wkt).map_or_else(|e| format!("error: {e}"), |c| c.label())
    }

    #[test]
    fn chinese_projected_crs_are_recognised_by_code_name_or_parameters() {
        let esri_zone = r#"PROJCS["CGCS2000_3_Degree_GK_Zone_36",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",36500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",108.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(label(esri_zone), "EPSG:4524");
        let gdal = r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 108E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",108],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","4545"]]"#;
        assert_eq!(label(gdal), "EPSG:4545");
        // Names only, no parameters.
        assert_eq!(
            label(
                r#"PROJCS["CGCS2000_3_Degree_GK_Zone_38",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000"]]"#
            ),
            "EPSG:4526"
        );
        // 6° zone 18 with its prefix (CM 105°E).
        let six = r#"PROJCS["CGCS2000_6_Degree_GK_Zone_18",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",18500000.0],PARAMETER["Central_Meridian",105.0],UNIT["Meter",1.0]]"#;
        assert_eq!(label(six), "EPSG:4496");
        let wkt2 = r#"PROJCRS["CGCS2000 / 3-degree Gauss-Kruger zone 36",BASEGEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101]]],CONVERSION["3-degree Gauss-Kruger zone 36",METHOD["Transverse Mercator"],PARAMETER["Longitude of natural origin",108],PARAMETER["False easting",36500000]],ID["EPSG",4524]]"#;
        assert_eq!(label(wkt2), "EPSG:4524");
    }

    #[test]
    fn geographic_and_web_mercator_are_recognised() {
        let geotools = "GEOGCS[\"WGS84\", \n  DATUM[\"WGS84\", \n    SPHEROID[\"WGS84\", 6378137.0, 298.257223563]], \n  PRIMEM[\"Greenwich\", 0.0], \n  UNIT[\"degree\", 0.017453292519943295], \n  AXIS[\"Lon\", EAST], \n  AXIS[\"Lat\", NORTH]]";
        assert_eq!(label(geotools), "EPSG:4326");
        assert_eq!(
            label(
                r#"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#
            ),
            "EPSG:4490"
        );
        assert_eq!(
            label(
                r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Mercator_Auxiliary_Sphere"]]"#
            ),
            "EPSG:3857"
        );
    }

    #[test]
    fn xian_1980_and_beijing_1954_are_refused_with_what_to_do() {
        let beijing = r#"PROJCS["Beijing_1954_3_Degree_GK_CM_114E",GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["Central_Meridian",114.0]]"#;
        let message = label(beijing);
        assert!(message.contains("Beijing 1954"), "{message}");
        assert!(message.contains("transformation parameters"), "{message}");
        let xian = r#"PROJCS["Xian_1980_3_Degree_GK_Zone_36",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]]]]"#;
        assert!(label(xian).contains("Xian 1980"));
        // Something else entirely is named.
        let utm = r#"PROJCS["WGS_1984_UTM_Zone_49N",GEOGCS["GCS_WGS_1984"],PROJECTION["Transverse_Mercator"]]"#;
        assert!(
            label(utm).contains("WGS_1984_UTM_Zone_49N"),
            "{}",
            label(utm)
        );
    }
}
