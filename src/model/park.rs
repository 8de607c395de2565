//! Districts and parcels, and the park that holds them. How a file's features become
//! districts and parcels is the readers' business (`formats::to_model`): the model reads no
//! file.

use super::{AreaBasis, Areas, Lang};
use crate::report::ImportReport;
use geo::{BoundingRect, Contains, InteriorPoint, MultiPolygon, Rect};
use rayon::prelude::*;
use std::collections::HashSet;

/// A district of "one park, three districts" (片区 / 工业区 / 新区).
#[derive(Debug, Clone)]
pub struct District {
    /// Stable code, e.g. `LJ`.
    pub code: String,
    /// Chinese name, e.g. 两江工业区.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Lon/lat degrees.
    pub geometry: MultiPolygon<f64>,
    /// Both areas.
    pub areas: Areas,
    /// The area the figures use: one of [`Self::areas`], on the park's [`AreaBasis`]
    /// ([`Park::set_area_basis`]).
    pub area_m2: f64,
    pub valid: bool,
}

impl District {
    /// The name in the interface language.
    #[must_use]
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.name,
            Lang::En => &self.name_en,
        }
    }
}

coded_enum! {
    /// Use status of a parcel as the parcel file records it.
    pub enum ParcelStatus {
        /// 在用
        InUse => ("in_use", "在用", "In use"),
        /// 闲置
        Idle => ("idle", "闲置", "Idle"),
        /// 低效
        LowEfficiency => ("low_efficiency", "低效", "Low efficiency"),
        /// 已盘活
        Revitalized => ("revitalized", "已盘活", "Revitalized"),
    }
}

impl ParcelStatus {
    /// Idle or low-efficiency: what the ledger is about.
    #[must_use]
    pub fn is_idle_or_low(self) -> bool {
        matches!(self, Self::Idle | Self::LowEfficiency)
    }
}

/// The properties a parcel is read from; a parcel file's other properties are not kept.
pub const PARCEL_PROPERTIES: &[&str] = &[
    "parcel_no",
    "parcel_id",
    "district",
    "holder",
    "owner",
    "land_use",
    "supplied_on",
    // `supplied_on` cut to a Shapefile's 10-character field names.
    "supplied_o",
    "status",
];

/// A parcel (宗地) with its attributes and true areas.
#[derive(Debug, Clone)]
pub struct Parcel {
    /// 宗地编号; the feature's `id` or its position when the file has none.
    pub parcel_no: String,
    /// District code, from the file or from the district that contains the parcel.
    pub district: Option<String>,
    pub holder: Option<String>,
    pub land_use: Option<String>,
    /// `YYYY-MM-DD` as in the file.
    pub supplied_on: Option<String>,
    pub status: Option<ParcelStatus>,
    /// Lon/lat degrees.
    pub geometry: MultiPolygon<f64>,
    /// Both areas.
    pub areas: Areas,
    /// The area the figures use: one of [`Self::areas`], on the park's [`AreaBasis`]
    /// ([`Park::set_area_basis`]).
    pub area_m2: f64,
    pub valid: bool,
    /// Position in the source file.
    pub feature_index: usize,
}

impl Parcel {
    /// True when the parcel file marks it 闲置 or 低效.
    #[must_use]
    pub fn is_idle_or_low(&self) -> bool {
        self.status.is_some_and(ParcelStatus::is_idle_or_low)
    }
}

/// Districts and parcels loaded together, with the reports of their files.
#[derive(Debug, Clone, Default)]
pub struct Park {
    pub districts: Vec<District>,
    pub parcels: Vec<Parcel>,
    pub district_report: Option<ImportReport>,
    pub parcel_report: Option<ImportReport>,
    /// Which area the figures use. Change it with [`Park::set_area_basis`], which sets every
    /// district's and parcel's `area_m2`.
    pub area_basis: AreaBasis,
}

/// Parcels ready to join a park: duplicate parcel numbers reported, a district given by name
/// replaced by its code, and parcels without a district given the one containing them. The
/// one way parcels enter a park ([`Park::set_parcels`]); the window makes it on its loading
/// thread, off the UI thread.
#[derive(Debug, Clone)]
pub struct ParcelList {
    parcels: Vec<Parcel>,
    report: ImportReport,
}

impl ParcelList {
    /// Checks parcels read from a file (with the file's `report`) against a park's districts.
    #[must_use]
    pub fn check(
        districts: &[District],
        mut parcels: Vec<Parcel>,
        mut report: ImportReport,
    ) -> Self {
        let mut seen = HashSet::new();
        for parcel in &parcels {
            if !seen.insert(parcel.parcel_no.as_str()) {
                report.messages.push(crate::report::Message {
                    level: crate::report::Level::Warning,
                    feature: Some(crate::report::FeatureRef {
                        index: parcel.feature_index,
                        id: Some(parcel.parcel_no.clone()),
                    }),
                    text: format!("parcel number {} is used more than once", parcel.parcel_no),
                });
            }
        }
        assign_districts(districts, &mut parcels);
        Self { parcels, report }
    }

    /// The parcels, in file order.
    #[must_use]
    pub fn parcels(&self) -> &[Parcel] {
        &self.parcels
    }

    /// What reading and checking the parcels found.
    #[must_use]
    pub fn report(&self) -> &ImportReport {
        &self.report
    }
}

impl Park {
    /// Replaces the parcels (and their file's report). Returns the parcels it replaced, for
    /// the caller to free where it suits: a million parcels take half a second to free.
    pub fn set_parcels(&mut self, list: ParcelList) -> Vec<Parcel> {
        self.parcel_report = Some(list.report);
        let mut parcels = list.parcels;
        let basis = self.area_basis;
        parcels
            .par_iter_mut()
            .for_each(|p| p.area_m2 = p.areas.on(basis));
        std::mem::replace(&mut self.parcels, parcels)
    }

    /// Chooses which area every figure uses: sets each district's and parcel's `area_m2`.
    pub fn set_area_basis(&mut self, basis: AreaBasis) {
        self.area_basis = basis;
        for district in &mut self.districts {
            district.area_m2 = district.areas.on(basis);
        }
        self.parcels
            .par_iter_mut()
            .for_each(|p| p.area_m2 = p.areas.on(basis));
    }

    /// How many parcels have no plane area (outside China's Gauss-Krüger zones): on the
    /// plane basis their ellipsoidal area stands in.
    #[must_use]
    pub fn outside_zones(&self) -> usize {
        self.parcels
            .iter()
            .filter(|p| p.areas.plane.is_none())
            .count()
    }

    pub(crate) fn assign_missing_districts(&mut self) {
        assign_districts(&self.districts, &mut self.parcels);
    }

    /// The district with a code.
    #[must_use]
    pub fn district(&self, code: &str) -> Option<&District> {
        self.districts.iter().find(|d| d.code == code)
    }

    /// The Chinese name of a district code, or the code itself when no district has it.
    #[must_use]
    pub fn district_name(&self, code: &str) -> String {
        self.district(code)
            .map_or_else(|| code.to_owned(), |d| d.name.clone())
    }

    /// The park's CGCS2000 3° Gauss-Krüger zone (zone number in the easting): the zone whose
    /// central meridian is nearest to the park's centre; why not when it has none.
    pub fn gauss_kruger_zone(&self) -> Result<crate::crs::Crs, String> {
        let Some(bounds) = self.bounds() else {
            return Err("the park is empty, so it has no Gauss-Krüger zone".to_owned());
        };
        let centre_lon = f64::midpoint(bounds.min().x, bounds.max().x);
        crate::crs::Crs::gauss_kruger_3deg_zone(centre_lon).ok_or_else(|| {
            format!(
                "the park's centre ({centre_lon:.3}°E) is outside China's CGCS2000 3° \
                 Gauss-Krüger zones (75°E–135°E)"
            )
        })
    }

    /// Lon/lat bounds of everything loaded.
    #[must_use]
    pub fn bounds(&self) -> Option<Rect<f64>> {
        self.districts
            .iter()
            .map(|d| &d.geometry)
            .chain(self.parcels.iter().map(|p| &p.geometry))
            .filter_map(BoundingRect::bounding_rect)
            .reduce(crate::geometry::union_rect)
    }
}

/// Gives each parcel without a district the district containing its interior point.
fn assign_districts(districts: &[District], parcels: &mut [Parcel]) {
    parcels.par_iter_mut().for_each(|parcel| {
        let Some(given) = &parcel.district else {
            let Some(point) = parcel.geometry.interior_point() else {
                return;
            };
            parcel.district = districts
                .iter()
                .find(|d| d.geometry.contains(&point))
                .map(|d| d.code.clone());
            return;
        };
        // A file may name the district (梁产城新区, or its English name) instead of giving
        // its code: the park keeps codes, so that filters and totals find the parcel.
        if !districts.iter().any(|d| &d.code == given)
            && let Some(named) = districts
                .iter()
                .find(|d| &d.name == given || d.name_en.eq_ignore_ascii_case(given))
        {
            parcel.district = Some(named.code.clone());
        }
    });
}
