//! The attribute columns of the exchange files, in order, with their types and values: one
//! table shared by the GeoPackage and `GeoJSON` writers so that both files say the same.
//!
//! Enumerations are written as their stable codes (`idle`, `leaseback_co_management`), as the
//! ledger stores them; Parkland reads codes and Chinese or English labels alike. Areas are in
//! m², with 亩 beside the land areas for convenience. Dates are `YYYY-MM-DD`.

use crate::ledger::StoredEntry;
use crate::model::{District, LedgerEntry, Parcel};
use crate::units::mu_from_m2;
use std::borrow::Cow;
use std::collections::HashMap;

/// A column's type, as declared in a GeoPackage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Real,
    Integer,
    Boolean,
    Date,
    DateTime,
}

impl ColumnType {
    /// The GeoPackage (SQLite) type name.
    #[must_use]
    pub fn sql(self) -> &'static str {
        match self {
            Self::Text => "TEXT",
            Self::Real => "REAL",
            Self::Integer => "INTEGER",
            Self::Boolean => "BOOLEAN",
            Self::Date => "DATE",
            Self::DateTime => "DATETIME",
        }
    }
}

/// One value of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Text(Cow<'a, str>),
    Real(f64),
    Integer(i64),
    Bool(bool),
}

impl Cell<'_> {
    /// The value as JSON (non-finite numbers become null).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Self::Null => Value::Null,
            Self::Text(t) => Value::String(t.as_ref().to_owned()),
            Self::Real(v) => serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number),
            Self::Integer(v) => Value::from(*v),
            Self::Bool(v) => Value::Bool(*v),
        }
    }
}

impl rusqlite::ToSql for Cell<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Self::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Self::Real(v) if v.is_finite() => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Self::Null | Self::Real(_) => ToSqlOutput::Borrowed(ValueRef::Null),
            Self::Integer(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Self::Bool(v) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*v))),
        })
    }
}

/// A named, typed column of rows of `T`.
pub struct Column<T: ?Sized> {
    pub name: &'static str,
    pub kind: ColumnType,
    pub value: for<'a> fn(&'a T) -> Cell<'a>,
}

fn text(value: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(value))
}

fn opt_text(value: Option<&str>) -> Cell<'_> {
    value.map_or(Cell::Null, text)
}

fn date(value: Option<jiff::civil::Date>) -> Cell<'static> {
    value.map_or(Cell::Null, |d| Cell::Text(Cow::Owned(d.to_string())))
}

/// A stored timestamp in the form GeoPackage requires, `YYYY-MM-DDTHH:MM:SS.SSSZ` (UTC); text
/// that is not a timestamp is kept as it is.
fn datetime(value: &str) -> Cell<'_> {
    match value.parse::<jiff::Timestamp>() {
        Ok(t) => Cell::Text(Cow::Owned(t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())),
        Err(_) => text(value),
    }
}

macro_rules! columns {
    ($t:ty: $($name:literal $kind:ident |$v:ident| $body:expr),+ $(,)?) => {
        &[$(Column::<$t> { name: $name, kind: ColumnType::$kind, value: |$v| $body }),+]
    };
}

/// Districts: `code`, `name`, `name_en`, `area_m2`, `area_mu`, `valid`.
pub const DISTRICT_COLUMNS: &[Column<District>] = columns![District:
    "code" Text |d| text(&d.code),
    "name" Text |d| text(&d.name),
    "name_en" Text |d| text(&d.name_en),
    "area_m2" Real |d| Cell::Real(d.area_m2),
    "area_mu" Real |d| Cell::Real(mu_from_m2(d.area_m2)),
    "valid" Boolean |d| Cell::Bool(d.valid),
];

/// Parcels as the parcel file has them, with their geodesic area and validity. The `status`
/// column is replaced by the status now ([`crate::standing::current_status`]) when a row is
/// written; `survey_status` keeps the file's.
pub const PARCEL_COLUMNS: &[Column<Parcel>] = columns![Parcel:
    "parcel_no" Text |p| text(&p.parcel_no),
    "district" Text |p| opt_text(p.district.as_deref()),
    "holder" Text |p| opt_text(p.holder.as_deref()),
    "land_use" Text |p| opt_text(p.land_use.as_deref()),
    // Text as the file gives it: not every file's dates are valid dates.
    "supplied_on" Text |p| opt_text(p.supplied_on.as_deref()),
    "status" Text |p| p.status.map_or(Cell::Null, |s| text(s.code())),
    "survey_status" Text |p| p.status.map_or(Cell::Null, |s| text(s.code())),
    // Each area named for what it is, whichever the figures use: the ellipsoidal one,
    "area_m2" Real |p| Cell::Real(p.areas.ellipsoidal_m2),
    "area_mu" Real |p| Cell::Real(mu_from_m2(p.areas.ellipsoidal_m2)),
    // and the plane one in the parcel's CGCS2000 3° Gauss-Krüger zone, with the zone.
    "plane_area_m2" Real |p| p.areas.plane.map_or(Cell::Null, |plane| Cell::Real(plane.m2)),
    "plane_area_mu" Real |p| p.areas.plane
        .map_or(Cell::Null, |plane| Cell::Real(mu_from_m2(plane.m2))),
    "plane_crs" Text |p| p.areas.plane
        .map_or(Cell::Null, |plane| Cell::Text(Cow::Owned(format!("EPSG:{}", plane.epsg)))),
    "valid" Boolean |p| Cell::Bool(p.valid),
];

/// What a ledger case says, joined onto its parcel and repeated in the ledger table.
pub const CASE_COLUMNS: &[Column<LedgerEntry>] = columns![LedgerEntry:
    "kind" Text |e| text(e.kind.code()),
    "subtype" Text |e| e.subtype.map_or(Cell::Null, |s| text(s.code())),
    "cause" Text |e| text(e.cause.code()),
    "cause_text" Text |e| text(&e.cause_text),
    "idle_land_m2" Real |e| Cell::Real(e.idle_land_m2),
    "idle_land_mu" Real |e| Cell::Real(mu_from_m2(e.idle_land_m2)),
    "idle_building_m2" Real |e| Cell::Real(e.idle_building_m2),
    "identified_on" Date |e| date(e.identified_on),
    "agreed_start_on" Date |e| date(e.agreed_start_on),
    "idle_since" Date |e| date(e.idle_since),
    "deadline" Date |e| date(e.deadline),
    "completed_on" Date |e| date(e.completed_on),
    "methods" Text |e| Cell::Text(Cow::Owned(
        e.methods.iter().map(|m| m.code()).collect::<Vec<_>>().join(","),
    )),
    "method_other" Text |e| text(&e.method_other),
    "progress" Text |e| text(e.progress.code()),
    "revitalized_land_m2" Real |e| Cell::Real(e.revitalized_land_m2),
    "revitalized_land_mu" Real |e| Cell::Real(mu_from_m2(e.revitalized_land_m2)),
    "revitalized_building_m2" Real |e| Cell::Real(e.revitalized_building_m2),
    "new_project" Text |e| text(&e.new_project),
    "investment_10k_yuan" Real |e| Cell::Real(e.investment_10k_yuan),
    "responsible_unit" Text |e| text(&e.responsible_unit),
    "notes" Text |e| text(&e.notes),
];

/// The ledger table's own columns before [`CASE_COLUMNS`]: the parcel snapshot.
pub const LEDGER_HEAD_COLUMNS: &[Column<StoredEntry>] = columns![StoredEntry:
    "parcel_no" Text |s| text(&s.entry.parcel_no),
    "district" Text |s| opt_text(s.entry.district.as_deref()),
    "holder" Text |s| opt_text(s.entry.holder.as_deref()),
    "parcel_area_m2" Real |s| Cell::Real(s.entry.parcel_area_m2),
];

/// The ledger table's audit columns after [`CASE_COLUMNS`].
pub const LEDGER_TAIL_COLUMNS: &[Column<StoredEntry>] = columns![StoredEntry:
    "version" Integer |s| Cell::Integer(s.version),
    "created_at" DateTime |s| datetime(&s.created_at),
    "created_by" Text |s| text(&s.created_by),
    "updated_at" DateTime |s| datetime(&s.updated_at),
    "updated_by" Text |s| text(&s.updated_by),
];

/// The column joining a parcel to its case (the case's id in the ledger).
pub const CASE_ID_COLUMN: &str = "case_id";

/// Each parcel's current case ([`crate::standing::current_cases`]: its open case, else its
/// newest), as the window shows it.
#[must_use]
pub fn cases_by_parcel(cases: &[StoredEntry]) -> HashMap<&str, &StoredEntry> {
    crate::standing::current_cases(cases)
        .into_iter()
        .filter_map(|(parcel_no, i)| cases.get(i).map(|c| (parcel_no, c)))
        .collect()
}

/// The parcel's cells followed by its case's (nulls when it has none).
pub fn parcel_row<'a>(
    parcel: &'a Parcel,
    case: Option<&'a StoredEntry>,
    mut cell: impl FnMut(&'static str, ColumnType, Cell<'a>),
) {
    for column in PARCEL_COLUMNS {
        if column.name == "status" {
            let now = crate::standing::current_status(parcel.status, case.map(|c| &c.entry));
            cell(
                column.name,
                column.kind,
                now.map_or(Cell::Null, |s| text(s.code())),
            );
        } else {
            cell(column.name, column.kind, (column.value)(parcel));
        }
    }
    cell(
        CASE_ID_COLUMN,
        ColumnType::Integer,
        case.map_or(Cell::Null, |c| Cell::Integer(c.id)),
    );
    for column in CASE_COLUMNS {
        cell(
            column.name,
            column.kind,
            case.map_or(Cell::Null, |c| (column.value)(&c.entry)),
        );
    }
}

/// Names and types of the columns [`parcel_row`] gives, in order.
#[must_use]
pub fn parcel_schema() -> Vec<(&'static str, ColumnType)> {
    PARCEL_COLUMNS
        .iter()
        .map(|c| (c.name, c.kind))
        .chain(std::iter::once((CASE_ID_COLUMN, ColumnType::Integer)))
        .chain(CASE_COLUMNS.iter().map(|c| (c.name, c.kind)))
        .collect()
}

/// The ledger table's cells for one case, in order (the case id is the table's fid).
pub fn ledger_row<'a>(
    stored: &'a StoredEntry,
    mut cell: impl FnMut(&'static str, ColumnType, Cell<'a>),
) {
    for column in LEDGER_HEAD_COLUMNS {
        cell(column.name, column.kind, (column.value)(stored));
    }
    for column in CASE_COLUMNS {
        cell(column.name, column.kind, (column.value)(&stored.entry));
    }
    for column in LEDGER_TAIL_COLUMNS {
        cell(column.name, column.kind, (column.value)(stored));
    }
}

/// Names and types of the columns [`ledger_row`] gives, in order.
#[must_use]
pub fn ledger_schema() -> Vec<(&'static str, ColumnType)> {
    LEDGER_HEAD_COLUMNS
        .iter()
        .map(|c| (c.name, c.kind))
        .chain(CASE_COLUMNS.iter().map(|c| (c.name, c.kind)))
        .chain(LEDGER_TAIL_COLUMNS.iter().map(|c| (c.name, c.kind)))
        .collect()
}
