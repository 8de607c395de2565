//! Questions asked of the parcel layer: filter, sort, count and sum. Shared by the attribute
//! table, the CLI and exports; knows no screen.
//!
//! ```
//! use parkland::query::{ParcelQuery, SortKey};
//! use parkland::standing::Standing;
//! let park = parkland::sample::sample_park().unwrap();
//! let standing = Standing::compute(&park, &[], jiff::civil::date(2026, 1, 1));
//! let query = ParcelQuery { district: Some("WX".into()), min_mu: Some(50.0), ..ParcelQuery::default() };
//! let rows = query.run(&park, &standing, SortKey::AreaM2, true);
//! assert!(rows.iter().all(|&i| park.parcels[i].area_m2 >= 50.0 * 10_000.0 / 15.0));
//! ```

mod selection;

pub use selection::Selection;

use crate::model::{Parcel, ParcelStatus, Park};
use crate::standing::Standing;
use crate::units::mu_from_m2;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Filters of the parcel table; `None` or empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ParcelQuery {
    pub district: Option<String>,
    pub land_use: Option<String>,
    /// The status now ([`Standing`]), not only as the file has it.
    pub status: Option<ParcelStatus>,
    /// Smallest area in 亩 (inclusive).
    pub min_mu: Option<f64>,
    /// Largest area in 亩 (inclusive).
    pub max_mu: Option<f64>,
    /// Substring of the parcel number or the holder, case-insensitive.
    pub text: String,
}

/// A typed column to sort by: numbers as numbers, dates as dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SortKey {
    #[default]
    ParcelNo,
    District,
    Holder,
    LandUse,
    SuppliedOn,
    Status,
    AreaM2,
}

impl ParcelQuery {
    /// True when a parcel, whose status now is `status`, passes every filter.
    #[must_use]
    pub fn matches(&self, parcel: &Parcel, status: Option<ParcelStatus>) -> bool {
        let mu = mu_from_m2(parcel.area_m2);
        let needle = self.text.trim().to_lowercase();
        self.district
            .as_ref()
            .is_none_or(|d| parcel.district.as_ref() == Some(d))
            && self
                .land_use
                .as_ref()
                .is_none_or(|u| parcel.land_use.as_ref() == Some(u))
            && self.status.is_none_or(|s| status == Some(s))
            && self.min_mu.is_none_or(|min| mu >= min)
            && self.max_mu.is_none_or(|max| mu <= max)
            && (needle.is_empty()
                || parcel.parcel_no.to_lowercase().contains(&needle)
                || parcel
                    .holder
                    .as_deref()
                    .is_some_and(|h| h.to_lowercase().contains(&needle)))
    }

    /// Indices of the parcels that pass, sorted by `key` (ties by parcel number).
    #[must_use]
    pub fn run(
        &self,
        park: &Park,
        standing: &Standing,
        key: SortKey,
        descending: bool,
    ) -> Vec<usize> {
        let mut rows: Vec<usize> = park
            .parcels
            .iter()
            .enumerate()
            .filter(|(i, p)| self.matches(p, standing.status(*i)))
            .map(|(i, _)| i)
            .collect();
        sort_rows(&mut rows, park, standing, key, descending);
        rows
    }
}

/// Sorts parcel indices by a typed column.
pub fn sort_rows(
    rows: &mut [usize],
    park: &Park,
    standing: &Standing,
    key: SortKey,
    descending: bool,
) {
    let parcels = &park.parcels;
    let compare = |(ia, a): (usize, &Parcel), (ib, b): (usize, &Parcel)| -> Ordering {
        match key {
            SortKey::ParcelNo => natural_cmp(&a.parcel_no, &b.parcel_no),
            SortKey::District => a.district.cmp(&b.district),
            SortKey::Holder => a.holder.cmp(&b.holder),
            SortKey::LandUse => a.land_use.cmp(&b.land_use),
            SortKey::SuppliedOn => supplied_date(a).cmp(&supplied_date(b)),
            SortKey::Status => standing.status(ia).cmp(&standing.status(ib)),
            SortKey::AreaM2 => a.area_m2.total_cmp(&b.area_m2),
        }
    };
    rows.sort_by(|&a, &b| {
        let (Some(pa), Some(pb)) = (parcels.get(a), parcels.get(b)) else {
            return a.cmp(&b);
        };
        let order =
            compare((a, pa), (b, pb)).then_with(|| natural_cmp(&pa.parcel_no, &pb.parcel_no));
        if descending { order.reverse() } else { order }
    });
}

/// The date a parcel was supplied, parsed (unparseable dates sort first).
fn supplied_date(parcel: &Parcel) -> Option<jiff::civil::Date> {
    parcel.supplied_on.as_deref().and_then(|d| d.parse().ok())
}

/// Compares text with runs of digits as numbers: `LJ-9` < `LJ-10`.
#[must_use]
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut digits = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        digits.push(c);
                        it.next();
                    }
                    digits
                };
                let (da, db) = (take(&mut a), take(&mut b));
                let (ta, tb) = (da.trim_start_matches('0'), db.trim_start_matches('0'));
                let order = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if order != Ordering::Equal {
                    return order;
                }
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a.next();
                b.next();
            }
        }
    }
}

/// Count and total area of some parcels.
#[must_use]
pub fn totals(park: &Park, rows: &[usize]) -> (usize, f64) {
    let area = rows
        .iter()
        .filter_map(|&i| park.parcels.get(i))
        .map(|p| p.area_m2)
        .sum();
    (rows.len(), area)
}

/// The distinct land uses of the park, sorted.
#[must_use]
pub fn land_uses(park: &Park) -> Vec<String> {
    let mut uses: Vec<String> = park
        .parcels
        .iter()
        .filter_map(|p| p.land_use.clone())
        .collect();
    uses.sort();
    uses.dedup();
    uses
}

/// Header of the parcel table in exports.
pub const PARCEL_HEADERS: [&str; 9] = [
    "宗地编号",
    "片区",
    "土地使用权人",
    "土地用途",
    "供地时间",
    "状态",
    "面积(亩)",
    "椭球面积(㎡)",
    "投影面积(㎡)",
];

/// One parcel (by index) as the exported columns, its status as it is now.
#[must_use]
pub fn parcel_record(park: &Park, standing: &Standing, index: usize) -> [String; 9] {
    let Some(parcel) = park.parcels.get(index) else {
        return Default::default();
    };
    let district = parcel
        .district
        .as_deref()
        .map_or_else(String::new, |code| park.district_name(code));
    [
        parcel.parcel_no.clone(),
        district,
        parcel.holder.clone().unwrap_or_default(),
        parcel.land_use.clone().unwrap_or_default(),
        parcel.supplied_on.clone().unwrap_or_default(),
        standing
            .status(index)
            .map_or_else(String::new, |s| s.label(crate::model::Lang::Zh).to_owned()),
        format!("{:.2}", mu_from_m2(parcel.area_m2)),
        format!("{:.2}", parcel.areas.ellipsoidal_m2),
        parcel
            .areas
            .plane
            .map_or_else(String::new, |plane| format!("{:.2}", plane.m2)),
    ]
}

/// Rows as tab-separated text with a header line, for pasting into Excel.
#[must_use]
pub fn rows_as_tsv(park: &Park, standing: &Standing, rows: &[usize]) -> String {
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let mut out = PARCEL_HEADERS.join("\t");
    out.push('\n');
    for &i in rows.iter().filter(|&&i| i < park.parcels.len()) {
        let record = parcel_record(park, standing, i).map(|f| clean(&f));
        out.push_str(&record.join("\t"));
        out.push('\n');
    }
    out
}

/// Writes rows as CSV (UTF-8 with a byte-order mark, so that Excel reads the Chinese).
pub fn write_rows_csv(
    park: &Park,
    standing: &Standing,
    rows: &[usize],
    path: &std::path::Path,
) -> anyhow::Result<()> {
    use crate::formats::sheet::Cell;
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .filter(|&&i| i < park.parcels.len())
        .map(|&i| {
            parcel_record(park, standing, i)
                .into_iter()
                .map(Cell::Text)
                .collect()
        })
        .collect();
    crate::formats::sheet::write_csv(path, &PARCEL_HEADERS, &cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn park() -> Park {
        crate::sample::sample_park().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The standing with an empty ledger: every status as the file has it.
    fn none(park: &Park) -> Standing {
        Standing::compute(park, &[], jiff::civil::date(2026, 1, 1))
    }

    #[test]
    fn numbers_sort_as_numbers_and_text_naturally() {
        assert_eq!(natural_cmp("LJ-9", "LJ-10"), Ordering::Less);
        assert_eq!(natural_cmp("LJ-0101", "LJ-101"), Ordering::Equal);
        assert_eq!(natural_cmp("LCX-2", "LJ-1"), Ordering::Less);
        let park = park();
        let rows = ParcelQuery::default().run(&park, &none(&park), SortKey::AreaM2, false);
        assert_eq!(rows.len(), park.parcels.len());
        assert!(
            rows.windows(2)
                .all(|w| park.parcels[w[0]].area_m2 <= park.parcels[w[1]].area_m2)
        );
        let by_date = ParcelQuery::default().run(&park, &none(&park), SortKey::SuppliedOn, true);
        let dates: Vec<_> = by_date
            .iter()
            .map(|&i| park.parcels[i].supplied_on.clone())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn filters_combine_and_totals_add_up() {
        let park = park();
        let idle_in_wx = ParcelQuery {
            district: Some("WX".into()),
            status: Some(ParcelStatus::Idle),
            ..ParcelQuery::default()
        }
        .run(&park, &none(&park), SortKey::ParcelNo, false);
        let expected = park
            .parcels
            .iter()
            .filter(|p| p.district.as_deref() == Some("WX") && p.status == Some(ParcelStatus::Idle))
            .count();
        assert!(expected > 0);
        assert_eq!(idle_in_wx.len(), expected);
        let big = ParcelQuery {
            min_mu: Some(50.0),
            ..ParcelQuery::default()
        }
        .run(&park, &none(&park), SortKey::AreaM2, true);
        let (count, area) = totals(&park, &big);
        assert_eq!(
            count,
            park.parcels
                .iter()
                .filter(|p| mu_from_m2(p.area_m2) >= 50.0)
                .count()
        );
        assert!(mu_from_m2(area) >= 50.0 * count as f64);
        let Some(holder) = park.parcels[0].holder.clone() else {
            panic!("holders")
        };
        let by_holder = ParcelQuery {
            text: holder.chars().take(4).collect(),
            ..ParcelQuery::default()
        }
        .run(&park, &none(&park), SortKey::ParcelNo, false);
        assert!(by_holder.contains(&0));
    }

    #[test]
    fn tsv_has_a_header_and_one_line_per_row() {
        let park = park();
        let tsv = rows_as_tsv(&park, &none(&park), &[0, 1, 2]);
        let lines: Vec<&str> = tsv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("宗地编号\t片区"));
        assert_eq!(lines[1].split('\t').count(), 9);
        assert!(lines[1].starts_with(&park.parcels[0].parcel_no));
        // The last two columns: the ellipsoidal area and the plane area of its zone.
        let fields: Vec<&str> = lines[1].split('\t').collect();
        let parcel = &park.parcels[0];
        let plane = parcel.areas.plane.expect("in a zone").m2;
        assert_eq!(fields[7], format!("{:.2}", parcel.areas.ellipsoidal_m2));
        assert_eq!(fields[8], format!("{plane:.2}"));
        // The park's figures use the plane area by default: the 亩 column is the plane one.
        assert_eq!(fields[6], format!("{:.2}", crate::units::mu_from_m2(plane)));
    }

    /// The parcel table's CSV reads back, through the spreadsheet reader, as the same header
    /// and cells (Chinese intact: UTF-8 with a byte-order mark).
    #[test]
    fn csv_export_reads_back_as_the_rows() {
        let park = park();
        let path = std::env::temp_dir().join(format!("parkland-rows-{}.csv", std::process::id()));
        write_rows_csv(&park, &none(&park), &[0, 2], &path).expect("written");
        let sheets = crate::formats::sheet::read_sheets(&path).expect("read back");
        let _ = std::fs::remove_file(&path);
        let rows = &sheets[0].rows;
        assert_eq!(rows.len(), 3);
        for (col, header) in PARCEL_HEADERS.iter().enumerate() {
            assert_eq!(rows[0].cell(col).text(), *header);
        }
        let expected = parcel_record(&park, &none(&park), 2);
        for (col, value) in expected.iter().enumerate() {
            assert_eq!(rows[2].cell(col).text(), value.trim(), "column {col}");
        }
    }
}
