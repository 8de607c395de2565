//! The `parkland` binary: no subcommand opens the window; subcommands run the CLI.

use clap::Parser as _;
use parkland::cli::{Cli, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = Cli::parse();
    match &cli.command {
        Some(command) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            match run(command, &cli, &mut out) {
                Ok(code) => code,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    ExitCode::FAILURE
                }
            }
        }
        None => open_window(&cli, started),
    }
}

#[cfg(feature = "gui")]
fn open_window(cli: &Cli, started: std::time::Instant) -> ExitCode {
    match parkland::ui::run(parkland::ui::app::Startup {
        districts: cli.districts.clone(),
        parcels: cli.parcels.clone(),
        ledger: cli.ledger.clone(),
        basemap: cli.basemap.clone(),
        started: Some(started),
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(_cli: &Cli, _started: std::time::Instant) -> ExitCode {
    eprintln!(
        "error: this parkland was built without the window (feature `gui`); use a subcommand, see --help"
    );
    ExitCode::FAILURE
}
