//! One integration-test binary, one module per area.

mod cli;
mod cli_snapshots;
#[macro_use]
mod conformance;
mod attachments;
mod basemap;
mod corpus;
mod dashboard;
mod enterprise;
mod exchange;
mod guotu_txt;
mod import;
#[cfg(feature = "gui")]
mod import_ui;
mod ledger;
mod ledger_as_of;
mod ledger_import;
mod ledger_server;
#[cfg(feature = "gui")]
mod one_answer;
mod postgis;
mod render;
mod sample;
mod shapefile;
#[cfg(feature = "gui")]
mod ui;
#[cfg(feature = "gui")]
mod ui_day;
#[cfg(feature = "gui")]
mod ui_documents;
#[cfg(feature = "gui")]
mod ui_server;
#[cfg(feature = "gui")]
mod ui_timeline;
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

/// The sample parcels as a `GeoJSON` value, with a copy of the parcel at `index` appended
/// under the parcel number `no`: an identical geometry for the topology checks.
#[must_use]
pub fn sample_parcels_with_copy(index: usize, no: &str) -> serde_json::Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_parcels/parcels.geojson");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    let mut collection: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let features = collection["features"].as_array_mut().expect("features");
    let mut copy = features[index].clone();
    copy["properties"]["parcel_no"] = serde_json::Value::from(no);
    features.push(copy);
    collection
}

/// A scratch file removed when the test ends, passed or failed.
pub struct RemovedAtEnd(pub std::path::PathBuf);

impl Drop for RemovedAtEnd {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
