//! The GeoJSON reader: any bytes give an import or a rejection with a report, never a panic.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = parkland::formats::read_geojson(data, "fuzz.geojson");
        let _ = parkland::formats::read_geojson_as::<parkland::model::Parcel>(
            data,
            "fuzz.geojson",
            &parkland::layer::Progress::new(),
        );
    });
}
