//! The execution report: what the Lambda returns and what the Python side records.

use serde::{Deserialize, Serialize};

use crate::command::SyncAction;
use crate::decimal::Decimal;
use crate::exchange::VenueTrade;
use crate::fill::Fill;
use crate::instrument::Instrument;
use crate::order::{Order, OrderType, Side};
use crate::order_status::OrderStatus;
use crate::position::{Position, PositionSide};

/// A position's figures at the time of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionReport {
    /// Instrument symbol.
    pub symbol: String,
    /// Flat, long or short.
    pub side: PositionSide,
    /// Signed quantity.
    pub quantity: Decimal,
    /// Average entry price, zero when flat.
    pub avg_entry_price: Decimal,
    /// PnL realized so far, before fees.
    pub realized_pnl: Decimal,
    /// PnL of the open quantity at the mark.
    pub unrealized_pnl: Decimal,
    /// Fees paid so far.
    pub fees: Decimal,
}

impl PositionReport {
    /// Figures of `position` marked at `mark_price`.
    #[must_use]
    pub fn new(position: &Position, mark_price: Decimal) -> Self {
        Self {
            symbol: position.symbol().to_owned(),
            side: position.side(),
            quantity: position.quantity(),
            avg_entry_price: position.avg_entry_price(),
            realized_pnl: position.realized_pnl(),
            unrealized_pnl: position.unrealized_pnl(mark_price),
            fees: position.fees(),
        }
    }
}

/// The state of one order after a call to the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecutionReport {
    /// Our id for the order.
    pub client_order_id: String,
    /// The signal the order executes.
    pub signal_id: Option<String>,
    /// Trading account.
    pub account: String,
    /// Instrument symbol, as the command names it (`BTCUSDT`).
    pub symbol: String,
    /// The instrument's unified symbol, `BASE/QUOTE` (`BTC/USDT`), when the engine that made the
    /// report knew the instrument (placements and cancels do; a report rebuilt from a stored order
    /// alone does not): the portfolio books it under this name instead of splitting `symbol`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unified_symbol: Option<String>,
    /// Buy or sell.
    pub side: Side,
    /// Order type.
    #[serde(rename = "type")]
    pub order_type: OrderType,
    /// The venue's id, once acknowledged.
    pub venue_order_id: Option<String>,
    /// Order status.
    pub status: OrderStatus,
    /// Order quantity.
    pub quantity: Decimal,
    /// Quantity filled.
    pub filled_qty: Decimal,
    /// Quantity not filled.
    pub leaves_qty: Decimal,
    /// Average fill price, `None` before any fill.
    pub avg_fill_price: Option<Decimal>,
    /// Fees paid by the order.
    pub fees: Decimal,
    /// Fills applied by this call only (earlier ones were reported before).
    pub fills: Vec<Fill>,
    /// Why the order was rejected or is unresolved, if it was.
    pub reason: Option<String>,
    /// True when the client order id was already known and nothing new was placed.
    pub duplicate: bool,
    /// Position in the symbol after this call.
    pub position: Option<PositionReport>,
    /// Time of the call, epoch milliseconds.
    pub ts_ms: u64,
    /// The protective exits placed for the position this order opened (empty when none).
    #[serde(default)]
    pub exits: Vec<ExitOrder>,
}

/// What kind of protective exit an exit order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitKind {
    /// A stop below a long (above a short).
    StopLoss,
    /// A take profit above a long (below a short).
    TakeProfit,
    /// One leg of a stop + take-profit pair: when one fills the other is canceled.
    Oco,
    /// A stop the engine moves after the best price since the entry.
    TrailingStop,
}

/// One protective exit order, as the entry's report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitOrder {
    /// The exit's own client order id (derived from the entry's).
    pub client_order_id: String,
    /// What it is.
    pub kind: ExitKind,
    /// The venue's id, once placed.
    pub venue_order_id: Option<String>,
    /// Trigger price.
    pub stop_price: Option<Decimal>,
    /// Limit price.
    pub price: Option<Decimal>,
    /// Quantity it closes.
    pub quantity: Decimal,
    /// Its status.
    pub status: OrderStatus,
}

impl ExitOrder {
    /// The exit of `kind` described by its own `report`.
    #[must_use]
    pub fn from_report(
        kind: ExitKind,
        report: &ExecutionReport,
        stop_price: Option<Decimal>,
        price: Option<Decimal>,
    ) -> Self {
        Self {
            client_order_id: report.client_order_id.clone(),
            kind,
            venue_order_id: report.venue_order_id.clone(),
            stop_price,
            price,
            quantity: report.quantity,
            status: report.status,
        }
    }
}

impl ExecutionReport {
    /// The report naming `instrument`'s unified symbol (`BASE/QUOTE`).
    #[must_use]
    pub fn for_instrument(mut self, instrument: Option<&Instrument>) -> Self {
        self.unified_symbol = instrument.map(Instrument::unified_symbol);
        self
    }

    /// A report of `order` with the fills applied by this call.
    #[must_use]
    pub fn new(
        order: &Order,
        fills: Vec<Fill>,
        position: Option<PositionReport>,
        duplicate: bool,
        ts_ms: u64,
    ) -> Self {
        let c = order.command();
        Self {
            client_order_id: c.client_order_id.clone(),
            signal_id: c.signal_id.clone(),
            account: c.account.clone(),
            symbol: c.symbol.clone(),
            unified_symbol: None,
            side: c.side,
            order_type: c.order_type,
            venue_order_id: order.venue_order_id().map(str::to_owned),
            status: order.status(),
            quantity: c.quantity,
            filled_qty: order.filled_qty(),
            leaves_qty: order.leaves_qty(),
            avg_fill_price: order.avg_fill_price(),
            fees: order.fees(),
            fills,
            reason: order.reason().map(str::to_owned),
            duplicate,
            position,
            ts_ms,
            exits: Vec::new(),
        }
    }
}

/// A trade on the account for an order the platform never placed: reported, never booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignFill {
    /// The venue's trade id.
    pub trade_id: String,
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
    /// Commission, in `fee_asset`.
    pub fee: Decimal,
    /// The asset the commission was paid in.
    pub fee_asset: String,
    /// Trade time, epoch milliseconds UTC.
    pub ts_ms: u64,
}

impl From<&VenueTrade> for ForeignFill {
    fn from(trade: &VenueTrade) -> Self {
        Self {
            trade_id: trade.trade_id.clone(),
            venue_order_id: trade.venue_order_id.clone(),
            symbol: trade.symbol.clone(),
            side: trade.side,
            quantity: trade.quantity,
            price: trade.price,
            fee: trade.fee,
            fee_asset: trade.fee_asset.clone(),
            ts_ms: trade.ts_ms,
        }
    }
}

/// The answer to a [`crate::command::SyncCommand`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncReport {
    /// Always `sync`.
    pub action: SyncAction,
    /// The account synced.
    pub account: String,
    /// Time of the sync, epoch milliseconds.
    pub ts_ms: u64,
    /// One report per order whose state this sync changed; `fills` are only the fills this
    /// sync booked.
    pub reports: Vec<ExecutionReport>,
    /// Trades of orders the platform never placed, seen by this sync.
    pub foreign_fills: Vec<ForeignFill>,
    /// The account's orders still working after the sync.
    pub open_orders: usize,
    /// The venue could not be reached: nothing was changed; retry next run.
    pub unreachable: bool,
}

impl SyncReport {
    /// A sync of `account` at `ts_ms` that could not reach the venue and changed nothing.
    #[must_use]
    pub fn unreachable(account: &str, ts_ms: u64) -> Self {
        Self {
            action: SyncAction::Sync,
            account: account.to_owned(),
            ts_ms,
            reports: Vec::new(),
            foreign_fills: Vec::new(),
            open_orders: 0,
            unreachable: true,
        }
    }
}
