//! `parkland ledger list|add|edit|void|restore|correct|history|backup|export|import`: the
//! disposal ledger from the command line, for scripts and for tests. Bad input exits 2 with
//! the message and writes nothing.

use super::{Cli, EXIT_REJECTED, group_thousands};
use crate::export::{LedgerTable, write_ledger_csv, write_ledger_xlsx};
use crate::ledger::{Action, Ledger, LedgerError, default_operator};
use crate::model::{
    CauseClass, DisposalMethod, IdleKind, IdleSubtype, Lang, LedgerEntry, Park, Progress,
};
use crate::units::{m2_from_mu, mu_from_m2};
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct LedgerArgs {
    #[command(subcommand)]
    pub command: LedgerCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum LedgerCommand {
    /// Copy a whole ledger, file or server, into another: cases with their ids, versions and
    /// geometry, every event as recorded, enterprise figures; one transaction, then counts and
    /// totals checked. Onto a server it is an administrator's act.
    Copy {
        /// The ledger copied: a file or postgresql://… URL.
        #[arg(long, value_parser = super::parse_location)]
        from: crate::ledger::Location,
        /// The ledger written: a file or postgresql://… URL; it must be empty unless --append.
        #[arg(long, value_parser = super::parse_location)]
        to: crate::ledger::Location,
        /// Add to a ledger that has cases already (the copied cases get new ids).
        #[arg(long)]
        append: bool,
    },
    /// The ledger's cases.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        as_of: super::AsOfArg,
    },
    /// Register a case for a parcel; every field as a flag. Nothing is written on bad input;
    /// a parcel that already has an open case is refused (edit that case instead).
    Add(Box<AddArgs>),
    /// Change a case: only the fields given as flags change; progress keeps to the allowed
    /// steps (use `correct` to move it back).
    Edit(Box<EditArgs>),
    /// Void a case (作废): it stays in the history, leaves every figure, and can be restored.
    Void {
        case_id: i64,
        /// Why (required).
        #[arg(long)]
        reason: String,
        #[arg(long)]
        operator: Option<String>,
    },
    /// Restore a voided case (恢复).
    Restore {
        case_id: i64,
        #[arg(long)]
        operator: Option<String>,
    },
    /// Correct a case's progress (更正), also backwards, with a required reason.
    Correct {
        case_id: i64,
        #[arg(long, value_parser = progress)]
        progress: Progress,
        /// Why (required).
        #[arg(long)]
        reason: String,
        #[arg(long)]
        operator: Option<String>,
    },
    /// Every change to the cases of a parcel, newest first, with what changed field by field;
    /// times in the local time zone with its offset.
    History {
        parcel_no: String,
        #[arg(long)]
        json: bool,
        /// Show times in UTC, as stored.
        #[arg(long)]
        utc: bool,
    },
    /// Attach a document to a case (附件: PDF, JPEG, PNG, Word, Excel; up to 50 MB), stored
    /// inside the ledger with its SHA-256, who and when.
    Attach {
        case_id: i64,
        file: PathBuf,
        #[arg(long)]
        operator: Option<String>,
    },
    /// The documents of a case.
    Attachments {
        case_id: i64,
        /// Removed documents too.
        #[arg(long)]
        removed: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a case's documents into DIR, each checked against its SHA-256 (names made safe
    /// for the disk; a name taken twice gets its id).
    ExportAttachments { case_id: i64, dir: PathBuf },
    /// Remove a document from its case (kept: an administrator can bring it back).
    RemoveAttachment {
        attachment_id: i64,
        #[arg(long)]
        operator: Option<String>,
    },
    /// Bring a removed document back (an administrator's act on a server).
    RecoverAttachment {
        attachment_id: i64,
        #[arg(long)]
        operator: Option<String>,
    },
    /// Copy the ledger to FILE (SQLite online backup).
    Backup { file: PathBuf },
    /// The ledger in the county's column order, as xlsx and/or CSV (UTF-8 with BOM).
    Export {
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Read the county table back (xlsx or CSV, the columns `export` writes): every row is a
    /// new case, an update or unchanged, matched by 宗地编号. Prints every problem with its
    /// row and column; writes nothing (exit 2) if there is any, else writes all rows in one
    /// transaction.
    Import {
        file: PathBuf,
        /// Show what the import would do; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Who is making the change (default: the OS user).
        #[arg(long)]
        operator: Option<String>,
    },
}

fn enum_parser<T: Copy + Send + Sync + 'static>(
    parse: fn(&str) -> Option<T>,
    all: &'static [T],
    label: fn(T) -> &'static str,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        parse(text).ok_or_else(|| {
            let choices: Vec<&str> = all.iter().map(|v| label(*v)).collect();
            format!("\"{text}\" is not one of: {}", choices.join(", "))
        })
    }
}

fn kind(text: &str) -> Result<IdleKind, String> {
    enum_parser(IdleKind::parse, IdleKind::ALL, |v| v.label(Lang::Zh))(text)
}
fn subtype(text: &str) -> Result<IdleSubtype, String> {
    enum_parser(IdleSubtype::parse, IdleSubtype::ALL, |v| v.label(Lang::Zh))(text)
}
fn cause(text: &str) -> Result<CauseClass, String> {
    enum_parser(CauseClass::parse, CauseClass::ALL, |v| v.label(Lang::Zh))(text)
}
fn method(text: &str) -> Result<DisposalMethod, String> {
    enum_parser(DisposalMethod::parse, DisposalMethod::ALL, |v| {
        v.label(Lang::Zh)
    })(text)
}
fn progress(text: &str) -> Result<Progress, String> {
    enum_parser(Progress::parse, Progress::ALL, |v| v.label(Lang::Zh))(text)
}
fn date(text: &str) -> Result<jiff::civil::Date, String> {
    text.parse()
        .map_err(|e| format!("\"{text}\" is not a date YYYY-MM-DD ({e})"))
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// 宗地编号 of a parcel in the loaded park.
    #[arg(long = "parcel", value_name = "PARCEL_NO")]
    pub parcel_no: String,
    /// 类型: 闲置土地, 低效用地, 闲置厂房 (or `idle_land`, `low_efficiency`, `idle_factory`).
    #[arg(long, value_parser = kind)]
    pub kind: IdleKind,
    /// 处置进度: 待认定, 已认定, 处置中, 已处置, 已盘活, 暂缓, 核销.
    #[arg(long, value_parser = progress)]
    pub progress: Progress,
    #[command(flatten)]
    pub fields: CaseFields,
}

/// The fields of a case that `add` and `edit` take alike, each optional: what is not given
/// keeps its value (for `add`, the parcel's area as idle land, else empty).
#[derive(Debug, clap::Args)]
pub struct CaseFields {
    /// e.g. 未按期动工满一年, 开发不足, 供而未用, 用而未尽, 建而未投, 投而未达, 亩均效益低.
    #[arg(long, value_parser = subtype)]
    pub subtype: Option<IdleSubtype>,
    /// 闲置原因: 政府原因, 企业原因 (the default), 司法查封, 其他.
    #[arg(long, value_parser = cause)]
    pub cause: Option<CauseClass>,
    /// 闲置原因说明 (free text).
    #[arg(long)]
    pub cause_text: Option<String>,
    /// 处置方式 (repeat for several), e.g. 返租共管; replaces the case's methods.
    #[arg(long = "method", value_parser = method)]
    pub methods: Vec<DisposalMethod>,
    /// What 其他 means when it is a method.
    #[arg(long)]
    pub method_other: Option<String>,
    /// Idle land (亩); for a new case, the parcel's area when not given.
    #[arg(long)]
    pub idle_land_mu: Option<f64>,
    /// 闲置厂房 (m²).
    #[arg(long)]
    pub idle_building_m2: Option<f64>,
    /// 盘活土地 (亩).
    #[arg(long)]
    pub revitalized_land_mu: Option<f64>,
    /// 盘活厂房 (m²).
    #[arg(long)]
    pub revitalized_building_m2: Option<f64>,
    /// 认定日期 (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub identified_on: Option<jiff::civil::Date>,
    /// 约定动工日期 (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub agreed_start_on: Option<jiff::civil::Date>,
    /// 闲置起始日期 (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub idle_since: Option<jiff::civil::Date>,
    /// 完成时限 (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub deadline: Option<jiff::civil::Date>,
    /// 完成日期 (YYYY-MM-DD); required for a case registered as 已盘活.
    #[arg(long, value_parser = date)]
    pub completed_on: Option<jiff::civil::Date>,
    /// 引进项目.
    #[arg(long)]
    pub new_project: Option<String>,
    /// 投资 (万元).
    #[arg(long)]
    pub investment: Option<f64>,
    /// 责任单位.
    #[arg(long)]
    pub responsible_unit: Option<String>,
    /// 备注.
    #[arg(long)]
    pub notes: Option<String>,
    /// Who is making the change (default: the OS user).
    #[arg(long)]
    pub operator: Option<String>,
}

/// What `ledger edit` may change: every field of `add` except the parcel, each optional.
#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The case's id (`ledger list`).
    pub case_id: i64,
    /// 类型: 闲置土地, 低效用地, 闲置厂房.
    #[arg(long, value_parser = kind)]
    pub kind: Option<IdleKind>,
    /// Along the allowed steps only (use `correct` to move it back).
    #[arg(long, value_parser = progress)]
    pub progress: Option<Progress>,
    #[command(flatten)]
    pub fields: CaseFields,
}

impl CaseFields {
    /// The case with the fields given changed; the others exactly as they were.
    fn apply(&self, entry: &mut LedgerEntry) {
        let set = |slot: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                v.clone_into(slot);
            }
        };
        if let Some(v) = self.subtype {
            entry.subtype = Some(v);
        }
        if let Some(v) = self.cause {
            entry.cause = v;
        }
        set(&mut entry.cause_text, &self.cause_text);
        if !self.methods.is_empty() {
            entry.methods.clone_from(&self.methods);
        }
        set(&mut entry.method_other, &self.method_other);
        for (slot, mu) in [
            (&mut entry.idle_land_m2, self.idle_land_mu),
            (&mut entry.revitalized_land_m2, self.revitalized_land_mu),
        ] {
            if let Some(mu) = mu {
                *slot = m2_from_mu(mu);
            }
        }
        for (slot, value) in [
            (&mut entry.idle_building_m2, self.idle_building_m2),
            (
                &mut entry.revitalized_building_m2,
                self.revitalized_building_m2,
            ),
            (&mut entry.investment_10k_yuan, self.investment),
        ] {
            if let Some(value) = value {
                *slot = value;
            }
        }
        for (slot, value) in [
            (&mut entry.identified_on, self.identified_on),
            (&mut entry.agreed_start_on, self.agreed_start_on),
            (&mut entry.idle_since, self.idle_since),
            (&mut entry.deadline, self.deadline),
            (&mut entry.completed_on, self.completed_on),
        ] {
            if value.is_some() {
                *slot = value;
            }
        }
        set(&mut entry.new_project, &self.new_project);
        set(&mut entry.responsible_unit, &self.responsible_unit);
        set(&mut entry.notes, &self.notes);
    }
}

impl EditArgs {
    /// The case with the fields given changed; the others exactly as stored.
    fn apply(&self, stored: &LedgerEntry) -> LedgerEntry {
        let mut entry = stored.clone();
        if let Some(kind) = self.kind {
            entry.kind = kind;
        }
        if let Some(progress) = self.progress {
            entry.progress = progress;
        }
        self.fields.apply(&mut entry);
        entry
    }
}

/// Opens the ledger named by `--ledger` (or the default one), seeding the sample ledger into
/// a new ledger when the sample park is in use.
pub fn open_ledger(cli: &Cli, park: &Park) -> Result<Ledger, LedgerError> {
    let location = cli
        .ledger
        .clone()
        .unwrap_or_else(|| crate::ledger::default_path_for(cli.parcels.is_none()).into());
    let mut ledger = location.open()?;
    if cli.parcels.is_none() {
        ledger.seed_sample(park, &default_operator())?;
    }
    Ok(ledger)
}

pub fn run(args: &LedgerArgs, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    if let LedgerCommand::Copy { from, to, append } = &args.command {
        return copy(from, to, *append, out);
    }
    let (park, mut ledger) = super::park_and_ledger(cli)?;
    match &args.command {
        LedgerCommand::Copy { .. } => unreachable!("copied above"),
        LedgerCommand::List { json, as_of } => list(&ledger, *json, as_of.as_of, out),
        LedgerCommand::Add(add_args) => add(&mut ledger, &park, add_args, out),
        LedgerCommand::Edit(edit_args) => {
            let operator = edit_args
                .fields
                .operator
                .clone()
                .unwrap_or_else(default_operator);
            let id = edit_args.case_id;
            let result = match ledger.get(id)? {
                Some(stored) if !stored.deleted => {
                    let entry = edit_args.apply(&stored.entry);
                    ledger.update(id, stored.version, &entry, &operator, Action::Update)
                }
                Some(_) => Err(LedgerError::Data(format!(
                    "case {id} is voided; restore it first"
                ))),
                None => Err(LedgerError::NotFound(id)),
            };
            written(result, &format!("case {id} saved"), out)
        }
        LedgerCommand::Void {
            case_id,
            reason,
            operator,
        } => {
            let operator = operator.clone().unwrap_or_else(default_operator);
            let result = match ledger.get(*case_id)? {
                Some(stored) if !stored.deleted => {
                    ledger.void(*case_id, stored.version, reason, &operator)
                }
                Some(_) => Err(LedgerError::Data(format!(
                    "case {case_id} is already voided"
                ))),
                None => Err(LedgerError::NotFound(*case_id)),
            };
            written(result, &format!("case {case_id} voided"), out)
        }
        LedgerCommand::Attach {
            case_id,
            file,
            operator,
        } => {
            let operator = operator.clone().unwrap_or_else(default_operator);
            let result = ledger.attach_file(*case_id, file, &operator);
            let done = format!("{} attached to case {case_id}", file.display());
            written(result, &done, out)
        }
        LedgerCommand::Attachments {
            case_id,
            removed,
            json,
        } => attachments(&ledger, *case_id, *removed, *json, out),
        LedgerCommand::ExportAttachments { case_id, dir } => {
            export_attachments(&ledger, *case_id, dir, out)
        }
        LedgerCommand::RemoveAttachment {
            attachment_id,
            operator,
        } => {
            let operator = operator.clone().unwrap_or_else(default_operator);
            let result = ledger
                .remove_attachment(*attachment_id, &operator)
                .map(|()| *attachment_id);
            written(result, &format!("attachment {attachment_id} removed"), out)
        }
        LedgerCommand::RecoverAttachment {
            attachment_id,
            operator,
        } => {
            let operator = operator.clone().unwrap_or_else(default_operator);
            let result = ledger
                .recover_attachment(*attachment_id, &operator)
                .map(|()| *attachment_id);
            written(
                result,
                &format!("attachment {attachment_id} brought back"),
                out,
            )
        }
        LedgerCommand::Restore { case_id, operator } => {
            let operator = operator.clone().unwrap_or_else(default_operator);
            let result = match ledger.get(*case_id)? {
                Some(stored) if stored.deleted => {
                    ledger.restore(*case_id, stored.version, &operator)
                }
                Some(_) => Err(LedgerError::Data(format!("case {case_id} is not voided"))),
                None => Err(LedgerError::NotFound(*case_id)),
            };
            written(result, &format!("case {case_id} restored"), out)
        }
        LedgerCommand::Correct {
            case_id,
            progress,
            reason,
            operator,
        } => {
            let operator = operator.clone().unwrap_or_else(default_operator);
            let result = match ledger.get(*case_id)? {
                Some(stored) if !stored.deleted => {
                    let mut entry = stored.entry.clone();
                    entry.progress = *progress;
                    ledger.correct(*case_id, stored.version, &entry, reason, &operator)
                }
                Some(_) => Err(LedgerError::Data(format!(
                    "case {case_id} is voided; restore it first"
                ))),
                None => Err(LedgerError::NotFound(*case_id)),
            };
            written(result, &format!("case {case_id} corrected"), out)
        }
        LedgerCommand::History {
            parcel_no,
            json,
            utc,
        } => history(&ledger, parcel_no, *json, *utc, out),
        LedgerCommand::Backup { file } => {
            ledger
                .backup_to(file)
                .with_context(|| format!("backing up to {}", file.display()))?;
            writeln!(out, "ledger backed up to {}", file.display())?;
            Ok(ExitCode::SUCCESS)
        }
        LedgerCommand::Export { xlsx, csv } => {
            if xlsx.is_none() && csv.is_none() {
                writeln!(out, "error: give --xlsx FILE and/or --csv FILE")?;
                return Ok(ExitCode::from(EXIT_REJECTED));
            }
            let table = LedgerTable::new(&ledger.list()?, &park);
            for (path, write) in [
                (
                    xlsx,
                    write_ledger_xlsx as fn(&LedgerTable, &std::path::Path) -> anyhow::Result<()>,
                ),
                (csv, write_ledger_csv),
            ] {
                if let Some(path) = path {
                    write(&table, path)?;
                    writeln!(
                        out,
                        "wrote {} ({} cases)",
                        path.display(),
                        table.rows.len() - 1
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        LedgerCommand::Import {
            file,
            dry_run,
            operator,
        } => import(&mut ledger, &park, file, *dry_run, operator.as_deref(), out),
    }
}

fn list(
    ledger: &Ledger,
    json: bool,
    as_of: Option<jiff::civil::Date>,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let (entries, _) = super::cases_as_of(ledger, as_of)?;
    // Which cases count (one open case per parcel): the rule every figure uses.
    let counts = crate::standing::count_cases(entries.iter().map(crate::standing::CaseKey::from));
    if json {
        let rows: Vec<serde_json::Value> = entries
            .iter()
            .zip(&counts.counts)
            .map(|(s, &counted)| {
                let mut value = serde_json::to_value(&s.entry).unwrap_or_default();
                if let Some(object) = value.as_object_mut() {
                    object.insert("id".into(), s.id.into());
                    object.insert("counted".into(), counted.into());
                    object.insert("version".into(), s.version.into());
                    object.insert("updated_at".into(), s.updated_at.clone().into());
                    object.insert("updated_by".into(), s.updated_by.clone().into());
                }
                value
            })
            .collect();
        serde_json::to_writer(&mut *out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:>4} {:<9} {:<5} {:<8} {:<6} {:>9} {:>9} {:>9}  方式",
        "id", "宗地编号", "片区", "类型", "进度", "面积亩", "盘活亩", "盘活㎡"
    )?;
    for (s, &counted) in entries.iter().zip(&counts.counts) {
        let e = &s.entry;
        writeln!(
            out,
            "{:>4} {:<9} {:<5} {:<8} {:<6} {:>9.2} {:>9.2} {:>9}  {}{}",
            s.id,
            e.parcel_no,
            e.district.as_deref().unwrap_or("-"),
            e.kind.label(Lang::Zh),
            e.progress.label(Lang::Zh),
            mu_from_m2(e.idle_land_m2),
            mu_from_m2(e.revitalized_land_m2),
            group_thousands(e.revitalized_building_m2, 0),
            e.methods_label(Lang::Zh),
            if counted {
                ""
            } else {
                "  [重复登记: not counted]"
            }
        )?;
    }
    super::write_ledger_figures(out, &crate::stats::ledger_summary(&entries))?;
    Ok(ExitCode::SUCCESS)
}

fn add(
    ledger: &mut Ledger,
    park: &Park,
    args: &AddArgs,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let Some(parcel) = park.parcels.iter().find(|p| p.parcel_no == args.parcel_no) else {
        writeln!(
            out,
            "error: --parcel: no parcel {} in the loaded park",
            args.parcel_no
        )?;
        return Ok(ExitCode::from(EXIT_REJECTED));
    };
    let mut entry = LedgerEntry {
        parcel_no: parcel.parcel_no.clone(),
        district: parcel.district.clone(),
        holder: parcel.holder.clone(),
        parcel_area_m2: parcel.area_m2,
        idle_land_m2: parcel.area_m2,
        kind: args.kind,
        progress: args.progress,
        ..LedgerEntry::default()
    };
    args.fields.apply(&mut entry);
    let operator = args
        .fields
        .operator
        .clone()
        .unwrap_or_else(default_operator);
    let geometry = geojson::GeometryValue::from(&parcel.geometry).to_string();
    match ledger.create(&entry, Some(&geometry), &operator) {
        Ok(id) => {
            writeln!(out, "added case {id} for parcel {}", entry.parcel_no)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => written(Err(error), "", out),
    }
}

/// Prints what a write did, or why it was refused (exit 2, nothing written).
/// `ledger copy`: opens both, copies, says what moved; a refusal exits 2.
fn copy(
    from: &crate::ledger::Location,
    to: &crate::ledger::Location,
    append: bool,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let result = from.open().and_then(|source| {
        to.open()
            .and_then(|mut target| source.copy_to(&mut target, append))
    });
    match result {
        Ok(moved) => {
            writeln!(
                out,
                "copied {from} to {to}: {} case(s) and {} voided, {} event(s), {} enterprise figure(s); {} 亩 idle land, {} 亩 and {} m² revitalized — counted again in {to} and equal",
                moved.cases,
                moved.voided,
                moved.events,
                moved.figures,
                group_thousands(crate::units::mu_from_m2(moved.idle_land_m2), 2),
                group_thousands(crate::units::mu_from_m2(moved.revitalized_land_m2), 2),
                group_thousands(moved.revitalized_building_m2, 0),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(
            error @ (LedgerError::NotEmpty { .. }
            | LedgerError::Denied(_)
            | LedgerError::OpenCaseExists { .. }
            | LedgerError::Server(_)
            | LedgerError::Offline(_)
            | LedgerError::Data(_)),
        ) => refused(&error, out),
        Err(other) => Err(other.into()),
    }
}

/// A refusal: the reason, that nothing was written, exit 2.
/// `ledger attachments CASE`: id, name, type, size, SHA-256, who and when (local time).
fn attachments(
    ledger: &Ledger,
    case_id: i64,
    removed: bool,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    if ledger.get(case_id)?.is_none() {
        return refused(&LedgerError::NotFound(case_id), out);
    }
    let list = ledger.attachments(case_id, removed)?;
    if json {
        let rows: Vec<serde_json::Value> = list
            .iter()
            .map(|a| {
                serde_json::json!({
                    "id": a.id,
                    "case": a.entry_id,
                    "name": a.name,
                    "media_type": a.media_type,
                    "size": a.size,
                    "sha256": a.sha256,
                    "added_at": a.added_at,
                    "added_by": a.added_by,
                    "removed_at": a.removed.as_ref().map(|(at, _)| at),
                    "removed_by": a.removed.as_ref().map(|(_, by)| by),
                })
            })
            .collect();
        serde_json::to_writer(&mut *out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        writeln!(out, "case {case_id} has no documents")?;
    }
    for a in &list {
        let removed = a.removed.as_ref().map_or(String::new(), |(at, by)| {
            format!("  (removed {} by {by})", crate::time::local_time_text(at))
        });
        writeln!(
            out,
            "{:>5}  {}  {}  {} bytes  sha256 {}  {} {}{removed}",
            a.id,
            a.name,
            a.media_type,
            group_thousands(a.size as f64, 0),
            a.sha256,
            crate::time::local_time_text(&a.added_at),
            a.added_by
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `ledger export-attachments CASE DIR`.
fn export_attachments(
    ledger: &Ledger,
    case_id: i64,
    dir: &std::path::Path,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    if ledger.get(case_id)?.is_none() {
        return refused(&LedgerError::NotFound(case_id), out);
    }
    std::fs::create_dir_all(dir).with_context(|| format!("making {}", dir.display()))?;
    let list = ledger.attachments(case_id, false)?;
    let mut taken = std::collections::HashSet::new();
    for a in &list {
        let content = ledger.attachment_content(a)?;
        let mut name = crate::ledger::attachments::file_name_for_disk(&a.name);
        if !taken.insert(name.to_lowercase()) {
            name = format!("{}-{name}", a.id);
            taken.insert(name.to_lowercase());
        }
        let path = dir.join(&name);
        crate::atomic_file::write(&path, &content)
            .with_context(|| format!("writing {}", path.display()))?;
        writeln!(out, "{}", path.display())?;
    }
    writeln!(out, "{} document(s) of case {case_id} written", list.len())?;
    Ok(ExitCode::SUCCESS)
}

fn refused(error: &dyn std::fmt::Display, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    writeln!(out, "error: {error}")?;
    writeln!(out, "nothing was written")?;
    Ok(ExitCode::from(EXIT_REJECTED))
}

fn written(
    result: Result<i64, LedgerError>,
    done: &str,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    match result {
        Ok(_) => {
            writeln!(out, "{done}")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(LedgerError::Invalid(errors)) => {
            for error in errors {
                writeln!(out, "error: {error}")?;
            }
            writeln!(out, "nothing was written")?;
            Ok(ExitCode::from(EXIT_REJECTED))
        }
        Err(
            error @ (LedgerError::OpenCaseExists { .. }
            | LedgerError::ReasonRequired(_)
            | LedgerError::Transition { .. }
            | LedgerError::Stale { .. }
            | LedgerError::NotFound(_)
            | LedgerError::Denied(_)
            | LedgerError::Attachment(_)
            | LedgerError::Data(_)),
        ) => refused(&error, out),
        Err(other) => Err(other.into()),
    }
}

fn history(
    ledger: &Ledger,
    parcel_no: &str,
    json: bool,
    utc: bool,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let events = ledger.history(parcel_no)?;
    if json {
        let rows: Vec<serde_json::Value> = events
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id, "entry_id": e.entry_id, "parcel_no": e.parcel_no,
                    "at": e.at, "at_local": crate::time::time_text(&e.at, utc),
                    "operator": e.operator, "action": e.action,
                    "action_label": e.action_label(Lang::Zh),
                    "step": e.step.map(Progress::code), "reason": e.reason,
                    "changes": e.changes(Lang::Zh),
                    "before": e.before, "after": e.after,
                })
            })
            .collect();
        serde_json::to_writer(&mut *out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if events.is_empty() {
        writeln!(out, "no ledger history for parcel {parcel_no}")?;
    }
    for e in &events {
        writeln!(
            out,
            "{}  {:<8} {:<6} case {}  {}",
            crate::time::time_text(&e.at, utc),
            e.operator,
            e.action_label(Lang::Zh),
            e.entry_id,
            e.step.map_or("", |s| s.label(Lang::Zh))
        )?;
        if let Some(reason) = &e.reason {
            writeln!(out, "    原因: {reason}")?;
        }
        for change in e.changes(Lang::Zh) {
            writeln!(out, "    {change}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn import(
    ledger: &mut Ledger,
    park: &Park,
    file: &std::path::Path,
    dry_run: bool,
    operator: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    use crate::ledger::import::{ImportError, RowAction, preview};
    let preview = match preview(file, park, ledger) {
        Ok(preview) => preview,
        Err(error @ (ImportError::Sheet(_) | ImportError::NoHeader { .. })) => {
            writeln!(out, "error: {error}")?;
            writeln!(out, "nothing was written")?;
            return Ok(ExitCode::from(EXIT_REJECTED));
        }
        Err(other) => return Err(other.into()),
    };
    let counts = preview.counts();
    writeln!(
        out,
        "{} (sheet {}, headers in row {}): {} rows: {} new, {} to update, {} unchanged; {} problem(s)",
        preview.file,
        preview.sheet,
        preview.header_row,
        counts.rows,
        counts.created,
        counts.updated,
        counts.unchanged,
        counts.problems
    )?;
    for row in &preview.rows {
        match row.action {
            RowAction::Unchanged { .. } => {}
            RowAction::Create => {
                writeln!(out, "  row {:<4} {:<10} new case", row.row, row.parcel_no)?;
            }
            RowAction::Update { id, .. } => {
                let changes: Vec<String> = row
                    .changes
                    .iter()
                    .map(|c| format!("{}: {} → {}", c.column.header(), c.before, c.after))
                    .collect();
                writeln!(
                    out,
                    "  row {:<4} {:<10} update case {id}: {}",
                    row.row,
                    row.parcel_no,
                    changes.join("; ")
                )?;
            }
        }
    }
    if let Some(code) = super::write_import_problems(
        out,
        &preview.file,
        &preview.notes,
        preview.all_problems(),
        counts.problems,
    )? {
        return Ok(code);
    }
    if dry_run {
        writeln!(out, "dry run: nothing was written")?;
        return Ok(ExitCode::SUCCESS);
    }
    let operator = operator.map_or_else(default_operator, str::to_owned);
    match preview.apply(ledger, &operator) {
        Ok(written) => {
            writeln!(
                out,
                "imported: {} new case(s), {} updated, {} unchanged",
                written.created, written.updated, written.unchanged
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Ledger {
            source: source @ (LedgerError::Stale { .. } | LedgerError::Transition { .. }),
            ..
        }) => {
            writeln!(out, "error: {}: {source}", preview.file)?;
            writeln!(out, "nothing was written")?;
            Ok(ExitCode::from(EXIT_REJECTED))
        }
        Err(other) => Err(other.into()),
    }
}
