//! Enterprise figures (企业指标): import from xlsx and CSV, linking to parcels by holder,
//! 亩均税收 / 亩均产值 checked by hand on the sample park, bad files, and the commands.

use crate::conformance::Subject;
use parkland::ledger::Ledger;
use parkland::ledger::enterprise::{EnterpriseColumn, preview};
use parkland::ledger::import::ImportError;
use parkland::model::Park;
use parkland::stats::enterprise_yields;
use parkland::units::mu_from_m2;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("parkland-enterprise-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

const SHENGRUI: &str = "盛瑞纺织有限责任公司"; // LCX-0703, LCX-1802, LCX-2301
const BOLING: &str = "梁川博岭新能源科技有限责任公司"; // LCX-0301
const YONGCHEN: &str = "汉梁永辰制药有限公司"; // LJ-0101, LJ-0102
const NO_LAND: &str = "秦岭无地科技有限公司";

// The enterprise figures are written to the ledger: both back ends (see `conformance`).
conformance!(
    tax_and_output_per_mu_match_hand_computed_values,
    an_english_csv_replaces_its_year_and_keeps_the_others,
    a_file_with_bad_rows_writes_nothing_and_names_each_cell,
);

/// The holder of the first parcel in 吴溪工业区.
fn wx_holder(park: &Park) -> String {
    park.parcels
        .iter()
        .find(|p| p.district.as_deref() == Some("WX"))
        .and_then(|p| p.holder.clone())
        .unwrap_or_else(|| panic!("the sample park has WX parcels with holders"))
}

/// Area (亩) of the parcels an enterprise holds.
fn held_mu(park: &Park, holder: &str) -> f64 {
    park.parcels
        .iter()
        .filter(|p| p.holder.as_deref() == Some(holder))
        .map(|p| mu_from_m2(p.area_m2))
        .sum()
}

/// The statistics office's table: a title line, Chinese headers (one with full-width
/// brackets), numbers as numbers, a totals row.
fn write_figures_xlsx(path: &Path, wx: &str) {
    use rust_xlsxwriter::Workbook;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    ok(sheet.write_string(0, 0, "2024年度规上企业主要指标"));
    for (col, header) in (0u16..).zip([
        "企业名称",
        "年度",
        "产值（万元）",
        "税收(万元)",
        "投资(万元)",
    ]) {
        ok(sheet.write_string(1, col, header));
    }
    let rows: [(&str, f64, f64, f64); 5] = [
        (SHENGRUI, 12_000.0, 600.0, 50.0),
        (BOLING, 3_000.0, 150.0, 0.0),
        (YONGCHEN, 8_000.0, 480.0, 1_200.0),
        (wx, 2_500.0, 75.0, 300.0),
        (NO_LAND, 900.0, 30.0, 0.0),
    ];
    for (row, (name, output, tax, investment)) in (2u32..).zip(rows) {
        ok(sheet.write_string(row, 0, name));
        ok(sheet.write_number(row, 1, 2024.0));
        ok(sheet.write_number(row, 2, output));
        ok(sheet.write_number(row, 3, tax));
        if investment > 0.0 {
            ok(sheet.write_number(row, 4, investment));
        }
    }
    ok(sheet.write_string(7, 0, "合计"));
    ok(sheet.write_number(7, 2, 26_400.0));
    ok(workbook.save(path));
}

fn tax_and_output_per_mu_match_hand_computed_values(subject: &Subject) {
    let park = ok(parkland::sample::sample_park());
    let mut ledger = subject.open();
    let wx = wx_holder(&park);
    let path = scratch_dir("xlsx").join("2024企业指标.xlsx");
    write_figures_xlsx(&path, &wx);

    let preview = ok(preview(&path, &park, &ledger));
    assert_eq!(preview.header_row, 2);
    let counts = preview.counts();
    assert_eq!(
        (counts.rows, counts.linked, counts.unknown, counts.problems),
        (5, 4, 1, 0),
        "{preview:#?}"
    );
    assert_eq!(preview.years, vec![2024]);
    assert_eq!(preview.unknown_enterprises(), vec![NO_LAND]);
    assert!(
        preview
            .notes
            .iter()
            .any(|n| n.row == Some(7) && n.text.en.contains(NO_LAND)),
        "the enterprise with no parcel is reported: {:?}",
        preview.notes
    );
    let shengrui = preview
        .rows
        .iter()
        .find(|r| r.figures.as_ref().is_some_and(|f| f.enterprise == SHENGRUI))
        .unwrap_or_else(|| panic!("row of {SHENGRUI}"));
    assert_eq!(shengrui.parcels, vec!["LCX-0703", "LCX-1802", "LCX-2301"]);
    ok(preview.apply(&mut ledger, "统计员"));
    let figures = ok(ledger.enterprise_figures(Some(2024)));
    assert_eq!(
        figures.len(),
        5,
        "the enterprise with no parcel is stored too"
    );

    let yields = enterprise_yields(&park, &figures, 2024);
    // By hand, from the parcels' areas in 亩 as the parcel table shows them.
    let close = |got: Option<f64>, want: f64, tolerance: f64| {
        let got = got.unwrap_or(f64::NAN);
        assert!((got - want).abs() < tolerance, "{got} vs {want}");
    };
    let parcel = |no: &str| {
        yields
            .parcels
            .iter()
            .find(|p| p.parcel_no == no)
            .unwrap_or_else(|| panic!("{no} has figures"))
    };
    // 梁川博岭: 150 万元 on LCX-0301 (21.30 亩) → 7.04 万元/亩; 3000/21.30 = 140.85.
    close(parcel("LCX-0301").tax_per_mu, 150.0 / 21.30, 0.005);
    close(parcel("LCX-0301").output_per_mu, 3_000.0 / 21.30, 0.05);
    // 盛瑞纺织: 600 万元 on 54.82 + 20.70 + 41.63 = 117.15 亩 → 5.12 on each parcel,
    // and LCX-0703 carries 54.82/117.15 of the tax.
    for no in ["LCX-0703", "LCX-1802", "LCX-2301"] {
        close(parcel(no).tax_per_mu, 600.0 / 117.15, 0.005);
        close(parcel(no).output_per_mu, 12_000.0 / 117.15, 0.05);
    }
    close(
        Some(parcel("LCX-0703").tax_10k_yuan),
        600.0 * 54.82 / 117.15,
        0.05,
    );
    // 梁产城新区: (150 + 600) / (21.30 + 117.15) = 5.417.
    let district = |code: &str| {
        yields
            .districts
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("district {code}"))
    };
    let lcx = district("LCX");
    assert_eq!((lcx.enterprises, lcx.parcels), (2, 4));
    close(lcx.tax_per_mu, 750.0 / 138.45, 0.005);
    close(lcx.output_per_mu, 15_000.0 / 138.45, 0.05);
    // 两江工业区 and 吴溪工业区: one enterprise each, exact areas from the park.
    let lj = district("LJ");
    let yongchen_mu = held_mu(&park, YONGCHEN);
    assert_eq!(lj.parcels, 2);
    close(lj.tax_per_mu, 480.0 / yongchen_mu, 1e-9);
    close(lj.output_per_mu, 8_000.0 / yongchen_mu, 1e-9);
    let wx_mu = held_mu(&park, &wx);
    close(district("WX").tax_per_mu, 75.0 / wx_mu, 1e-9);
    // The park: every linked enterprise's tax over every linked parcel's area.
    let total_mu = 138.45 + yongchen_mu + wx_mu;
    close(
        yields.total.tax_per_mu,
        (750.0 + 480.0 + 75.0) / total_mu,
        0.005,
    );
    assert!((yields.total.investment_10k_yuan - 1_550.0).abs() < 1e-6);
    assert_eq!(yields.total.enterprises, 4);
    assert_eq!(
        yields.total.parcels + yields.total.parcels_without_figures,
        park.parcels.len()
    );
    assert_eq!(yields.unlinked.len(), 1);
    assert_eq!(yields.unlinked[0].enterprise, NO_LAND);
}

fn an_english_csv_replaces_its_year_and_keeps_the_others(subject: &Subject) {
    let park = ok(parkland::sample::sample_park());
    let mut ledger = subject.open();
    let dir = scratch_dir("csv");
    let first = dir.join("figures.csv");
    ok(std::fs::write(
        &first,
        format!(
            "\u{feff}Enterprise,Year,Output,Tax,Investment\n{SHENGRUI},2023,\"10,000\",500,0\n{SHENGRUI},2024,11000,550,\n{BOLING},2024,3000,150,20\n"
        ),
    ));
    let preview_first = ok(preview(&first, &park, &ledger));
    assert_eq!(preview_first.counts().problems, 0, "{preview_first:#?}");
    ok(preview_first.apply(&mut ledger, "op"));
    assert_eq!(ok(ledger.enterprise_years()), vec![2023, 2024]);

    let corrected = dir.join("corrected.csv");
    ok(std::fs::write(
        &corrected,
        format!("enterprise,year,output,tax,investment\n {SHENGRUI} ,2024,12000,600,50\n"),
    ));
    let preview = ok(preview(&corrected, &park, &ledger));
    assert_eq!(preview.replaced, 2, "both 2024 figures are replaced");
    let written = ok(preview.apply(&mut ledger, "op"));
    assert_eq!(written.replaced, 2);
    let all = ok(ledger.enterprise_figures(None));
    let summary: Vec<(i16, &str, f64)> = all
        .iter()
        .map(|f| (f.year, f.enterprise.as_str(), f.tax_10k_yuan))
        .collect();
    assert_eq!(
        summary,
        vec![(2023, SHENGRUI, 500.0), (2024, SHENGRUI, 600.0)],
        "names trimmed; 2023 kept; 2024 is the corrected table"
    );
    let output_2023 = all.first().map(|f| f.output_10k_yuan);
    assert_eq!(output_2023, Some(10_000.0), "thousands separators read");
}

fn a_file_with_bad_rows_writes_nothing_and_names_each_cell(subject: &Subject) {
    let park = ok(parkland::sample::sample_park());
    let mut ledger = subject.open();
    let dir = scratch_dir("bad");
    let path = dir.join("bad.csv");
    ok(std::fs::write(
        &path,
        format!(
            "企业名称,年度,产值(万元),税收(万元),投资(万元)\n{SHENGRUI},2024,12000,600,50\n{BOLING},去年,3000,150,0\n{YONGCHEN},2024,八千,-5,0\n,2024,1,1,1\n{SHENGRUI},2024,1,1,1\n"
        ),
    ));
    let preview = ok(preview(&path, &park, &ledger));
    let places: Vec<(Option<usize>, Option<&str>)> = preview
        .all_problems()
        .map(|p| (p.row, p.column.as_deref()))
        .collect();
    assert_eq!(
        places,
        vec![
            (Some(3), Some(EnterpriseColumn::Year.header())),
            (Some(4), Some(EnterpriseColumn::Output.header())),
            (Some(4), Some(EnterpriseColumn::Tax.header())),
            (Some(5), Some(EnterpriseColumn::Enterprise.header())),
            (Some(6), Some(EnterpriseColumn::Enterprise.header())),
        ],
        "{:#?}",
        preview.all_problems().collect::<Vec<_>>()
    );
    assert!(matches!(
        preview.apply(&mut ledger, "op"),
        Err(ImportError::Problems { count: 5, .. })
    ));
    assert!(
        ok(ledger.enterprise_figures(None)).is_empty(),
        "nothing written"
    );

    let missing = dir.join("missing-column.csv");
    ok(std::fs::write(
        &missing,
        "企业名称,年度,产值(万元)\n甲,2024,1\n",
    ));
    let preview = ok(parkland::ledger::enterprise::preview(
        &missing, &park, &ledger,
    ));
    let columns: Vec<Option<&str>> = preview
        .problems
        .iter()
        .map(|p| p.column.as_deref())
        .collect();
    assert_eq!(columns, vec![Some("税收(万元)"), Some("投资(万元)")]);
}

fn parkland(args: &[&str], home: &Path) -> Output {
    ok(Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .output())
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn enterprise_commands_import_summarize_and_refuse_with_exit_2() {
    let dir = scratch_dir("cli");
    let ledger = dir.join("ledger.sqlite").display().to_string();
    let park = ok(parkland::sample::sample_park());
    let wx = wx_holder(&park);
    let xlsx = dir.join("figures.xlsx");
    write_figures_xlsx(&xlsx, &wx);
    let xlsx = xlsx.display().to_string();

    let none = parkland(&["enterprise", "summary", "--ledger", &ledger], &dir);
    assert_eq!(none.status.code(), Some(2), "{}", stdout(&none));
    assert!(
        stdout(&none).contains("enterprise import"),
        "{}",
        stdout(&none)
    );

    let imported = parkland(&["enterprise", "import", &xlsx, "--ledger", &ledger], &dir);
    assert_eq!(imported.status.code(), Some(0), "{}", stdout(&imported));
    let text = stdout(&imported);
    assert!(
        text.contains("5 rows for 2024: 4 linked to parcels, 1 enterprise(s) with no parcel")
            && text.contains(NO_LAND)
            && text.contains("imported 5 figure(s)"),
        "{text}"
    );

    let summary = parkland(
        &[
            "enterprise",
            "summary",
            "--year",
            "2024",
            "--json",
            "--ledger",
            &ledger,
        ],
        &dir,
    );
    assert_eq!(summary.status.code(), Some(0), "{}", stdout(&summary));
    let json: serde_json::Value = ok(serde_json::from_str(&stdout(&summary)));
    assert_eq!(json["year"], 2024);
    assert_eq!(json["enterprises"], 5);
    assert_eq!(json["districts"][0]["code"], "LCX");
    let lcx_tax_per_mu = json["districts"][0]["tax_per_mu"]
        .as_f64()
        .unwrap_or_default();
    assert!(
        (lcx_tax_per_mu - 750.0 / 138.45).abs() < 0.005,
        "{lcx_tax_per_mu}"
    );
    assert_eq!(json["unlinked"][0]["enterprise"], NO_LAND);
    assert_eq!(
        json["parcels"].as_array().map(Vec::len),
        Some(6 + wx_parcels(&park, &wx))
    );

    let text = parkland(&["enterprise", "summary", "--ledger", &ledger], &dir);
    assert!(
        stdout(&text).contains("梁产城新区") && stdout(&text).contains(NO_LAND),
        "{}",
        stdout(&text)
    );
    let wrong_year = parkland(
        &[
            "enterprise",
            "summary",
            "--year",
            "1999",
            "--ledger",
            &ledger,
        ],
        &dir,
    );
    assert_eq!(wrong_year.status.code(), Some(2));
    assert!(
        stdout(&wrong_year).contains("2024"),
        "{}",
        stdout(&wrong_year)
    );

    let bad = dir.join("bad.csv");
    ok(std::fs::write(
        &bad,
        "enterprise,year,output,tax,investment\n甲,2025,x,1,1\n",
    ));
    let refused = parkland(
        &[
            "enterprise",
            "import",
            &bad.display().to_string(),
            "--ledger",
            &ledger,
        ],
        &dir,
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    assert!(
        stdout(&refused).contains("bad.csv: row 2, column 产值(万元)"),
        "{}",
        stdout(&refused)
    );
    let years = ok(Ledger::open(Path::new(&ledger))).enterprise_years();
    assert_eq!(ok(years), vec![2024], "the bad file wrote nothing");
}

/// How many parcels an enterprise holds.
fn wx_parcels(park: &Park, holder: &str) -> usize {
    park.parcels
        .iter()
        .filter(|p| p.holder.as_deref() == Some(holder))
        .count()
}
