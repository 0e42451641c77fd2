//! The contract's UTC timestamp: `YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|+00:00)` naming a real instant.

/// Microseconds since 1970-01-01T00:00:00Z, or None when `text` is not exactly that shape or
/// names no real day (30 February, year 0), as Python's datetime.fromisoformat would refuse it.
pub fn utc_micros(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    let mut rest = &b[19..];
    let mut micros = 0i64;
    if let Some((b'.', tail)) = rest.split_first() {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 6 {
            return None;
        }
        micros = digits(&tail[..n])? * 10i64.pow((6 - n) as u32);
        rest = &tail[n..];
    }
    if rest != b"Z" && rest != b"+00:00" {
        return None;
    }
    if year < 1 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(seconds * 1_000_000 + micros)
}

fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |acc, c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_contract_shapes() {
        assert_eq!(utc_micros("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(utc_micros("1970-01-01T00:00:01.5+00:00"), Some(1_500_000));
        assert_eq!(utc_micros("2024-05-01T12:34:56.789000Z"), Some(1_714_566_896_789_000));
        assert_eq!(utc_micros("2024-02-29T00:00:00.000001Z"), Some(1_709_164_800_000_001));
        assert_eq!(utc_micros("0001-01-01T00:00:00Z"), Some(-62_135_596_800_000_000));
    }

    #[test]
    fn refuses_other_shapes_and_unreal_days() {
        for bad in ["2023-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "2024-13-01T00:00:00Z", "2024-04-31T00:00:00Z",
                    "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z", "2024-05-01T12:00:60Z", "2024-05-01 12:00:00Z",
                    "2024-05-01T12:00:00", "2024-05-01T12:00:00+01:00", "2024-05-01T12:00:00.Z",
                    "2024-05-01T12:00:00.1234567Z", "2024-05-01T12:00:00z", "2024-05-01T12:00:00Z\n",
                    "+024-05-01T12:00:00Z", "2024-05-01T12:00:00-00:00", "２024-05-01T12:00:00Z"] {
            assert_eq!(utc_micros(bad), None, "{bad}");
        }
    }
}
