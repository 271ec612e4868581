//! The `[book]` metadata rules: every problem is an error at the line and
//! column of its key in `book.toml`.
//!
//! - strings are not empty and hold no control characters (`description`
//!   may hold line breaks);
//! - `language` is a valid BCP 47 tag (`language-tags`, checked against the
//!   IANA subtag registry it carries);
//! - `date` is W3CDTF, the ISO 8601 profile EPUB uses: `YYYY`, `YYYY-MM`,
//!   `YYYY-MM-DD`, or a date with a time and a zone
//!   (`2024-08-01T09:30:00+08:00`);
//! - `isbn` is an ISBN-13 or ISBN-10 (hyphens and spaces allowed) whose
//!   check digit is right; an ISBN-10 becomes its ISBN-13.

use toml::de::{DeTable, DeValue};

use super::config::Settings;
use crate::diag::Diagnostic;

/// Keys of `[book]` holding text that is shown or recorded.
const TEXT_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "section",
    "publisher",
    "identifier",
    "description",
    "source",
    "slug",
];

/// Checks `[book]`; returns every problem.
pub fn check(settings: &Settings) -> Vec<Diagnostic> {
    let Ok(root) = DeTable::parse(&settings.text) else {
        return Vec::new();
    };
    let Some(book) = root.get_ref().get("book") else {
        return Vec::new();
    };
    let DeValue::Table(book) = book.get_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in book.iter() {
        let k = key.get_ref().as_ref();
        let at = key.span().start;
        let mut err = |m: String| {
            out.push(
                settings
                    .error_at(at, format!("[book] {k}: {m}"))
                    .rule("source.book-toml.value"),
            )
        };
        match (k, value.get_ref()) {
            (_, DeValue::String(s)) if TEXT_KEYS.contains(&k) => {
                if let Err(m) = text(s, k == "description") {
                    err(m);
                }
            }
            ("editors", DeValue::Array(items)) => {
                for item in items {
                    if let DeValue::String(s) = item.get_ref()
                        && let Err(m) = text(s, false)
                    {
                        out.push(
                            settings
                                .error_at(item.span().start, format!("[book] editors: {m}"))
                                .rule("source.book-toml.value"),
                        );
                    }
                }
            }
            ("language", DeValue::String(s)) => {
                if let Err(m) = language(s) {
                    err(m);
                }
            }
            ("date", DeValue::String(s)) => {
                if let Err(m) = valid_date(s) {
                    err(m);
                }
            }
            ("isbn", DeValue::String(s)) => {
                if let Err(m) = isbn13(s) {
                    err(m);
                }
            }
            _ => {}
        }
    }
    out
}

/// A shown string: not empty, no control characters (line breaks only
/// where `lines`).
pub fn text(s: &str, lines: bool) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err("is empty; write the text, or leave the key out".into());
    }
    if let Some(c) = s
        .chars()
        .find(|&c| super::text::forbidden(c) || (c == '\t') || (c == '\n' && !lines))
    {
        return Err(format!(
            "holds the control character {}; remove it",
            super::text::describe(c)
        ));
    }
    Ok(())
}

/// A valid BCP 47 language tag.
pub fn language(s: &str) -> Result<(), String> {
    let tag = language_tags::LanguageTag::parse(s)
        .map_err(|e| format!("{s:?} is not a BCP 47 language tag ({e}); e.g. zh-CN, zh-Hant"))?;
    tag.validate()
        .map_err(|e| format!("{s:?} is not a valid BCP 47 language tag ({e}); e.g. zh-CN, zh-Hant"))
}

fn number(s: &str, digits: usize, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    if s.len() != digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|n| range.contains(n))
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A W3CDTF date: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a date and time
/// with a zone, `YYYY-MM-DDThh:mm[:ss[.s]](Z|±hh:mm)`.
pub fn valid_date(s: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "{s:?} is not a W3CDTF date: write YYYY, YYYY-MM, YYYY-MM-DD or e.g. 2024-08-01T09:30:00+08:00"
        )
    };
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let year = parts
        .next()
        .and_then(|y| number(y, 4, 1..=9999))
        .ok_or_else(bad)?;
    let month = parts
        .next()
        .map(|m| number(m, 2, 1..=12).ok_or_else(bad))
        .transpose()?;
    let day = parts
        .next()
        .map(|d| number(d, 2, 1..=31).ok_or_else(bad))
        .transpose()?;
    if parts.next().is_some() {
        return Err(bad());
    }
    if let (Some(m), Some(d)) = (month, day)
        && d > days_in(year, m)
    {
        return Err(format!("{s:?}: {year}-{m:02} has no day {d}"));
    }
    let Some(time) = time else { return Ok(()) };
    if day.is_none() {
        return Err(bad());
    }
    let (clock, zone) = if let Some(c) = time.strip_suffix('Z') {
        (c, None)
    } else {
        let i = time.rfind(['+', '-']).ok_or_else(bad)?;
        (&time[..i], Some(&time[i + 1..]))
    };
    if let Some(z) = zone {
        let (h, m) = z.split_once(':').ok_or_else(bad)?;
        number(h, 2, 0..=14).ok_or_else(bad)?;
        number(m, 2, 0..=59).ok_or_else(bad)?;
    }
    let mut hms = clock.split(':');
    number(hms.next().unwrap_or(""), 2, 0..=23).ok_or_else(bad)?;
    number(hms.next().unwrap_or(""), 2, 0..=59).ok_or_else(bad)?;
    if let Some(sec) = hms.next() {
        let (whole, frac) = sec.split_once('.').unwrap_or((sec, "0"));
        number(whole, 2, 0..=59).ok_or_else(bad)?;
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
    }
    if hms.next().is_some() {
        return Err(bad());
    }
    Ok(())
}

/// The ISBN-13 digits of an ISBN-13 or ISBN-10 as written.
pub fn isbn13(s: &str) -> Result<String, String> {
    let digits: String = s.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let parsed: isbn::Isbn = s.trim().parse().map_err(|e: isbn::IsbnError| {
        format!("{s:?} is not an ISBN: {e} (write the 13 digits of the ISBN-13, hyphens allowed)")
    })?;
    let thirteen = match parsed {
        isbn::Isbn::_10(i) => isbn::Isbn13::from(i),
        isbn::Isbn::_13(i) => i,
    };
    let out: String = thirteen
        .to_string()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if digits.len() == 13 && !(out.starts_with("978") || out.starts_with("979")) {
        return Err(format!(
            "{s:?} is not an ISBN: an ISBN-13 starts with 978 or 979"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for ok in [
            "2024",
            "2024-08",
            "2024-08-01",
            "2024-02-29",
            "2024-08-01T09:30+08:00",
            "2024-08-01T09:30:00Z",
            "2024-08-01T09:30:00.5-05:00",
        ] {
            assert!(valid_date(ok).is_ok(), "{ok}");
        }
        for bad in [
            "tomorrow",
            "2024-8-1",
            "2023-02-29",
            "2024-13",
            "24",
            "2024-08-01T09:30",
            "2024-08-01 09:30Z",
            "2024/08/01",
            "",
        ] {
            assert!(valid_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn isbns() {
        assert_eq!(isbn13("978-7-02-000220-7").unwrap(), "9787020002207");
        assert_eq!(isbn13("0-306-40615-2").unwrap(), "9780306406157");
        assert!(
            isbn13("978-7-02-000220-8")
                .unwrap_err()
                .contains("not an ISBN")
        );
        assert!(isbn13("978-7-…").is_err());
    }

    #[test]
    fn languages_and_text() {
        assert!(
            language("zh-CN").is_ok() && language("zh-Hant-TW").is_ok() && language("en").is_ok()
        );
        assert!(
            language("klingon!!").is_err()
                && language("").is_err()
                && language("xx-YYY-ZZZZZZZZZZ").is_err()
        );
        assert!(text("", false).is_err() && text("标题\n", false).is_err());
        assert!(text("一行\n二行", true).is_ok() && text("坏\u{7}", true).is_err());
    }
}
