//! One integration-test binary, one module per area.

mod cli;
mod cli_snapshots;
mod corpus;
mod dashboard;
mod enterprise;
mod exchange;
mod guotu_txt;
mod import;
#[cfg(feature = "gui")]
mod import_ui;
mod ledger;
mod ledger_import;
#[cfg(feature = "gui")]
mod one_answer;
mod render;
mod sample;
mod shapefile;
#[cfg(feature = "gui")]
mod ui;
#[cfg(feature = "gui")]
mod ui_day;
#[cfg(feature = "gui")]
mod window;

/// Whether tests that need something outside the repository must fail instead of skipping.
#[must_use]
pub fn strict() -> bool {
    std::env::var("PARKLAND_STRICT").is_ok_and(|v| v == "1")
}

/// Skips a test with a clear message, or fails it under `PARKLAND_STRICT=1`.
pub fn skip_or_fail(why: &str) {
    assert!(!strict(), "PARKLAND_STRICT=1 and {why}");
    eprintln!("SKIPPED: {why}");
}
