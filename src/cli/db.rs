//! `parkland db init URL` and `parkland db grant URL ACCOUNT ROLE [--district CODE]...`: the
//! administrator's set-up of the office's ledger server.

use super::EXIT_REJECTED;
use crate::ledger::{LedgerError, server};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum DbCommand {
    /// Makes the roles (`parkland_viewer`, `parkland_editor`, `parkland_admin`) and the ledger's
    /// schema in the database at URL, or brings an older schema up to date; run once by an
    /// administrator (an account that may create roles).
    Init {
        /// postgresql://user@host:port/db
        url: String,
    },
    /// Grants an account a role: viewer (reads), editor (registers, edits, voids, corrects
    /// cases and enterprise figures) or admin (everything, restoring voided cases too).
    Grant {
        /// postgresql://user@host:port/db
        url: String,
        /// An account (login role) the server already has.
        account: String,
        /// viewer, editor or admin.
        role: String,
        /// Limit the account to the cases of a district (its code, e.g. WX); repeat for more.
        /// Without it, every district.
        #[arg(long = "district", value_name = "CODE")]
        districts: Vec<String>,
    },
}

pub fn run(args: &DbArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let (result, done) = match &args.command {
        DbCommand::Init { url } => {
            let result = server::init(url).map(|found| {
                if found == server::SERVER_SCHEMA_VERSION {
                    "the ledger's schema was already up to date".to_owned()
                } else if found == 0 {
                    format!(
                        "made the roles {} and the ledger's schema (version {})",
                        server::ROLES.join(", "),
                        server::SERVER_SCHEMA_VERSION
                    )
                } else {
                    format!(
                        "brought the ledger's schema from version {found} to {}",
                        server::SERVER_SCHEMA_VERSION
                    )
                }
            });
            (result, String::new())
        }
        DbCommand::Grant {
            url,
            account,
            role,
            districts,
        } => {
            let limit = if districts.is_empty() {
                "every district".to_owned()
            } else {
                format!("district {}", districts.join(", "))
            };
            (
                server::grant(url, account, role, districts).map(|()| String::new()),
                format!("{account} is now {role} ({limit})"),
            )
        }
    };
    match result {
        Ok(message) => {
            writeln!(out, "{}", if message.is_empty() { &done } else { &message })?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error @ (LedgerError::Denied(_) | LedgerError::Data(_) | LedgerError::Server(_))) => {
            writeln!(out, "error: {error}")?;
            Ok(ExitCode::from(EXIT_REJECTED))
        }
        Err(other) => Err(other.into()),
    }
}
