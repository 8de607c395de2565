//! 国土TXT files: the export read back, the dialects common tools write (GBK or UTF-8, CRLF or
//! LF, zone number in the easting or not, 3° or 6°, blank fields, other area units), rings
//! that are holes, further parts or islands, and headers that must be refused.

use parkland::crs::Crs;
use parkland::formats::guotu_txt::guotu_txt_text;
use parkland::formats::{Import, read_file, write_guotu_txt};
use parkland::model::Parcel;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-txt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn read(path: &Path) -> Import {
    read_file(path).unwrap_or_else(|e| panic!("{e}"))
}

fn messages(import: &Import) -> String {
    import
        .report
        .messages
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The parcels read back have the numbers, the vertices (to the millimetre the format keeps)
/// and the areas of those written.
fn assert_same_parcels(import: &Import, parcels: &[&Parcel], what: &str) {
    assert_eq!(import.features.len(), parcels.len(), "{what}");
    for (read, parcel) in import.features.iter().zip(parcels) {
        assert_eq!(
            read.property_text("parcel_no").as_deref(),
            Some(parcel.parcel_no.as_str()),
            "{what}"
        );
        // Coordinates kept to the millimetre move an area by at most half a millimetre times
        // the perimeter: well under 0.5 m² for any parcel of the park.
        assert!(
            (read.area_m2 - parcel.areas.ellipsoidal_m2).abs() < 0.5,
            "{what} {}: {} against {}",
            parcel.parcel_no,
            read.area_m2,
            parcel.areas.ellipsoidal_m2
        );
        // Parts in any order (the reader orders them by size), each with its vertices.
        let vertices = |geometry: &geo::MultiPolygon<f64>| {
            let mut parts: Vec<Vec<geo::Coord<f64>>> =
                geometry.0.iter().map(|p| p.exterior().0.clone()).collect();
            parts.sort_by(|a, b| a[0].x.total_cmp(&b[0].x));
            parts.concat()
        };
        let (got, want) = (vertices(&read.geometry), vertices(&parcel.geometry));
        assert_eq!(got.len(), want.len(), "{what} {}", parcel.parcel_no);
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g.x - w.x).abs() < 2e-8 && (g.y - w.y).abs() < 2e-8,
                "{what} {}: {g:?} {w:?}",
                parcel.parcel_no
            );
        }
    }
}

#[test]
fn the_export_reads_back_as_the_same_parcels() {
    let dir = scratch_dir("roundtrip");
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("park.txt");
    let written = write_guotu_txt(&park, &[], &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (written.parcels, written.crs.as_str()),
        (park.parcels.len(), "EPSG:4524")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(std::str::from_utf8(&bytes).is_err(), "written in GBK");
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "CRLF");
    let import = read(&path);
    assert_eq!(import.report.crs, "EPSG:4524");
    assert!(import.report.is_clean(), "{}", messages(&import));
    let all: Vec<&Parcel> = park.parcels.iter().collect();
    assert_same_parcels(&import, &all, "export");
    // Holders in GBK read back as written.
    assert_eq!(
        import.features[0].property_text("name"),
        park.parcels[0].holder
    );
    // Only the parcels named.
    let some = vec!["LJ-2304".to_owned(), "WX-0803".to_owned()];
    write_guotu_txt(&park, &some, &path).unwrap_or_else(|e| panic!("{e}"));
    let chosen: Vec<&Parcel> = some
        .iter()
        .filter_map(|no| park.parcels.iter().find(|p| &p.parcel_no == no))
        .collect();
    assert_same_parcels(&read(&path), &chosen, "two parcels");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dialects_of_common_tools_read_the_same() {
    let dir = scratch_dir("dialects");
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let parcels: Vec<&Parcel> = park.parcels.iter().take(20).collect();
    let zone36 = Crs::from_epsg(4524).expect("zone 36");
    let (text, _) = guotu_txt_text(&parcels, &zone36).unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path
    };
    // UTF-8 with LF and no final newline.
    let lf = text.replace("\r\n", "\n");
    let import = read(&write("utf8_lf.txt", lf.trim_end()));
    assert!(
        import
            .report
            .encoding
            .as_deref()
            .unwrap_or_default()
            .starts_with("UTF-8")
    );
    assert_same_parcels(&import, &parcels, "UTF-8, LF");
    // Eastings without the zone number: the header's 带号 gives the central meridian.
    let stripped: String = lf
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            if fields.len() == 4 && fields[0].starts_with('J') {
                let easting: f64 = fields[3].parse().expect("easting");
                format!(
                    "{},{},{},{:.3}\n",
                    fields[0],
                    fields[1],
                    fields[2],
                    easting - 36_000_000.0
                )
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    let import = read(&write("no_prefix.txt", &stripped));
    assert_eq!(import.report.crs, "EPSG:4545", "CM 108°E by 带号=36");
    assert_same_parcels(&import, &parcels, "no zone number");
    // A 6° zone (18, CM 105°E) with its number.
    let zone18 = Crs::from_epsg(4496).expect("6° zone 18");
    let (six, _) = guotu_txt_text(&parcels, &zone18).unwrap_or_else(|e| panic!("{e}"));
    assert!(six.contains("几度分带=6"));
    let import = read(&write("six.txt", &six));
    assert_eq!(import.report.crs, "EPSG:4496");
    assert_same_parcels(&import, &parcels, "6° zone");
    // Each file's plane area is in the file's own zone: in the 6° zone, 2° from its central
    // meridian, it is 0.064 % larger than in zone 36, 1° from its own.
    for (read, parcel) in import.features.iter().zip(&parcels) {
        let plane = read.plane.expect("the file's own zone");
        assert_eq!(plane.epsg, 4496);
        let ratio = plane.m2 / parcel.areas.plane.expect("zone 36").m2;
        assert!(ratio > 1.000_5 && ratio < 1.000_8, "{ratio}");
    }
    // Blank fields padded with spaces, spaces around the commas.
    let padded = lf.replace(",面,,", ", 面 , , ").replace(",,@", ", , @");
    assert_same_parcels(&read(&write("padded.txt", &padded)), &parcels, "padded");
    // Areas in 平方米 instead of 公顷: read, and said.
    let first = parcels[0];
    let line = lf
        .lines()
        .find(|l| l.ends_with('@'))
        .expect("a parcel line")
        .to_owned();
    let fields: Vec<&str> = line.split(',').collect();
    let hectares: f64 = fields[1].parse().expect("area");
    let in_m2 = line.replacen(fields[1], &format!("{:.1}", hectares * 10_000.0), 1);
    let import = read(&write("m2.txt", &lf.replacen(&line, &in_m2, 1)));
    assert!(
        messages(&import).contains("平方米"),
        "{}",
        messages(&import)
    );
    // A wrong declared area is a warning naming the parcel.
    let wrong = line.replacen(fields[1], &format!("{:.4}", hectares * 1.02), 1);
    let import = read(&write("wrong.txt", &lf.replacen(&line, &wrong, 1)));
    let text = messages(&import);
    assert!(
        text.contains(&first.parcel_no) && text.contains("2.0%"),
        "{text}"
    );
    // Xian 1980 is refused with what to do.
    let xian = lf.replace("坐标系=2000国家大地坐标系", "坐标系=1980西安坐标系");
    let error = read_file(&write("xian.txt", &xian))
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("Xian 1980") && error.contains("xian.txt"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// 圈号 2+ are holes, further parts or islands by containment, whatever the numbering.
#[test]
fn rings_are_parts_holes_or_islands_by_containment() {
    let dir = scratch_dir("rings");
    let square = |ring: u32, x0: f64, y0: f64, side: f64, first: usize| -> String {
        let corners = [
            (0.0, 0.0),
            (side, 0.0),
            (side, side),
            (0.0, side),
            (0.0, 0.0),
        ];
        let mut lines = String::new();
        for (i, (dx, dy)) in corners.iter().enumerate() {
            let n = if i == 4 { first } else { first + i };
            // X is the northing, Y the easting with the zone number.
            let _ = writeln!(
                lines,
                "J{n},{ring},{:.3},{:.3}",
                y0 + dy,
                36_400_000.0 + x0 + dx
            );
        }
        lines
    };
    let mut text =
        "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=36\n[地块坐标]\n".to_owned();
    // A: 100 m square with a 20 m hole (圈号 2).
    text += "10,0.96,A,,面,,,,@\n";
    text += &square(1, 0.0, 3_650_000.0, 100.0, 1);
    text += &square(2, 40.0, 3_650_040.0, 20.0, 5);
    // B: two separate 50 m squares, the second numbered 2 as tools do for parts.
    text += "10,0.5,B,,面,,,,@\n";
    text += &square(1, 500.0, 3_650_000.0, 50.0, 1);
    text += &square(2, 700.0, 3_650_000.0, 50.0, 5);
    // C: 100 m square, 60 m hole, 20 m island in the hole (圈号 3), the hole listed first.
    text += "15,0.68,C,,面,,,,@\n";
    text += &square(2, 1_020.0, 3_650_020.0, 60.0, 1);
    text += &square(1, 1_000.0, 3_650_000.0, 100.0, 5);
    text += &square(3, 1_040.0, 3_650_040.0, 20.0, 9);
    let path = dir.join("rings.txt");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let import = read(&path);
    assert!(import.report.is_clean(), "{}", messages(&import));
    let shape = |i: usize| -> Vec<usize> {
        import.features[i]
            .geometry
            .0
            .iter()
            .map(|p| p.interiors().len())
            .collect()
    };
    assert_eq!(shape(0), vec![1], "A: one polygon with a hole");
    assert_eq!(shape(1), vec![0, 0], "B: two parts");
    assert_eq!(
        shape(2),
        vec![1, 0],
        "C: a polygon with a hole, and the island"
    );
    let plane = |i: usize| {
        import.features[i]
            .properties
            .get("plane_area_m2")
            .and_then(serde_json::Value::as_f64)
    };
    assert_eq!(plane(0), Some(9_600.0));
    assert_eq!(plane(1), Some(5_000.0));
    assert_eq!(plane(2), Some(10_000.0 - 3_600.0 + 400.0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Numbers no zone can have (a 带号 of 4,294,967,295, an easting of 1e300) are refused with a
/// message, not an arithmetic overflow.
#[test]
fn impossible_zones_are_refused_not_overflowed() {
    let dir = scratch_dir("overflow");
    let path = dir.join("bad.txt");
    for (zone, easting) in [("4294967295", "500000"), ("36", "1e300"), ("0", "4e9")] {
        let text = format!(
            "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=6\n带号={zone}\n[地块坐标]\n\
             4,1,A,,面,,,,@\nJ1,1,3650000,{easting}\nJ2,1,3650100,{easting}\nJ3,1,3650100,500100\nJ1,1,3650000,{easting}\n"
        );
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let result = read_file(&path);
        if let Err(rejected) = &result {
            assert!(rejected.to_string().contains("bad.txt"), "{rejected}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
