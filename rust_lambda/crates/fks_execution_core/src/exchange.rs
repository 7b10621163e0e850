//! The boundary between the engine and a venue.
//!
//! The paper exchange implements [`ExchangeClient`] here; a Binance HTTP client will implement it
//! in its own crate, translating HTTP and exchange error codes into [`ExchangeError`] once, so
//! the engine runs the same code for backtests, dry runs and live trading.

use serde::{Deserialize, Serialize};

use crate::command::OrderCommand;
use crate::decimal::Decimal;
use crate::errors::ExchangeError;
use crate::fill::Fill;
use crate::order::Side;

/// What the caller knows about the market and the clock at the time of a call. Passed in, not
/// read, so runs are reproducible; a live client uses `now_ms` for signed-request timestamps
/// and ignores `mark_price`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketContext {
    /// Current time, epoch milliseconds UTC.
    pub now_ms: u64,
    /// Last known price of the order's symbol.
    pub mark_price: Decimal,
}

/// What became of an order's unfilled quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// Still working on the book.
    Working,
    /// Expired by time in force (IOC/FOK).
    Expired,
    /// Canceled.
    Canceled,
    /// Nothing left: the order is fully filled.
    None,
}

/// The venue's view of one order: an answer to place, cancel or query, or an unsolicited
/// update. It carries every fill so far; applying it again is harmless because fills are
/// de-duplicated by trade id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueOrder {
    /// Our id for the order.
    pub client_order_id: String,
    /// The venue's id for the order.
    pub venue_order_id: String,
    /// Whether a stop order's trigger price has traded.
    pub triggered: bool,
    /// Every fill of the order so far.
    pub fills: Vec<Fill>,
    /// State of the unfilled quantity.
    pub remainder: Remainder,
}

/// One trade on the account as the venue's trade history lists it (Binance `myTrades`), whoever
/// placed its order: the sync books the platform's and reports the others as foreign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueTrade {
    /// The venue's trade id, unique per symbol.
    pub trade_id: String,
    /// Position in the symbol's trade history, the sync's cursor (Binance's numeric trade id).
    pub seq: u64,
    /// The venue's id of the order that traded.
    pub venue_order_id: String,
    /// Venue symbol.
    pub symbol: String,
    /// Side of the account's order.
    pub side: Side,
    /// Traded quantity.
    pub quantity: Decimal,
    /// Trade price.
    pub price: Decimal,
    /// Commission charged, in `fee_asset`.
    pub fee: Decimal,
    /// The asset the commission was paid in.
    pub fee_asset: String,
    /// The commission valued in the quote currency (zero when it cannot be valued).
    pub fee_in_quote: Decimal,
    /// Trade time, epoch milliseconds UTC.
    pub ts_ms: u64,
}

impl VenueTrade {
    /// The trade as a fill of the platform's order `client_order_id`.
    #[must_use]
    pub fn to_fill(&self, client_order_id: &str) -> Fill {
        Fill {
            trade_id: self.trade_id.clone(),
            client_order_id: client_order_id.to_owned(),
            symbol: self.symbol.clone(),
            side: self.side,
            quantity: self.quantity,
            price: self.price,
            fee: self.fee_in_quote,
            ts_ms: self.ts_ms,
        }
    }
}

fn no_history(what: &str) -> ExchangeError {
    ExchangeError::new(crate::errors::ErrorClass::Permanent, format!("this venue has no {what}"))
}

/// A one-cancels-the-other pair closing one position: a stop leg and a take-profit leg, both
/// on the same side and quantity; when one fills the venue cancels the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcoCommand {
    /// The list's client id.
    pub list_client_order_id: String,
    /// The stop leg (`StopLimit`).
    pub stop: OrderCommand,
    /// The take-profit leg (a `Limit` that must rest: Binance's `LIMIT_MAKER`).
    pub take_profit: OrderCommand,
}

/// A venue that places, cancels and reports orders. Methods take `&mut self` so a simulated
/// venue can keep its book without interior mutability.
pub trait ExchangeClient {
    /// Places `order`.
    ///
    /// # Errors
    /// [`ExchangeError`]; `Retryable` means the outcome is unknown and the order may exist.
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError>;

    /// Cancels `order`, returning its final state.
    ///
    /// # Errors
    /// [`ExchangeError`], `Permanent` if the venue no longer knows the order as working.
    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError>;

    /// Looks `order` up by client order id; `None` if the venue has no such order.
    ///
    /// # Errors
    /// [`ExchangeError`] if the venue could not answer.
    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError>;

    /// Places both legs of `oco`; the venue's view of each, stop leg first.
    ///
    /// # Errors
    /// [`ExchangeError`]; `Permanent` if the venue has no such order list.
    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        let _ = (oco, market);
        Err(no_history("one-cancels-the-other order list"))
    }

    /// Cancels `old` and places `new` in its place, the new one only if the cancel succeeded
    /// (Binance `order/cancelReplace`, `STOP_ON_FAILURE`): the old order's final state and the
    /// new one's. A venue without it cancels, then places.
    ///
    /// # Errors
    /// [`ExchangeError`]: the cancel failed (nothing placed) or the placement did.
    fn cancel_replace(
        &mut self,
        old: &OrderCommand,
        new: &OrderCommand,
        market: &MarketContext,
    ) -> Result<(VenueOrder, VenueOrder), ExchangeError> {
        let canceled = self.cancel(old, market)?;
        Ok((canceled, self.place(new, market)?))
    }

    /// Cancels both legs of the order list `oco` (its legs' client order ids name it); their
    /// final states, stop leg first. A venue without lists cancels each leg.
    ///
    /// # Errors
    /// [`ExchangeError`] if the venue refused or could not be reached.
    fn cancel_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        Ok(vec![self.cancel(&oco.stop, market)?, self.cancel(&oco.take_profit, market)?])
    }

    /// The account's trades in `symbol` after the trade at `after_seq` (all kept when `None`),
    /// oldest first, at most one page; the caller pages on with the last `seq`.
    ///
    /// # Errors
    /// [`ExchangeError`] if the venue could not answer; `Permanent` if it keeps no history.
    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        let _ = (symbol, after_seq);
        Err(no_history("trade history"))
    }

    /// The client order id of the venue's order `venue_order_id` in `symbol`; `None` when the
    /// venue does not know the order (or it was placed without one).
    ///
    /// # Errors
    /// [`ExchangeError`] if the venue could not answer; `Permanent` if it keeps no history.
    fn client_order_id_of(
        &mut self,
        symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        let _ = (symbol, venue_order_id);
        Err(no_history("order history"))
    }

    /// Tells the venue a new price for `symbol`. A simulated venue matches its resting orders
    /// and returns those that changed; a live venue reports through its own stream, so the
    /// default returns nothing.
    fn on_mark_price(&mut self, symbol: &str, price: Decimal, now_ms: u64) -> Vec<VenueOrder> {
        let _ = (symbol, price, now_ms);
        Vec::new()
    }
}
