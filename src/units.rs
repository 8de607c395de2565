//! Area units used by the land office.
//!
//! Areas are stored in square metres everywhere; 亩 (mu) and hectares are derived for display
//! and export only.
//!
//! ```
//! use parkland::units::{mu_from_m2, ha_from_m2};
//! assert_eq!(mu_from_m2(10_000.0), 15.0);
//! assert_eq!(ha_from_m2(10_000.0), 1.0);
//! ```

/// Square metres in one 亩: 10000/15 m² ≈ 666.67 m².
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// 亩 from square metres (m² × 15 / 10000).
#[must_use]
pub fn mu_from_m2(area_m2: f64) -> f64 {
    area_m2 * 15.0 / 10_000.0
}

/// Square metres from 亩.
#[must_use]
pub fn m2_from_mu(area_mu: f64) -> f64 {
    area_mu * M2_PER_MU
}

/// Hectares (公顷) from square metres.
#[must_use]
pub fn ha_from_m2(area_m2: f64) -> f64 {
    area_m2 / 10_000.0
}

/// Square kilometres from square metres.
#[must_use]
pub fn km2_from_m2(area_m2: f64) -> f64 {
    area_m2 / 1_000_000.0
}

/// Thousands separators for reports: 1234567.891 → "1,234,567.89".
#[must_use]
pub fn group_thousands(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 4);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(group_thousands(999.0, 0), "999");
        assert_eq!(group_thousands(-1000.5, 1), "-1,000.5");
        assert_eq!(group_thousands(0.0, 2), "0.00");
    }

    #[test]
    fn mu_round_trips_and_matches_the_definition() {
        assert!((M2_PER_MU - 666.666_666_666_7).abs() < 1e-9);
        assert!((m2_from_mu(mu_from_m2(357_333.0)) - 357_333.0).abs() < 1e-9);
        assert!((mu_from_m2(M2_PER_MU) - 1.0).abs() < 1e-12);
        assert!((km2_from_m2(11_230_000.0) - 11.23).abs() < 1e-12);
    }
}
