//! Instruments and the exchange filters an order must pass.
//!
//! Checking the filters here (tick, lot step, minimums) turns the commonest exchange rejections
//! (Binance `PRICE_FILTER`, `LOT_SIZE`, `NOTIONAL`) into named denials that cost no request.

use serde::{Deserialize, Serialize};

use crate::decimal::{is_multiple_of, Decimal};
use crate::errors::{DenialReason, InstrumentError, OrderDenial};

/// A tradable symbol and its filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// Exchange symbol, e.g. `BTCUSDT`.
    pub symbol: String,
    /// Asset bought by a buy order, e.g. `BTC`.
    pub base: String,
    /// Asset paid with, e.g. `USDT`; PnL and fees are in this currency.
    pub quote: String,
    /// Decimal places of a price.
    pub price_precision: u32,
    /// Decimal places of a quantity.
    pub size_precision: u32,
    /// Smallest price increment.
    pub tick_size: Decimal,
    /// Smallest quantity increment (lot step).
    pub step_size: Decimal,
    /// Smallest accepted quantity.
    pub min_quantity: Decimal,
    /// Smallest accepted quantity × price.
    pub min_notional: Decimal,
}

impl Instrument {
    /// The unified spelling, `BASE/QUOTE` (`BTC/USDT`): what the Python side books positions under.
    #[must_use]
    pub fn unified_symbol(&self) -> String {
        format!("{}/{}", self.base, self.quote)
    }

    /// Checks that the filters are usable, so a bad definition is refused once at registration
    /// instead of denying (or worse, passing) every order.
    ///
    /// # Errors
    /// [`InstrumentError`] naming the first inconsistent field.
    pub fn validate(&self) -> Result<(), InstrumentError> {
        let fail =
            |message: &str| Err(InstrumentError { symbol: self.symbol.clone(), message: message.to_owned() });
        if self.symbol.is_empty() || self.base.is_empty() || self.quote.is_empty() {
            return fail("symbol, base and quote must not be empty");
        }
        if self.tick_size <= Decimal::ZERO || self.step_size <= Decimal::ZERO {
            return fail("tick_size and step_size must be positive");
        }
        if self.tick_size.normalize().scale() > self.price_precision {
            return fail("tick_size has more decimals than price_precision");
        }
        if self.step_size.normalize().scale() > self.size_precision {
            return fail("step_size has more decimals than size_precision");
        }
        if self.min_quantity < Decimal::ZERO || self.min_notional < Decimal::ZERO {
            return fail("min_quantity and min_notional must not be negative");
        }
        Ok(())
    }

    /// Checks an order quantity: positive, at least the minimum, on the lot step.
    ///
    /// # Errors
    /// [`OrderDenial`] with `NonPositiveQuantity`, `QuantityBelowMinimum` or `QuantityOffStep`.
    pub fn check_quantity(&self, quantity: Decimal) -> Result<(), OrderDenial> {
        if quantity <= Decimal::ZERO {
            return Err(OrderDenial::new(
                DenialReason::NonPositiveQuantity,
                format!("quantity {quantity} must be positive"),
            ));
        }
        if quantity < self.min_quantity {
            return Err(OrderDenial::new(
                DenialReason::QuantityBelowMinimum,
                format!("quantity {quantity} is below minimum {}", self.min_quantity),
            ));
        }
        if !is_multiple_of(quantity, self.step_size) {
            return Err(OrderDenial::new(
                DenialReason::QuantityOffStep,
                format!("quantity {quantity} is not a multiple of step {}", self.step_size),
            ));
        }
        Ok(())
    }

    /// Checks a limit or stop price: positive and on the tick grid.
    ///
    /// # Errors
    /// [`OrderDenial`] with `NonPositivePrice` or `PriceOffTick`.
    pub fn check_price(&self, price: Decimal) -> Result<(), OrderDenial> {
        if price <= Decimal::ZERO {
            return Err(OrderDenial::new(
                DenialReason::NonPositivePrice,
                format!("price {price} must be positive"),
            ));
        }
        if !is_multiple_of(price, self.tick_size) {
            return Err(OrderDenial::new(
                DenialReason::PriceOffTick,
                format!("price {price} is not a multiple of tick {}", self.tick_size),
            ));
        }
        Ok(())
    }

    /// Checks quantity × price against the minimum notional.
    ///
    /// # Errors
    /// [`OrderDenial`] with `NotionalBelowMinimum`.
    pub fn check_notional(&self, quantity: Decimal, price: Decimal) -> Result<(), OrderDenial> {
        let notional = quantity * price;
        if notional < self.min_notional {
            return Err(OrderDenial::new(
                DenialReason::NotionalBelowMinimum,
                format!("notional {notional} is below minimum {}", self.min_notional),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{btcusdt, d};

    fn reason<T>(result: Result<T, OrderDenial>) -> DenialReason {
        result.err().expect("expected a denial").reason
    }

    #[test]
    fn validate_when_filters_are_consistent_passes() {
        assert_eq!(btcusdt().validate(), Ok(()));
    }

    #[test]
    fn validate_when_tick_is_zero_fails() {
        let instrument = Instrument { tick_size: Decimal::ZERO, ..btcusdt() };
        assert!(instrument.validate().is_err());
    }

    #[test]
    fn validate_when_tick_finer_than_precision_fails() {
        let instrument = Instrument { tick_size: d("0.001"), ..btcusdt() };
        assert!(instrument.validate().is_err());
    }

    #[test]
    fn validate_when_tick_has_trailing_zeros_within_precision_passes() {
        let instrument = Instrument { tick_size: d("0.0100"), ..btcusdt() };
        assert_eq!(instrument.validate(), Ok(()));
    }

    #[test]
    fn check_quantity_on_step_above_minimum_passes() {
        assert_eq!(btcusdt().check_quantity(d("0.00120")), Ok(()));
    }

    #[test]
    fn check_quantity_zero_is_non_positive() {
        assert_eq!(reason(btcusdt().check_quantity(d("0"))), DenialReason::NonPositiveQuantity);
    }

    #[test]
    fn check_quantity_below_minimum_is_denied() {
        let instrument = Instrument { min_quantity: d("0.001"), ..btcusdt() };
        assert_eq!(reason(instrument.check_quantity(d("0.0009"))), DenialReason::QuantityBelowMinimum);
    }

    #[test]
    fn check_quantity_off_step_is_denied() {
        assert_eq!(reason(btcusdt().check_quantity(d("0.000015"))), DenialReason::QuantityOffStep);
    }

    #[test]
    fn check_price_on_tick_passes() {
        assert_eq!(btcusdt().check_price(d("65000.01")), Ok(()));
    }

    #[test]
    fn check_price_off_tick_is_denied() {
        assert_eq!(reason(btcusdt().check_price(d("65000.015"))), DenialReason::PriceOffTick);
    }

    #[test]
    fn check_price_negative_is_denied() {
        assert_eq!(reason(btcusdt().check_price(d("-1"))), DenialReason::NonPositivePrice);
    }

    #[test]
    fn check_notional_below_minimum_is_denied() {
        // 0.00007 × 65 000 = 4.55 < 5
        assert_eq!(
            reason(btcusdt().check_notional(d("0.00007"), d("65000"))),
            DenialReason::NotionalBelowMinimum
        );
    }

    #[test]
    fn check_notional_at_minimum_passes() {
        assert_eq!(btcusdt().check_notional(d("0.0001"), d("50000")), Ok(()));
    }
}
