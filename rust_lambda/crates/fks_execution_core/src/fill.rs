//! Fill events: the only input that changes an order's filled quantity or a position, and the
//! two prices of a fill every simulation shares (the paper venue and the backtest): its fee and
//! a market order's slipped price.

use serde::{Deserialize, Serialize};

use crate::decimal::{bps_of, Decimal};
use crate::order::Side;

/// One execution reported by the exchange (or the paper exchange).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fill {
    /// Exchange trade id, unique per symbol; the key that makes applying a fill idempotent.
    pub trade_id: String,
    /// The order this fill belongs to.
    pub client_order_id: String,
    /// Instrument symbol.
    pub symbol: String,
    /// Side of the order that filled.
    pub side: Side,
    /// Filled quantity, positive.
    pub quantity: Decimal,
    /// Execution price.
    pub price: Decimal,
    /// Fee charged, in the instrument's quote currency (the exchange adapter converts fees
    /// paid in another asset, so PnL stays in one currency).
    pub fee: Decimal,
    /// Execution time, epoch milliseconds UTC.
    pub ts_ms: u64,
}

/// The fee on a fill of `quantity` at `price`: `fee_bps` basis points of its notional, in the
/// quote currency. The paper venue and the backtest charge exactly this.
#[must_use]
pub fn fee_of(quantity: Decimal, price: Decimal, fee_bps: Decimal) -> Decimal {
    bps_of(quantity * price, fee_bps)
}

/// The price a market (taker) order on `side` gets when the market is at `price`: moved
/// `slippage_bps` basis points against the trader (a buy pays more, a sell receives less).
#[must_use]
pub fn slipped_price(side: Side, price: Decimal, slippage_bps: Decimal) -> Decimal {
    price + side.sign() * bps_of(price, slippage_bps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::d;

    #[test]
    fn fee_is_bps_of_the_notional() {
        // 0.5 × 20 000 = 10 000 notional; 7.5 bps of it = 7.5
        assert_eq!(fee_of(d("0.5"), d("20000"), d("7.5")), d("7.5"));
    }

    #[test]
    fn slippage_moves_the_price_against_the_trader() {
        assert_eq!(slipped_price(Side::Buy, d("100.00"), d("3")), d("100.03"));
        assert_eq!(slipped_price(Side::Sell, d("100.00"), d("3")), d("99.97"));
    }
}
