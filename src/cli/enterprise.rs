//! `parkland enterprise import|summary`: enterprise figures (企业指标) and the 亩均税收 /
//! 亩均产值 they give per parcel and district.

use super::{Cli, EXIT_REJECTED, group_thousands};
use crate::ledger::default_operator;
use crate::ledger::enterprise::preview;
use crate::ledger::import::ImportError;
use crate::stats::{DistrictYield, enterprise_yields};
use crate::units::mu_from_m2;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct EnterpriseArgs {
    #[command(subcommand)]
    pub command: EnterpriseCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum EnterpriseCommand {
    /// Import output, tax and investment per enterprise and year (xlsx or CSV with columns
    /// 企业名称, 年度, 产值(万元), 税收(万元), 投资(万元), or enterprise, year, output, tax,
    /// investment). Replaces the figures of the years in the file; writes nothing (exit 2)
    /// while any row has a problem. Enterprises that no parcel holds are listed.
    Import {
        file: PathBuf,
        /// Show what the import would do; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Who is importing (default: the OS user).
        #[arg(long)]
        operator: Option<String>,
    },
    /// 亩均税收 and 亩均产值 (万元 per 亩) per district and for the park, for a year.
    Summary {
        /// The year (default: the latest year with figures).
        #[arg(long)]
        year: Option<i16>,
        /// Also list every parcel with figures.
        #[arg(long)]
        by_parcel: bool,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: &EnterpriseArgs, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let (park, mut ledger) = super::park_and_ledger(cli)?;
    match &args.command {
        EnterpriseCommand::Import {
            file,
            dry_run,
            operator,
        } => {
            let preview = match preview(file, &park, &ledger) {
                Ok(preview) => preview,
                Err(error @ (ImportError::Sheet(_) | ImportError::NoHeader { .. })) => {
                    writeln!(out, "error: {error}")?;
                    writeln!(out, "nothing was written")?;
                    return Ok(ExitCode::from(EXIT_REJECTED));
                }
                Err(other) => return Err(other.into()),
            };
            let counts = preview.counts();
            let years: Vec<String> = preview.years.iter().map(ToString::to_string).collect();
            writeln!(
                out,
                "{} (sheet {}, headers in row {}): {} rows for {}: {} linked to parcels, {} enterprise(s) with no parcel; {} problem(s)",
                preview.file,
                preview.sheet,
                preview.header_row,
                counts.rows,
                if years.is_empty() {
                    "no year".to_owned()
                } else {
                    years.join(", ")
                },
                counts.linked,
                counts.unknown,
                counts.problems
            )?;
            if let Some(code) = super::write_import_problems(
                out,
                &preview.file,
                &preview.notes,
                preview.all_problems(),
                counts.problems,
            )? {
                return Ok(code);
            }
            if *dry_run {
                writeln!(
                    out,
                    "dry run: nothing was written ({} figure(s) of these years would be replaced)",
                    counts.replaced
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            let operator = operator.clone().unwrap_or_else(default_operator);
            let written = preview.apply(&mut ledger, &operator)?;
            writeln!(
                out,
                "imported {} figure(s) for {} (replacing {} earlier)",
                written.rows,
                years.join(", "),
                written.replaced
            )?;
            Ok(ExitCode::SUCCESS)
        }
        EnterpriseCommand::Summary {
            year,
            by_parcel,
            json,
        } => {
            let years = ledger.enterprise_years()?;
            let Some(year) = year.or_else(|| years.last().copied()) else {
                writeln!(
                    out,
                    "error: the ledger has no enterprise figures; import them with `parkland enterprise import FILE`"
                )?;
                return Ok(ExitCode::from(EXIT_REJECTED));
            };
            if !years.contains(&year) {
                let known: Vec<String> = years.iter().map(ToString::to_string).collect();
                writeln!(
                    out,
                    "error: --year: no enterprise figures for {year} (the ledger has {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )?;
                return Ok(ExitCode::from(EXIT_REJECTED));
            }
            let yields = enterprise_yields(&park, &ledger.enterprise_figures(Some(year))?, year);
            if *json {
                serde_json::to_writer(&mut *out, &yields)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            writeln!(
                out,
                "企业指标 {year}: {} enterprise(s), {} on {} parcel(s); 万元, 万元/亩",
                yields.enterprises, yields.total.enterprises, yields.total.parcels
            )?;
            writeln!(
                out,
                "{:<6} {:<10} {:>5} {:>5} {:>10} {:>12} {:>10} {:>9} {:>9} {:>8}",
                "code",
                "district",
                "企业",
                "宗地",
                "亩",
                "产值",
                "税收",
                "亩均产值",
                "亩均税收",
                "无指标宗地"
            )?;
            for row in yields.districts.iter().chain([&yields.total]) {
                district_line(row, out)?;
            }
            if *by_parcel {
                writeln!(
                    out,
                    "\n{:<10} {:<6} {:<28} {:>9} {:>12} {:>10} {:>9} {:>9}",
                    "宗地编号", "片区", "企业", "亩", "产值", "税收", "亩均产值", "亩均税收"
                )?;
                for p in &yields.parcels {
                    writeln!(
                        out,
                        "{:<10} {:<6} {:<28} {:>9.2} {:>12} {:>10} {:>9} {:>9}",
                        p.parcel_no,
                        p.district.as_deref().unwrap_or("-"),
                        p.enterprise,
                        mu_from_m2(p.area_m2),
                        group_thousands(p.output_10k_yuan, 1),
                        group_thousands(p.tax_10k_yuan, 1),
                        per_mu_text(p.output_per_mu),
                        per_mu_text(p.tax_per_mu)
                    )?;
                }
            }
            if !yields.unlinked.is_empty() {
                writeln!(
                    out,
                    "\n{} enterprise(s) hold no parcel (no parcel has that holder), so they are in no 亩均 figure:",
                    yields.unlinked.len()
                )?;
                for f in &yields.unlinked {
                    writeln!(
                        out,
                        "  {}  产值 {}  税收 {}  投资 {}",
                        f.enterprise,
                        group_thousands(f.output_10k_yuan, 1),
                        group_thousands(f.tax_10k_yuan, 1),
                        group_thousands(f.investment_10k_yuan, 1)
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn per_mu_text(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

fn district_line(row: &DistrictYield, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<6} {:<10} {:>5} {:>5} {:>10} {:>12} {:>10} {:>9} {:>9} {:>8}",
        row.code,
        row.name,
        row.enterprises,
        row.parcels,
        group_thousands(mu_from_m2(row.area_m2), 2),
        group_thousands(row.output_10k_yuan, 1),
        group_thousands(row.tax_10k_yuan, 1),
        per_mu_text(row.output_per_mu),
        per_mu_text(row.tax_per_mu),
        row.parcels_without_figures
    )
}
