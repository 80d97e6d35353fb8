//! Dates, times and timestamps: strict ISO 8601 forms. A value is never
//! truncated (a date with a time of day, a fraction below microseconds) and a
//! zone is never guessed (a timestamptz without an offset).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use super::parse::{quote, trim_spaces};

const TIMESTAMP_FORMS: &str =
    "YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.ffffff] or YYYY-MM-DDTHH:MM:SS[.ffffff][Z]";

/// Why a date or time text does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// Not one of the forms, or no such date or time.
    Malformed,
    /// Non-zero digits below microseconds, which PostgreSQL would round.
    BelowMicroseconds,
}

/// A zone written after the time: `Z` or an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    Utc,
    Offset(FixedOffset),
}

/// A date, with an optional time of day and zone.
#[derive(Debug)]
struct Parts {
    date: NaiveDate,
    time: Option<(NaiveTime, Option<Zone>)>,
}

impl Parts {
    fn naive(&self) -> NaiveDateTime {
        self.date
            .and_time(self.time.map_or(NaiveTime::MIN, |(time, _)| time))
    }

    fn zone(&self) -> Option<Zone> {
        self.time.and_then(|(_, zone)| zone)
    }
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `YYYY-MM-DD`, exactly.
fn date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(text.get(0..4)?)?).ok()?;
    // There is no year 0 (PostgreSQL refuses it).
    if year == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, digits(text.get(5..7)?)?, digits(text.get(8..10)?)?)
}

/// `HH:MM:SS[.f…]`, or `HH:MM` too when `seconds_optional`.
fn clock(text: &str, seconds_optional: bool) -> Result<NaiveTime, Problem> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let fields: Vec<&str> = whole.split(':').collect();
    let two_digits = |s: &str| if s.len() == 2 { digits(s) } else { None };
    let (hour, minute, second) = match fields.as_slice() {
        [h, m, s] => (two_digits(h), two_digits(m), two_digits(s)),
        [h, m] if seconds_optional && fraction.is_none() => (two_digits(h), two_digits(m), Some(0)),
        _ => return Err(Problem::Malformed),
    };
    let micro = match fraction {
        None => 0,
        Some(f) => {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Problem::Malformed);
            }
            let (kept, below) = f.split_at(f.len().min(6));
            if below.bytes().any(|b| b != b'0') {
                return Err(Problem::BelowMicroseconds);
            }
            let scale = 10u32.pow(6 - kept.len() as u32);
            digits(kept).ok_or(Problem::Malformed)? * scale
        }
    };
    match (hour, minute, second) {
        (Some(h), Some(m), Some(s)) if s < 60 => {
            NaiveTime::from_hms_micro_opt(h, m, s, micro).ok_or(Problem::Malformed)
        }
        _ => Err(Problem::Malformed),
    }
}

/// `Z`, `±HH:MM`, `±HHMM` or `±HH`.
fn zone(text: &str) -> Option<Zone> {
    if text == "Z" || text == "z" {
        return Some(Zone::Utc);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = text.get(1..)?;
    let (hours, minutes) = match rest.len() {
        2 => (rest, "00"),
        4 => (rest.get(0..2)?, rest.get(2..4)?),
        5 if rest.as_bytes()[2] == b':' => (rest.get(0..2)?, rest.get(3..5)?),
        _ => return None,
    };
    let (hours, minutes) = (digits(hours)?, digits(minutes)?);
    if hours > 15 || minutes > 59 {
        return None;
    }
    let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
    FixedOffset::east_opt(sign * seconds).map(Zone::Offset)
}

/// A date, then optionally ` ` or `T`, `HH:MM:SS[.f…]` and a zone.
fn parts(text: &str) -> Result<Parts, Problem> {
    let date = date(text.get(0..10).ok_or(Problem::Malformed)?).ok_or(Problem::Malformed)?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Ok(Parts { date, time: None });
    }
    let rest = rest.strip_prefix([' ', 'T']).ok_or(Problem::Malformed)?;
    let (time, zone_text) = match rest.find(['Z', 'z', '+', '-']) {
        Some(at) => (&rest[..at], Some(&rest[at..])),
        None => (rest, None),
    };
    let time = clock(time, false)?;
    let zone = match zone_text {
        Some(z) => Some(zone(z).ok_or(Problem::Malformed)?),
        None => None,
    };
    Ok(Parts {
        date,
        time: Some((time, zone)),
    })
}

fn below_microseconds(text: &str) -> String {
    format!(
        "more than 6 fractional digits of seconds: {} (PostgreSQL keeps microseconds; refusing to round)",
        quote(text)
    )
}

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.f…]` or `YYYY-MM-DDTHH:MM:SS[.f…][Z]`
/// (`Z` is UTC, which the naive value is read as). Another offset is refused.
pub fn parse_timestamp(text: &str) -> Result<NaiveDateTime, String> {
    let parts = match parts(trim_spaces(text)) {
        Ok(parts) => parts,
        Err(Problem::BelowMicroseconds) => return Err(below_microseconds(text)),
        Err(Problem::Malformed) => {
            return Err(format!(
                "not a timestamp: {} (expected {TIMESTAMP_FORMS})",
                quote(text)
            ));
        }
    };
    if let Some(Zone::Offset(_)) = parts.zone() {
        return Err(format!(
            "timestamp without time zone takes no offset (only Z, read as UTC): {} (expected {TIMESTAMP_FORMS})",
            quote(text)
        ));
    }
    Ok(parts.naive())
}

/// `YYYY-MM-DD`, or the timestamp forms at midnight: a date column keeps no
/// time of day, so any other time is refused rather than dropped.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let timestamp = parse_timestamp(text).map_err(|reason| {
        if reason.starts_with("not a timestamp") {
            format!(
                "not a date: {} (expected YYYY-MM-DD, or YYYY-MM-DD 00:00:00)",
                quote(text)
            )
        } else {
            reason
        }
    })?;
    if timestamp.time() != NaiveTime::MIN {
        return Err(format!(
            "a date with a time of day other than midnight: {} (a date column keeps no time; refusing to drop it)",
            quote(text)
        ));
    }
    Ok(timestamp.date())
}

/// The timestamp forms with a zone: `Z`, `±HH:MM`, `±HHMM` or `±HH`.
/// Without one the value is refused, not read in some default zone.
pub fn parse_timestamptz(text: &str) -> Result<DateTime<Utc>, String> {
    let parts = match parts(trim_spaces(text)) {
        Ok(parts) => parts,
        Err(Problem::BelowMicroseconds) => return Err(below_microseconds(text)),
        Err(Problem::Malformed) => {
            return Err(format!(
                "not a timestamp with time zone: {} (expected YYYY-MM-DD HH:MM:SS[.ffffff] or YYYY-MM-DDTHH:MM:SS[.ffffff], then Z, ±hh:mm, ±hhmm or ±hh)",
                quote(text)
            ));
        }
    };
    let offset = match parts.zone() {
        Some(Zone::Utc) => FixedOffset::east_opt(0),
        Some(Zone::Offset(offset)) => Some(offset),
        None => None,
    };
    let Some(offset) = offset else {
        return Err(format!(
            "timestamp with time zone needs an offset (Z or ±hh:mm); refusing to guess one: {}",
            quote(text)
        ));
    };
    offset
        .from_local_datetime(&parts.naive())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("not a representable instant: {}", quote(text)))
}

/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.ffffff`.
pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    clock(trim_spaces(text), true).map_err(|problem| match problem {
        Problem::BelowMicroseconds => below_microseconds(text),
        Problem::Malformed => format!(
            "not a time of day: {} (expected HH:MM, HH:MM:SS or HH:MM:SS.ffffff, 00:00 to 23:59:59.999999)",
            quote(text)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(h: u32, m: u32, s: u32, micro: u32) -> NaiveTime {
        NaiveTime::from_hms_micro_opt(h, m, s, micro).unwrap()
    }

    #[test]
    fn timestamp_forms_parse() {
        let midnight = day(2021, 1, 2).and_time(NaiveTime::MIN);
        assert_eq!(parse_timestamp("2021-01-02").unwrap(), midnight);
        assert_eq!(parse_timestamp("2021-01-02 00:00:00").unwrap(), midnight);
        assert_eq!(parse_timestamp("2021-01-02T00:00:00").unwrap(), midnight);
        assert_eq!(parse_timestamp("2021-01-02T00:00:00Z").unwrap(), midnight);
        assert_eq!(parse_timestamp(" 2021-01-02 ").unwrap(), midnight);
        let fractional = parse_timestamp("2021-01-02T03:04:05.250Z").unwrap();
        assert_eq!(fractional.and_utc().timestamp_subsec_millis(), 250);
        assert_eq!(
            parse_timestamp("2021-01-02 03:04:05.123456").unwrap(),
            day(2021, 1, 2).and_time(at(3, 4, 5, 123_456))
        );
        assert_eq!(
            parse_timestamp("2021-01-02 03:04:05.1234560").unwrap(),
            day(2021, 1, 2).and_time(at(3, 4, 5, 123_456))
        );
    }

    #[test]
    fn bad_timestamps_are_rejected() {
        for bad in [
            "2021-02-30",
            "02/01/2021",
            "2021-01-02 25:00:00",
            "2021-01-02 23:59:60",
            "2021-01-02 03:04",
            "2021-01-02 03:04:05.",
            "2021-01-02X03:04:05",
            "yesterday",
            "2021-1-2",
            "0000-01-01",
            "+2021-01-02",
        ] {
            let reason = parse_timestamp(bad).unwrap_err();
            assert!(reason.starts_with("not a timestamp: "), "{bad}: {reason}");
            assert!(reason.contains(&quote(bad)), "{reason}");
        }
        let offset = parse_timestamp("2021-01-02T00:00:00+02:00").unwrap_err();
        assert!(
            offset.starts_with("timestamp without time zone takes no offset"),
            "{offset}"
        );
        let rounding = parse_timestamp("2021-01-02 03:04:05.1234567").unwrap_err();
        assert!(
            rounding.starts_with("more than 6 fractional digits"),
            "{rounding}"
        );
    }

    #[test]
    fn dates_parse_and_refuse_a_time_of_day() {
        assert_eq!(parse_date("2024-02-29").unwrap(), day(2024, 2, 29));
        assert_eq!(parse_date("2024-02-29 00:00:00").unwrap(), day(2024, 2, 29));
        assert_eq!(parse_date("2024-02-29T00:00:00").unwrap(), day(2024, 2, 29));
        assert_eq!(parse_date("0001-01-01").unwrap(), day(1, 1, 1));
        let reason = parse_date("2024-02-29 13:30:00").unwrap_err();
        assert!(
            reason.starts_with(
                "a date with a time of day other than midnight: \"2024-02-29 13:30:00\""
            ),
            "{reason}"
        );
        assert!(parse_date("2024-02-29T00:00:00.000001").is_err());
        let reason = parse_date("2023-02-29").unwrap_err();
        assert!(reason.starts_with("not a date: \"2023-02-29\""), "{reason}");
        assert!(reason.contains("YYYY-MM-DD"));
        assert!(parse_date("29.02.2024").is_err());
    }

    #[test]
    fn timestamptz_needs_an_offset() {
        let utc = |h, m, s, micro| day(2021, 1, 2).and_time(at(h, m, s, micro)).and_utc();
        assert_eq!(
            parse_timestamptz("2021-01-02T03:04:05Z").unwrap(),
            utc(3, 4, 5, 0)
        );
        assert_eq!(
            parse_timestamptz("2021-01-02 03:04:05.5+02:00").unwrap(),
            utc(1, 4, 5, 500_000)
        );
        assert_eq!(
            parse_timestamptz("2021-01-02 03:04:05+0230").unwrap(),
            utc(0, 34, 5, 0)
        );
        assert_eq!(
            parse_timestamptz("2021-01-02T03:04:05-01").unwrap(),
            utc(4, 4, 5, 0)
        );
        assert_eq!(
            parse_timestamptz("2021-01-02T03:04:05-00:00").unwrap(),
            utc(3, 4, 5, 0)
        );
        for zoneless in [
            "2021-01-02 03:04:05",
            "2021-01-02T03:04:05.25",
            "2021-01-02",
        ] {
            let reason = parse_timestamptz(zoneless).unwrap_err();
            assert_eq!(
                reason,
                format!(
                    "timestamp with time zone needs an offset (Z or ±hh:mm); refusing to guess one: {zoneless:?}"
                )
            );
        }
        for bad in [
            "2021-01-02 03:04:05+2",
            "2021-01-02 03:04:05+02:0",
            "2021-01-02 03:04:05+16:00",
            "2021-01-02 03:04:05 +02:00",
            "2021-01-02 03:04:05UTC",
            "2021-01-02 03:04:05+02:00Z",
        ] {
            let reason = parse_timestamptz(bad).unwrap_err();
            assert!(
                reason.starts_with("not a timestamp with time zone"),
                "{bad}: {reason}"
            );
        }
    }

    #[test]
    fn times_of_day() {
        assert_eq!(parse_time("03:04").unwrap(), at(3, 4, 0, 0));
        assert_eq!(parse_time("23:59:59").unwrap(), at(23, 59, 59, 0));
        assert_eq!(parse_time("00:00:00.000001").unwrap(), at(0, 0, 0, 1));
        assert_eq!(parse_time("12:00:00.5").unwrap(), at(12, 0, 0, 500_000));
        for bad in [
            "24:00:00",
            "3:04",
            "03:4",
            "03:04:60",
            "03:04.5",
            "noon",
            "03:04:05Z",
            "03:04:05.x",
        ] {
            let reason = parse_time(bad).unwrap_err();
            assert!(reason.starts_with("not a time of day: "), "{bad}: {reason}");
            assert!(
                reason.contains("HH:MM, HH:MM:SS or HH:MM:SS.ffffff"),
                "{reason}"
            );
        }
        assert!(
            parse_time("00:00:00.0000001")
                .unwrap_err()
                .starts_with("more than 6 fractional digits")
        );
    }
}
