//! One order command through the core, persisted: the whole work of an invocation.
//!
//! The client order id is claimed in the store (conditional put) before the exchange is
//! called, and the report and position are committed in one conditional transaction after, so
//! a retried invocation never places a second order: it replays the stored report, or, when a
//! crash left the outcome unknown, asks the exchange before anything else.

use std::collections::HashMap;

use fks_execution_core::{
    Decimal, Denial, DenialReason, Engine, ErrorClass, ExchangeClient, ExchangeError, ExecutionReport,
    Instrument, MarketContext, OrderCommand, OrderDenial, Position, PositionReport, RiskLimits, TradingState,
    VenueOrder,
};

use crate::aws::AwsError;
use crate::market::MarketData;
use crate::store::{CommitConflict, Store, StoredPosition};

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

/// The exchange as the engine sees it during one invocation: the venue's answer about an
/// order placed by an earlier, interrupted invocation is replayed instead of placing again.
struct Replay<'a, X> {
    inner: &'a mut X,
    known: Option<VenueOrder>,
}

impl<X: ExchangeClient> ExchangeClient for Replay<'_, X> {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        match self.known.take() {
            Some(venue) => Ok(venue),
            None => self.inner.place(order, market),
        }
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        self.inner.cancel(order, market)
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        self.inner.query(order, market)
    }
}

/// The warm state of the function: store, exchange, market data, account and limits, and the
/// instruments already looked up.
#[derive(Debug)]
pub struct Handler<S, X, M> {
    store: S,
    exchange: X,
    market: M,
    account: String,
    limits: RiskLimits,
    instruments: HashMap<String, Instrument>,
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// A handler trading `account` under `limits`.
    pub fn new(store: S, exchange: X, market: M, account: impl Into<String>, limits: RiskLimits) -> Self {
        Self { store, exchange, market, account: account.into(), limits, instruments: HashMap::new() }
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

    /// Parses `event` as an [`OrderCommand`] and executes it.
    ///
    /// # Errors
    /// [`Failure`] named by what to do next; a malformed command is `BadRequest`.
    pub fn handle_json(&mut self, event: &str, now_ms: u64) -> Result<ExecutionReport, Failure> {
        let command: OrderCommand = serde_json::from_str(event)
            .map_err(|e| Failure::new("BadRequest", format!("invalid order command: {e}")))?;
        self.execute(command, now_ms)
    }

    /// Executes `command` once, however often it is called with the same client order id.
    ///
    /// # Errors
    /// [`Failure`]: bad input and risk denials leave nothing stored; a `TemporaryError` from the
    /// exchange keeps the claim so a retry asks the exchange before placing anything.
    pub fn execute(&mut self, command: OrderCommand, now_ms: u64) -> Result<ExecutionReport, Failure> {
        command.validate().map_err(|d| Failure::denial(&Denial::Invalid(d)))?;
        if command.account != self.account {
            let message = format!("this function trades account {}, not {}", self.account, command.account);
            return Err(Failure::invalid(DenialReason::WrongAccount, message));
        }
        let id = command.client_order_id.clone();
        let mut known = None;
        let mut claimed = false;
        if let Some(stored) = self.store.load_order(&id)? {
            if stored.command != command {
                let message = format!("client_order_id {id} already names a different order");
                return Err(Failure::invalid(DenialReason::ClientOrderIdReused, message));
            }
            if let Some(report) = stored.report {
                return Ok(replayed(report));
            }
            // Claimed by an invocation that did not finish: the exchange knows the outcome.
            let market = MarketContext { now_ms, mark_price: Decimal::ZERO };
            known = Some(self.exchange.query(&command, &market).map_err(Failure::exchange)?);
            claimed = true;
        }
        let instrument = self.instrument(&command.symbol)?;
        let mark = self.market.mark_price(&command.symbol).map_err(Failure::exchange)?;
        if !claimed {
            command.validate_for(&instrument, mark).map_err(|d| Failure::denial(&Denial::Invalid(d)))?;
            if !self.store.claim(&command, now_ms)? {
                return self.stored_report(&id);
            }
        }
        let position = self.store.load_position(&self.account, &command.symbol)?;
        let state = self.store.load_trading_state(&self.account)?;
        let replay = Replay { inner: &mut self.exchange, known: known.flatten() };
        let mut engine = Engine::new(self.account.clone(), self.limits.clone(), replay);
        engine.add_instrument(instrument).map_err(|e| Failure::new("PermanentError", e.to_string()))?;
        if let Some(stored) = &position {
            engine.restore_position(stored.position.clone());
        }
        match state {
            TradingState::Active => {}
            TradingState::Reducing => {
                engine.risk_mut().set_reducing();
            }
            TradingState::Halted => engine.risk_mut().halt(),
        }
        let result = engine.submit(command, now_ms, mark);
        let tripped = engine.risk().state();
        drop(engine);
        if tripped != state {
            // The breaker tripped during this order: every later invocation must see it.
            self.store.save_trading_state(&self.account, tripped, now_ms)?;
        }
        match result {
            Ok(report) => self.commit(report, position, mark, now_ms),
            // Outcome unknown: keep the claim; the retry queries the exchange first.
            Err(Denial::Exchange(e)) if e.class == ErrorClass::Retryable => Err(Failure::exchange(e)),
            Err(denial) => {
                self.store.release(&id)?;
                Err(Failure::denial(&denial))
            }
        }
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
        match self.store.load_order(id)?.and_then(|o| o.report) {
            Some(report) => Ok(replayed(report)),
            None => Err(Failure::new(
                "TemporaryError",
                format!("order {id} is being executed by another invocation"),
            )),
        }
    }

    fn commit(
        &mut self,
        mut report: ExecutionReport,
        mut base: Option<StoredPosition>,
        mark: Decimal,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        for _ in 0..COMMIT_ATTEMPTS {
            let next = if report.fills.is_empty() {
                None
            } else {
                let mut position =
                    base.as_ref().map_or_else(|| Position::new(&report.symbol), |b| b.position.clone());
                for fill in &report.fills {
                    position.apply_fill(fill).map_err(|e| Failure::new("PermanentError", e.to_string()))?;
                }
                report.position = Some(PositionReport::new(&position, mark));
                Some(StoredPosition { position, version: base.as_ref().map_or(0, |b| b.version) + 1 })
            };
            match self.store.commit(&report, next.as_ref(), now_ms)? {
                Ok(()) => return Ok(report),
                Err(CommitConflict::OrderAlreadyCommitted) => {
                    return self.stored_report(&report.client_order_id)
                }
                Err(CommitConflict::PositionChanged) => {
                    base = self.store.load_position(&report.account, &report.symbol)?;
                }
            }
        }
        Err(Failure::new(
            "TemporaryError",
            "position kept changing; the order is placed, its booking is retried",
        ))
    }
}

fn replayed(mut report: ExecutionReport) -> ExecutionReport {
    report.duplicate = true;
    // The fills were reported when they happened; a replay books nothing new.
    report.fills.clear();
    report
}
