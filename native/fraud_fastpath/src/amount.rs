//! The contract's money rule on a decoded float: > 0, <= the configured maximum, whole cents.

/// Whether `value` is certainly a valid amount under a maximum of `max_cents` / 100.
///
/// Whole cents is judged on the shortest decimal that round-trips (Rust's `Display`, like
/// Python's `repr`), i.e. the number the producer wrote. An amount of exactly the maximum is
/// left to the Python reference, which compares the binary float with the decimal limit exactly.
pub fn is_valid(value: f64, max_cents: i64) -> bool {
    if !value.is_finite() || value <= 0.0 || value > 1e15 {  // NaN is not finite: refused first
        return false;
    }
    let text = value.to_string(); // digits and at most one '.': the value is finite and positive
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > 2 {
        return false;
    }
    let Ok(whole) = whole.parse::<i64>() else { return false };
    // "5" is 50 cents, "05" 5: the fraction padded to two digits.
    let cents = fraction.bytes().chain(std::iter::repeat(b'0')).take(2)
        .fold(0, |acc, c| acc * 10 + i64::from(c - b'0'));
    whole * 100 + cents < max_cents
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_whole_cents_below_the_maximum() {
        for ok in [0.01, 42.5, 42.05, 100.0, 49_999.99, 1e9] {
            assert!(is_valid(ok, 5_000_000_000_00), "{ok}");
        }
        assert!(is_valid(49_999.99, 5_000_000));
    }

    #[test]
    fn refuses_the_rest() {
        for bad in [0.0, -0.0, -1.0, 0.001, 1e-7, 42.505, f64::NAN, f64::INFINITY, 0.1 + 0.2] {
            assert!(!is_valid(bad, 5_000_000), "{bad}");
        }
        assert!(!is_valid(50_000.0, 5_000_000), "the maximum itself is left to the reference");
        assert!(!is_valid(50_000.01, 5_000_000));
    }
}
