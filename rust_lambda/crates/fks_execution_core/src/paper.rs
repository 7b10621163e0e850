//! A deterministic simulated venue for backtests and dry runs.
//!
//! It fills against a price it is given (never a random or wall-clock one), so the same inputs
//! always give the same fills and trade ids. Liquidity is unlimited unless
//! `available_quantity` caps each match, which is what makes IOC and FOK differ. A fill's fee and
//! a market order's slipped price are [`fee_of`] and [`slipped_price`], the backtest's own.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::command::OrderCommand;
use crate::decimal::Decimal;
use crate::errors::{ErrorClass, ExchangeError};
use crate::exchange::{ExchangeClient, MarketContext, OcoCommand, Remainder, VenueOrder, VenueTrade};
use crate::fill::{fee_of, slipped_price, Fill};
use crate::order::{Side, TimeInForce};

/// Finished orders kept for `query`; older ones are forgotten, as a real venue's history ends.
const FINISHED_HISTORY: usize = 10_000;
/// The paper venue charges its fee in the quote currency, whatever the symbol's quote is.
pub const PAPER_FEE_ASSET: &str = "quote";
/// Most trades one `trades` answer lists, as Binance's `myTrades` default.
const TRADES_PAGE: usize = 500;

/// Costs and liquidity of the simulation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperConfig {
    /// Fee on each fill's notional, basis points.
    #[serde(default)]
    pub fee_bps: Decimal,
    /// Adverse move of a taker fill's price, basis points.
    #[serde(default)]
    pub slippage_bps: Decimal,
    /// Most quantity one match can fill; `None` is unlimited.
    #[serde(default)]
    pub available_quantity: Option<Decimal>,
}

/// The simulated venue.
#[derive(Debug, Clone, Default)]
pub struct PaperExchange {
    config: PaperConfig,
    next_order: u64,
    next_trade: u64,
    // Placement order, so matching on a new price is deterministic.
    working: Vec<(OrderCommand, VenueOrder)>,
    // Oldest first, bounded: only a query (reconciling after a timeout) reads it, so a scan
    // there is cheaper than keeping a map keyed by a copy of every id on the placement path.
    finished: VecDeque<VenueOrder>,
    // The account's trade history, oldest first, bounded like `finished`.
    history: VecDeque<VenueTrade>,
}

impl PaperExchange {
    /// A venue with `config`.
    #[must_use]
    pub fn new(config: PaperConfig) -> Self {
        Self { config, ..Self::default() }
    }

    /// Orders resting on the simulated book.
    #[must_use]
    pub fn working_orders(&self) -> usize {
        self.working.len()
    }

    /// Triggers and fills what `price` allows. `resting` orders fill at their limit price (they
    /// were on the book, a maker fill); orders crossing on arrival pay slippage as takers.
    fn execute(
        &mut self,
        cmd: &OrderCommand,
        venue: &mut VenueOrder,
        price: Decimal,
        now_ms: u64,
        resting: bool,
    ) {
        if let (Some(stop), false) = (cmd.stop_price, venue.triggered) {
            venue.triggered = cmd.order_type.triggered_by(cmd.side, stop, price);
            if !venue.triggered {
                venue.remainder = Remainder::Working;
                return;
            }
        }
        let limit = if cmd.order_type.has_limit_price() { cmd.price } else { None };
        let marketable = limit.is_none_or(|limit| match cmd.side {
            Side::Buy => price <= limit,
            Side::Sell => price >= limit,
        });
        let filled: Decimal = venue.fills.iter().map(|f| f.quantity).sum();
        let mut leaves = cmd.quantity - filled;
        if marketable {
            let available = self.config.available_quantity.map_or(leaves, |cap| cap.min(leaves));
            let all_or_none = cmd.time_in_force == TimeInForce::Fok && available < leaves;
            if !all_or_none && available > Decimal::ZERO {
                let fill_price = match (limit, resting) {
                    (Some(limit), true) => limit,
                    _ => self.taker_price(cmd.side, price, limit),
                };
                let fill = self.fill(cmd, available, fill_price, now_ms);
                self.record_trade(&fill, &venue.venue_order_id);
                venue.fills.push(fill);
                leaves -= available;
            }
        }
        venue.remainder = if leaves.is_zero() {
            Remainder::None
        } else if matches!(cmd.time_in_force, TimeInForce::Ioc | TimeInForce::Fok) {
            Remainder::Expired
        } else {
            Remainder::Working
        };
    }

    /// The slipped market price (the backtest's, [`slipped_price`]), never beyond a limit.
    fn taker_price(&self, side: Side, price: Decimal, limit: Option<Decimal>) -> Decimal {
        let slipped = slipped_price(side, price, self.config.slippage_bps);
        match (side, limit) {
            (_, None) => slipped,
            (Side::Buy, Some(limit)) => slipped.min(limit),
            (Side::Sell, Some(limit)) => slipped.max(limit),
        }
    }

    fn fill(&mut self, cmd: &OrderCommand, quantity: Decimal, price: Decimal, now_ms: u64) -> Fill {
        self.next_trade += 1;
        Fill {
            trade_id: numbered_id('T', self.next_trade),
            client_order_id: cmd.client_order_id.clone(),
            symbol: cmd.symbol.clone(),
            side: cmd.side,
            quantity,
            price,
            fee: fee_of(quantity, price, self.config.fee_bps),
            ts_ms: now_ms,
        }
    }

    fn record_trade(&mut self, fill: &Fill, venue_order_id: &str) {
        if self.history.len() == FINISHED_HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(VenueTrade {
            trade_id: fill.trade_id.clone(),
            seq: self.next_trade,
            venue_order_id: venue_order_id.to_owned(),
            symbol: fill.symbol.clone(),
            side: fill.side,
            quantity: fill.quantity,
            price: fill.price,
            fee: fill.fee,
            fee_asset: PAPER_FEE_ASSET.to_owned(),
            fee_in_quote: fill.fee,
            ts_ms: fill.ts_ms,
        });
    }

    fn finish(&mut self, venue: VenueOrder) {
        if self.finished.len() == FINISHED_HISTORY {
            self.finished.pop_front();
        }
        self.finished.push_back(venue);
    }

    fn working_index(&self, client_order_id: &str) -> Option<usize> {
        self.working.iter().position(|(cmd, _)| cmd.client_order_id == client_order_id)
    }
}

/// `prefix` followed by `number` in decimal ("T42"), without the formatting machinery: the
/// paper venue names an order and a trade on every placement.
fn numbered_id(prefix: char, number: u64) -> String {
    let mut digits = [0_u8; 20];
    let mut rest = number;
    let mut start = digits.len();
    loop {
        start -= 1;
        // A digit is below 10, so the cast is exact.
        digits[start] = b'0' + u8::try_from(rest % 10).unwrap_or(0);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut id = String::with_capacity(1 + digits.len() - start);
    id.push(prefix);
    id.extend(digits[start..].iter().map(|&d| char::from(d)));
    id
}

fn permanent(code: &str, message: &str) -> ExchangeError {
    ExchangeError { class: ErrorClass::Permanent, code: Some(code.to_owned()), message: message.to_owned() }
}

impl ExchangeClient for PaperExchange {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        if market.mark_price <= Decimal::ZERO {
            return Err(permanent("no_price", "paper exchange needs a positive price"));
        }
        if self.working_index(&order.client_order_id).is_some() {
            return Err(permanent("duplicate", "client order id is already working"));
        }
        self.next_order += 1;
        let mut venue = VenueOrder {
            client_order_id: order.client_order_id.clone(),
            venue_order_id: numbered_id('P', self.next_order),
            triggered: false,
            fills: Vec::new(),
            remainder: Remainder::Working,
        };
        self.execute(order, &mut venue, market.mark_price, market.now_ms, false);
        if venue.remainder == Remainder::Working {
            self.working.push((order.clone(), venue.clone()));
        } else {
            self.finish(venue.clone());
        }
        Ok(venue)
    }

    /// Both legs rest as separate orders; whoever sees one fill cancels the other.
    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        Ok(vec![self.place(&oco.stop, market)?, self.place(&oco.take_profit, market)?])
    }

    fn cancel(&mut self, order: &OrderCommand, _market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        let Some(index) = self.working_index(&order.client_order_id) else {
            return Err(permanent("unknown_order", "order is not working"));
        };
        let (_, mut venue) = self.working.remove(index);
        venue.remainder = Remainder::Canceled;
        self.finish(venue.clone());
        Ok(venue)
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        _market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        let id = &order.client_order_id;
        Ok(self
            .working_index(id)
            .map(|i| self.working[i].1.clone())
            .or_else(|| self.finished.iter().rev().find(|v| &v.client_order_id == id).cloned()))
    }

    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        Ok(self
            .history
            .iter()
            .filter(|t| t.symbol == symbol && after_seq.is_none_or(|after| t.seq > after))
            .take(TRADES_PAGE)
            .cloned()
            .collect())
    }

    fn client_order_id_of(
        &mut self,
        _symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        let working = self.working.iter().map(|(_, v)| v);
        Ok(working
            .chain(self.finished.iter())
            .find(|v| v.venue_order_id == venue_order_id)
            .map(|v| v.client_order_id.clone()))
    }

    fn on_mark_price(&mut self, symbol: &str, price: Decimal, now_ms: u64) -> Vec<VenueOrder> {
        let mut changed = Vec::new();
        let mut still_working = Vec::with_capacity(self.working.len());
        for (cmd, mut venue) in std::mem::take(&mut self.working) {
            if cmd.symbol != symbol {
                still_working.push((cmd, venue));
                continue;
            }
            let before = (venue.triggered, venue.fills.len());
            self.execute(&cmd, &mut venue, price, now_ms, true);
            if before != (venue.triggered, venue.fills.len()) || venue.remainder != Remainder::Working {
                changed.push(venue.clone());
            }
            if venue.remainder == Remainder::Working {
                still_working.push((cmd, venue));
            } else {
                self.finish(venue);
            }
        }
        self.working = still_working;
        changed
    }
}

#[cfg(test)]
#[path = "paper_tests.rs"]
mod tests;
