//! Order vocabulary (side, type, time in force) and the order itself.
//!
//! An [`Order`] only changes through [`Order::apply`] and [`Order::apply_fill`], both of which
//! go through [`transition`], so its status and quantities cannot disagree.

use serde::{Deserialize, Serialize};

use crate::command::OrderCommand;
use crate::decimal::Decimal;
use crate::errors::{InvalidTransition, OrderError};
use crate::fill::Fill;
use crate::order_status::{transition, FillKind, OrderEvent, OrderStatus};
use crate::report::ExecutionReport;

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Buy the base asset.
    Buy,
    /// Sell the base asset.
    Sell,
}

impl Side {
    /// +1 for buy, −1 for sell: multiplies a quantity into a signed position change.
    #[must_use]
    pub const fn sign(self) -> Decimal {
        match self {
            Self::Buy => Decimal::ONE,
            Self::Sell => Decimal::NEGATIVE_ONE,
        }
    }

    /// `quantity` as a signed position change: as is for a buy, negated for a sell (the same
    /// as `sign() * quantity`, without a multiplication).
    #[must_use]
    pub fn signed(self, quantity: Decimal) -> Decimal {
        match self {
            Self::Buy => quantity,
            Self::Sell => -quantity,
        }
    }

    /// The side that closes a position this side opened.
    #[must_use]
    pub const fn opposite(self) -> Self {
        match self {
            Self::Buy => Self::Sell,
            Self::Sell => Self::Buy,
        }
    }
}

/// How the order is priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderType {
    /// Fill now at the best available price.
    Market,
    /// Fill at `price` or better.
    Limit,
    /// Becomes a market order once `stop_price` trades.
    StopMarket,
    /// Becomes a limit order at `price` once `stop_price` trades.
    StopLimit,
    /// A take profit: becomes a limit order at `price` once `stop_price` trades, triggered by a
    /// move in the order's favour (up for a sell), where a stop is triggered by one against.
    TakeProfitLimit,
}

impl OrderType {
    /// Whether a limit `price` is required (and otherwise forbidden).
    #[must_use]
    pub const fn has_limit_price(self) -> bool {
        matches!(self, Self::Limit | Self::StopLimit | Self::TakeProfitLimit)
    }

    /// Whether a `stop_price` is required (and otherwise forbidden).
    #[must_use]
    pub const fn has_stop_price(self) -> bool {
        matches!(self, Self::StopMarket | Self::StopLimit | Self::TakeProfitLimit)
    }

    /// Whether `price` trading sets off an order of this type on `side` with `stop`: a stop
    /// against the order's direction (a sell stop at or below it), a take profit in favour.
    #[must_use]
    pub fn triggered_by(self, side: Side, stop: Decimal, price: Decimal) -> bool {
        let rises_to_it = match self {
            Self::TakeProfitLimit => side == Side::Sell,
            _ => side == Side::Buy,
        };
        if rises_to_it {
            price >= stop
        } else {
            price <= stop
        }
    }
}

/// How long an order works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum TimeInForce {
    /// Good till canceled.
    #[default]
    #[serde(rename = "GTC")]
    Gtc,
    /// Immediate or cancel: fill what can be filled now, expire the rest.
    #[serde(rename = "IOC")]
    Ioc,
    /// Fill or kill: fill the whole quantity now or nothing.
    #[serde(rename = "FOK")]
    Fok,
}

/// An order and everything that happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    command: OrderCommand,
    status: OrderStatus,
    venue_order_id: Option<String>,
    filled_qty: Decimal,
    avg_fill_price: Option<Decimal>,
    fees: Decimal,
    // An order has a handful of fills, so a Vec scan beats hashing for the duplicate check.
    trade_ids: Vec<String>,
    reason: Option<String>,
    created_ms: u64,
    updated_ms: u64,
}

impl Order {
    /// A new `Initialized` order for `command` (which the caller has validated).
    #[must_use]
    pub fn new(command: OrderCommand, now_ms: u64) -> Self {
        Self {
            command,
            status: OrderStatus::Initialized,
            venue_order_id: None,
            filled_qty: Decimal::ZERO,
            avg_fill_price: None,
            fees: Decimal::ZERO,
            trade_ids: Vec::new(),
            reason: None,
            created_ms: now_ms,
            updated_ms: now_ms,
        }
    }

    /// Applies a non-fill event.
    ///
    /// # Errors
    /// [`OrderError::InvalidTransition`] if the status machine refuses it, including for
    /// `Fill` events, which carry quantities and must go through [`Order::apply_fill`].
    pub fn apply(&mut self, event: OrderEvent, now_ms: u64) -> Result<OrderStatus, OrderError> {
        if matches!(event, OrderEvent::Fill(_)) {
            return Err(InvalidTransition { from: self.status, event }.into());
        }
        self.status = transition(self.status, event)?;
        self.updated_ms = now_ms;
        Ok(self.status)
    }

    /// Applies a fill. Returns `Ok(false)` without change if this trade id was already applied,
    /// because exchanges redeliver fills (websocket reconnects, query after a timeout).
    ///
    /// # Errors
    /// [`OrderError::FillMismatch`] for a fill of another order, symbol or side or a
    /// non-positive quantity, [`OrderError::Overfill`] if it exceeds the order quantity, and
    /// [`OrderError::InvalidTransition`] if the order cannot fill in its status.
    pub fn apply_fill(&mut self, fill: &Fill) -> Result<bool, OrderError> {
        if self.trade_ids.contains(&fill.trade_id) {
            return Ok(false);
        }
        let c = &self.command;
        if fill.client_order_id != c.client_order_id || fill.symbol != c.symbol || fill.side != c.side {
            return Err(OrderError::FillMismatch {
                message: format!("fill {} is for another order, symbol or side", fill.trade_id),
            });
        }
        if fill.quantity <= Decimal::ZERO {
            return Err(OrderError::FillMismatch {
                message: format!("fill {} has non-positive quantity", fill.trade_id),
            });
        }
        let filled = self.filled_qty + fill.quantity;
        if filled > c.quantity {
            return Err(OrderError::Overfill {
                quantity: c.quantity,
                filled_qty: self.filled_qty,
                fill_qty: fill.quantity,
            });
        }
        let kind = if filled == c.quantity { FillKind::Complete } else { FillKind::Partial };
        self.status = transition(self.status, OrderEvent::Fill(kind))?;
        let previous_value = self.avg_fill_price.unwrap_or_default() * self.filled_qty;
        self.avg_fill_price = Some((previous_value + fill.price * fill.quantity) / filled);
        self.filled_qty = filled;
        self.fees += fill.fee;
        self.trade_ids.push(fill.trade_id.clone());
        self.updated_ms = fill.ts_ms.max(self.updated_ms);
        Ok(true)
    }

    /// An order sent to the venue whose answer was never recorded (a stateless process read
    /// back its claim): `Submitted`, so the venue's answer, once learned, applies as usual.
    #[must_use]
    pub fn submitted(command: OrderCommand, now_ms: u64) -> Self {
        Self { status: OrderStatus::Submitted, ..Self::new(command, now_ms) }
    }

    /// Rejects a `Submitted` order the venue never received, saying why.
    ///
    /// # Errors
    /// [`OrderError::InvalidTransition`] if the order is past `Submitted`.
    pub fn reject(&mut self, reason: impl Into<String>, now_ms: u64) -> Result<OrderStatus, OrderError> {
        self.apply(OrderEvent::Reject, now_ms)?;
        self.reason = Some(reason.into());
        Ok(self.status)
    }

    /// The order as last reported, read back from storage by a stateless process (the
    /// execution Lambda) before it changes the order again, e.g. to cancel it. `trade_ids` are
    /// the fills already applied, so a venue answer that repeats them books nothing twice.
    #[must_use]
    pub fn restore(command: OrderCommand, report: &ExecutionReport, trade_ids: Vec<String>) -> Self {
        Self {
            command,
            status: report.status,
            venue_order_id: report.venue_order_id.clone(),
            filled_qty: report.filled_qty,
            avg_fill_price: report.avg_fill_price,
            fees: report.fees,
            trade_ids,
            reason: report.reason.clone(),
            created_ms: report.ts_ms,
            updated_ms: report.ts_ms,
        }
    }

    /// Trade ids of the fills applied so far.
    #[must_use]
    pub fn trade_ids(&self) -> &[String] {
        &self.trade_ids
    }

    pub(crate) fn set_venue_order_id(&mut self, venue_order_id: String) {
        self.venue_order_id = Some(venue_order_id);
    }

    pub(crate) fn set_reason(&mut self, reason: String) {
        self.reason = Some(reason);
    }

    /// The command that created the order.
    #[must_use]
    pub fn command(&self) -> &OrderCommand {
        &self.command
    }

    /// Current status.
    #[must_use]
    pub fn status(&self) -> OrderStatus {
        self.status
    }

    /// The exchange's id, once it acknowledged the order.
    #[must_use]
    pub fn venue_order_id(&self) -> Option<&str> {
        self.venue_order_id.as_deref()
    }

    /// Quantity filled so far.
    #[must_use]
    pub fn filled_qty(&self) -> Decimal {
        self.filled_qty
    }

    /// Quantity not filled; a canceled or expired order keeps its unfilled remainder here.
    #[must_use]
    pub fn leaves_qty(&self) -> Decimal {
        self.command.quantity - self.filled_qty
    }

    /// Quantity-weighted average fill price, `None` before the first fill.
    #[must_use]
    pub fn avg_fill_price(&self) -> Option<Decimal> {
        self.avg_fill_price
    }

    /// Fees paid so far, quote currency.
    #[must_use]
    pub fn fees(&self) -> Decimal {
        self.fees
    }

    /// Why the order was rejected, expired or left unresolved, if known.
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// Last change, epoch milliseconds.
    #[must_use]
    pub fn updated_ms(&self) -> u64 {
        self.updated_ms
    }

    /// Creation time, epoch milliseconds.
    #[must_use]
    pub fn created_ms(&self) -> u64 {
        self.created_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{d, fill, limit_buy};

    fn accepted_order() -> Order {
        let mut order = Order::new(limit_buy("o-1", "1.0", "100.00"), 0);
        order.apply(OrderEvent::Submit, 1).unwrap();
        order.apply(OrderEvent::Accept, 2).unwrap();
        order
    }

    #[test]
    fn apply_fill_partial_then_complete_tracks_quantity_price_and_fees() {
        let mut order = accepted_order();

        order.apply_fill(&fill("t-1", "o-1", "0.4", "100.00", "0.04")).unwrap();
        order.apply_fill(&fill("t-2", "o-1", "0.6", "99.50", "0.06")).unwrap();

        assert_eq!(order.status(), OrderStatus::Filled);
        assert_eq!(order.filled_qty(), d("1.0"));
        // (0.4 × 100 + 0.6 × 99.5) / 1.0 = 99.70
        assert_eq!(order.avg_fill_price(), Some(d("99.70")));
        assert_eq!(order.fees(), d("0.10"));
        assert_eq!(order.leaves_qty(), d("0"));
    }

    #[test]
    fn apply_fill_partial_leaves_order_partially_filled() {
        let mut order = accepted_order();
        order.apply_fill(&fill("t-1", "o-1", "0.4", "100.00", "0")).unwrap();
        assert_eq!(order.status(), OrderStatus::PartiallyFilled);
        assert_eq!(order.leaves_qty(), d("0.6"));
    }

    #[test]
    fn apply_fill_overfill_is_an_error_and_changes_nothing() {
        let mut order = accepted_order();
        order.apply_fill(&fill("t-1", "o-1", "0.8", "100.00", "0")).unwrap();

        let result = order.apply_fill(&fill("t-2", "o-1", "0.3", "100.00", "0"));

        assert!(matches!(result, Err(OrderError::Overfill { .. })));
        assert_eq!(order.filled_qty(), d("0.8"));
        assert_eq!(order.status(), OrderStatus::PartiallyFilled);
    }

    #[test]
    fn apply_fill_same_trade_id_twice_is_ignored() {
        let mut order = accepted_order();
        let first = fill("t-1", "o-1", "0.5", "100.00", "0.01");
        assert_eq!(order.apply_fill(&first), Ok(true));
        assert_eq!(order.apply_fill(&first), Ok(false));
        assert_eq!(order.filled_qty(), d("0.5"));
        assert_eq!(order.fees(), d("0.01"));
    }

    #[test]
    fn apply_fill_for_another_order_is_a_mismatch() {
        let mut order = accepted_order();
        let result = order.apply_fill(&fill("t-1", "other", "0.5", "100.00", "0"));
        assert!(matches!(result, Err(OrderError::FillMismatch { .. })));
    }

    #[test]
    fn apply_fill_to_canceled_order_is_an_invalid_transition() {
        let mut order = accepted_order();
        order.apply(OrderEvent::Cancel, 3).unwrap();
        let result = order.apply_fill(&fill("t-1", "o-1", "0.5", "100.00", "0"));
        assert!(matches!(result, Err(OrderError::InvalidTransition(_))));
    }

    #[test]
    fn apply_with_fill_event_is_refused() {
        let mut order = accepted_order();
        let result = order.apply(OrderEvent::Fill(FillKind::Complete), 3);
        assert!(matches!(result, Err(OrderError::InvalidTransition(_))));
        assert_eq!(order.status(), OrderStatus::Accepted);
    }
}
