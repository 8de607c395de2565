//! The idle and low-efficiency industrial land ledger (低效闲置工业用地台账): what one case
//! records, its enumerations, and the rules a case must satisfy before it is saved.

use super::{Lang, Text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

coded_enum! {
    /// 类型: what kind of idleness a case is about.
    pub enum IdleKind {
        /// 闲置土地
        Idle => ("idle_land", "闲置土地", "Idle land"),
        /// 低效用地
        LowEfficiency => ("low_efficiency", "低效用地", "Low-efficiency land"),
        /// 闲置厂房
        IdleFactory => ("idle_factory", "闲置厂房", "Idle factory building"),
    }
}

coded_enum! {
    /// The finer statutory or policy category of a case.
    pub enum IdleSubtype {
        /// 未按期动工满一年
        NotStartedOneYear => ("not_started_1y", "未按期动工满一年", "Not started a year after the agreed date"),
        /// 开发不足: under ⅓ developed or under 25% invested, and stopped a year.
        Underdeveloped => ("underdeveloped", "开发不足", "Under-developed and stopped"),
        /// 供而未用
        SuppliedNotUsed => ("supplied_not_used", "供而未用", "Supplied, not used"),
        /// 用而未尽
        UsedNotFully => ("used_not_fully", "用而未尽", "Used, not fully"),
        /// 建而未投
        BuiltNotOperating => ("built_not_operating", "建而未投", "Built, not in production"),
        /// 投而未达
        OperatingBelowTarget => ("operating_below_target", "投而未达", "In production, below target"),
        /// 亩均效益低
        LowYieldPerMu => ("low_yield_per_mu", "亩均效益低", "Low yield per mu"),
    }
}

impl IdleSubtype {
    /// The kind a subtype belongs to.
    #[must_use]
    pub fn kind(self) -> IdleKind {
        match self {
            Self::NotStartedOneYear | Self::Underdeveloped => IdleKind::Idle,
            _ => IdleKind::LowEfficiency,
        }
    }
}

coded_enum! {
    /// 闲置原因 (class; the free text is beside it).
    pub enum CauseClass {
        Government => ("government", "政府原因", "Government"),
        Enterprise => ("enterprise", "企业原因", "Enterprise"),
        JudicialSeizure => ("judicial_seizure", "司法查封", "Judicial seizure"),
        Other => ("other", "其他", "Other"),
    }
}

coded_enum! {
    /// 处置方式: the park's five methods, then the statutory ones.
    pub enum DisposalMethod {
        LeasebackCoManagement => ("leaseback_co_management", "返租共管", "Lease-back co-management"),
        LegalBuyback => ("legal_buyback", "依法回购", "Buyback by law"),
        JudicialAuction => ("judicial_auction", "司法拍卖", "Judicial auction"),
        LeaseForConversion => ("lease_for_conversion", "租赁转产", "Lease for new production"),
        JointDevelopment => ("joint_development", "合作共建", "Joint development"),
        ExtendStartDeadline => ("extend_start_deadline", "延长动工期限", "Extend the start deadline"),
        AdjustUseOrPlanning => ("adjust_use_or_planning", "调整用途或规划条件", "Adjust use or planning conditions"),
        TemporaryUse => ("temporary_use", "政府安排临时使用", "Temporary use arranged by government"),
        NegotiatedRecovery => ("negotiated_recovery", "协议有偿收回", "Recovery by paid agreement"),
        LandSwap => ("land_swap", "置换土地", "Land swap"),
        IdleLandFee => ("idle_land_fee", "征缴土地闲置费", "Idle land fee"),
        FreeRecovery => ("free_recovery", "无偿收回", "Recovery without compensation"),
        Other => ("other", "其他", "Other"),
    }
}

impl DisposalMethod {
    /// The park's own five methods (一园三区 practice).
    pub const PARK_FIVE: [Self; 5] = [
        Self::LeasebackCoManagement,
        Self::LegalBuyback,
        Self::JudicialAuction,
        Self::LeaseForConversion,
        Self::JointDevelopment,
    ];
}

coded_enum! {
    /// 处置进度.
    pub enum Progress {
        Pending => ("pending", "待认定", "To be confirmed"),
        Identified => ("identified", "已认定", "Confirmed"),
        Disposing => ("disposing", "处置中", "Being disposed of"),
        Disposed => ("disposed", "已处置", "Disposed of"),
        Revitalized => ("revitalized", "已盘活", "Revitalized"),
        Suspended => ("suspended", "暂缓", "Suspended"),
        WrittenOff => ("written_off", "核销", "Written off"),
    }
}

impl Progress {
    /// Whether a case may move from `self` to `next` (staying put is always allowed).
    #[must_use]
    pub fn can_move_to(self, next: Self) -> bool {
        use Progress::{
            Disposed, Disposing, Identified, Pending, Revitalized, Suspended, WrittenOff,
        };
        if self == next {
            return true;
        }
        match self {
            Pending => matches!(next, Identified | Suspended | WrittenOff),
            Identified => matches!(next, Disposing | Suspended | WrittenOff),
            Disposing => matches!(next, Disposed | Revitalized | Suspended | WrittenOff),
            Disposed => matches!(next, Revitalized | WrittenOff),
            Suspended => matches!(next, Identified | Disposing | WrittenOff),
            Revitalized | WrittenOff => false,
        }
    }

    /// The case is closed: nothing more is expected of it.
    #[must_use]
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Revitalized | Self::WrittenOff)
    }

    /// A disposal method is required from this stage on.
    #[must_use]
    pub fn needs_method(self) -> bool {
        matches!(self, Self::Disposing | Self::Disposed | Self::Revitalized)
    }
}

/// One case of the ledger. Areas in m² (亩 only for display); dates are civil dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LedgerEntry {
    pub parcel_no: String,
    pub district: Option<String>,
    pub holder: Option<String>,
    /// The parcel's area when the case was registered (snapshot).
    pub parcel_area_m2: f64,
    /// Idle land in the case.
    pub idle_land_m2: f64,
    /// Idle factory floor in the case.
    pub idle_building_m2: f64,
    pub kind: IdleKind,
    pub subtype: Option<IdleSubtype>,
    pub cause: CauseClass,
    pub cause_text: String,
    pub identified_on: Option<Date>,
    pub agreed_start_on: Option<Date>,
    pub idle_since: Option<Date>,
    pub deadline: Option<Date>,
    pub completed_on: Option<Date>,
    pub methods: Vec<DisposalMethod>,
    /// What "其他" means when it is among the methods.
    pub method_other: String,
    pub progress: Progress,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
    /// 引进项目 / enterprise brought in.
    pub new_project: String,
    /// 投资 (万元).
    pub investment_10k_yuan: f64,
    pub responsible_unit: String,
    pub notes: String,
}

impl Default for LedgerEntry {
    fn default() -> Self {
        Self {
            parcel_no: String::new(),
            district: None,
            holder: None,
            parcel_area_m2: 0.0,
            idle_land_m2: 0.0,
            idle_building_m2: 0.0,
            kind: IdleKind::Idle,
            subtype: None,
            cause: CauseClass::Enterprise,
            cause_text: String::new(),
            identified_on: None,
            agreed_start_on: None,
            idle_since: None,
            deadline: None,
            completed_on: None,
            methods: Vec::new(),
            method_other: String::new(),
            progress: Progress::Pending,
            revitalized_land_m2: 0.0,
            revitalized_building_m2: 0.0,
            new_project: String::new(),
            investment_10k_yuan: 0.0,
            responsible_unit: String::new(),
            notes: String::new(),
        }
    }
}

/// The fields a validation message can stand beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    ParcelNo,
    IdleLand,
    IdleBuilding,
    Subtype,
    IdentifiedOn,
    IdleSince,
    Deadline,
    CompletedOn,
    Methods,
    MethodOther,
    Progress,
    RevitalizedLand,
    RevitalizedBuilding,
    Investment,
}

impl Field {
    /// The field's name as the CLI flag spells it.
    #[must_use]
    pub fn flag(self) -> &'static str {
        match self {
            Self::ParcelNo => "--parcel",
            Self::IdleLand => "--idle-land-mu",
            Self::IdleBuilding => "--idle-building-m2",
            Self::Subtype => "--subtype",
            Self::IdentifiedOn => "--identified-on",
            Self::IdleSince => "--idle-since",
            Self::Deadline => "--deadline",
            Self::CompletedOn => "--completed-on",
            Self::Methods => "--method",
            Self::MethodOther => "--method-other",
            Self::Progress => "--progress",
            Self::RevitalizedLand => "--revitalized-land-mu",
            Self::RevitalizedBuilding => "--revitalized-building-m2",
            Self::Investment => "--investment",
        }
    }
}

/// A rule a case breaks, with the message shown beside the field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: Field,
    pub text: Text,
}

impl FieldError {
    #[must_use]
    pub fn new(field: Field, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field,
            text: Text::new(zh, en),
        }
    }

    #[must_use]
    pub fn message(&self, lang: Lang) -> &str {
        self.text.get(lang)
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field.flag(), self.text)
    }
}

/// Revitalized land may exceed the parcel's area by this fraction (survey tolerance).
pub const AREA_TOLERANCE: f64 = 0.005;

impl LedgerEntry {
    /// Every rule the case breaks; empty when it may be saved.
    #[must_use]
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.parcel_no.trim().is_empty() {
            errors.push(FieldError::new(
                Field::ParcelNo,
                "请填写宗地编号",
                "a parcel number is required",
            ));
        }
        for (field, value) in [
            (Field::IdleLand, self.idle_land_m2),
            (Field::IdleBuilding, self.idle_building_m2),
            (Field::RevitalizedLand, self.revitalized_land_m2),
            (Field::RevitalizedBuilding, self.revitalized_building_m2),
            (Field::Investment, self.investment_10k_yuan),
        ] {
            if !value.is_finite() || value < 0.0 {
                errors.push(FieldError::new(field, "不能为负数", "must be a number ≥ 0"));
            }
        }
        // Compared in m² (what is stored), never in the rounded 亩 the form shows.
        let limit = self.parcel_area_m2 * (1.0 + AREA_TOLERANCE);
        let m2 = |v: f64| crate::units::group_thousands(v, 2);
        let tolerance = AREA_TOLERANCE * 100.0;
        if self.parcel_area_m2 > 0.0 && self.revitalized_land_m2 > limit {
            let (got, parcel) = (m2(self.revitalized_land_m2), m2(self.parcel_area_m2));
            errors.push(FieldError::new(
                Field::RevitalizedLand,
                format!("盘活土地 {got} m² 超过宗地面积 {parcel} m²（允许误差 {tolerance}%）"),
                format!(
                    "revitalized land {got} m² exceeds the parcel's {parcel} m² (tolerance {tolerance}%)"
                ),
            ));
        }
        if self.parcel_area_m2 > 0.0 && self.idle_land_m2 > limit {
            let (got, parcel) = (m2(self.idle_land_m2), m2(self.parcel_area_m2));
            errors.push(FieldError::new(
                Field::IdleLand,
                format!("闲置土地 {got} m² 超过宗地面积 {parcel} m²（允许误差 {tolerance}%）"),
                format!(
                    "idle land {got} m² exceeds the parcel's {parcel} m² (tolerance {tolerance}%)"
                ),
            ));
        }
        if self.progress == Progress::Revitalized
            && self.revitalized_land_m2 <= 0.0
            && self.revitalized_building_m2 <= 0.0
        {
            errors.push(FieldError::new(
                Field::RevitalizedLand,
                "已盘活须填写盘活土地或盘活厂房面积",
                "a revitalized case needs revitalized land or floor area > 0",
            ));
        }
        if self.progress.needs_method() && self.methods.is_empty() {
            errors.push(FieldError::new(
                Field::Methods,
                "处置中及以后须选择处置方式",
                "choose a disposal method once disposal has started",
            ));
        }
        if self.methods.contains(&DisposalMethod::Other) && self.method_other.trim().is_empty() {
            errors.push(FieldError::new(
                Field::MethodOther,
                "请说明“其他”处置方式",
                "describe the \"other\" method",
            ));
        }
        if let Some(subtype) = self.subtype
            && subtype.kind() != self.kind
        {
            errors.push(FieldError::new(
                Field::Subtype,
                format!(
                    "“{}”不属于“{}”",
                    subtype.label(Lang::Zh),
                    self.kind.label(Lang::Zh)
                ),
                format!(
                    "\"{}\" is not a kind of \"{}\"",
                    subtype.label(Lang::En),
                    self.kind.label(Lang::En)
                ),
            ));
        }
        let order = [
            (
                self.idle_since,
                self.identified_on,
                Field::IdentifiedOn,
                "认定日期不能早于闲置起始日期",
                "identified on cannot be before idle since",
            ),
            (
                self.identified_on,
                self.deadline,
                Field::Deadline,
                "完成时限不能早于认定日期",
                "the deadline cannot be before the identification date",
            ),
            (
                self.identified_on,
                self.completed_on,
                Field::CompletedOn,
                "完成日期不能早于认定日期",
                "completed on cannot be before the identification date",
            ),
            (
                self.idle_since,
                self.completed_on,
                Field::CompletedOn,
                "完成日期不能早于闲置起始日期",
                "completed on cannot be before idle since",
            ),
        ];
        for (earlier, later, field, zh, en) in order {
            if let (Some(a), Some(b)) = (earlier, later)
                && b < a
                && !errors.iter().any(|e| e.field == field)
            {
                errors.push(FieldError::new(field, zh, en));
            }
        }
        errors
    }

    /// The disposal methods as one text, "其他" with its description: `返租共管、其他（厂房分割出租）`.
    #[must_use]
    pub fn methods_label(&self, lang: Lang) -> String {
        let separator = if lang == Lang::Zh { "、" } else { ", " };
        self.methods
            .iter()
            .map(|m| match m {
                DisposalMethod::Other if !self.method_other.is_empty() => {
                    if lang == Lang::Zh {
                        format!("其他（{}）", self.method_other)
                    } else {
                        format!("Other ({})", self.method_other)
                    }
                }
                _ => m.label(lang).to_owned(),
            })
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// Days idle on `today` (never typed: computed from `idle_since`).
    #[must_use]
    pub fn idle_days(&self, today: Date) -> Option<i64> {
        let since = self.idle_since?;
        let end = self
            .completed_on
            .filter(|_| self.progress.is_closed())
            .unwrap_or(today);
        let days = since.until(end).ok()?.get_days();
        Some(i64::from(days).max(0))
    }

    /// Idle for a year or more on `today`.
    #[must_use]
    pub fn idle_over_one_year(&self, today: Date) -> bool {
        self.idle_since
            .and_then(|s| s.checked_add(jiff::Span::new().years(1)).ok())
            .is_some_and(|anniversary| !self.progress.is_closed() && anniversary <= today)
    }

    /// Idle for two years or more on `today` (statutory recovery without compensation).
    #[must_use]
    pub fn idle_over_two_years(&self, today: Date) -> bool {
        self.idle_since
            .and_then(|s| s.checked_add(jiff::Span::new().years(2)).ok())
            .is_some_and(|anniversary| !self.progress.is_closed() && anniversary <= today)
    }

    /// Past its deadline and not revitalized or written off.
    #[must_use]
    pub fn is_overdue(&self, today: Date) -> bool {
        self.deadline.is_some_and(|d| d < today) && !self.progress.is_closed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn entry() -> LedgerEntry {
        LedgerEntry {
            parcel_no: "LJ-0101".into(),
            parcel_area_m2: 20_000.0,
            idle_land_m2: 20_000.0,
            ..LedgerEntry::default()
        }
    }

    #[test]
    fn enumerations_round_trip_by_code_and_label() {
        for &m in DisposalMethod::ALL {
            assert_eq!(DisposalMethod::parse(m.code()), Some(m));
            assert_eq!(DisposalMethod::parse(m.label(Lang::Zh)), Some(m));
            let json = serde_json::to_string(&m).unwrap_or_default();
            assert_eq!(serde_json::from_str::<DisposalMethod>(&json).ok(), Some(m));
        }
        assert_eq!(
            DisposalMethod::parse("返租共管"),
            Some(DisposalMethod::LeasebackCoManagement)
        );
        assert_eq!(Progress::parse("已盘活"), Some(Progress::Revitalized));
        assert_eq!(IdleKind::parse("闲置厂房"), Some(IdleKind::IdleFactory));
        assert_eq!(Progress::parse("done"), None);
    }

    #[test]
    fn a_complete_case_is_valid() {
        let mut e = entry();
        e.progress = Progress::Revitalized;
        e.methods = vec![DisposalMethod::LeasebackCoManagement];
        e.revitalized_land_m2 = 20_050.0; // within the 0.5% tolerance
        assert_eq!(e.validate(), vec![]);
    }

    #[test]
    fn each_rule_names_its_field() {
        let fields = |e: &LedgerEntry| {
            e.validate()
                .into_iter()
                .map(|f| f.field)
                .collect::<Vec<_>>()
        };
        let mut e = entry();
        e.revitalized_land_m2 = -1.0;
        assert_eq!(fields(&e), vec![Field::RevitalizedLand]);
        e.revitalized_land_m2 = 20_200.0;
        assert_eq!(fields(&e), vec![Field::RevitalizedLand]);
        let mut e = entry();
        e.progress = Progress::Revitalized;
        e.methods = vec![DisposalMethod::JudicialAuction];
        assert_eq!(fields(&e), vec![Field::RevitalizedLand]);
        let mut e = entry();
        e.progress = Progress::Disposing;
        assert_eq!(fields(&e), vec![Field::Methods]);
        e.methods = vec![DisposalMethod::Other];
        assert_eq!(fields(&e), vec![Field::MethodOther]);
        let mut e = entry();
        e.idle_since = Some(date(2024, 5, 1));
        e.identified_on = Some(date(2024, 4, 1));
        assert_eq!(fields(&e), vec![Field::IdentifiedOn]);
        let mut e = entry();
        e.kind = IdleKind::Idle;
        e.subtype = Some(IdleSubtype::LowYieldPerMu);
        assert_eq!(fields(&e), vec![Field::Subtype]);
    }

    #[test]
    fn progress_moves_only_along_allowed_steps() {
        assert!(Progress::Pending.can_move_to(Progress::Identified));
        assert!(Progress::Disposing.can_move_to(Progress::Revitalized));
        assert!(Progress::Suspended.can_move_to(Progress::Disposing));
        assert!(!Progress::Pending.can_move_to(Progress::Revitalized));
        assert!(!Progress::Revitalized.can_move_to(Progress::Disposing));
        assert!(!Progress::WrittenOff.can_move_to(Progress::Identified));
    }

    #[test]
    fn idle_days_and_warnings_are_computed() {
        let mut e = entry();
        e.idle_since = Some(date(2023, 3, 1));
        e.deadline = Some(date(2024, 12, 31));
        let today = date(2025, 3, 1);
        assert_eq!(e.idle_days(today), Some(731));
        assert!(e.idle_over_one_year(today) && e.idle_over_two_years(today));
        assert!(!e.idle_over_two_years(date(2025, 2, 28)));
        assert!(e.is_overdue(today));
        e.progress = Progress::Revitalized;
        assert!(!e.is_overdue(today) && !e.idle_over_one_year(today));
    }
}
