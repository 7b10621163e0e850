//! One command through the core, persisted: the whole work of an invocation.
//!
//! An order's client order id is claimed in the store (conditional put) before the exchange is
//! called, and the report and position are committed in one conditional transaction after, so
//! a retried invocation never places a second order: it replays the stored report, or, when a
//! crash left the outcome unknown, asks the exchange before anything else. A cancel
//! (`{"action": "cancel", ...}`) moves a stored open order to pending-cancel and then to
//! canceled, each step a write conditional on the status it read.

mod amend;
mod breaker;
mod cancel;
pub mod claim;
mod close;
pub mod exits;
mod reservation;
pub mod sync;

use std::collections::HashMap;
use std::time::Instant;

use fks_execution_core::{
    AmendCommand, CancelCommand, Decimal, Denial, DenialReason, Engine, ErrorClass, ExchangeClient,
    ExchangeError, ExecutionReport, ExitOrder, Instrument, MarketContext, OrderCommand, OrderDenial,
    OrderStatus, Position, PositionReport, RiskLimits, SyncCommand,
};
use serde_json::Value;

use crate::aws::AwsError;
use crate::market::MarketData;
use crate::store::{CommitConflict, Expect, Exposure, OrderRecord, Store, StoredOrder, StoredPosition};
use crate::venue_call::VenueCall;
pub use claim::ClaimTiming;
use reservation::{Placement, ReservationGate};

/// How many times a commit is retried when another order moved the same position meanwhile.
const COMMIT_ATTEMPTS: usize = 5;

/// Why an invocation failed, named as the `fks.errors` class (the Lambda `errorType` that Step
/// Functions `Retry`/`Catch` match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `fks.errors` class name: `BadRequest`, `Conflict`, `RiskDenied`, `TemporaryError`...
    pub error_type: String,
    /// What went wrong.
    pub message: String,
}

impl Failure {
    fn new(error_type: &str, message: impl Into<String>) -> Self {
        Self { error_type: error_type.to_owned(), message: message.into() }
    }

    fn denial(denial: &Denial) -> Self {
        Self::new(denial.error_name(), denial.to_string())
    }

    fn invalid(reason: DenialReason, message: impl Into<String>) -> Self {
        Self::denial(&Denial::Invalid(OrderDenial::new(reason, message)))
    }

    fn exchange(error: ExchangeError) -> Self {
        Self::denial(&Denial::Exchange(error))
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new("BadRequest", message)
    }
}

impl From<AwsError> for Failure {
    fn from(error: AwsError) -> Self {
        let kind = if error.kind == "MissingConfiguration" { "PermanentError" } else { "TemporaryError" };
        Self::new(kind, format!("storage: {error}"))
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error_type, self.message)
    }
}

impl std::error::Error for Failure {}

/// The warm state of the function: store, exchange, market data, account and limits, and the
/// instruments already looked up.
#[derive(Debug)]
pub struct Handler<S, X, M> {
    store: S,
    exchange: X,
    market: M,
    account: String,
    limits: RiskLimits,
    timing: ClaimTiming,
    // Paper trading: every committed fill also moves the paper balances.
    paper_balances: bool,
    instruments: HashMap<String, Instrument>,
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// A handler trading `account` under `limits`.
    pub fn new(store: S, exchange: X, market: M, account: impl Into<String>, limits: RiskLimits) -> Self {
        Self {
            store,
            exchange,
            market,
            account: account.into(),
            limits,
            timing: ClaimTiming::default(),
            paper_balances: false,
            instruments: HashMap::new(),
        }
    }

    /// The same handler booking every fill into the paper balances, which start at `initial`
    /// (per asset, unless already stored).
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    pub fn with_paper_balances(mut self, initial: &[(String, Decimal)]) -> Result<Self, AwsError> {
        let account = self.account.clone();
        self.store.init_paper_balances(&account, initial)?;
        self.paper_balances = true;
        Ok(self)
    }

    /// Replaces the limits in force (the settings store changed them); the next order obeys them.
    pub fn set_limits(&mut self, limits: RiskLimits) {
        self.limits = limits;
    }

    /// The same handler with other claim timings (tests shorten the waits).
    #[must_use]
    pub fn with_timing(mut self, timing: ClaimTiming) -> Self {
        self.timing = timing;
        self
    }

    /// The store, for inspection.
    pub const fn store(&self) -> &S {
        &self.store
    }

    /// The store, e.g. to seed it.
    pub const fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// The exchange, for inspection.
    pub const fn exchange(&self) -> &X {
        &self.exchange
    }

    /// The exchange, e.g. to make it fail.
    pub const fn exchange_mut(&mut self) -> &mut X {
        &mut self.exchange
    }

    /// The market data, e.g. to move a price.
    pub const fn market_mut(&mut self) -> &mut M {
        &mut self.market
    }

    /// Parses `event` and executes it: a [`SyncCommand`] (`"action": "sync"`) answers a
    /// [`fks_execution_core::SyncReport`], anything else goes to [`Handler::handle_json`] and
    /// answers an [`ExecutionReport`].
    ///
    /// # Errors
    /// [`Failure`] named by what to do next; a malformed command is `BadRequest`.
    pub fn handle_event(&mut self, event: &str, now_ms: u64) -> Result<Value, Failure> {
        let value: Value =
            serde_json::from_str(event).map_err(|e| Failure::bad_request(format!("invalid command: {e}")))?;
        let answer = if value.get("action").and_then(Value::as_str) == Some("sync") {
            let command: SyncCommand = serde_json::from_value(value)
                .map_err(|e| Failure::bad_request(format!("invalid sync command: {e}")))?;
            serde_json::to_value(self.sync(&command, now_ms)?)
        } else {
            serde_json::to_value(self.handle_json(event, now_ms)?)
        };
        answer.map_err(|e| Failure::new("PermanentError", e.to_string()))
    }

    /// Parses `event` and executes it: an [`OrderCommand`], or a [`CancelCommand`] when it
    /// carries `"action": "cancel"` (an order command has no `action` field).
    ///
    /// # Errors
    /// [`Failure`] named by what to do next; a malformed command is `BadRequest`.
    pub fn handle_json(&mut self, event: &str, now_ms: u64) -> Result<ExecutionReport, Failure> {
        let value: Value =
            serde_json::from_str(event).map_err(|e| Failure::bad_request(format!("invalid command: {e}")))?;
        match value.get("action") {
            None => {
                let command: OrderCommand = serde_json::from_value(value)
                    .map_err(|e| Failure::bad_request(format!("invalid order command: {e}")))?;
                self.execute(command, now_ms)
            }
            Some(Value::String(action)) if action == "cancel" => {
                let command: CancelCommand = serde_json::from_value(value)
                    .map_err(|e| Failure::bad_request(format!("invalid cancel command: {e}")))?;
                self.cancel(&command, now_ms)
            }
            Some(Value::String(action)) if action == "amend" => {
                let command: AmendCommand = serde_json::from_value(value)
                    .map_err(|e| Failure::bad_request(format!("invalid amend command: {e}")))?;
                self.amend(&command, now_ms)
            }
            Some(other) => Err(Failure::bad_request(format!(
                "unknown action {other}: an order command has no action, a cancel has \"action\": \"cancel\", an amend \"action\": \"amend\", a sync \"action\": \"sync\""
            ))),
        }
    }

    /// Executes `command` once, however often and however concurrently it is delivered with
    /// the same client order id: see [`claim`] for the argument.
    ///
    /// # Errors
    /// [`Failure`]: bad input and risk denials leave nothing stored; an unknown outcome at the
    /// exchange (`TemporaryError`) keeps the claim, so retries wait for its lease and the first
    /// one after it asks the exchange before placing anything; an exchange refusal
    /// (`InsufficientFunds`, `PermanentError`) is stored as a rejected order and named as the
    /// invocation's error, the same on every retry; a delivery while another invocation holds
    /// the order answers `TemporaryError` once its wait runs out.
    pub fn execute(&mut self, command: OrderCommand, now_ms: u64) -> Result<ExecutionReport, Failure> {
        let started = Instant::now();
        command.validate().map_err(|d| Failure::denial(&Denial::Invalid(d)))?;
        self.check_account(&command.account)?;
        match self.store.load_order(&command.client_order_id)? {
            Some(stored) => self.resume(command, stored, started, now_ms),
            None => self.claim_and_place(command, started, now_ms),
        }
    }

    /// A new client order id: validated, claimed, placed.
    fn claim_and_place(
        &mut self,
        command: OrderCommand,
        started: Instant,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        let instrument = self.instrument(&command.symbol)?;
        let mark = self.market.mark_price(&command.symbol).map_err(Failure::exchange)?;
        command.validate_for(&instrument, mark).map_err(|d| Failure::denial(&Denial::Invalid(d)))?;
        // Working exits lock what this order would sell: they go first (see `close`).
        let cleared = self.clear_exits(&command, now_ms)?;
        let claim = self.new_claim(claim::clock(started, now_ms));
        if !self.store.claim(&command, &claim)? {
            return self.await_report(&command.client_order_id, started, now_ms);
        }
        let close = cleared.as_ref().map(|_| command.clone());
        let placement = Placement { claim: &claim, known: None, counted: false };
        let result = if cleared.as_ref().is_some_and(|c| c.shrunk_below(&command)) {
            self.refuse_shrunk(&command, now_ms)
        } else {
            self.place(command, (&instrument, mark), placement, started, now_ms)
        };
        // What the order left of the position is protected again once the order is settled:
        // not while it rests (the exits would lock the same coins), nor when its outcome is
        // unknown (it may have closed everything).
        let settled = match &result {
            Ok(report) => !report.status.is_open(),
            Err(failure) => failure.error_type != "TemporaryError",
        };
        if let (Some(cleared), Some(close), true) = (&cleared, &close, settled) {
            self.protect_rest(close, cleared, now_ms);
        }
        result
    }

    /// A known client order id: its stored outcome, the holder's once it commits, or, when the
    /// holder's lease lapsed, the venue's answer (adopted) or a placement with the same id.
    fn resume(
        &mut self,
        command: OrderCommand,
        stored: StoredOrder,
        started: Instant,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        let id = command.client_order_id.clone();
        if stored.command != command {
            let message = format!("client_order_id {id} already names a different order");
            return Err(Failure::invalid(DenialReason::ClientOrderIdReused, message));
        }
        if let Some(report) = stored.report.as_ref().filter(|r| exits::exits_due(&command, r)) {
            // Filled, but its exits were not placed (the first call failed after booking it).
            if stored.refusal.is_none() {
                let report = report.clone();
                let exits = self.protect_filled(&command, &report, now_ms);
                let mut replayed = replay(stored)?;
                replayed.exits = exits;
                return Ok(replayed);
            }
        }
        if stored.report.is_some() {
            return replay(stored);
        }
        let now = claim::clock(started, now_ms);
        if stored.claim.as_ref().is_some_and(|c| now < c.lease_until_ms) {
            return self.await_report(&id, started, now_ms);
        }
        let instrument = self.instrument(&command.symbol)?;
        let mark = self.market.mark_price(&command.symbol).map_err(Failure::exchange)?;
        let mine = self.new_claim(now);
        if !self.store.take_over(&id, stored.claim.as_ref(), &mine)? {
            return self.await_report(&id, started, now_ms);
        }
        // The lease lapsed: whatever the former holder sent has taken effect or never will,
        // and the venue has had its consistency window to show it.
        let market = MarketContext { now_ms: now, mark_price: mark };
        let known = match self.exchange.query(&command, &market) {
            Ok(known) => known,
            Err(error) => {
                self.lapse(&id, &mine, claim::clock(started, now_ms))?;
                return Err(Failure::exchange(error));
            }
        };
        let placement = Placement { claim: &mine, known, counted: stored.counted };
        self.place(command, (&instrument, mark), placement, started, now_ms)
    }

    /// Sends the placement (or takes the venue's `known` answer for it) as the holder of
    /// `claim`, and commits the outcome.
    fn place(
        &mut self,
        command: OrderCommand,
        market: (&Instrument, Decimal),
        placement: Placement<'_>,
        started: Instant,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        let (instrument, mark) = market;
        let Placement { claim, known, counted } = placement;
        let id = command.client_order_id.clone();
        if known.is_none() && !self.may_place(claim, claim::clock(started, now_ms)) {
            // Too late in the lease to send: a successor may be about to take over.
            return Err(Failure::new(
                "TemporaryError",
                format!("order {id} was claimed too long ago to be placed now; a retry resolves it"),
            ));
        }
        let position = self.store.load_position(&self.account, &command.symbol)?;
        let risk_before = self.store.load_risk_state(&self.account)?;
        let original = command.clone();
        let mut gate =
            ReservationGate::new(&mut self.store, &self.account, &id, &claim.owner, &self.limits, counted);
        let venue = VenueCall::new(&mut self.exchange, known);
        let mut engine = Engine::new(self.account.clone(), self.limits.clone(), venue);
        engine
            .add_instrument(instrument.clone())
            .map_err(|e| Failure::new("PermanentError", e.to_string()))?;
        if let Some(stored) = &position {
            engine.restore_position(stored.position.clone());
        }
        breaker::restore(&mut engine, &risk_before, &command.symbol, mark, now_ms);
        engine.restore_open_orders(
            usize::try_from(risk_before.open_orders).unwrap_or(usize::MAX),
            risk_before.open_qty.clone(),
        );
        engine.risk_mut().restore_order_stamps(&risk_before.order_stamps);
        let result = engine.submit_gated(command, now_ms, mark, &mut |request| gate.pass(request, now_ms));
        let refusal = engine.client().refusal().cloned();
        let risk_after = breaker::snapshot(&engine);
        drop(engine);
        let (counted, gate_failure) = gate.outcome();
        if let Some((failure, release)) = gate_failure {
            if release {
                self.store.release(&id, &claim.owner, None)?;
            }
            return Err(failure);
        }
        self.persist_breaker(&risk_before, risk_after, now_ms)?;
        match result {
            Ok(report) => {
                let refused = refusal.filter(|_| report.status == OrderStatus::Rejected);
                let record = OrderRecord {
                    trade_ids: Vec::new(),
                    refusal: refused.as_ref().map(|e| e.class.error_name().to_owned()),
                    exposure: Exposure::change(&original, counted, None, &report),
                    balances: Vec::new(),
                    exits_due: exits::exits_due(&original, &report),
                    report,
                };
                let Some((mut report, day_pnl)) =
                    self.commit(record, Expect::Uncommitted, position, mark, now_ms)?
                else {
                    return self.stored_report(&id);
                };
                self.book_day_pnl(day_pnl, now_ms)?;
                report.exits = self.protect_filled(&original, &report, now_ms);
                // Recorded as rejected for the audit trail, and named so Step Functions can
                // route it (insufficient funds is not a bug, nor worth a retry).
                refused.map_or(Ok(report), |error| Err(Failure::exchange(error)))
            }
            // Outcome unknown: keep the claim; its lease decides who asks the venue, and when.
            Err(Denial::Exchange(e)) if e.class == ErrorClass::Retryable => Err(Failure::exchange(e)),
            Err(denial) => {
                let undo = counted.then(|| Exposure::of(&original).undone());
                self.store.release(&id, &claim.owner, undo.as_ref())?;
                Err(Failure::denial(&denial))
            }
        }
    }

    /// The exits of a filled `entry` (see [`exits::protectable`]), placed and recorded on its
    /// stored report. A failure is logged, not raised: the entry is booked with its exits due,
    /// and its next delivery or the next sync tries again.
    fn protect_filled(
        &mut self,
        entry: &OrderCommand,
        report: &ExecutionReport,
        now_ms: u64,
    ) -> Vec<ExitOrder> {
        if !exits::exits_due(entry, report) {
            return report.exits.clone();
        }
        let placed = self.protect(entry, report, now_ms).and_then(|exits| {
            self.attach_exits(&entry.client_order_id, &exits, now_ms)?;
            Ok(exits)
        });
        placed.unwrap_or_else(|failure| {
            eprintln!("exits of {} not placed: {failure}", entry.client_order_id);
            Vec::new()
        })
    }

    fn check_account(&self, account: &str) -> Result<(), Failure> {
        if account == self.account {
            return Ok(());
        }
        let message = format!("this function trades account {}, not {account}", self.account);
        Err(Failure::invalid(DenialReason::WrongAccount, message))
    }

    fn instrument(&mut self, symbol: &str) -> Result<Instrument, Failure> {
        if let Some(found) = self.instruments.get(symbol) {
            return Ok(found.clone());
        }
        let instrument = self.market.instrument(symbol).map_err(|e| {
            if e.class == ErrorClass::Permanent {
                Failure::invalid(
                    DenialReason::UnknownInstrument,
                    format!("no instrument {symbol}: {}", e.message),
                )
            } else {
                Failure::exchange(e)
            }
        })?;
        self.instruments.insert(symbol.to_owned(), instrument.clone());
        Ok(instrument)
    }

    fn stored_report(&mut self, id: &str) -> Result<ExecutionReport, Failure> {
        match self.store.load_order(id)? {
            Some(stored) if stored.report.is_some() => replay(stored),
            _ => Err(Failure::new(
                "TemporaryError",
                format!("order {id} is being executed by another invocation"),
            )),
        }
    }

    /// Commits `record` (booking its fills on the position) conditional on `expect`; retried
    /// while only the position moved. Returns the committed report and the realized PnL net of
    /// fees the fills added, or `None` when another invocation changed the order first.
    fn commit(
        &mut self,
        mut record: OrderRecord,
        expect: Expect,
        mut base: Option<StoredPosition>,
        mark: Decimal,
        now_ms: u64,
    ) -> Result<Option<(ExecutionReport, Decimal)>, Failure> {
        record.trade_ids.extend(record.report.fills.iter().map(|f| f.trade_id.clone()));
        if self.paper_balances {
            let instrument = self.instrument(&record.report.symbol)?;
            record.balances = balance_changes(&instrument, &record.report.fills);
        }
        for _ in 0..COMMIT_ATTEMPTS {
            let mut pnl = Decimal::ZERO;
            let next = if record.report.fills.is_empty() {
                None
            } else {
                let report = &mut record.report;
                let before =
                    base.as_ref().map_or_else(|| Position::new(&report.symbol), |b| b.position.clone());
                let mut position = before.clone();
                for fill in &report.fills {
                    position.apply_fill(fill).map_err(|e| Failure::new("PermanentError", e.to_string()))?;
                }
                pnl = net_pnl(&position) - net_pnl(&before);
                report.position = Some(PositionReport::new(&position, mark));
                Some(StoredPosition { position, version: base.as_ref().map_or(0, |b| b.version) + 1 })
            };
            match self.store.commit(&record, expect, next.as_ref(), now_ms)? {
                Ok(()) => return Ok(Some((record.report, pnl))),
                Err(CommitConflict::OrderChanged) => return Ok(None),
                Err(CommitConflict::PositionChanged) => {
                    base = self.store.load_position(&record.report.account, &record.report.symbol)?;
                }
            }
        }
        Err(Failure::new(
            "TemporaryError",
            "position kept changing; the order is placed, its booking is retried",
        ))
    }
}

/// What `fills` move in the paper balances: the base asset by the quantity, the quote asset by
/// the notional, the fee always out of the quote.
fn balance_changes(instrument: &Instrument, fills: &[fks_execution_core::Fill]) -> Vec<(String, Decimal)> {
    if fills.is_empty() {
        return Vec::new();
    }
    let (mut base, mut quote) = (Decimal::ZERO, Decimal::ZERO);
    for fill in fills {
        let sign = fill.side.sign();
        base += sign * fill.quantity;
        quote -= sign * fill.quantity * fill.price + fill.fee;
    }
    vec![(instrument.base.clone(), base), (instrument.quote.clone(), quote)]
}

/// Realized PnL net of fees: what a fill adds to the day's figure for the loss limit.
fn net_pnl(position: &Position) -> Decimal {
    position.realized_pnl() - position.fees()
}

/// The stored outcome of an order again: its report (nothing new booked), or the refusal the
/// exchange gave it the first time.
fn replay(stored: StoredOrder) -> Result<ExecutionReport, Failure> {
    let Some(mut report) = stored.report else {
        return Err(Failure::new("TemporaryError", "the order's outcome is not known yet"));
    };
    if let Some(error_type) = stored.refusal {
        let reason = report.reason.unwrap_or_default();
        return Err(Failure::new(
            &error_type,
            format!("order {} was refused: {reason}", report.client_order_id),
        ));
    }
    report.duplicate = true;
    // The fills were reported when they happened; a replay books nothing new.
    report.fills.clear();
    Ok(report)
}
