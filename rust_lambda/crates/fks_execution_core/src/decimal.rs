//! Decimal helpers shared by validation, fills and PnL.
//!
//! Every price, quantity and amount in this crate is a [`Decimal`]: binary floats cannot hold
//! 0.1 exactly, and an exchange refuses a price that is one ulp off its tick.

pub use rust_decimal::Decimal;

/// 10 000, the number of basis points in one.
pub const BPS_PER_ONE: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// Whether `value` is a whole number of `step`s. A non-positive step never matches, so a
/// misconfigured instrument refuses orders instead of accepting every value.
#[must_use]
pub fn is_multiple_of(value: Decimal, step: Decimal) -> bool {
    step > Decimal::ZERO && (value % step).is_zero()
}

/// `bps` basis points of `value` (10 bps of 20 000 is 20).
#[must_use]
pub fn bps_of(value: Decimal, bps: Decimal) -> Decimal {
    value * bps / BPS_PER_ONE
}

/// `value` as the nearest `f64` to within an ulp or two, without `rust_decimal`'s exact (and
/// slow, hundreds of nanoseconds) conversion: for curves and ratios drawn from exact figures,
/// never for money.
#[must_use]
pub fn approx_f64(value: Decimal) -> f64 {
    const POW10: [f64; 29] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
        1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28,
    ];
    // A mantissa has at most 96 bits and a scale at most 28: both casts are in range. One that
    // fits 64 bits (nearly all) converts in one instruction, an i128 through a library call; both
    // round to the nearest float, so the result is the same.
    #[allow(clippy::cast_precision_loss)]
    let mantissa = i64::try_from(value.mantissa()).map_or_else(|_| value.mantissa() as f64, |m| m as f64);
    mantissa / POW10[value.scale() as usize]
}

/// Most significant digits a decimal from outside may carry (as the Python side's `StrictDecimal`).
pub const MAX_DIGITS: usize = 28;
/// Most digits after the point a decimal from outside may carry.
pub const MAX_SCALE: usize = 18;

/// Reads a decimal from outside strictly: `-?digits[.digits]`, at most [`MAX_DIGITS`] digits and
/// [`MAX_SCALE`] after the point.
///
/// `rust_decimal` alone reads `"1_000"` as 1000 and `"1e-3"` as 0.001: a typo or a crafted
/// string must be refused, not turned into a different quantity (issue 17).
///
/// # Errors
/// A message naming what is wrong with `text`.
pub fn parse_strict(text: &str) -> Result<Decimal, String> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let well_formed = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && (fraction.bytes().all(|b| b.is_ascii_digit()))
        && !(unsigned.contains('.') && fraction.is_empty());
    if !well_formed {
        return Err(format!("{text:?} is not a plain decimal (digits, an optional point and sign)"));
    }
    if whole.trim_start_matches('0').len() + fraction.len() > MAX_DIGITS || fraction.len() > MAX_SCALE {
        return Err(format!("{text:?} has more than {MAX_DIGITS} digits or {MAX_SCALE} after the point"));
    }
    Decimal::from_str_exact(text).map_err(|e| format!("{text:?}: {e}"))
}

/// `#[serde(deserialize_with = ...)]` readers for decimals in commands from outside.
pub mod strict {
    use serde::{Deserialize, Deserializer};

    use super::{parse_strict, Decimal};

    /// A required decimal, read with [`parse_strict`].
    ///
    /// # Errors
    /// The deserializer's error naming the bad text.
    pub fn decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_strict(&text).map_err(serde::de::Error::custom)
    }

    /// An optional decimal (`null` or absent is `None`), read with [`parse_strict`].
    ///
    /// # Errors
    /// The deserializer's error naming the bad text.
    pub fn option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| parse_strict(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn parse_strict_reads_plain_decimals() {
        assert_eq!(parse_strict("0.001"), Ok(d("0.001")));
        assert_eq!(parse_strict("-12.50"), Ok(d("-12.50")));
        assert_eq!(parse_strict("42"), Ok(d("42")));
    }

    #[test]
    fn parse_strict_refuses_underscores_exponents_and_specials() {
        for text in ["1_000", "0.00_1", "1e-3", "1E3", "NaN", "inf", "", ".5", "5.", "+1", " 1", "١"] {
            assert!(parse_strict(text).is_err(), "{text:?} should be refused");
        }
    }

    #[test]
    fn parse_strict_refuses_too_many_digits() {
        assert!(parse_strict(&"9".repeat(29)).is_err());
        assert!(parse_strict(&format!("0.{}", "1".repeat(19))).is_err());
        assert!(parse_strict(&format!("0.{}", "1".repeat(18))).is_ok());
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn is_multiple_of_when_on_step_is_true() {
        assert!(is_multiple_of(d("0.300"), d("0.1")));
    }

    #[test]
    fn is_multiple_of_when_off_step_is_false() {
        assert!(!is_multiple_of(d("0.35"), d("0.1")));
    }

    #[test]
    fn is_multiple_of_when_step_is_zero_is_false() {
        assert!(!is_multiple_of(d("1"), Decimal::ZERO));
    }

    #[test]
    #[allow(clippy::float_cmp)] // these three must come out exactly
    fn approx_f64_is_the_nearest_float_for_ordinary_figures() {
        assert_eq!(approx_f64(d("64123.45")), 64_123.45);
        assert_eq!(approx_f64(d("-0.00000001")), -1e-8);
        assert_eq!(approx_f64(d("10000")), 10_000.0);
    }

    #[test]
    fn bps_of_ten_bps_of_twenty_thousand_is_twenty() {
        assert_eq!(bps_of(d("20000"), d("10")), d("20"));
    }
}
