//! Time helpers: RFC 3339 text for timestamps on disk, and the learner's day, which starts
//! at a configurable local hour (4 am by default, as in Anki) so a late-night session
//! still counts as the evening's day.

use chrono::{DateTime, Duration, Local, NaiveDate, TimeZone, Utc};

/// Parses an RFC 3339 timestamp (any offset) into UTC.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Writes a UTC timestamp as RFC 3339 with `Z`, with fractional seconds only when present.
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The learner's calendar day that `t` falls in, when days start at `day_start_hour`
/// local time.
pub fn learning_day(t: DateTime<Utc>, day_start_hour: u32) -> NaiveDate {
    (t.with_timezone(&Local) - Duration::hours(i64::from(day_start_hour.min(23)))).date_naive()
}

/// The instant the learning day after `day` begins.
pub fn day_end(day: NaiveDate, day_start_hour: u32) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    let naive = next
        .and_hms_opt(day_start_hour.min(23), 0, 0)
        .unwrap_or_else(|| next.and_time(chrono::NaiveTime::MIN));
    // A daylight-saving gap can skip the hour; take the earliest valid instant after it.
    Local
        .from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            Local
                .from_local_datetime(&(naive + Duration::hours(1)))
                .earliest()
        })
        .map_or_else(|| Utc.from_utc_datetime(&naive), |t| t.with_timezone(&Utc))
}

/// `serde(with)` for `Option<DateTime<Utc>>` as RFC 3339 text.
pub mod opt {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_some(&super::format(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => super::parse(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("bad timestamp `{text}`"))),
        }
    }
}

/// `serde(with)` for `DateTime<Utc>` as RFC 3339 text.
pub mod one {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        super::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("bad timestamp `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_round_trips() {
        let t = parse("2026-03-01T12:30:00+02:00").unwrap();
        assert_eq!(format(t), "2026-03-01T10:30:00Z");
        assert_eq!(parse(&format(t)), Some(t));
    }

    #[test]
    fn the_day_ends_at_the_next_day_start() {
        let now = Utc::now();
        let day = learning_day(now, 4);
        let end = day_end(day, 4);
        assert!(end > now);
        assert_eq!(learning_day(end, 4), day.succ_opt().unwrap());
    }
}
