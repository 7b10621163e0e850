//! One account's execution engine: validate → risk → status machine → venue → position.
//!
//! Orders are kept by client order id, and a repeated id never reaches the venue a second time:
//! Step Functions and Lambda both retry, and a retry must not double an order.

use crate::command::OrderCommand;
use crate::decimal::Decimal;
use crate::errors::{Denial, DenialReason, ErrorClass, ExchangeError, InstrumentError, OrderDenial};
use crate::exchange::{ExchangeClient, MarketContext};
use crate::fast_hash::{FastMap, FastSet};
use crate::fill::Fill;
use crate::instrument::Instrument;
use crate::order::{Order, Side};
use crate::order_status::{OrderEvent, OrderStatus};
use crate::position::Position;
use crate::report::{ExecutionReport, PositionReport};
use crate::risk::{RiskEngine, RiskLimits, RiskRequest};

/// The execution engine of one account over one venue.
#[derive(Debug)]
pub struct Engine<C: ExchangeClient> {
    account: String,
    instruments: FastMap<String, Instrument>,
    orders: FastMap<String, Order>,
    // Ids of orders that may still fill, so risk never scans the whole order history.
    open: FastSet<String>,
    positions: FastMap<String, Position>,
    marks: FastMap<String, Decimal>,
    // Open orders this engine does not hold (kept between processes): their count and their
    // unfilled quantity per (symbol, side), added to its own in every risk check.
    restored_open_orders: usize,
    restored_open_qty: Vec<(String, Side, Decimal)>,
    risk: RiskEngine,
    client: C,
}

/// The last check before an order reaches the venue, after every risk rule passed: the
/// execution Lambda reserves the order's place in the account's persisted limits there.
pub type Gate<'a> = dyn FnMut(&RiskRequest<'_>) -> Result<(), Denial> + 'a;

impl<C: ExchangeClient> Engine<C> {
    /// An engine for `account` enforcing `limits` and trading through `client`.
    pub fn new(account: impl Into<String>, limits: RiskLimits, client: C) -> Self {
        Self {
            account: account.into(),
            instruments: FastMap::default(),
            orders: FastMap::default(),
            open: FastSet::default(),
            positions: FastMap::default(),
            marks: FastMap::default(),
            restored_open_orders: 0,
            restored_open_qty: Vec::new(),
            risk: RiskEngine::new(limits),
            client,
        }
    }

    /// Registers (or replaces) an instrument after checking its filters.
    ///
    /// # Errors
    /// [`InstrumentError`] if the definition is inconsistent.
    pub fn add_instrument(&mut self, instrument: Instrument) -> Result<(), InstrumentError> {
        instrument.validate()?;
        self.instruments.insert(instrument.symbol.clone(), instrument);
        Ok(())
    }

    /// Sets the position in its symbol, e.g. restored from storage before an order in a
    /// stateless process (the execution Lambda).
    pub fn restore_position(&mut self, position: Position) {
        self.positions.insert(position.symbol().to_owned(), position);
    }

    /// Counts `count` open orders held elsewhere (kept between processes), with their unfilled
    /// quantity per symbol and side, towards `max_open_orders` and the position caps.
    pub fn restore_open_orders(&mut self, count: usize, open_qty: Vec<(String, Side, Decimal)>) {
        self.restored_open_orders = count;
        self.restored_open_qty = open_qty;
    }

    /// Takes over an order read back from storage (see [`Order::restore`]), so a stateless
    /// process can cancel or update it.
    pub fn restore_order(&mut self, order: Order) {
        self.store(order);
    }

    /// Places `command`, or reports the existing order if its client order id is known.
    ///
    /// # Errors
    /// [`Denial`]: invalid command, reused id with other content, risk refusal, a retryable
    /// venue error (the order is kept as `Submitted` and a repeat reconciles it by query), or
    /// a venue answer the order cannot accept.
    pub fn submit(
        &mut self,
        command: OrderCommand,
        now_ms: u64,
        mark_price: Decimal,
    ) -> Result<ExecutionReport, Denial> {
        self.submit_gated(command, now_ms, mark_price, &mut |_| Ok(()))
    }

    /// [`Engine::submit`] with a last `gate` between the risk rules and the venue: a refusal
    /// there is a denial like a rule's, and nothing is sent.
    ///
    /// # Errors
    /// As [`Engine::submit`], and the gate's denial.
    pub fn submit_gated(
        &mut self,
        command: OrderCommand,
        now_ms: u64,
        mark_price: Decimal,
        gate: &mut Gate<'_>,
    ) -> Result<ExecutionReport, Denial> {
        if self.orders.contains_key(&command.client_order_id) {
            return self.resubmit(&command, now_ms);
        }
        if command.account != self.account {
            let message = format!("engine trades account {}, not {}", self.account, command.account);
            return Err(OrderDenial::new(DenialReason::WrongAccount, message).into());
        }
        let Some(instrument) = self.instruments.get(&command.symbol) else {
            let message = format!("no instrument {}", command.symbol);
            return Err(OrderDenial::new(DenialReason::UnknownInstrument, message).into());
        };
        command.validate_for(instrument, mark_price)?;
        self.set_mark(&command.symbol, mark_price);
        let request = RiskRequest {
            command: &command,
            reference_price: command.reference_price(mark_price),
            position_qty: self.positions.get(&command.symbol).map_or(Decimal::ZERO, Position::quantity),
            open_qty_same_side: self.open_quantity(&command),
            open_orders: self.open.len() + self.restored_open_orders,
            total_pnl: self.total_pnl(),
        };
        self.risk.check(&request, now_ms)?;
        gate(&request)?;

        let mut order = Order::new(command, now_ms);
        order.apply(OrderEvent::Submit, now_ms).map_err(Denial::Inconsistent)?;
        let market = MarketContext { now_ms, mark_price };
        let outcome = match self.client.place(order.command(), &market) {
            Ok(venue) => {
                self.risk.record_exchange_success();
                apply_venue(&mut order, &mut self.positions, venue, now_ms)
            }
            // A throttled request was refused before the venue processed it, so the order does
            // not exist there: keep no record, and a retry places it afresh.
            Err(error) if error.class == ErrorClass::RateLimited => {
                self.risk.record_exchange_error();
                return Err(Denial::Exchange(error));
            }
            Err(error) => self.on_place_error(&mut order, error, now_ms),
        };
        let id = order.command().client_order_id.clone();
        self.store(order);
        self.after_fills(now_ms);
        Ok(self.report(&id, outcome?, false, now_ms))
    }

    fn on_place_error(
        &mut self,
        order: &mut Order,
        error: ExchangeError,
        now_ms: u64,
    ) -> Result<Vec<Fill>, Denial> {
        order.set_reason(error.message.clone());
        if error.class.is_retryable() {
            // Outcome unknown: the order stays Submitted until a query settles it.
            self.risk.record_exchange_error();
            return Err(Denial::Exchange(error));
        }
        // The venue answered, so it is reachable: this is a refusal, not an outage.
        self.risk.record_exchange_success();
        order.apply(OrderEvent::Reject, now_ms).map_err(Denial::Inconsistent)?;
        Ok(Vec::new())
    }

    /// A repeat of a known client order id: never placed again. An order whose placement
    /// outcome is unknown (`Submitted`) is looked up at the venue instead.
    fn resubmit(&mut self, command: &OrderCommand, now_ms: u64) -> Result<ExecutionReport, Denial> {
        let id = &command.client_order_id;
        let existing = &self.orders[id];
        if existing.command() != command {
            let message = format!("client_order_id {id} already names a different order");
            return Err(OrderDenial::new(DenialReason::ClientOrderIdReused, message).into());
        }
        let mut fills = Vec::new();
        if existing.status() == OrderStatus::Submitted {
            let market = self.market(&command.symbol, now_ms);
            match self.client.query(command, &market) {
                Ok(Some(venue)) => fills = self.on_venue_update(&venue, now_ms)?.fills,
                Ok(None) => {}
                Err(error) => {
                    if error.class.is_retryable() {
                        self.risk.record_exchange_error();
                    }
                    return Err(Denial::Exchange(error));
                }
            }
        }
        Ok(self.report(id, fills, true, now_ms))
    }

    /// Realized + unrealized − fees over every position, at the last marks.
    #[must_use]
    pub fn total_pnl(&self) -> Decimal {
        self.positions
            .values()
            .map(|p| p.net_pnl(self.marks.get(p.symbol()).copied().unwrap_or(p.avg_entry_price())))
            .sum()
    }

    /// The order with this client order id.
    #[must_use]
    pub fn order(&self, client_order_id: &str) -> Option<&Order> {
        self.orders.get(client_order_id)
    }

    /// The position in `symbol`, if it ever traded.
    #[must_use]
    pub fn position(&self, symbol: &str) -> Option<&Position> {
        self.positions.get(symbol)
    }

    /// Orders that may still fill.
    #[must_use]
    pub fn open_orders(&self) -> usize {
        self.open.len()
    }

    /// The risk engine (state, limits, breaker).
    #[must_use]
    pub fn risk(&self) -> &RiskEngine {
        &self.risk
    }

    /// The risk engine, to halt, reduce or resume trading.
    pub fn risk_mut(&mut self) -> &mut RiskEngine {
        &mut self.risk
    }

    /// The venue client.
    #[must_use]
    pub fn client(&self) -> &C {
        &self.client
    }

    /// The venue client, mutably (e.g. to reconfigure a paper venue). Orders changed through
    /// it directly reach the engine only via [`Engine::on_venue_update`] or a query.
    pub fn client_mut(&mut self) -> &mut C {
        &mut self.client
    }

    fn set_mark(&mut self, symbol: &str, price: Decimal) {
        match self.marks.get_mut(symbol) {
            Some(mark) => *mark = price,
            None => {
                self.marks.insert(symbol.to_owned(), price);
            }
        }
    }

    fn market(&self, symbol: &str, now_ms: u64) -> MarketContext {
        MarketContext { now_ms, mark_price: self.marks.get(symbol).copied().unwrap_or_default() }
    }

    fn open_quantity(&self, command: &OrderCommand) -> Decimal {
        let restored: Decimal = self
            .restored_open_qty
            .iter()
            .filter(|(symbol, side, _)| *symbol == command.symbol && *side == command.side)
            .map(|(_, side, qty)| side.sign() * *qty)
            .sum();
        let held: Decimal = self
            .open
            .iter()
            .filter_map(|id| self.orders.get(id))
            .filter(|o| o.command().symbol == command.symbol && o.command().side == command.side)
            .map(|o| o.command().side.sign() * o.leaves_qty())
            .sum();
        restored + held
    }

    fn store(&mut self, order: Order) {
        let id = &order.command().client_order_id;
        if order.status().is_open() {
            if !self.open.contains(id) {
                self.open.insert(id.clone());
            }
        } else {
            self.open.remove(id);
        }
        self.orders.insert(id.clone(), order);
    }

    fn after_fills(&mut self, now_ms: u64) {
        let total = self.total_pnl();
        self.risk.observe_pnl(total, now_ms);
    }

    fn report(
        &self,
        client_order_id: &str,
        fills: Vec<Fill>,
        duplicate: bool,
        now_ms: u64,
    ) -> ExecutionReport {
        let order = &self.orders[client_order_id];
        let symbol = &order.command().symbol;
        let position = self
            .positions
            .get(symbol)
            .map(|p| PositionReport::new(p, self.marks.get(symbol).copied().unwrap_or(p.avg_entry_price())));
        ExecutionReport::new(order, fills, position, duplicate, now_ms)
            .for_instrument(self.instruments.get(symbol))
    }
}

mod updates;
use updates::apply_venue;

#[cfg(test)]
mod tests;
