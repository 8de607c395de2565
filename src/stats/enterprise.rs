//! 亩均税收 and 亩均产值 (tax and output per 亩) for a year: enterprise figures linked to the
//! parcels they hold (holder name, exact after trimming), per parcel, per district and for
//! the park.
//!
//! An enterprise holding several parcels has its figures shared among them by area, so each
//! of its parcels shows the enterprise's own per-亩 figures and the districts add up. A
//! district's per-亩 figures are its parcels' shares over the area of the parcels that have
//! figures (parcels whose holder reported nothing are not in the denominator; their count and
//! area are given beside).
//!
//! ```
//! use parkland::model::EnterpriseFigures;
//! use parkland::stats::enterprise_yields;
//! let park = parkland::sample::sample_park().unwrap_or_default();
//! let Some(parcel) = park.parcels.first() else { return };
//! let holder = parcel.holder.clone().unwrap_or_default();
//! let figures = [EnterpriseFigures {
//!     enterprise: holder.clone(),
//!     year: 2024,
//!     output_10k_yuan: 3_000.0,
//!     tax_10k_yuan: 150.0,
//!     investment_10k_yuan: 0.0,
//! }];
//! let yields = enterprise_yields(&park, &figures, 2024);
//! let mu: f64 = park.parcels.iter().filter(|p| p.holder.as_deref() == Some(holder.as_str()))
//!     .map(|p| parkland::units::mu_from_m2(p.area_m2)).sum();
//! assert!((yields.total.tax_per_mu.unwrap_or_default() - 150.0 / mu).abs() < 1e-9);
//! ```

use crate::model::{EnterpriseFigures, Park};
use crate::units::mu_from_m2;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One parcel's share of its holder's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParcelYield {
    pub parcel_no: String,
    pub district: Option<String>,
    pub enterprise: String,
    pub area_m2: f64,
    /// The parcel's share (by area) of the enterprise's 产值, 税收, 投资 (万元).
    pub output_10k_yuan: f64,
    pub tax_10k_yuan: f64,
    pub investment_10k_yuan: f64,
    /// 亩均产值 and 亩均税收 (万元/亩).
    pub output_per_mu: Option<f64>,
    pub tax_per_mu: Option<f64>,
}

/// A district's (or the park's) figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictYield {
    pub code: String,
    pub name: String,
    /// Enterprises with figures holding land here.
    pub enterprises: usize,
    /// Parcels with figures and their area.
    pub parcels: usize,
    pub area_m2: f64,
    pub output_10k_yuan: f64,
    pub tax_10k_yuan: f64,
    pub investment_10k_yuan: f64,
    /// 亩均产值 and 亩均税收 over the parcels with figures (万元/亩).
    pub output_per_mu: Option<f64>,
    pub tax_per_mu: Option<f64>,
    /// Parcels whose holder has no figures for the year, and their area.
    pub parcels_without_figures: usize,
    pub area_without_figures_m2: f64,
}

impl DistrictYield {
    fn new(code: &str, name: &str) -> Self {
        Self {
            code: code.to_owned(),
            name: name.to_owned(),
            enterprises: 0,
            parcels: 0,
            area_m2: 0.0,
            output_10k_yuan: 0.0,
            tax_10k_yuan: 0.0,
            investment_10k_yuan: 0.0,
            output_per_mu: None,
            tax_per_mu: None,
            parcels_without_figures: 0,
            area_without_figures_m2: 0.0,
        }
    }

    fn add(&mut self, parcel: &ParcelYield) {
        self.parcels += 1;
        self.area_m2 += parcel.area_m2;
        self.output_10k_yuan += parcel.output_10k_yuan;
        self.tax_10k_yuan += parcel.tax_10k_yuan;
        self.investment_10k_yuan += parcel.investment_10k_yuan;
    }

    fn finish(&mut self, enterprises: usize) {
        self.enterprises = enterprises;
        self.output_per_mu = per_mu(self.output_10k_yuan, self.area_m2);
        self.tax_per_mu = per_mu(self.tax_10k_yuan, self.area_m2);
    }
}

/// A year's per-亩 figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseYields {
    pub year: i16,
    /// Enterprises with figures for the year.
    pub enterprises: usize,
    /// Parcels with figures, in parcel-number order.
    pub parcels: Vec<ParcelYield>,
    /// The park's districts, in their order.
    pub districts: Vec<DistrictYield>,
    /// The whole park (parcels outside every district included).
    pub total: DistrictYield,
    /// Enterprises with figures that no parcel holds: in no per-亩 figure.
    pub unlinked: Vec<EnterpriseFigures>,
}

fn per_mu(amount: f64, area_m2: f64) -> Option<f64> {
    let mu = mu_from_m2(area_m2);
    (mu > 0.0).then(|| amount / mu)
}

/// Per-parcel, per-district and park figures of `year` from `figures` (other years ignored;
/// figures of the same enterprise are added).
#[must_use]
pub fn enterprise_yields(
    park: &Park,
    figures: &[EnterpriseFigures],
    year: i16,
) -> EnterpriseYields {
    let mut by_enterprise: BTreeMap<&str, [f64; 3]> = BTreeMap::new();
    for f in figures.iter().filter(|f| f.year == year) {
        let sums = by_enterprise.entry(f.enterprise.trim()).or_default();
        sums[0] += f.output_10k_yuan;
        sums[1] += f.tax_10k_yuan;
        sums[2] += f.investment_10k_yuan;
    }
    let mut held: HashMap<&str, Vec<&crate::model::Parcel>> = HashMap::new();
    for parcel in &park.parcels {
        if let Some(holder) = parcel.holder.as_deref().map(str::trim)
            && by_enterprise.contains_key(holder)
        {
            held.entry(holder).or_default().push(parcel);
        }
    }
    let mut parcels = Vec::new();
    for (enterprise, held_parcels) in &held {
        let Some(&[output, tax, investment]) = by_enterprise.get(enterprise) else {
            continue;
        };
        let total_area: f64 = held_parcels.iter().map(|p| p.area_m2).sum();
        for parcel in held_parcels {
            let share = if total_area > 0.0 {
                parcel.area_m2 / total_area
            } else {
                1.0 / held_parcels.len() as f64
            };
            parcels.push(ParcelYield {
                parcel_no: parcel.parcel_no.clone(),
                district: parcel.district.clone(),
                enterprise: (*enterprise).to_owned(),
                area_m2: parcel.area_m2,
                output_10k_yuan: output * share,
                tax_10k_yuan: tax * share,
                investment_10k_yuan: investment * share,
                output_per_mu: per_mu(output * share, parcel.area_m2),
                tax_per_mu: per_mu(tax * share, parcel.area_m2),
            });
        }
    }
    parcels.sort_by(|a, b| a.parcel_no.cmp(&b.parcel_no));

    let with_figures: BTreeSet<&str> = parcels.iter().map(|p| p.parcel_no.as_str()).collect();
    let mut total = DistrictYield::new("total", "园区合计");
    let mut districts: Vec<DistrictYield> = park
        .districts
        .iter()
        .map(|d| DistrictYield::new(&d.code, &d.name))
        .collect();
    let mut enterprises_in: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); districts.len()];
    for parcel in &parcels {
        total.add(parcel);
        if let Some(i) = park
            .districts
            .iter()
            .position(|d| parcel.district.as_deref() == Some(d.code.as_str()))
            && let (Some(row), Some(set)) = (districts.get_mut(i), enterprises_in.get_mut(i))
        {
            row.add(parcel);
            set.insert(parcel.enterprise.as_str());
        }
    }
    for parcel in park
        .parcels
        .iter()
        .filter(|p| !with_figures.contains(p.parcel_no.as_str()))
    {
        total.parcels_without_figures += 1;
        total.area_without_figures_m2 += parcel.area_m2;
        if let Some(row) = districts
            .iter_mut()
            .find(|d| parcel.district.as_deref() == Some(d.code.as_str()))
        {
            row.parcels_without_figures += 1;
            row.area_without_figures_m2 += parcel.area_m2;
        }
    }
    for (row, set) in districts.iter_mut().zip(&enterprises_in) {
        row.finish(set.len());
    }
    total.finish(held.len());
    let unlinked = by_enterprise
        .iter()
        .filter(|(name, _)| !held.contains_key(*name))
        .map(|(name, [output, tax, investment])| EnterpriseFigures {
            enterprise: (*name).to_owned(),
            year,
            output_10k_yuan: *output,
            tax_10k_yuan: *tax,
            investment_10k_yuan: *investment,
        })
        .collect();
    EnterpriseYields {
        year,
        enterprises: by_enterprise.len(),
        parcels,
        districts,
        total,
        unlinked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enterprise_on_two_parcels_shares_its_figures_by_area() {
        let park = crate::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
        let mut count: HashMap<&str, usize> = HashMap::new();
        for p in &park.parcels {
            *count.entry(p.holder.as_deref().unwrap_or("")).or_default() += 1;
        }
        let Some((&holder, _)) = count.iter().find(|(h, n)| !h.is_empty() && **n >= 2) else {
            panic!("the sample park has an enterprise on several parcels");
        };
        let held: Vec<_> = park
            .parcels
            .iter()
            .filter(|p| p.holder.as_deref() == Some(holder))
            .collect();
        let area_mu: f64 = held.iter().map(|p| mu_from_m2(p.area_m2)).sum();
        let figures = [
            EnterpriseFigures {
                enterprise: format!(" {holder} "),
                year: 2024,
                output_10k_yuan: 12_000.0,
                tax_10k_yuan: 600.0,
                investment_10k_yuan: 50.0,
            },
            EnterpriseFigures {
                enterprise: "无地企业".into(),
                year: 2024,
                output_10k_yuan: 1.0,
                tax_10k_yuan: 1.0,
                investment_10k_yuan: 1.0,
            },
        ];
        let yields = enterprise_yields(&park, &figures, 2024);
        assert_eq!(yields.enterprises, 2);
        assert_eq!(yields.parcels.len(), held.len());
        for parcel in &yields.parcels {
            let tax_per_mu = parcel.tax_per_mu.unwrap_or_default();
            assert!((tax_per_mu - 600.0 / area_mu).abs() < 1e-9, "{parcel:?}");
        }
        let shares: f64 = yields.parcels.iter().map(|p| p.tax_10k_yuan).sum();
        assert!((shares - 600.0).abs() < 1e-9);
        assert!((yields.total.tax_10k_yuan - 600.0).abs() < 1e-9);
        let district_tax: f64 = yields.districts.iter().map(|d| d.tax_10k_yuan).sum();
        assert!((district_tax - 600.0).abs() < 1e-9);
        assert_eq!(yields.unlinked.len(), 1);
        assert_eq!(yields.unlinked[0].enterprise, "无地企业");
        assert_eq!(
            yields.total.parcels + yields.total.parcels_without_figures,
            park.parcels.len()
        );
        assert!(enterprise_yields(&park, &figures, 2023).parcels.is_empty());
    }
}
