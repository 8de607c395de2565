//! Time as the user lives it. Event times are stored in UTC (RFC 3339, `2026-12-06T02:43:00Z`)
//! and shown in the user's time zone with its offset (`2026-12-06 10:43:00 +08:00`); calendar
//! dates (deadline, completed on) have no zone; "today" for alerts is the local date.
//!
//! ```
//! use jiff::tz::TimeZone;
//! let shanghai = TimeZone::get("Asia/Shanghai").unwrap();
//! let text = parkland::time::time_text_in("2026-12-06T02:43:00Z", &shanghai);
//! assert_eq!(text, "2026-12-06 10:43:00 +08:00");
//! ```

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The user's time zone: `TZ` when set, else the system's.
#[must_use]
pub fn local_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// Today's date where the user is.
#[must_use]
pub fn today() -> Date {
    Timestamp::now().to_zoned(local_zone()).date()
}

/// When a day ends where the user is (the next day's midnight): the ledger "as of" a date
/// holds everything recorded before this instant.
#[must_use]
pub fn end_of_day(date: Date) -> Timestamp {
    end_of_day_in(date, &local_zone())
}

/// When a day ends in `zone`.
#[must_use]
pub fn end_of_day_in(date: Date, zone: &TimeZone) -> Timestamp {
    date.tomorrow()
        .ok()
        .and_then(|next| next.to_zoned(zone.clone()).ok())
        .map_or(Timestamp::MAX, |start| start.timestamp())
}

/// The date of a stored UTC time where the user is.
#[must_use]
pub fn local_date_of(stored: &str) -> Option<Date> {
    Some(
        stored
            .parse::<Timestamp>()
            .ok()?
            .to_zoned(local_zone())
            .date(),
    )
}

/// A stored UTC time in the user's zone with its offset; text that is not a time is shown as
/// it is.
#[must_use]
pub fn local_time_text(stored: &str) -> String {
    time_text_in(stored, &local_zone())
}

/// A stored UTC time in `zone`, `YYYY-MM-DD HH:MM:SS ±HH:MM`.
#[must_use]
pub fn time_text_in(stored: &str, zone: &TimeZone) -> String {
    match stored.parse::<Timestamp>() {
        Ok(t) => t
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
        Err(_) => stored.to_owned(),
    }
}

/// A stored time as the user asked to see it: local with its offset, or as stored (UTC).
#[must_use]
pub fn time_text(stored: &str, utc: bool) -> String {
    if utc {
        time_text_in(stored, &TimeZone::UTC)
    } else {
        local_time_text(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_is_shown_in_the_zone_with_its_offset() {
        let shanghai = TimeZone::get("Asia/Shanghai").expect("tzdb");
        assert_eq!(
            time_text_in("2026-12-06T02:43:00Z", &shanghai),
            "2026-12-06 10:43:00 +08:00"
        );
        assert_eq!(
            time_text_in("2026-12-05T20:00:00Z", &shanghai),
            "2026-12-06 04:00:00 +08:00"
        );
        assert_eq!(
            time_text_in("2026-12-06T02:43:00Z", &TimeZone::UTC),
            "2026-12-06 02:43:00 +00:00"
        );
        assert_eq!(time_text_in("not a time", &TimeZone::UTC), "not a time");
    }

    #[test]
    fn a_day_ends_at_the_next_midnight_of_the_zone() {
        let shanghai = TimeZone::get("Asia/Shanghai").expect("tzdb");
        let day = jiff::civil::date(2024, 12, 31);
        // Midnight of 2025-01-01 in Shanghai is 16:00 UTC the day before.
        assert_eq!(
            end_of_day_in(day, &shanghai).to_string(),
            "2024-12-31T16:00:00Z"
        );
        assert_eq!(
            end_of_day_in(day, &TimeZone::UTC).to_string(),
            "2025-01-01T00:00:00Z"
        );
    }

    #[test]
    fn the_local_zone_follows_tz() {
        // Whatever TZ the test runs under (CI runs Asia/Shanghai and UTC), the local text
        // carries the offset of that zone at that instant.
        let stored = "2026-06-01T12:00:00Z";
        let zone = local_zone();
        let offset = zone.to_offset(stored.parse().expect("time"));
        let text = local_time_text(stored);
        let seconds = offset.seconds();
        let sign = if seconds < 0 { '-' } else { '+' };
        let expected = format!(
            "{sign}{:02}:{:02}",
            seconds.abs() / 3600,
            seconds.abs() % 3600 / 60
        );
        assert!(text.ends_with(&expected), "{text} vs {expected}");
    }
}
