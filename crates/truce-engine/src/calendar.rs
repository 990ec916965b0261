//! Civil dates for the weekly clock (proleptic Gregorian; algorithms of Hinnant,
//! "chrono-Compatible Low-Level Date Algorithms", 2013).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CivilDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl CivilDate {
    /// Days since 1970-01-01.
    pub fn to_days(self) -> i64 {
        let y = if self.month <= 2 { self.year as i64 - 1 } else { self.year as i64 };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        CivilDate { year: (if m <= 2 { y + 1 } else { y }) as i32, month: m, day: d }
    }

    /// The date `weeks` weeks later.
    pub fn plus_weeks(self, weeks: u32) -> Self {
        Self::from_days(self.to_days() + 7 * weeks as i64)
    }

    /// Valid calendar date?
    pub fn is_valid(self) -> bool {
        (1..=12).contains(&self.month) && self.day >= 1 && Self::from_days(self.to_days()) == self
    }

    /// Parses `YYYY-MM-DD`, a real calendar day (the one date form of files and options);
    /// the error says what was expected.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || {
            if raw.is_empty() {
                "missing date; expected YYYY-MM-DD".to_string()
            } else {
                format!("`{raw}` is not a date; expected YYYY-MM-DD")
            }
        };
        let parts: Vec<&str> = raw.split('-').collect();
        if parts.len() != 3
            || parts[0].len() != 4
            || parts[1].len() != 2
            || parts[2].len() != 2
            || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let d = CivilDate {
            year: parts[0].parse().map_err(|_| bad())?,
            month: parts[1].parse().map_err(|_| bad())?,
            day: parts[2].parse().map_err(|_| bad())?,
        };
        if !d.is_valid() {
            return Err(format!("`{raw}` is not a calendar day; expected YYYY-MM-DD"));
        }
        Ok(d)
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip() {
        let d = CivilDate { year: 2025, month: 12, day: 3 };
        assert_eq!(CivilDate::from_days(d.to_days()), d);
        assert_eq!(d.plus_weeks(4), CivilDate { year: 2025, month: 12, day: 31 });
        assert_eq!(d.plus_weeks(156), CivilDate { year: 2028, month: 11, day: 29 });
        assert_eq!(CivilDate { year: 1970, month: 1, day: 1 }.to_days(), 0);
        assert!(!CivilDate { year: 2025, month: 2, day: 29 }.is_valid());
        assert!(CivilDate { year: 2024, month: 2, day: 29 }.is_valid());
    }
}
