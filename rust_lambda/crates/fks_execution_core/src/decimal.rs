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

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

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
    fn bps_of_ten_bps_of_twenty_thousand_is_twenty() {
        assert_eq!(bps_of(d("20000"), d("10")), d("20"));
    }
}
