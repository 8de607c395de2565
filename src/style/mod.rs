//! Thematic styles (专题图): which class each parcel falls in under a style preset, the class
//! colours, and the legend with each class's parcel count and area.
//!
//! The map window, the software map image and the legend all read the same
//! [`Classification`], so a colour on screen, in a PNG and in a legend always agree.

use crate::ledger::StoredEntry;
use crate::model::{DisposalMethod, IdleKind, Lang, LedgerEntry, ParcelStatus, Park, Progress};
use crate::standing::Standing;
use crate::units::mu_from_m2;
use std::collections::HashMap;

/// An opaque sRGB colour.
pub type Rgb = [u8; 3];

crate::model::coded_enum! {
    /// What the parcel fills show.
    #[derive(Default)]
    pub enum StylePreset {
        /// 按园区: one colour per district.
        District => ("district", "按园区", "By district"),
        /// 按用途: one colour per land use.
        LandUse => ("land_use", "按用途", "By land use"),
        /// 按状态: each parcel's status now (from its ledger case where it has one, else from
        /// the parcel file; see [`crate::standing`]).
        #[default]
        Status => ("status", "按状态", "By status"),
        /// 按台账类型: the kind of the parcel's ledger case.
        LedgerKind => ("ledger_kind", "按台账类型", "By ledger kind"),
        /// 按处置方式: the disposal method of the parcel's case.
        Method => ("method", "按处置方式", "By disposal method"),
        /// 按处置进度: the progress of the parcel's case.
        Progress => ("progress", "按处置进度", "By disposal progress"),
        /// 按面积分级: graduated by area in 亩.
        Area => ("area", "按面积分级", "Graduated by area"),
    }
}

/// One legend row.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendClass {
    pub label: String,
    pub color: Rgb,
    /// Parcels in the class.
    pub count: usize,
    /// Their total area.
    pub area_m2: f64,
}

impl LegendClass {
    #[must_use]
    pub fn area_mu(&self) -> f64 {
        mu_from_m2(self.area_m2)
    }
}

/// Every parcel's class under one preset, and the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub preset: StylePreset,
    /// Legend rows in display order; classes with no parcel are kept where the legend is a
    /// fixed list (status, progress, kind, area) and dropped where it is open (land use).
    pub classes: Vec<LegendClass>,
    /// Index into `classes` for each parcel, in park order.
    pub class_of: Vec<u16>,
}

/// Most land-use classes drawn in their own colour; the rest share 其他.
pub const MAX_LAND_USE_CLASSES: usize = 10;

/// Upper bounds (亩, exclusive) of the graduated area classes; the last class is open.
pub const AREA_BREAKS_MU: [f64; 5] = [5.0, 10.0, 20.0, 50.0, 100.0];

/// District colours, by position in the district file (saturated enough for parcel fills).
pub const DISTRICT_COLORS: [Rgb; 6] = [
    [0x5b, 0x9b, 0xd5],
    [0x6a, 0xb8, 0x5a],
    [0xe8, 0x9a, 0x3c],
    [0x9b, 0x7b, 0xc8],
    [0xd8, 0x6a, 0x8a],
    [0x4a, 0xb0, 0xa8],
];

/// A qualitative palette for open lists (land use, methods); after Tableau 10.
const CATEGORICAL: [Rgb; 10] = [
    [0x4e, 0x79, 0xa7],
    [0xf2, 0x8e, 0x2b],
    [0xe1, 0x57, 0x59],
    [0x76, 0xb7, 0xb2],
    [0x59, 0xa1, 0x4f],
    [0xed, 0xc9, 0x48],
    [0xb0, 0x7a, 0xa1],
    [0xff, 0x9d, 0xa7],
    [0x9c, 0x75, 0x5f],
    [0x86, 0xbc, 0xd9],
];

/// A sequential palette for the graduated area classes (light to dark, after `YlOrRd`).
const SEQUENTIAL: [Rgb; 6] = [
    [0xff, 0xf3, 0xb2],
    [0xfe, 0xd9, 0x76],
    [0xfe, 0xb2, 0x4c],
    [0xfd, 0x8d, 0x3c],
    [0xf0, 0x3b, 0x20],
    [0xbd, 0x00, 0x26],
];

/// Grey for "not given", "no case" and "other".
pub const NONE_COLOR: Rgb = [0xbd, 0xbd, 0xbd];
/// Light grey for parcels without a ledger case, so the cases stand out.
pub const NO_CASE_COLOR: Rgb = [0xdc, 0xdf, 0xe4];

/// Parcel fill by status; `None` is a parcel whose file records no status.
#[must_use]
pub fn status_color(status: Option<ParcelStatus>) -> Rgb {
    match status {
        Some(ParcelStatus::InUse) => [0x9d, 0xb4, 0xcc],
        Some(ParcelStatus::Idle) => [0xe0, 0x4f, 0x39],
        Some(ParcelStatus::LowEfficiency) => [0xf0, 0xa2, 0x02],
        Some(ParcelStatus::Revitalized) => [0x3f, 0xa3, 0x4d],
        None => NONE_COLOR,
    }
}

/// Parcel fill by ledger progress; `None` is a parcel with no case.
#[must_use]
pub fn progress_color(progress: Option<Progress>) -> Rgb {
    match progress {
        Some(Progress::Pending) => [0xf2, 0xd3, 0x5b],
        Some(Progress::Identified) => [0xf0, 0x8a, 0x24],
        Some(Progress::Disposing) => [0x3a, 0x7b, 0xd5],
        Some(Progress::Disposed) => [0x8e, 0x5c, 0xc4],
        Some(Progress::Revitalized) => [0x3f, 0xa3, 0x4d],
        Some(Progress::Suspended) => [0x9e, 0x9e, 0x9e],
        Some(Progress::WrittenOff) => [0x5f, 0x5f, 0x5f],
        None => NO_CASE_COLOR,
    }
}

/// Parcel fill by ledger kind; `None` is a parcel with no case.
#[must_use]
pub fn kind_color(kind: Option<IdleKind>) -> Rgb {
    match kind {
        Some(IdleKind::Idle) => [0xe0, 0x4f, 0x39],
        Some(IdleKind::LowEfficiency) => [0xf0, 0xa2, 0x02],
        Some(IdleKind::IdleFactory) => [0x8e, 0x5c, 0xc4],
        None => NO_CASE_COLOR,
    }
}

/// The method class of a case: its one method, or "several", or "not decided".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum MethodClass {
    One(DisposalMethod),
    Several,
    Undecided,
}

fn method_class(entry: &LedgerEntry) -> MethodClass {
    match entry.methods.as_slice() {
        [] => MethodClass::Undecided,
        [one] => MethodClass::One(*one),
        _ => MethodClass::Several,
    }
}

impl Classification {
    /// Classifies every parcel of `park` with the ledger's `cases` (each parcel's current
    /// case and status from [`Standing`]).
    #[must_use]
    pub fn compute(preset: StylePreset, park: &Park, cases: &[StoredEntry], lang: Lang) -> Self {
        let standing = Standing::compute(park, cases, crate::time::today());
        Self::compute_with(preset, park, cases, &standing, lang)
    }

    /// Classifies every parcel with a standing already computed for these cases.
    #[must_use]
    pub fn compute_with(
        preset: StylePreset,
        park: &Park,
        cases: &[StoredEntry],
        standing: &Standing,
        lang: Lang,
    ) -> Self {
        let case = |i: usize| standing.case(i, cases).map(|s| &s.entry);
        let n = park.parcels.len();
        let mut builder = Builder::default();
        match preset {
            StylePreset::District => {
                let index: HashMap<&str, usize> = park
                    .districts
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (d.code.as_str(), i))
                    .collect();
                for (i, d) in park.districts.iter().enumerate() {
                    builder.push(
                        d.label(lang).to_owned(),
                        DISTRICT_COLORS[i % DISTRICT_COLORS.len()],
                    );
                }
                let none = builder.push(lang.pick("未分区", "No district").to_owned(), NONE_COLOR);
                for p in &park.parcels {
                    let class = p
                        .district
                        .as_deref()
                        .and_then(|code| index.get(code).copied())
                        .unwrap_or(none);
                    builder.assign(class, p.area_m2);
                }
                builder.drop_empty_from(none);
            }
            StylePreset::LandUse => {
                let mut totals: HashMap<&str, f64> = HashMap::new();
                for p in &park.parcels {
                    if let Some(use_) = p.land_use.as_deref() {
                        *totals.entry(use_).or_default() += p.area_m2;
                    }
                }
                let mut uses: Vec<(&str, f64)> = totals.into_iter().collect();
                uses.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
                uses.truncate(MAX_LAND_USE_CLASSES);
                let mut index = HashMap::new();
                for (i, (use_, _)) in uses.iter().enumerate() {
                    index.insert(*use_, builder.push((*use_).to_owned(), CATEGORICAL[i]));
                }
                let other =
                    builder.push(lang.pick("其他用途", "Other uses").to_owned(), NONE_COLOR);
                let none = builder.push(lang.pick("未注明", "Not given").to_owned(), NO_CASE_COLOR);
                for p in &park.parcels {
                    let class = match p.land_use.as_deref() {
                        Some(name) => index.get(name).copied().unwrap_or(other),
                        None => none,
                    };
                    builder.assign(class, p.area_m2);
                }
                builder.drop_empty_from(other);
            }
            StylePreset::Status => {
                let mut index = HashMap::new();
                for &s in ParcelStatus::ALL {
                    index.insert(
                        s,
                        builder.push(s.label(lang).to_owned(), status_color(Some(s))),
                    );
                }
                let none = builder.push(
                    lang.pick("未注明", "Not given").to_owned(),
                    status_color(None),
                );
                for (i, p) in park.parcels.iter().enumerate() {
                    let class = standing.status(i).map_or(none, |s| index[&s]);
                    builder.assign(class, p.area_m2);
                }
                builder.drop_empty_from(none);
            }
            StylePreset::LedgerKind => {
                let mut index = HashMap::new();
                for &k in IdleKind::ALL {
                    index.insert(
                        k,
                        builder.push(k.label(lang).to_owned(), kind_color(Some(k))),
                    );
                }
                let none = builder.push(
                    lang.pick("无台账案件", "No case").to_owned(),
                    kind_color(None),
                );
                for (i, p) in park.parcels.iter().enumerate() {
                    let class = case(i).map_or(none, |e| index[&e.kind]);
                    builder.assign(class, p.area_m2);
                }
            }
            StylePreset::Method => {
                let mut index = HashMap::new();
                let mut methods: Vec<DisposalMethod> = DisposalMethod::PARK_FIVE.to_vec();
                let current = (0..n).filter_map(case);
                for s in current {
                    for m in &s.methods {
                        if !methods.contains(m) {
                            methods.push(*m);
                        }
                    }
                }
                for (i, &m) in methods.iter().enumerate() {
                    index.insert(
                        MethodClass::One(m),
                        builder.push(m.label(lang).to_owned(), CATEGORICAL[i % CATEGORICAL.len()]),
                    );
                }
                index.insert(
                    MethodClass::Several,
                    builder.push(
                        lang.pick("多种方式", "Several methods").to_owned(),
                        [0x2f, 0x4b, 0x7c],
                    ),
                );
                index.insert(
                    MethodClass::Undecided,
                    builder.push(
                        lang.pick("方式未定", "Method not decided").to_owned(),
                        NONE_COLOR,
                    ),
                );
                let none =
                    builder.push(lang.pick("无台账案件", "No case").to_owned(), NO_CASE_COLOR);
                for (i, p) in park.parcels.iter().enumerate() {
                    let class = case(i).map_or(none, |e| index[&method_class(e)]);
                    builder.assign(class, p.area_m2);
                }
            }
            StylePreset::Progress => {
                let mut index = HashMap::new();
                for &s in Progress::ALL {
                    index.insert(
                        s,
                        builder.push(s.label(lang).to_owned(), progress_color(Some(s))),
                    );
                }
                let none = builder.push(
                    lang.pick("无台账案件", "No case").to_owned(),
                    progress_color(None),
                );
                for (i, p) in park.parcels.iter().enumerate() {
                    let class = case(i).map_or(none, |e| index[&e.progress]);
                    builder.assign(class, p.area_m2);
                }
            }
            StylePreset::Area => {
                let mut lower = 0.0;
                for (i, &upper) in AREA_BREAKS_MU.iter().enumerate() {
                    builder.push(
                        format!(
                            "{lower:.0} – {upper:.0} {}",
                            lang.pick("亩", "mu").to_owned()
                        ),
                        SEQUENTIAL[i],
                    );
                    lower = upper;
                }
                builder.push(
                    format!("≥ {lower:.0} {}", lang.pick("亩", "mu").to_owned()),
                    SEQUENTIAL[AREA_BREAKS_MU.len()],
                );
                for p in &park.parcels {
                    builder.assign(area_class(p.area_m2), p.area_m2);
                }
            }
        }
        debug_assert_eq!(builder.class_of.len(), n);
        Self {
            preset,
            classes: builder.classes,
            class_of: builder.class_of,
        }
    }

    /// The fill of parcel `i`.
    #[must_use]
    pub fn color_of(&self, i: usize) -> Rgb {
        self.class_of
            .get(i)
            .and_then(|&c| self.classes.get(usize::from(c)))
            .map_or(NONE_COLOR, |c| c.color)
    }
}

/// The graduated class of an area: the index of the first break above it.
#[must_use]
pub fn area_class(area_m2: f64) -> usize {
    let mu = mu_from_m2(area_m2);
    AREA_BREAKS_MU
        .iter()
        .position(|&upper| mu < upper - 1e-9)
        .unwrap_or(AREA_BREAKS_MU.len())
}

#[derive(Default)]
struct Builder {
    classes: Vec<LegendClass>,
    class_of: Vec<u16>,
}

impl Builder {
    fn push(&mut self, label: String, color: Rgb) -> usize {
        self.classes.push(LegendClass {
            label,
            color,
            count: 0,
            area_m2: 0.0,
        });
        self.classes.len() - 1
    }

    fn assign(&mut self, class: usize, area_m2: f64) {
        let c = &mut self.classes[class];
        c.count += 1;
        c.area_m2 += area_m2;
        self.class_of.push(class as u16);
    }

    /// Drops the empty classes from `first` on ("not given" and "other" rows with no parcel),
    /// renumbering the parcels' classes.
    fn drop_empty_from(&mut self, first: usize) {
        let mut remap: Vec<u16> = (0..self.classes.len() as u16).collect();
        let mut kept = Vec::with_capacity(self.classes.len());
        for (i, class) in std::mem::take(&mut self.classes).into_iter().enumerate() {
            if i >= first && class.count == 0 {
                continue;
            }
            remap[i] = kept.len() as u16;
            kept.push(class);
        }
        self.classes = kept;
        for c in &mut self.class_of {
            *c = remap[usize::from(*c)];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::m2_from_mu;

    fn sample() -> (Park, Vec<StoredEntry>) {
        let park = crate::sample::sample_park().expect("sample park loads");
        let mut ledger = crate::ledger::Ledger::open_in_memory().expect("ledger");
        ledger.seed_sample(&park, "test").expect("seed");
        let cases = ledger.list().expect("list");
        (park, cases)
    }

    #[test]
    fn every_preset_accounts_for_every_parcel() {
        let (park, cases) = sample();
        let total_area: f64 = park.parcels.iter().map(|p| p.area_m2).sum();
        for &preset in StylePreset::ALL {
            let c = Classification::compute(preset, &park, &cases, Lang::Zh);
            assert_eq!(c.class_of.len(), park.parcels.len(), "{preset:?}");
            let count: usize = c.classes.iter().map(|k| k.count).sum();
            assert_eq!(count, park.parcels.len(), "{preset:?}");
            let area: f64 = c.classes.iter().map(|k| k.area_m2).sum();
            assert!((area - total_area).abs() < 1e-6 * total_area, "{preset:?}");
            // Each legend count is the number of parcels pointing at it.
            for (k, class) in c.classes.iter().enumerate() {
                let n = c.class_of.iter().filter(|&&x| usize::from(x) == k).count();
                assert_eq!(n, class.count, "{preset:?} {}", class.label);
            }
        }
    }

    #[test]
    fn status_and_ledger_classes_match_the_sample_figures() {
        let (park, cases) = sample();
        let status = Classification::compute(StylePreset::Status, &park, &cases, Lang::Zh);
        let idle_low: f64 = status
            .classes
            .iter()
            .filter(|c| c.label == "闲置" || c.label == "低效")
            .map(LegendClass::area_mu)
            .sum();
        // The file marks 13 parcels (536 亩) idle or low-efficiency; five of their cases are
        // 已盘活, so those five are drawn and counted as revitalized now, not as idle.
        let revitalized: Vec<&StoredEntry> = cases
            .iter()
            .filter(|c| c.entry.progress == Progress::Revitalized)
            .collect();
        assert_eq!(revitalized.len(), 5);
        let revitalized_mu: f64 = revitalized
            .iter()
            .map(|c| mu_from_m2(c.entry.parcel_area_m2))
            .sum();
        assert!(
            (idle_low + revitalized_mu - 536.0).abs() < 0.01,
            "{idle_low} + {revitalized_mu}"
        );
        let idle_low_count: usize = status
            .classes
            .iter()
            .filter(|c| c.label == "闲置" || c.label == "低效")
            .map(|c| c.count)
            .sum();
        assert_eq!(idle_low_count, 13 - 5);
        for case in &revitalized {
            let i = park
                .parcels
                .iter()
                .position(|p| p.parcel_no == case.entry.parcel_no)
                .expect("parcel");
            let class = &status.classes[usize::from(status.class_of[i])];
            assert_eq!(class.label, "已盘活", "{}", case.entry.parcel_no);
        }

        let kind = Classification::compute(StylePreset::LedgerKind, &park, &cases, Lang::Zh);
        let no_case = kind.classes.last().expect("no-case row");
        assert_eq!(no_case.label, "无台账案件");
        assert_eq!(no_case.count, park.parcels.len() - cases.len());

        let method = Classification::compute(StylePreset::Method, &park, &cases, Lang::En);
        for (i, p) in park.parcels.iter().enumerate() {
            let Some(case) = cases.iter().find(|s| s.entry.parcel_no == p.parcel_no) else {
                assert_eq!(
                    method.classes[usize::from(method.class_of[i])].label,
                    "No case"
                );
                continue;
            };
            let label = &method.classes[usize::from(method.class_of[i])].label;
            match case.entry.methods.as_slice() {
                [one] => assert_eq!(label, one.label(Lang::En)),
                [] => assert_eq!(label, "Method not decided"),
                _ => assert_eq!(label, "Several methods"),
            }
        }
    }

    #[test]
    fn district_classes_follow_the_district_file() {
        let (park, cases) = sample();
        let c = Classification::compute(StylePreset::District, &park, &cases, Lang::Zh);
        let names: Vec<&str> = c.classes.iter().map(|k| k.label.as_str()).collect();
        assert_eq!(names, ["梁产城新区", "两江工业区", "吴溪工业区"]);
        for (i, p) in park.parcels.iter().enumerate() {
            let d = &park.districts[usize::from(c.class_of[i])];
            assert_eq!(p.district.as_deref(), Some(d.code.as_str()));
            assert_eq!(c.color_of(i), DISTRICT_COLORS[usize::from(c.class_of[i])]);
        }
    }

    #[test]
    fn area_classes_split_at_the_breaks() {
        assert_eq!(area_class(m2_from_mu(4.999)), 0);
        assert_eq!(area_class(m2_from_mu(5.0)), 1);
        assert_eq!(area_class(m2_from_mu(49.9)), 3);
        assert_eq!(area_class(m2_from_mu(100.0)), 5);
        assert_eq!(area_class(m2_from_mu(5000.0)), 5);
    }

    #[test]
    fn land_use_keeps_the_largest_uses_and_drops_empty_rows() {
        let (mut park, cases) = sample();
        for (i, p) in park.parcels.iter_mut().enumerate() {
            p.land_use = Some(format!("use{}", i % 13));
        }
        let c = Classification::compute(StylePreset::LandUse, &park, &cases, Lang::Zh);
        // Ten own colours, 其他用途, and no 未注明 row since every parcel has a use.
        assert_eq!(c.classes.len(), MAX_LAND_USE_CLASSES + 1);
        assert_eq!(c.classes.last().map(|k| k.label.as_str()), Some("其他用途"));
        let areas: Vec<f64> = c.classes[..MAX_LAND_USE_CLASSES]
            .iter()
            .map(|k| k.area_m2)
            .collect();
        assert!(
            areas.windows(2).all(|w| w[0] >= w[1]),
            "largest first: {areas:?}"
        );
    }
}
