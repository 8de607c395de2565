//! Pure aggregations over the park, returning plain rows shared by the CLI, the window and
//! (later) the exports, so that every screen shows the same figures.

use crate::model::Park;
use serde::Serialize;

/// Figures for one district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictSummary {
    pub code: String,
    pub name: String,
    /// Geodesic area of the district outline.
    pub area_m2: f64,
    /// Parcels in the district.
    pub parcels: usize,
    pub parcel_area_m2: f64,
    /// Parcels marked 闲置 or 低效.
    pub idle_parcels: usize,
    pub idle_area_m2: f64,
}

/// Figures for the whole park.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TotalSummary {
    /// Sum of the district areas.
    pub area_m2: f64,
    /// Every parcel loaded, including any outside the districts.
    pub parcels: usize,
    pub parcel_area_m2: f64,
    pub idle_parcels: usize,
    pub idle_area_m2: f64,
}

/// Per-district rows and park totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParkSummary {
    pub districts: Vec<DistrictSummary>,
    pub total: TotalSummary,
}

/// Aggregates the park by district.
#[must_use]
pub fn park_summary(park: &Park) -> ParkSummary {
    let districts = park
        .districts
        .iter()
        .map(|district| {
            let inside = park
                .parcels
                .iter()
                .filter(|p| p.district.as_deref() == Some(district.code.as_str()));
            let mut row = DistrictSummary {
                code: district.code.clone(),
                name: district.name.clone(),
                area_m2: district.area_m2,
                parcels: 0,
                parcel_area_m2: 0.0,
                idle_parcels: 0,
                idle_area_m2: 0.0,
            };
            for parcel in inside {
                row.parcels += 1;
                row.parcel_area_m2 += parcel.area_m2;
                if parcel.is_idle_or_low() {
                    row.idle_parcels += 1;
                    row.idle_area_m2 += parcel.area_m2;
                }
            }
            row
        })
        .collect::<Vec<_>>();
    let idle = park.parcels.iter().filter(|p| p.is_idle_or_low());
    let total = TotalSummary {
        area_m2: park.districts.iter().map(|d| d.area_m2).sum(),
        parcels: park.parcels.len(),
        parcel_area_m2: park.parcels.iter().map(|p| p.area_m2).sum(),
        idle_parcels: idle.clone().count(),
        idle_area_m2: idle.map(|p| p.area_m2).sum(),
    };
    ParkSummary { districts, total }
}
