//! The embedded sample park matches the park's own figures.

use parkland::model::{ParcelList, ParcelStatus};
use parkland::sample::sample_park;
use parkland::stats::park_summary;
use parkland::units::{km2_from_m2, mu_from_m2};

#[test]
fn sample_park_has_three_districts_of_11_23_km2() {
    let park = sample_park().unwrap_or_else(|e| panic!("{e}"));
    let codes: Vec<&str> = park.districts.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes.len(), 3);
    for code in ["LCX", "LJ", "WX"] {
        assert!(codes.contains(&code), "{codes:?}");
    }
    let names: Vec<&str> = park.districts.iter().map(|d| d.name.as_str()).collect();
    for name in ["梁产城新区", "两江工业区", "吴溪工业区"] {
        assert!(names.contains(&name), "{names:?}");
    }
    let total = km2_from_m2(park.districts.iter().map(|d| d.area_m2).sum());
    assert!((total - 11.23).abs() <= 11.23 * 0.005, "{total} km²");
    assert!(park.districts.iter().all(|d| d.valid));
}

#[test]
fn sample_park_has_13_idle_or_low_parcels_of_536_mu() {
    let park = sample_park().unwrap_or_else(|e| panic!("{e}"));
    assert!(park.parcels.len() >= 300, "{}", park.parcels.len());
    let idle: Vec<_> = park.parcels.iter().filter(|p| p.is_idle_or_low()).collect();
    assert_eq!(idle.len(), 13);
    let mu = mu_from_m2(idle.iter().map(|p| p.area_m2).sum());
    assert!((mu - 536.0).abs() <= 536.0 * 0.01, "{mu} 亩");
    // Every parcel has the attributes the office records, a status and a district.
    for parcel in &park.parcels {
        assert!(parcel.valid, "{} is invalid", parcel.parcel_no);
        assert!(
            parcel.holder.is_some() && parcel.land_use.is_some() && parcel.supplied_on.is_some()
        );
        assert!(parcel.status.is_some(), "{}", parcel.parcel_no);
        let district = parcel.district.as_deref().unwrap_or_default();
        assert!(
            parcel.parcel_no.starts_with(&format!("{district}-")),
            "{}",
            parcel.parcel_no
        );
    }
    let report = park.parcel_report.as_ref().map(|r| r.messages.len());
    assert_eq!(report, Some(0), "the sample loads without a message");
}

#[test]
fn sample_parcels_are_realistic_shapes() {
    let park = sample_park().unwrap_or_else(|e| panic!("{e}"));
    let holed = park
        .parcels
        .iter()
        .filter(|p| p.geometry.0.iter().any(|poly| !poly.interiors().is_empty()))
        .count();
    let multi = park
        .parcels
        .iter()
        .filter(|p| p.geometry.0.len() > 1)
        .count();
    let concave = park
        .parcels
        .iter()
        .filter(|p| {
            use geo::{Area, ConvexHull};
            p.geometry.0.len() == 1
                && p.geometry.unsigned_area() < 0.97 * p.geometry.convex_hull().unsigned_area()
        })
        .count();
    assert!(
        holed >= 5 && multi >= 5 && concave >= 20,
        "holes {holed}, multi {multi}, concave {concave}"
    );
    assert!(
        park.parcels
            .iter()
            .any(|p| p.status == Some(ParcelStatus::Revitalized))
    );
}

#[test]
fn summary_rows_add_up_to_the_totals() {
    let park = sample_park().unwrap_or_else(|e| panic!("{e}"));
    // With no ledger, the status now is the file's.
    let standing = parkland::standing::Standing::compute(&park, &[], jiff::civil::date(2026, 1, 1));
    let summary = park_summary(&park, &standing);
    assert_eq!(summary.districts.len(), 3);
    let parcels: usize = summary.districts.iter().map(|d| d.parcels).sum();
    assert_eq!(
        parcels, summary.total.parcels,
        "every sample parcel is in a district"
    );
    let idle: usize = summary.districts.iter().map(|d| d.idle_parcels).sum();
    assert_eq!((idle, summary.total.idle_parcels), (13, 13));
    let idle_m2: f64 = summary.districts.iter().map(|d| d.idle_area_m2).sum();
    assert!((idle_m2 - summary.total.idle_area_m2).abs() < 1e-6);
    for row in &summary.districts {
        assert!(
            row.parcel_area_m2 < row.area_m2,
            "{} parcels fit inside",
            row.code
        );
    }
}

#[test]
fn parcels_naming_their_district_count_in_it() {
    // The sample parcels with their district given as the Chinese name, the English name
    // (any case), the code, or not at all.
    let park = sample_park().unwrap_or_else(|e| panic!("{e}"));
    let expected: Vec<Option<String>> = park.parcels.iter().map(|p| p.district.clone()).collect();
    let mut renamed = park.parcels.clone();
    for (i, parcel) in renamed.iter_mut().enumerate() {
        let district = park
            .district(
                parcel
                    .district
                    .as_deref()
                    .expect("sample parcels have a district"),
            )
            .expect("a known district");
        parcel.district = match i % 4 {
            0 => Some(district.name.clone()),
            1 => Some(district.name_en.to_uppercase()),
            2 => Some(district.code.clone()),
            _ => None,
        };
    }
    let mut reloaded = park.clone();
    reloaded.set_parcels(ParcelList::check(
        &reloaded.districts,
        renamed,
        parkland::formats::ImportReport::default(),
    ));
    let got: Vec<Option<String>> = reloaded
        .parcels
        .iter()
        .map(|p| p.district.clone())
        .collect();
    assert_eq!(got, expected);
    let counts = |park: &parkland::model::Park| -> Vec<usize> {
        let standing =
            parkland::standing::Standing::compute(park, &[], jiff::civil::date(2026, 1, 1));
        park_summary(park, &standing)
            .districts
            .iter()
            .map(|d| d.parcels)
            .collect()
    };
    assert_eq!(counts(&reloaded), counts(&park));
    // A district no one has is kept as the file gives it.
    let mut unknown = park.parcels.clone();
    unknown[0].district = Some("某某工业区".to_owned());
    reloaded.set_parcels(ParcelList::check(
        &reloaded.districts,
        unknown,
        parkland::formats::ImportReport::default(),
    ));
    assert_eq!(reloaded.parcels[0].district.as_deref(), Some("某某工业区"));
}
