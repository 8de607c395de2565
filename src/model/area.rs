//! The two areas of a polygon and which one the figures use.
//!
//! The land survey (三调, 年度变更调查) reports ellipsoidal areas; real-estate registration and
//! land approval use plane areas in the CGCS2000 3° Gauss-Krüger zone. Every district and
//! parcel carries both ([`Areas`]), and the park's [`AreaBasis`] says which one its figures
//! use: [`super::Park::set_area_basis`] is the one place that chooses, so that the legend, the
//! tables, 统计, the CLI and the exports never disagree.

use super::Lang;
use geo::MultiPolygon;

coded_enum! {
    /// Which area the figures use (面积口径).
    pub enum AreaBasis {
        /// 投影面积: in the CGCS2000 3° Gauss-Krüger zone, as in real-estate registration.
        Plane => ("plane", "投影面积", "plane area"),
        /// 椭球面积: on the CGCS2000 ellipsoid (Karney), as in the land survey.
        Ellipsoidal => ("ellipsoidal", "椭球面积", "ellipsoidal area"),
    }
}

impl Default for AreaBasis {
    /// The plane area, as in real-estate registration.
    fn default() -> Self {
        Self::Plane
    }
}

impl AreaBasis {
    /// The basis named in full, for a figure's caption.
    #[must_use]
    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            Self::Plane => lang.pick(
                "投影面积（CGCS2000 高斯-克吕格 3° 带）",
                "plane area (CGCS2000 3° Gauss-Krüger zone)",
            ),
            Self::Ellipsoidal => lang.pick(
                "椭球面积（CGCS2000 椭球）",
                "ellipsoidal area (CGCS2000 ellipsoid)",
            ),
        }
    }

    /// What the figures' areas are, for a caption beside them: the basis, and how many
    /// parcels lack a plane area (outside China's zones), so that their ellipsoidal area
    /// stands in.
    #[must_use]
    pub fn caption(self, outside_zones: usize, lang: Lang) -> String {
        let basis = self.describe(lang);
        let outside = match self {
            Self::Plane => outside_zones,
            Self::Ellipsoidal => 0,
        };
        match (outside, lang) {
            (0, Lang::Zh) => format!("面积口径：{basis}"),
            (0, Lang::En) => format!("Areas: {basis}"),
            (n, Lang::Zh) => format!("面积口径：{basis}；{n} 宗不在分带内，用椭球面积"),
            (n, Lang::En) => {
                format!("Areas: {basis}; {n} parcels outside the zones use their ellipsoidal area")
            }
        }
    }
}

/// A plane area in a CGCS2000 Gauss-Krüger zone: the 3° zone of the polygon's middle, or the
/// zone of the file it was read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaneArea {
    /// The zone's EPSG code (4491–4554).
    pub epsg: u32,
    pub m2: f64,
}

impl PlaneArea {
    /// The zone's width in degrees (3 or 6) and number (3° zones 25–45, 6° zones 13–23),
    /// whether its EPSG code puts the number in the easting or not.
    #[must_use]
    pub fn zone(self) -> (u32, u32) {
        match self.epsg {
            4491..=4501 => (6, self.epsg - 4478),
            4502..=4512 => (6, 13 + (self.epsg - 4502)),
            4534..=4554 => (3, 25 + (self.epsg - 4534)),
            _ => (3, self.epsg.saturating_sub(4488)),
        }
    }

    /// The zone named for people: 高斯-克吕格 3° 带 36 (EPSG:4524).
    #[must_use]
    pub fn describe_zone(self, lang: Lang) -> String {
        let (width, zone) = self.zone();
        match lang {
            Lang::Zh => format!("高斯-克吕格 {width}° 带 {zone} (EPSG:{})", self.epsg),
            Lang::En => format!("Gauss-Krüger {width}° zone {zone} (EPSG:{})", self.epsg),
        }
    }
}

/// Both areas of a polygon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Areas {
    /// On the ellipsoid (Karney), holes subtracted.
    pub ellipsoidal_m2: f64,
    /// In the 3° zone of the polygon's middle; `None` outside China's zones.
    pub plane: Option<PlaneArea>,
}

impl Areas {
    /// Both areas of a polygon whose ellipsoidal area is known.
    #[must_use]
    pub fn measure(geometry: &MultiPolygon<f64>, ellipsoidal_m2: f64) -> Self {
        let plane =
            crate::geometry::plane_area_m2(geometry, ellipsoidal_m2).and_then(|(zone, m2)| {
                match zone {
                    crate::crs::Crs::GaussKruger { epsg, .. } => Some(PlaneArea { epsg, m2 }),
                    _ => None,
                }
            });
        Self {
            ellipsoidal_m2,
            plane,
        }
    }

    /// The area on a basis. A polygon outside every zone has no plane area: its ellipsoidal
    /// area stands in (see [`super::Park::outside_zones`]).
    #[must_use]
    pub fn on(self, basis: AreaBasis) -> f64 {
        match (basis, self.plane) {
            (AreaBasis::Plane, Some(plane)) => plane.m2,
            _ => self.ellipsoidal_m2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn the_basis_picks_the_area_and_falls_back_outside_the_zones() {
        // 1° east of zone 36's central meridian (108°E): the plane area is 0.0215% larger.
        let near = MultiPolygon::new(vec![polygon![
            (x: 107.0, y: 33.0), (x: 107.001, y: 33.0), (x: 107.001, y: 33.001), (x: 107.0, y: 33.001)
        ]]);
        let areas = Areas::measure(&near, crate::geometry::geodesic_area_m2(&near));
        let plane = areas.plane.expect("in zone 36");
        assert_eq!((plane.epsg, plane.zone()), (4524, (3, 36)));
        // The same zones by central meridian, and 6° zones, both ways.
        let zone = |epsg| PlaneArea { epsg, m2: 0.0 }.zone();
        assert_eq!(zone(4545), (3, 36)); // CM 108°E
        assert_eq!(zone(4496), (6, 18)); // zone 18 in the easting, CM 105°E
        assert_eq!(zone(4507), (6, 18)); // CM 105°E
        assert_eq!(
            PlaneArea {
                epsg: 4545,
                m2: 0.0
            }
            .describe_zone(Lang::Zh),
            "高斯-克吕格 3° 带 36 (EPSG:4545)"
        );
        assert!(
            (areas.on(AreaBasis::Plane) / areas.on(AreaBasis::Ellipsoidal) - 1.000_215).abs()
                < 1e-6
        );
        // Greenwich is in no CGCS2000 zone: both bases give the ellipsoidal area.
        let far = MultiPolygon::new(vec![polygon![
            (x: 0.0, y: 51.0), (x: 0.001, y: 51.0), (x: 0.001, y: 51.001), (x: 0.0, y: 51.001)
        ]]);
        let areas = Areas::measure(&far, crate::geometry::geodesic_area_m2(&far));
        assert_eq!(areas.plane, None);
        assert_eq!(
            areas.on(AreaBasis::Plane).to_bits(),
            areas.ellipsoidal_m2.to_bits()
        );
        assert_eq!(AreaBasis::default(), AreaBasis::Plane);
        assert_eq!(AreaBasis::parse("椭球面积"), Some(AreaBasis::Ellipsoidal));
    }
}
