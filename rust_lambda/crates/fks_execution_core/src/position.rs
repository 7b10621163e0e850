//! Positions, built only from fill events.
//!
//! A position is the running sum of its fills, so replaying the same fills always gives the same
//! figures, and recent trade ids are remembered so a redelivered fill cannot count twice.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;
use crate::errors::OrderError;
use crate::fast_hash::FastSet;
use crate::fill::Fill;
use crate::order::Side;

/// Trade ids remembered per position. Redelivery comes soon after the original (reconnects,
/// a query after a timeout), and the engine also de-duplicates per order, so a bounded window
/// is enough; an unbounded set would grow forever and stall on rehashing in long runs.
pub const RECENT_TRADE_IDS: usize = 10_000;

/// Direction of a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionSide {
    /// No exposure.
    Flat,
    /// Positive quantity.
    Long,
    /// Negative quantity.
    Short,
}

/// The arithmetic of a net position: quantity, average entry, realized PnL and fees, changed only
/// by [`Holding::apply`]. The live book ([`Position`]) and the backtest
/// ([`crate::simulation`]) both keep their figures in one, so a fill moves them identically.
/// Money figures are in the quote currency; realized PnL is before fees, which are kept apart so
/// both can be reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    quantity: Decimal,
    avg_entry_price: Decimal,
    realized_pnl: Decimal,
    fees: Decimal,
}

impl Holding {
    /// A holding with these figures, as a book kept elsewhere (the portfolio's) stored them.
    #[must_use]
    pub fn from_parts(
        quantity: Decimal,
        avg_entry_price: Decimal,
        realized_pnl: Decimal,
        fees: Decimal,
    ) -> Self {
        Self { quantity, avg_entry_price, realized_pnl, fees }
    }

    /// Pays `fee` without trading (a fill of no quantity).
    pub fn pay(&mut self, fee: Decimal) {
        self.fees += fee;
    }

    /// Applies one execution: `quantity` (positive) bought or sold at `price`, paying `fee`.
    ///
    /// Increasing averages the entry price; reducing realizes PnL against it; going through
    /// zero closes the old side and opens the remainder at `price`.
    pub fn apply(&mut self, side: Side, quantity: Decimal, price: Decimal, fee: Decimal) {
        self.fees += fee;
        let delta = side.signed(quantity);
        if self.quantity.is_zero() {
            // Opening: the entry is this price, exactly (no division to round).
            self.avg_entry_price = price;
            self.quantity = delta;
            return;
        }
        if self.quantity.is_sign_positive() == delta.is_sign_positive() {
            // Weighted average of the old entry and this fill; kept exact (not rounded to the
            // tick) so realized PnL over many fills does not drift.
            let old_abs = self.quantity.abs();
            self.avg_entry_price = (old_abs * self.avg_entry_price + quantity * price) / (old_abs + quantity);
            self.quantity += delta;
            return;
        }
        let closing = quantity.min(self.quantity.abs());
        let was_long = self.quantity.is_sign_positive();
        // The move in the position's favour: up for a long, down for a short.
        let favourable = if was_long { price - self.avg_entry_price } else { self.avg_entry_price - price };
        self.realized_pnl += closing * favourable;
        self.quantity += delta;
        if self.quantity.is_zero() {
            self.avg_entry_price = Decimal::ZERO;
        } else if self.quantity.is_sign_positive() != was_long {
            // Flipped through zero: the remainder opens a new position at this fill's price.
            self.avg_entry_price = price;
        }
    }

    /// Flat, long or short.
    #[must_use]
    pub fn side(&self) -> PositionSide {
        if self.quantity.is_zero() {
            PositionSide::Flat
        } else if self.quantity.is_sign_positive() {
            PositionSide::Long
        } else {
            PositionSide::Short
        }
    }

    /// Signed quantity: positive long, negative short.
    #[must_use]
    pub fn quantity(&self) -> Decimal {
        self.quantity
    }

    /// Average entry price of the open quantity; zero when flat.
    #[must_use]
    pub fn avg_entry_price(&self) -> Decimal {
        self.avg_entry_price
    }

    /// PnL realized by reducing fills, before fees.
    #[must_use]
    pub fn realized_pnl(&self) -> Decimal {
        self.realized_pnl
    }

    /// Fees paid on every fill.
    #[must_use]
    pub fn fees(&self) -> Decimal {
        self.fees
    }

    /// PnL of the open quantity if closed at `mark_price`.
    #[must_use]
    pub fn unrealized_pnl(&self, mark_price: Decimal) -> Decimal {
        self.quantity * (mark_price - self.avg_entry_price)
    }

    /// Realized + unrealized − fees: what the daily loss limit watches.
    #[must_use]
    pub fn net_pnl(&self, mark_price: Decimal) -> Decimal {
        self.realized_pnl + self.unrealized_pnl(mark_price) - self.fees
    }
}

/// Net position in one instrument: a [`Holding`] fed only by fill events, each applied once.
///
/// Deserialising restores the figures but not the recent trade ids: a store that persists
/// positions guards against applying an order's fills twice itself (the execution Lambda
/// commits the order and its position in one conditional transaction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    symbol: String,
    #[serde(flatten)]
    holding: Holding,
    // One shared copy of each id serves both the lookup set and the eviction queue.
    #[serde(skip)]
    trade_ids: FastSet<Arc<str>>,
    #[serde(skip)]
    trade_id_order: VecDeque<Arc<str>>,
}

impl Position {
    /// A flat position in `symbol`.
    #[must_use]
    pub fn new(symbol: impl Into<String>) -> Self {
        Self {
            symbol: symbol.into(),
            holding: Holding::default(),
            trade_ids: FastSet::default(),
            trade_id_order: VecDeque::new(),
        }
    }

    /// Applies a fill; `Ok(false)` if its trade id was already applied.
    ///
    /// # Errors
    /// [`OrderError::FillMismatch`] if the fill is for another symbol.
    pub fn apply_fill(&mut self, fill: &Fill) -> Result<bool, OrderError> {
        if fill.symbol != self.symbol {
            return Err(OrderError::FillMismatch {
                message: format!("fill for {} applied to position in {}", fill.symbol, self.symbol),
            });
        }
        if !self.remember(&fill.trade_id) {
            return Ok(false);
        }
        self.holding.apply(fill.side, fill.quantity, fill.price, fill.fee);
        Ok(true)
    }

    /// Records `trade_id`; `false` if it was already among the recent ones.
    fn remember(&mut self, trade_id: &str) -> bool {
        if self.trade_ids.contains(trade_id) {
            return false;
        }
        if self.trade_id_order.len() == RECENT_TRADE_IDS {
            if let Some(oldest) = self.trade_id_order.pop_front() {
                self.trade_ids.remove(&oldest);
            }
        }
        let id: Arc<str> = Arc::from(trade_id);
        self.trade_ids.insert(Arc::clone(&id));
        self.trade_id_order.push_back(id);
        true
    }

    /// Instrument symbol.
    #[must_use]
    pub fn symbol(&self) -> &str {
        &self.symbol
    }

    /// The position's figures.
    #[must_use]
    pub fn holding(&self) -> &Holding {
        &self.holding
    }

    /// Flat, long or short.
    #[must_use]
    pub fn side(&self) -> PositionSide {
        self.holding.side()
    }

    /// Signed quantity: positive long, negative short.
    #[must_use]
    pub fn quantity(&self) -> Decimal {
        self.holding.quantity()
    }

    /// Average entry price of the open quantity; zero when flat.
    #[must_use]
    pub fn avg_entry_price(&self) -> Decimal {
        self.holding.avg_entry_price()
    }

    /// PnL realized by reducing fills, before fees.
    #[must_use]
    pub fn realized_pnl(&self) -> Decimal {
        self.holding.realized_pnl()
    }

    /// Fees paid on every fill.
    #[must_use]
    pub fn fees(&self) -> Decimal {
        self.holding.fees()
    }

    /// PnL of the open quantity if closed at `mark_price`.
    #[must_use]
    pub fn unrealized_pnl(&self, mark_price: Decimal) -> Decimal {
        self.holding.unrealized_pnl(mark_price)
    }

    /// Realized + unrealized − fees: what the daily loss limit watches.
    #[must_use]
    pub fn net_pnl(&self, mark_price: Decimal) -> Decimal {
        self.holding.net_pnl(mark_price)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::d;

    #[test]
    fn a_holding_rebuilt_from_its_figures_moves_as_the_original() {
        let mut original = Holding::default();
        original.apply(Side::Buy, d("0.003"), d("42000.01"), d("0.12"));
        let mut rebuilt = Holding::from_parts(
            original.quantity(),
            original.avg_entry_price(),
            original.realized_pnl(),
            original.fees(),
        );

        original.apply(Side::Sell, d("0.005"), d("41990"), d("0.2"));
        rebuilt.apply(Side::Sell, d("0.005"), d("41990"), d("0.2"));
        rebuilt.pay(d("0.01"));

        assert_eq!(rebuilt.quantity(), d("-0.002"));
        assert_eq!(rebuilt.avg_entry_price(), d("41990"));
        assert_eq!(rebuilt.realized_pnl(), original.realized_pnl());
        assert_eq!(rebuilt.fees(), original.fees() + d("0.01"));
    }

    fn fill(trade_id: &str, side: Side, quantity: &str, price: &str, fee: &str) -> Fill {
        Fill {
            trade_id: trade_id.into(),
            client_order_id: "o".into(),
            symbol: "BTCUSDT".into(),
            side,
            quantity: d(quantity),
            price: d(price),
            fee: d(fee),
            ts_ms: 0,
        }
    }

    fn position(fills: &[Fill]) -> Position {
        let mut position = Position::new("BTCUSDT");
        for f in fills {
            position.apply_fill(f).unwrap();
        }
        position
    }

    #[test]
    fn new_position_is_flat() {
        let position = Position::new("BTCUSDT");
        assert_eq!(position.side(), PositionSide::Flat);
        assert_eq!(position.unrealized_pnl(d("100")), d("0"));
    }

    #[test]
    fn two_buys_average_the_entry_price() {
        let position = position(&[
            fill("t1", Side::Buy, "1", "100.00", "0.10"),
            fill("t2", Side::Buy, "1", "110.00", "0.11"),
        ]);
        assert_eq!(position.side(), PositionSide::Long);
        assert_eq!(position.quantity(), d("2"));
        assert_eq!(position.avg_entry_price(), d("105.00"));
        assert_eq!(position.unrealized_pnl(d("120.00")), d("30.00"));
        assert_eq!(position.fees(), d("0.21"));
    }

    #[test]
    fn partial_reduce_realizes_pnl_and_keeps_entry_price() {
        let position = position(&[
            fill("t1", Side::Buy, "0.2", "64123.45", "12.82"),
            fill("t2", Side::Sell, "0.1", "65000.05", "6.50"),
        ]);
        // 0.1 × (65 000.05 − 64 123.45) = 87.66
        assert_eq!(position.realized_pnl(), d("87.66"));
        assert_eq!(position.quantity(), d("0.1"));
        assert_eq!(position.avg_entry_price(), d("64123.45"));
        // 0.1 × (63 000.00 − 64 123.45) = −112.345; net = 87.66 − 112.345 − 19.32 = −44.005
        assert_eq!(position.unrealized_pnl(d("63000.00")), d("-112.345"));
        assert_eq!(position.net_pnl(d("63000.00")), d("-44.005"));
    }

    #[test]
    fn full_close_goes_flat_and_resets_entry() {
        let position = position(&[
            fill("t1", Side::Buy, "1.5", "100.00", "0"),
            fill("t2", Side::Sell, "1.5", "98.25", "0"),
        ]);
        // 1.5 × (98.25 − 100.00) = −2.625
        assert_eq!(position.side(), PositionSide::Flat);
        assert_eq!(position.realized_pnl(), d("-2.625"));
        assert_eq!(position.avg_entry_price(), d("0"));
        assert_eq!(position.unrealized_pnl(d("500")), d("0"));
    }

    #[test]
    fn sell_through_zero_flips_to_short_at_fill_price() {
        let position =
            position(&[fill("t1", Side::Buy, "1", "100.00", "0"), fill("t2", Side::Sell, "3", "90.00", "0")]);
        assert_eq!(position.realized_pnl(), d("-10.00"));
        assert_eq!(position.side(), PositionSide::Short);
        assert_eq!(position.quantity(), d("-2"));
        assert_eq!(position.avg_entry_price(), d("90.00"));
        // short 2 from 90 marked at 85: +10.00
        assert_eq!(position.unrealized_pnl(d("85.00")), d("10.00"));
    }

    #[test]
    fn short_cover_realizes_gain_when_price_falls() {
        let position =
            position(&[fill("t1", Side::Sell, "2", "50.00", "0"), fill("t2", Side::Buy, "1", "45.00", "0")]);
        assert_eq!(position.realized_pnl(), d("5.00"));
        assert_eq!(position.quantity(), d("-1"));
        assert_eq!(position.avg_entry_price(), d("50.00"));
    }

    #[test]
    fn buy_through_zero_flips_short_to_long() {
        let position = position(&[
            fill("t1", Side::Sell, "1", "200.00", "0"),
            fill("t2", Side::Buy, "1.5", "210.00", "0"),
        ]);
        assert_eq!(position.realized_pnl(), d("-10.00"));
        assert_eq!(position.quantity(), d("0.5"));
        assert_eq!(position.avg_entry_price(), d("210.00"));
    }

    #[test]
    fn same_trade_id_applied_twice_is_ignored() {
        let mut position = Position::new("BTCUSDT");
        let buy = fill("t1", Side::Buy, "1", "100.00", "0.10");

        assert_eq!(position.apply_fill(&buy), Ok(true));
        assert_eq!(position.apply_fill(&buy), Ok(false));

        assert_eq!(position.quantity(), d("1"));
        assert_eq!(position.fees(), d("0.10"));
    }

    #[test]
    fn trade_id_older_than_the_window_is_forgotten_but_recent_ones_are_not() {
        let mut position = Position::new("BTCUSDT");
        for i in 0..=RECENT_TRADE_IDS {
            position.apply_fill(&fill(&format!("t{i}"), Side::Buy, "1", "1", "0")).unwrap();
        }
        let last = format!("t{RECENT_TRADE_IDS}");

        assert_eq!(position.apply_fill(&fill(&last, Side::Buy, "1", "1", "0")), Ok(false));
        assert_eq!(position.apply_fill(&fill("t0", Side::Buy, "1", "1", "0")), Ok(true));
    }

    #[test]
    fn fill_for_another_symbol_is_refused() {
        let mut position = Position::new("ETHUSDT");
        let result = position.apply_fill(&fill("t1", Side::Buy, "1", "100", "0"));
        assert!(result.is_err());
        assert_eq!(position.quantity(), d("0"));
    }
}
