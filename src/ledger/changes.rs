//! What an edit changed, field by field, as the history shows it: `进度 处置中 → 已处置`,
//! `盘活土地 0.00 → 12.50 亩`. Land areas in 亩, floor in m², as the form shows them.

use crate::model::{Lang, LedgerEntry};
use crate::units::mu_from_m2;
use serde::Serialize;

/// One field that changed, with its values before and after as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field's name in the interface language.
    pub field: String,
    pub before: String,
    pub after: String,
}

impl std::fmt::Display for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} → {}", self.field, self.before, self.after)
    }
}

fn mu(value: f64, lang: Lang) -> String {
    format!(
        "{:.2} {}",
        mu_from_m2(value),
        if lang == Lang::Zh { "亩" } else { "mu" }
    )
}

fn m2(value: f64) -> String {
    format!("{value:.2} m²")
}

fn opt<T: ToString>(value: Option<&T>) -> String {
    value.map_or_else(|| "—".to_owned(), ToString::to_string)
}

fn text(value: &str) -> String {
    if value.is_empty() {
        "—".to_owned()
    } else {
        value.to_owned()
    }
}

/// The fields that differ between two states of a case, in the form's order. A number whose
/// change does not show at the displayed precision is still listed, with more digits.
#[must_use]
pub fn field_changes(before: &LedgerEntry, after: &LedgerEntry, lang: Lang) -> Vec<FieldChange> {
    let zh = lang == Lang::Zh;
    let name = |zh_name: &str, en_name: &str| if zh { zh_name } else { en_name }.to_owned();
    let mut changes = Vec::new();
    let push = |changes: &mut Vec<FieldChange>, field: String, b: String, a: String| {
        if b != a {
            changes.push(FieldChange {
                field,
                before: b,
                after: a,
            });
        }
    };
    // Areas: shown at the form's precision, with more digits when that hides the change.
    let area = |changes: &mut Vec<FieldChange>,
                field: String,
                b: f64,
                a: f64,
                show: &dyn Fn(f64) -> String| {
        if b.to_bits() == a.to_bits() {
            return;
        }
        let (tb, ta) = (show(b), show(a));
        let (before, after) = if tb == ta {
            (format!("{b:.6} m²"), format!("{a:.6} m²"))
        } else {
            (tb, ta)
        };
        changes.push(FieldChange {
            field,
            before,
            after,
        });
    };
    area(
        &mut changes,
        name("宗地面积", "Parcel area"),
        before.parcel_area_m2,
        after.parcel_area_m2,
        &|v| mu(v, lang),
    );
    area(
        &mut changes,
        name("闲置土地", "Idle land"),
        before.idle_land_m2,
        after.idle_land_m2,
        &|v| mu(v, lang),
    );
    area(
        &mut changes,
        name("闲置厂房", "Idle floor"),
        before.idle_building_m2,
        after.idle_building_m2,
        &m2,
    );
    area(
        &mut changes,
        name("盘活土地", "Revitalized land"),
        before.revitalized_land_m2,
        after.revitalized_land_m2,
        &|v| mu(v, lang),
    );
    area(
        &mut changes,
        name("盘活厂房", "Revitalized floor"),
        before.revitalized_building_m2,
        after.revitalized_building_m2,
        &m2,
    );
    area(
        &mut changes,
        name("投资(万元)", "Investment (10k yuan)"),
        before.investment_10k_yuan,
        after.investment_10k_yuan,
        &|v| format!("{v:.2}"),
    );
    push(
        &mut changes,
        name("宗地编号", "Parcel"),
        before.parcel_no.clone(),
        after.parcel_no.clone(),
    );
    push(
        &mut changes,
        name("片区", "District"),
        opt(before.district.as_ref()),
        opt(after.district.as_ref()),
    );
    push(
        &mut changes,
        name("土地使用权人", "Holder"),
        opt(before.holder.as_ref()),
        opt(after.holder.as_ref()),
    );
    push(
        &mut changes,
        name("类型", "Kind"),
        before.kind.label(lang).to_owned(),
        after.kind.label(lang).to_owned(),
    );
    push(
        &mut changes,
        name("细类", "Category"),
        before.subtype.map_or("—", |s| s.label(lang)).to_owned(),
        after.subtype.map_or("—", |s| s.label(lang)).to_owned(),
    );
    push(
        &mut changes,
        name("闲置原因", "Cause"),
        before.cause.label(lang).to_owned(),
        after.cause.label(lang).to_owned(),
    );
    push(
        &mut changes,
        name("原因说明", "Cause details"),
        text(&before.cause_text),
        text(&after.cause_text),
    );
    for (zh_name, en_name, b, a) in [
        (
            "认定日期",
            "Identified on",
            before.identified_on,
            after.identified_on,
        ),
        (
            "约定动工",
            "Agreed start",
            before.agreed_start_on,
            after.agreed_start_on,
        ),
        (
            "闲置起始",
            "Idle since",
            before.idle_since,
            after.idle_since,
        ),
        ("完成时限", "Deadline", before.deadline, after.deadline),
        (
            "完成日期",
            "Completed on",
            before.completed_on,
            after.completed_on,
        ),
    ] {
        push(
            &mut changes,
            name(zh_name, en_name),
            opt(b.as_ref()),
            opt(a.as_ref()),
        );
    }
    push(
        &mut changes,
        name("处置方式", "Methods"),
        text(&before.methods_label(lang)),
        text(&after.methods_label(lang)),
    );
    push(
        &mut changes,
        name("进度", "Progress"),
        before.progress.label(lang).to_owned(),
        after.progress.label(lang).to_owned(),
    );
    for (zh_name, en_name, b, a) in [
        (
            "引进项目",
            "Project",
            &before.new_project,
            &after.new_project,
        ),
        (
            "责任单位",
            "Responsible unit",
            &before.responsible_unit,
            &after.responsible_unit,
        ),
        ("备注", "Notes", &before.notes, &after.notes),
    ] {
        push(&mut changes, name(zh_name, en_name), text(b), text(a));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Progress;
    use crate::units::m2_from_mu;

    #[test]
    fn changes_read_field_by_field() {
        let before = LedgerEntry {
            parcel_no: "LJ-0101".into(),
            progress: Progress::Disposing,
            ..LedgerEntry::default()
        };
        let mut after = before.clone();
        after.progress = Progress::Disposed;
        after.revitalized_land_m2 = m2_from_mu(12.5);
        let changes = field_changes(&before, &after, Lang::Zh);
        let shown: Vec<String> = changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["盘活土地 0.00 亩 → 12.50 亩", "进度 处置中 → 已处置"]
        );
        assert!(field_changes(&before, &before, Lang::Zh).is_empty());
    }

    #[test]
    fn a_change_below_the_shown_precision_is_still_listed() {
        let before = LedgerEntry {
            idle_land_m2: 38_731.2,
            ..LedgerEntry::default()
        };
        let mut after = before.clone();
        after.idle_land_m2 = 38_731.201;
        let changes = field_changes(&before, &after, Lang::En);
        assert_eq!(changes.len(), 1);
        assert_ne!(changes[0].before, changes[0].after);
    }
}
