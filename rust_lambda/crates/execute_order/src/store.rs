//! Where orders and positions live between invocations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use fks_execution_core::{
    Decimal, ExecutionReport, HaltReason, OrderCommand, Position, PositionLimit, RateLimit, RiskDenial,
    RiskEngine, RiskLimits, RiskRequest, Side, TradingState,
};

use crate::aws::AwsError;

/// The right to send an order's placement to the venue: held by one invocation (`owner`) until
/// `lease_until_ms`. See [`crate::handler::claim`] for why this makes one venue order per id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// A token naming the invocation holding the claim.
    pub owner: String,
    /// When the claim was taken (or taken over), epoch milliseconds.
    pub claimed_ms: u64,
    /// When the claim lapses and another invocation may take it over.
    pub lease_until_ms: u64,
}

/// An order as stored: the command that claimed its client order id and, once the exchange
/// answered, the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrder {
    /// The command that claimed the id.
    pub command: OrderCommand,
    /// Who may place the order while it has no report; `None` for an item written before
    /// claims had owners (its lease counts as lapsed).
    pub claim: Option<Claim>,
    /// Whether the order counts in the account's persisted open orders and open quantity
    /// (reserved before it reached the venue); every later change then adjusts them.
    pub counted: bool,
    /// Commits so far: 0 while only claimed; every commit is conditional on it, so two
    /// invocations that read the same state cannot both book on it.
    pub version: u64,
    /// `None` while the outcome is unknown (claimed, not yet committed).
    pub report: Option<ExecutionReport>,
    /// Trade ids of every fill booked for the order, so a later venue answer books none twice.
    pub trade_ids: Vec<String>,
    /// The error type a refusing exchange named (`InsufficientFunds`...), replayed on a retry.
    pub refusal: Option<String>,
}

/// What one commit writes on the order: its report and what the report alone does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    /// The order's report after this call.
    pub report: ExecutionReport,
    /// Trade ids of every fill booked for the order so far.
    pub trade_ids: Vec<String>,
    /// The exchange's refusal, named as an error type, if it refused the order.
    pub refusal: Option<String>,
    /// What this commit changes in the account's open orders and open quantity.
    pub exposure: Option<Exposure>,
    /// What this commit's fills change in the paper balances, per asset (paper trading only).
    pub balances: Vec<(String, Decimal)>,
    /// The order is an entry that this commit leaves filled (wholly, or in part and working no
    /// more) without the protective exits it asks for: until a later commit lists them, the
    /// sync finds it among [`Store::unprotected_entries`] and places them. Written in the same
    /// transaction as the fill, so a crash between booking and protecting loses nothing.
    pub exits_due: bool,
}

/// A change of an account's open orders (count) and of their unfilled quantity in one symbol
/// and side: reserved before an order reaches the venue, adjusted by every commit after, so
/// `max_open_orders` and the position caps see orders placed by other invocations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Venue symbol.
    pub symbol: String,
    /// The orders' side.
    pub side: Side,
    /// Change in the number of open orders.
    pub orders: i64,
    /// Change in their unfilled quantity.
    pub quantity: Decimal,
}

impl Exposure {
    /// What one new order of `command` reserves.
    #[must_use]
    pub fn of(command: &OrderCommand) -> Self {
        Self { symbol: command.symbol.clone(), side: command.side, orders: 1, quantity: command.quantity }
    }

    /// The change from `before` (`None`: reserved, not committed yet) to `after` for an order
    /// that is `counted`; `None` when nothing changes or the order is not counted.
    #[must_use]
    pub fn change(
        command: &OrderCommand,
        counted: bool,
        before: Option<&ExecutionReport>,
        after: &ExecutionReport,
    ) -> Option<Self> {
        if !counted {
            return None;
        }
        let open = |r: &ExecutionReport| {
            if r.status.is_open() {
                (1, r.leaves_qty)
            } else {
                (0, Decimal::ZERO)
            }
        };
        let (orders_before, qty_before) = before.map_or((1, command.quantity), open);
        let (orders_after, qty_after) = open(after);
        let change = Self {
            orders: orders_after - orders_before,
            quantity: qty_after - qty_before,
            ..Self::of(command)
        };
        (change.orders != 0 || !change.quantity.is_zero()).then_some(change)
    }

    /// The same change undone.
    #[must_use]
    pub fn undone(&self) -> Self {
        Self { orders: -self.orders, quantity: -self.quantity, ..self.clone() }
    }
}

/// The persisted limits a new order must fit in, checked and reserved in one atomic write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// What the order adds.
    pub exposure: Exposure,
    /// Most open orders on the account.
    pub max_open_orders: Option<usize>,
    /// Most orders in a rolling window.
    pub order_rate: Option<RateLimit>,
    /// When the order is sent.
    pub now_ms: u64,
    /// Which limits may refuse the order; it is counted in both either way.
    pub checks: Checks,
    /// The position caps to check again on the position and open quantity as stored at the
    /// moment of the write (`None`: no cap configured, or an order the caps do not refuse).
    pub position_cap: Option<PositionCap>,
}

/// The position caps an order must fit in, checked in the reservation's write: the engine
/// checked them on what it read before, and an order of another invocation may have been
/// reserved or filled since. The position item's version is a condition of the write, the open
/// quantity is in the item the write is conditional on, so two concurrent orders cannot both
/// take the last room under a cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionCap {
    /// The order.
    pub command: OrderCommand,
    /// Its price for notional figures (limit, else stop, else mark).
    pub reference_price: Decimal,
    /// The caps (`position_limit`, `position_limits`); the other limits are not looked at.
    pub limits: RiskLimits,
}

impl PositionCap {
    /// The caps of `limits`, unless none is configured.
    #[must_use]
    pub fn of(limits: &RiskLimits, command: &OrderCommand, reference_price: Decimal) -> Option<Self> {
        let none = limits.position_limit == PositionLimit::default() && limits.position_limits.is_empty();
        let limits = RiskLimits {
            position_limit: limits.position_limit,
            position_limits: limits.position_limits.clone(),
            ..RiskLimits::default()
        };
        (!none).then(|| Self { command: command.clone(), reference_price, limits })
    }

    /// Checks the order against the position `position_qty` and the open quantity in `state`,
    /// by the core's own position rule.
    ///
    /// # Errors
    /// [`ReserveRefusal::Risk`] naming the cap.
    pub fn check(&self, position_qty: Decimal, state: &RiskState, now_ms: u64) -> Result<(), ReserveRefusal> {
        let command = &self.command;
        let open_qty_same_side = state
            .open_qty
            .iter()
            .filter(|(symbol, side, _)| *symbol == command.symbol && *side == command.side)
            .map(|(_, side, qty)| side.sign() * *qty)
            .sum();
        let request = RiskRequest {
            command,
            reference_price: self.reference_price,
            position_qty,
            open_qty_same_side,
            open_orders: 0,
            total_pnl: Decimal::ZERO,
        };
        RiskEngine::new(self.limits.clone()).check(&request, now_ms).map_err(ReserveRefusal::Risk)
    }
}

/// Which persisted limits a reservation is checked against. Every order the platform sends is
/// counted in the open orders and the order rate; not every one may be refused by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// A new order (an entry, a manual order): both limits.
    All,
    /// A replacement (amend, a trailing stop moved): the order rate only, since the order it
    /// replaces frees its open-order slot in the same venue request.
    RateOnly,
    /// A protective exit of a position that has filled: counted, never refused, because
    /// refusing it would leave the position without its stop, the opposite of what the limits
    /// are for (it only reduces exposure, and at most two come per filled entry).
    None,
}

/// Why a reservation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReserveRefusal {
    /// The account already has this many open orders.
    MaxOpenOrders(u64),
    /// The window already holds the most orders allowed.
    OrderRate(RateLimit),
    /// The claim is no longer the caller's: it must not place.
    ClaimLost,
    /// A position cap, on the position and open quantity as stored now.
    Risk(RiskDenial),
}

impl RiskState {
    /// The order times still inside `rate`'s window at `now_ms`, oldest first.
    #[must_use]
    pub fn recent_orders(&self, rate: RateLimit, now_ms: u64) -> Vec<u64> {
        self.order_stamps.iter().copied().filter(|t| t.saturating_add(rate.window_ms) > now_ms).collect()
    }

    /// Checks `reservation` against this state; the order times to store when it fits.
    ///
    /// # Errors
    /// The [`ReserveRefusal`] naming the limit reached.
    pub fn admit(&self, reservation: &Reservation) -> Result<Vec<u64>, ReserveRefusal> {
        let checks = reservation.checks;
        if let (Some(max), Checks::All) = (reservation.max_open_orders, checks) {
            if self.open_orders >= max as u64 {
                return Err(ReserveRefusal::MaxOpenOrders(self.open_orders));
            }
        }
        let Some(rate) = reservation.order_rate else { return Ok(Vec::new()) };
        let mut stamps = self.recent_orders(rate, reservation.now_ms);
        if stamps.len() >= rate.max_orders as usize && checks != Checks::None {
            return Err(ReserveRefusal::OrderRate(rate));
        }
        stamps.push(reservation.now_ms);
        Ok(stamps)
    }
}

/// The state a commit expects the stored order to be in (the condition of its write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Claimed and not yet committed: the first report of a placement.
    Uncommitted,
    /// Committed `version` times: a later change (pending cancel, canceled, a late fill).
    Version(u64),
}

impl Expect {
    /// The version the order has after a commit under this condition.
    #[must_use]
    pub const fn next_version(self) -> u64 {
        match self {
            Self::Uncommitted => 1,
            Self::Version(v) => v + 1,
        }
    }

    /// Whether `stored` is in the state this condition expects.
    #[must_use]
    pub fn holds_for(self, stored: &StoredOrder) -> bool {
        match self {
            Self::Uncommitted => stored.report.is_none(),
            Self::Version(v) => stored.report.is_some() && stored.version == v,
        }
    }
}

/// A position as stored, with the version its next write must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPosition {
    /// The position's figures.
    pub position: Position,
    /// Optimistic-lock version; 0 when not stored yet.
    pub version: u64,
}

/// Why a commit did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitConflict {
    /// Another invocation changed the order first (committed it, or moved its status).
    OrderChanged,
    /// The position changed since it was read: read again and retry.
    PositionChanged,
}

/// The circuit breaker of one account as stored between invocations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RiskState {
    /// Active, reducing or halted.
    pub state: TradingState,
    /// Why it is halted.
    pub halt_reason: Option<HaltReason>,
    /// Exchange errors in a row, across invocations.
    pub consecutive_errors: u32,
    /// The UTC day (days since the epoch) `day_pnl` belongs to.
    pub day: Option<u64>,
    /// Realized PnL net of fees booked during `day`.
    pub day_pnl: Decimal,
    /// Open orders of the account (reserved or working), across invocations.
    pub open_orders: u64,
    /// Their unfilled quantity per symbol and side.
    pub open_qty: Vec<(String, Side, Decimal)>,
    /// Times of the account's recent orders, for the order-rate rule.
    pub order_stamps: Vec<u64>,
    /// Version of `order_stamps` and `open_orders`: reservations are conditional on it.
    pub rate_version: u64,
    /// The paper account's balances per asset (paper trading only; empty otherwise).
    pub paper_balances: Vec<(String, Decimal)>,
}

impl RiskState {
    /// The PnL booked on `day` (zero when the stored figure is from an earlier day).
    #[must_use]
    pub fn pnl_on(&self, day: u64) -> Decimal {
        if self.day == Some(day) {
            self.day_pnl
        } else {
            Decimal::ZERO
        }
    }
}

/// Orders by client order id, positions by (account, symbol) and the breaker by account,
/// written conditionally or atomically so two invocations can never both place or both book
/// the same order, nor lose each other's error counts and losses.
pub trait Store {
    /// The order with this client order id.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn load_order(&mut self, client_order_id: &str) -> Result<Option<StoredOrder>, AwsError>;

    /// Claims the command's client order id for `claim.owner` before anything is sent to the
    /// exchange (a put conditional on the id being new); `false` if it is already claimed.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn claim(&mut self, command: &OrderCommand, claim: &Claim) -> Result<bool, AwsError>;

    /// Takes over the lapsed claim `from` (still uncommitted, same owner and lease) as `to`;
    /// `false` if anyone changed the order first.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn take_over(
        &mut self,
        client_order_id: &str,
        from: Option<&Claim>,
        to: &Claim,
    ) -> Result<bool, AwsError>;

    /// Drops `owner`'s claim on an order that never reached the exchange (denied, throttled),
    /// undoing its reservation (`undo`) if it made one.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn release(
        &mut self,
        client_order_id: &str,
        owner: &str,
        undo: Option<&Exposure>,
    ) -> Result<(), AwsError>;

    /// Sets the paper account's starting balances, for each asset that has none yet.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn init_paper_balances(&mut self, account: &str, balances: &[(String, Decimal)]) -> Result<(), AwsError>;

    /// Checks the account's persisted open orders and order rate for one more order of
    /// `owner`'s claim and reserves its place, atomically, marking the order counted.
    ///
    /// # Errors
    /// `Ok(Err(refusal))` when a limit is reached or the claim is lost; [`AwsError`] if the
    /// store cannot answer.
    fn reserve(
        &mut self,
        account: &str,
        client_order_id: &str,
        owner: &str,
        reservation: &Reservation,
    ) -> Result<Result<(), ReserveRefusal>, AwsError>;

    /// Every order of `account` that may still change: claimed without an outcome, or committed
    /// with an open status.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn working_orders(&mut self, account: &str) -> Result<Vec<StoredOrder>, AwsError>;

    /// Every order of `account` whose last commit left its exits due (see
    /// [`OrderRecord::exits_due`]).
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn unprotected_entries(&mut self, account: &str) -> Result<Vec<StoredOrder>, AwsError>;

    /// The sync's cursor per symbol: the last venue trade (`seq`) it has looked at.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn trade_cursors(&mut self, account: &str) -> Result<HashMap<String, u64>, AwsError>;

    /// Moves the cursor of `symbol` forward to `seq` (never back: a slower concurrent sync
    /// cannot rewind it).
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn advance_cursor(&mut self, account: &str, symbol: &str, seq: u64) -> Result<(), AwsError>;

    /// Every symbol `account` holds a position item in (open or flat): the symbols it has
    /// traded through the platform, whose trade history the sync reads for foreign trades.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn position_symbols(&mut self, account: &str) -> Result<Vec<String>, AwsError>;

    /// The position of `account` in `symbol`.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn load_position(&mut self, account: &str, symbol: &str) -> Result<Option<StoredPosition>, AwsError>;

    /// The account's circuit breaker; `Active` with nothing counted when never set.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn load_risk_state(&mut self, account: &str) -> Result<RiskState, AwsError>;

    /// Halts the account unless it is halted already (the first reason is kept).
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn halt(&mut self, account: &str, reason: HaltReason, now_ms: u64) -> Result<(), AwsError>;

    /// Adds one to the account's consecutive exchange errors, atomically; the new count.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn count_exchange_error(&mut self, account: &str, now_ms: u64) -> Result<u32, AwsError>;

    /// An exchange answer ended the run of errors.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn clear_exchange_errors(&mut self, account: &str, now_ms: u64) -> Result<(), AwsError>;

    /// Adds `delta` to the PnL booked on UTC `day` (starting the day from zero when the stored
    /// figure is older), atomically; the day's new total.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn add_day_pnl(
        &mut self,
        account: &str,
        day: u64,
        delta: Decimal,
        now_ms: u64,
    ) -> Result<Decimal, AwsError>;

    /// Records `record` on its order and `position` (if any fills) in one atomic write,
    /// conditional on the order being as `expect` says and on the position's version.
    ///
    /// # Errors
    /// `Ok(Err(conflict))` when a condition failed; [`AwsError`] if the store cannot answer.
    fn commit(
        &mut self,
        record: &OrderRecord,
        expect: Expect,
        position: Option<&StoredPosition>,
        now_ms: u64,
    ) -> Result<Result<(), CommitConflict>, AwsError>;
}

/// An in-memory [`Store`] for tests and the in-process benchmark.
#[derive(Debug, Default)]
pub struct MemoryStore {
    orders: HashMap<String, StoredOrder>,
    positions: HashMap<(String, String), StoredPosition>,
    risk: HashMap<String, RiskState>,
    cursors: HashMap<String, HashMap<String, u64>>,
    exits_due: std::collections::BTreeSet<String>,
}

impl MemoryStore {
    fn apply_balances(&mut self, account: &str, changes: &[(String, Decimal)]) {
        let risk = self.risk.entry(account.to_owned()).or_default();
        for (asset, delta) in changes {
            match risk.paper_balances.iter_mut().find(|(a, _)| a == asset) {
                Some((_, balance)) => *balance += *delta,
                None => risk.paper_balances.push((asset.clone(), *delta)),
            }
        }
    }

    fn apply_exposure(&mut self, account: &str, change: &Exposure) {
        let risk = self.risk.entry(account.to_owned()).or_default();
        risk.open_orders = risk.open_orders.saturating_add_signed(change.orders);
        let entry = risk
            .open_qty
            .iter_mut()
            .find(|(symbol, side, _)| *symbol == change.symbol && *side == change.side);
        match entry {
            Some((_, _, qty)) => *qty += change.quantity,
            None => risk.open_qty.push((change.symbol.clone(), change.side, change.quantity)),
        }
    }

    /// A copy of the stored order, for inspection.
    #[must_use]
    pub fn clone_order(&self, client_order_id: &str) -> Option<StoredOrder> {
        self.orders.get(client_order_id).cloned()
    }

    /// A copy of the stored position, for inspection.
    #[must_use]
    pub fn clone_position(&self, account: &str, symbol: &str) -> Option<StoredPosition> {
        self.positions.get(&(account.to_owned(), symbol.to_owned())).cloned()
    }

    /// A copy of the account's breaker, for inspection.
    #[must_use]
    pub fn clone_risk_state(&self, account: &str) -> RiskState {
        self.risk.get(account).cloned().unwrap_or_default()
    }

    /// Sets the trading state as the halt/resume API does; resuming clears the reason and the
    /// error count, not the day's PnL.
    pub fn set_trading_state(&mut self, account: &str, state: TradingState) {
        let risk = self.risk.entry(account.to_owned()).or_default();
        risk.state = state;
        if state == TradingState::Halted {
            risk.halt_reason.get_or_insert(HaltReason::Manual);
        } else {
            risk.halt_reason = None;
            risk.consecutive_errors = 0;
        }
    }
}

impl Store for MemoryStore {
    fn load_order(&mut self, client_order_id: &str) -> Result<Option<StoredOrder>, AwsError> {
        Ok(self.orders.get(client_order_id).cloned())
    }

    fn claim(&mut self, command: &OrderCommand, claim: &Claim) -> Result<bool, AwsError> {
        if self.orders.contains_key(&command.client_order_id) {
            return Ok(false);
        }
        let stored = StoredOrder {
            command: command.clone(),
            claim: Some(claim.clone()),
            counted: false,
            version: 0,
            report: None,
            trade_ids: Vec::new(),
            refusal: None,
        };
        self.orders.insert(command.client_order_id.clone(), stored);
        Ok(true)
    }

    fn take_over(
        &mut self,
        client_order_id: &str,
        from: Option<&Claim>,
        to: &Claim,
    ) -> Result<bool, AwsError> {
        match self.orders.get_mut(client_order_id) {
            Some(order) if order.report.is_none() && order.claim.as_ref() == from => {
                order.claim = Some(to.clone());
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn release(
        &mut self,
        client_order_id: &str,
        owner: &str,
        undo: Option<&Exposure>,
    ) -> Result<(), AwsError> {
        let held_by_owner =
            |o: &StoredOrder| o.report.is_none() && o.claim.as_ref().is_some_and(|c| c.owner == owner);
        if self.orders.get(client_order_id).is_some_and(held_by_owner) {
            let account = self.orders[client_order_id].command.account.clone();
            self.orders.remove(client_order_id);
            if let Some(undo) = undo {
                self.apply_exposure(&account, undo);
            }
        }
        Ok(())
    }

    fn init_paper_balances(&mut self, account: &str, balances: &[(String, Decimal)]) -> Result<(), AwsError> {
        let risk = self.risk.entry(account.to_owned()).or_default();
        for (asset, amount) in balances {
            if !risk.paper_balances.iter().any(|(a, _)| a == asset) {
                risk.paper_balances.push((asset.clone(), *amount));
            }
        }
        Ok(())
    }

    fn reserve(
        &mut self,
        account: &str,
        client_order_id: &str,
        owner: &str,
        reservation: &Reservation,
    ) -> Result<Result<(), ReserveRefusal>, AwsError> {
        let held = self
            .orders
            .get(client_order_id)
            .is_some_and(|o| o.report.is_none() && o.claim.as_ref().is_some_and(|c| c.owner == owner));
        if !held {
            return Ok(Err(ReserveRefusal::ClaimLost));
        }
        let state = self.clone_risk_state(account);
        if let Some(cap) = &reservation.position_cap {
            let position = self.positions.get(&(account.to_owned(), cap.command.symbol.clone()));
            let qty = position.map_or(Decimal::ZERO, |p| p.position.quantity());
            if let Err(refusal) = cap.check(qty, &state, reservation.now_ms) {
                return Ok(Err(refusal));
            }
        }
        let stamps = match state.admit(reservation) {
            Ok(stamps) => stamps,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let risk = self.risk.entry(account.to_owned()).or_default();
        risk.order_stamps = stamps;
        risk.rate_version += 1;
        self.apply_exposure(account, &reservation.exposure);
        if let Some(order) = self.orders.get_mut(client_order_id) {
            order.counted = true;
        }
        Ok(Ok(()))
    }

    fn position_symbols(&mut self, account: &str) -> Result<Vec<String>, AwsError> {
        let mut symbols: Vec<String> =
            self.positions.keys().filter(|(a, _)| a == account).map(|(_, s)| s.clone()).collect();
        symbols.sort();
        Ok(symbols)
    }

    fn load_position(&mut self, account: &str, symbol: &str) -> Result<Option<StoredPosition>, AwsError> {
        Ok(self.positions.get(&(account.to_owned(), symbol.to_owned())).cloned())
    }

    fn working_orders(&mut self, account: &str) -> Result<Vec<StoredOrder>, AwsError> {
        let mut orders: Vec<StoredOrder> = self
            .orders
            .values()
            .filter(|o| o.command.account == account && o.report.as_ref().is_none_or(|r| r.status.is_open()))
            .cloned()
            .collect();
        orders.sort_by(|a, b| a.command.client_order_id.cmp(&b.command.client_order_id));
        Ok(orders)
    }

    fn unprotected_entries(&mut self, account: &str) -> Result<Vec<StoredOrder>, AwsError> {
        Ok(self
            .exits_due
            .iter()
            .filter_map(|id| self.orders.get(id))
            .filter(|o| o.command.account == account)
            .cloned()
            .collect())
    }

    fn trade_cursors(&mut self, account: &str) -> Result<HashMap<String, u64>, AwsError> {
        Ok(self.cursors.get(account).cloned().unwrap_or_default())
    }

    fn advance_cursor(&mut self, account: &str, symbol: &str, seq: u64) -> Result<(), AwsError> {
        let cursor =
            self.cursors.entry(account.to_owned()).or_default().entry(symbol.to_owned()).or_default();
        *cursor = (*cursor).max(seq);
        Ok(())
    }

    fn load_risk_state(&mut self, account: &str) -> Result<RiskState, AwsError> {
        Ok(self.clone_risk_state(account))
    }

    fn halt(&mut self, account: &str, reason: HaltReason, _now_ms: u64) -> Result<(), AwsError> {
        let risk = self.risk.entry(account.to_owned()).or_default();
        if risk.state != TradingState::Halted {
            risk.state = TradingState::Halted;
            risk.halt_reason = Some(reason);
        }
        Ok(())
    }

    fn count_exchange_error(&mut self, account: &str, _now_ms: u64) -> Result<u32, AwsError> {
        let risk = self.risk.entry(account.to_owned()).or_default();
        risk.consecutive_errors += 1;
        Ok(risk.consecutive_errors)
    }

    fn clear_exchange_errors(&mut self, account: &str, _now_ms: u64) -> Result<(), AwsError> {
        self.risk.entry(account.to_owned()).or_default().consecutive_errors = 0;
        Ok(())
    }

    fn add_day_pnl(
        &mut self,
        account: &str,
        day: u64,
        delta: Decimal,
        _now_ms: u64,
    ) -> Result<Decimal, AwsError> {
        let risk = self.risk.entry(account.to_owned()).or_default();
        risk.day_pnl = risk.pnl_on(day) + delta;
        risk.day = Some(day);
        Ok(risk.day_pnl)
    }

    fn commit(
        &mut self,
        record: &OrderRecord,
        expect: Expect,
        position: Option<&StoredPosition>,
        _now_ms: u64,
    ) -> Result<Result<(), CommitConflict>, AwsError> {
        let report = &record.report;
        let Some(order) = self.orders.get_mut(&report.client_order_id).filter(|o| expect.holds_for(o)) else {
            return Ok(Err(CommitConflict::OrderChanged));
        };
        let key = (report.account.clone(), report.symbol.clone());
        if let Some(next) = position {
            let current = self.positions.get(&key).map_or(0, |p| p.version);
            if current + 1 != next.version {
                return Ok(Err(CommitConflict::PositionChanged));
            }
            // Keep what DynamoDB keeps: the figures, not the engine's recent trade ids (the
            // conditional commit is what stops a fill being booked twice across invocations).
            let figures = serde_json::to_value(&next.position)
                .and_then(serde_json::from_value)
                .map_err(|e| AwsError { kind: "MalformedItem".into(), message: e.to_string() })?;
            self.positions.insert(key, StoredPosition { position: figures, version: next.version });
        }
        order.report = Some(report.clone());
        order.version = expect.next_version();
        order.trade_ids.clone_from(&record.trade_ids);
        order.refusal.clone_from(&record.refusal);
        if record.exits_due {
            self.exits_due.insert(report.client_order_id.clone());
        } else {
            self.exits_due.remove(&report.client_order_id);
        }
        if let Some(change) = &record.exposure {
            self.apply_exposure(&report.account, change);
        }
        self.apply_balances(&report.account, &record.balances);
        Ok(Ok(()))
    }
}

/// One [`MemoryStore`] shared by several handlers: concurrent invocations (threads) of the
/// function over one table, in tests.
#[derive(Debug, Default, Clone)]
pub struct SharedMemoryStore(Arc<Mutex<MemoryStore>>);

impl SharedMemoryStore {
    /// The shared store, locked (for inspection or seeding).
    pub fn lock(&self) -> MutexGuard<'_, MemoryStore> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for SharedMemoryStore {
    fn load_order(&mut self, client_order_id: &str) -> Result<Option<StoredOrder>, AwsError> {
        self.lock().load_order(client_order_id)
    }

    fn claim(&mut self, command: &OrderCommand, claim: &Claim) -> Result<bool, AwsError> {
        self.lock().claim(command, claim)
    }

    fn take_over(
        &mut self,
        client_order_id: &str,
        from: Option<&Claim>,
        to: &Claim,
    ) -> Result<bool, AwsError> {
        self.lock().take_over(client_order_id, from, to)
    }

    fn release(
        &mut self,
        client_order_id: &str,
        owner: &str,
        undo: Option<&Exposure>,
    ) -> Result<(), AwsError> {
        self.lock().release(client_order_id, owner, undo)
    }

    fn reserve(
        &mut self,
        account: &str,
        client_order_id: &str,
        owner: &str,
        reservation: &Reservation,
    ) -> Result<Result<(), ReserveRefusal>, AwsError> {
        self.lock().reserve(account, client_order_id, owner, reservation)
    }

    fn init_paper_balances(&mut self, account: &str, balances: &[(String, Decimal)]) -> Result<(), AwsError> {
        self.lock().init_paper_balances(account, balances)
    }

    fn position_symbols(&mut self, account: &str) -> Result<Vec<String>, AwsError> {
        self.lock().position_symbols(account)
    }

    fn load_position(&mut self, account: &str, symbol: &str) -> Result<Option<StoredPosition>, AwsError> {
        self.lock().load_position(account, symbol)
    }

    fn working_orders(&mut self, account: &str) -> Result<Vec<StoredOrder>, AwsError> {
        self.lock().working_orders(account)
    }

    fn unprotected_entries(&mut self, account: &str) -> Result<Vec<StoredOrder>, AwsError> {
        self.lock().unprotected_entries(account)
    }

    fn trade_cursors(&mut self, account: &str) -> Result<HashMap<String, u64>, AwsError> {
        self.lock().trade_cursors(account)
    }

    fn advance_cursor(&mut self, account: &str, symbol: &str, seq: u64) -> Result<(), AwsError> {
        self.lock().advance_cursor(account, symbol, seq)
    }

    fn load_risk_state(&mut self, account: &str) -> Result<RiskState, AwsError> {
        self.lock().load_risk_state(account)
    }

    fn halt(&mut self, account: &str, reason: HaltReason, now_ms: u64) -> Result<(), AwsError> {
        self.lock().halt(account, reason, now_ms)
    }

    fn count_exchange_error(&mut self, account: &str, now_ms: u64) -> Result<u32, AwsError> {
        self.lock().count_exchange_error(account, now_ms)
    }

    fn clear_exchange_errors(&mut self, account: &str, now_ms: u64) -> Result<(), AwsError> {
        self.lock().clear_exchange_errors(account, now_ms)
    }

    fn add_day_pnl(
        &mut self,
        account: &str,
        day: u64,
        delta: Decimal,
        now_ms: u64,
    ) -> Result<Decimal, AwsError> {
        self.lock().add_day_pnl(account, day, delta, now_ms)
    }

    fn commit(
        &mut self,
        record: &OrderRecord,
        expect: Expect,
        position: Option<&StoredPosition>,
        now_ms: u64,
    ) -> Result<Result<(), CommitConflict>, AwsError> {
        self.lock().commit(record, expect, position, now_ms)
    }
}
