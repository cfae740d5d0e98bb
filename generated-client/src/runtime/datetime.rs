//! Jira's date-times, kept exactly as the server wrote them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A Jira date-time such as `2021-01-17T12:34:00.000+0000`, kept as the server wrote it.
///
/// Jira writes offsets without a colon, which is not RFC 3339, so the value is not parsed on the way in:
/// any string deserialises, and it serialises back byte for byte. Some Jira fields that the spec calls date-times
/// hold epoch milliseconds instead (`1651316514000`): a number is kept as a number and written back as one.
/// [`JiraDateTime::to_unix_millis`] parses either on demand.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JiraDateTime {
    text: String,
    /// Whether the server sent a JSON number rather than a string.
    numeric: bool,
}

impl Serialize for JiraDateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.text.parse::<i64>() {
            Ok(number) if self.numeric => serializer.serialize_i64(number),
            _ => serializer.serialize_str(&self.text),
        }
    }
}

impl<'de> Deserialize<'de> for JiraDateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(i64),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::Text(text) => JiraDateTime { text, numeric: false },
            Raw::Number(number) => JiraDateTime { text: number.to_string(), numeric: true },
        })
    }
}

impl JiraDateTime {
    /// The original text (for a number, its decimal digits).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Consumes the value and returns the original text.
    pub fn into_string(self) -> String {
        self.text
    }

    /// Milliseconds since the Unix epoch, when the text is a date-time this parser understands.
    ///
    /// Accepted: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`, `±HHMM`, `±HH:MM` or `±HH`. Fractions
    /// beyond milliseconds are truncated. Text without an offset, or with out-of-range fields, gives `None`.
    /// A number is epoch milliseconds, or epoch seconds when it is below 10^11 (before 1973 in milliseconds).
    pub fn to_unix_millis(&self) -> Option<i64> {
        if self.numeric {
            let number: i64 = self.text.parse().ok()?;
            return Some(if number.abs() < 100_000_000_000 { number.saturating_mul(1000) } else { number });
        }
        let mut text = Cursor(self.text.trim().as_bytes());
        let year = text.number(4)?;
        text.expect(b"-")?;
        let month = text.number(2)?;
        text.expect(b"-")?;
        let day = text.number(2)?;
        text.expect(b"Tt ")?;
        let hour = text.number(2)?;
        text.expect(b":")?;
        let minute = text.number(2)?;
        let second = if text.eat(b":") { text.number(2)? } else { 0 };
        let millis = if text.eat(b".,") { text.fraction_millis()? } else { 0 };
        let offset_minutes = text.offset_minutes()?;
        if !text.0.is_empty() {
            return None;
        }
        let valid = (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour <= 23
            && minute <= 59
            && second <= 60;
        if !valid {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second - offset_minutes * 60;
        Some(seconds * 1000 + millis)
    }
}

impl From<String> for JiraDateTime {
    fn from(text: String) -> JiraDateTime {
        JiraDateTime { text, numeric: false }
    }
}

impl From<&str> for JiraDateTime {
    fn from(text: &str) -> JiraDateTime {
        JiraDateTime { text: text.to_owned(), numeric: false }
    }
}

impl From<JiraDateTime> for String {
    fn from(value: JiraDateTime) -> String {
        value.text
    }
}

impl AsRef<str> for JiraDateTime {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for JiraDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The unparsed rest of a date-time.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    /// Reads exactly `digits` ASCII digits as a number.
    fn number(&mut self, digits: usize) -> Option<i64> {
        let (head, rest) = self.0.split_at_checked(digits)?;
        let mut value = 0;
        for &byte in head {
            value = value * 10 + i64::from(ascii_digit(byte)?);
        }
        self.0 = rest;
        Some(value)
    }

    /// Skips one byte if it is one of `options`, and says whether it did.
    fn eat(&mut self, options: &[u8]) -> bool {
        match self.0.split_first() {
            Some((first, rest)) if options.contains(first) => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    /// Skips one byte that must be one of `options`.
    fn expect(&mut self, options: &[u8]) -> Option<()> {
        self.eat(options).then_some(())
    }

    /// Reads the digits of a fraction of a second (at least one) as milliseconds.
    fn fraction_millis(&mut self) -> Option<i64> {
        let count = self.0.iter().take_while(|byte| byte.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        let (digits, rest) = self.0.split_at(count);
        let mut millis = 0;
        for place in 0..3 {
            let digit = digits.get(place).map_or(0, |byte| byte - b'0');
            millis = millis * 10 + i64::from(digit);
        }
        self.0 = rest;
        Some(millis)
    }

    /// Reads `Z`, `±HHMM`, `±HH:MM` or `±HH` as minutes east of UTC.
    fn offset_minutes(&mut self) -> Option<i64> {
        if self.eat(b"Zz") {
            return Some(0);
        }
        let sign = if self.eat(b"+") {
            1
        } else if self.eat(b"-") {
            -1
        } else {
            return None;
        };
        let hours = self.number(2)?;
        let minutes = if self.0.is_empty() {
            0
        } else {
            self.eat(b":");
            self.number(2)?
        };
        (hours <= 23 && minutes <= 59).then_some(sign * (hours * 60 + minutes))
    }
}

fn ascii_digit(byte: u8) -> Option<u8> {
    byte.is_ascii_digit().then(|| byte - b'0')
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_milliseconds_stay_numbers() {
        let value: JiraDateTime = serde_json::from_str("1651316514000").expect("a number decodes");
        assert_eq!(value.to_unix_millis(), Some(1_651_316_514_000));
        assert_eq!(serde_json::to_string(&value).expect("encodes"), "1651316514000");
        let seconds: JiraDateTime = serde_json::from_str("1492070429").expect("a number decodes");
        assert_eq!(seconds.to_unix_millis(), Some(1_492_070_429_000));
        let text: JiraDateTime = serde_json::from_str("\"1651316514000\"").expect("a string decodes");
        assert_eq!(serde_json::to_string(&text).expect("encodes"), "\"1651316514000\"");
    }

    fn millis(text: &str) -> Option<i64> {
        JiraDateTime::from(text).to_unix_millis()
    }

    #[test]
    fn round_trips_byte_for_byte() {
        let json = r#""2021-01-17T12:34:00.000+0000""#;
        let value: JiraDateTime = serde_json::from_str(json).unwrap();
        assert_eq!(value.as_str(), "2021-01-17T12:34:00.000+0000");
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
        let odd: JiraDateTime = serde_json::from_str(r#""not a date""#).unwrap();
        assert_eq!(odd.to_string(), "not a date");
        assert_eq!(odd.to_unix_millis(), None);
    }

    #[test]
    fn offset_forms_agree() {
        let expected = Some(1_610_886_840_000);
        assert_eq!(millis("2021-01-17T12:34:00.000+0000"), expected);
        assert_eq!(millis("2021-01-17T12:34:00+00:00"), expected);
        assert_eq!(millis("2021-01-17T12:34:00Z"), expected);
        assert_eq!(millis("2021-01-17T12:34Z"), expected);
        assert_eq!(millis("2021-01-17T14:34:00.000+0200"), expected);
        assert_eq!(millis("2021-01-17T07:04:00-05:30"), expected);
        assert_eq!(millis("2021-01-17T13:34:00+01"), expected);
    }

    #[test]
    fn fractions_are_optional_and_truncated_to_millis() {
        assert_eq!(millis("1970-01-01T00:00:00.5Z"), Some(500));
        assert_eq!(millis("1970-01-01T00:00:00.123456789Z"), Some(123));
        assert_eq!(millis("1970-01-01T00:00:00.12+0000"), Some(120));
        assert_eq!(millis("1969-12-31T23:59:59.000Z"), Some(-1000));
        assert_eq!(millis("2000-02-29T00:00:00Z"), Some(951_782_400_000));
    }

    #[test]
    fn malformed_text_is_rejected() {
        for text in [
            "",
            "2021-01-17",
            "2021-01-17T12:34:00",
            "2021-13-01T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2021-01-17T24:00:00Z",
            "2021-01-17T12:34:00.Z",
            "2021-01-17T12:34:00Z trailing",
            "2021-01-17T12:34:00+2",
            "２０２１-01-17T12:34:00Z",
        ] {
            assert_eq!(millis(text), None, "{text:?}");
        }
    }
}
