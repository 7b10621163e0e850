//! Order sync: what became of the account's working orders at the venue.
//!
//! A resting limit order fills minutes later, a stop triggers, the venue expires an IOC rest or
//! cancels on its own, an invocation died with its placement's outcome unknown, someone trades
//! the account by hand. `{"action": "sync", "account": ...}` (scheduled, and run by
//! reconciliation) learns all of it:
//!
//! 1. **Reads first.** Each working order is looked up by client order id; the trade history of
//!    every symbol the account has a working order, a position item or a cursor in is read from
//!    the stored cursor (`myTrades` `fromId`); the owner of every trade of an order that is not
//!    working is looked up by venue order id. The position items matter: an account whose
//!    orders all filled at placement has no working order and, before its first sync of that
//!    symbol, no cursor, and a trade made behind its back must still be seen. If any read fails the sync
//!    answers `unreachable: true` having changed nothing (a claim it took over is handed back),
//!    so the scheduler counts a miss and retries next run.
//! 2. **Each order's change is one conditional commit**, on the version the sync read: the new
//!    fills (keyed by trade id; a fill already in the order's trade ids is never booked again)
//!    go into the order and the position in one transaction, so two concurrent syncs, or a
//!    sync racing a cancel, book every fill exactly once. A report lists only the fills this
//!    sync booked, so the caller books each once too.
//! 3. **An order stuck `submitted`** (claimed, outcome unknown) is resolved under the claim
//!    rules of [`super::claim`]: only once its lease lapsed (the venue's consistency window has
//!    passed), by taking the claim over; found at the venue, its state is adopted; not found,
//!    it is rejected with "never reached the venue" (the venue refuses nothing later: a
//!    placement sent under that claim is past its `recvWindow`).
//! 4. **A trade of an order the platform never placed** is reported in `foreign_fills`, never
//!    booked into a position.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Instant;

use fks_execution_core::{
    CancelAction, CancelCommand, Decimal, Engine, ExchangeClient, ExchangeError, ExecutionReport,
    ForeignFill, MarketContext, Order, OrderStatus, RiskLimits, SyncAction, SyncCommand, SyncReport,
    VenueOrder, VenueTrade,
};

use super::{claim, exits, Failure, Handler};
use crate::market::MarketData;
use crate::store::{Claim, Expect, Exposure, OrderRecord, Store, StoredOrder};
use crate::venue_call::VenueCall;

/// Why a claimed order that the venue does not know is rejected.
pub const NEVER_REACHED: &str = "never reached the venue";
/// Without a cursor (first sync of a symbol), trades older than this are taken as history
/// from before the platform traded, not looked at one by one.
const FIRST_LOOK_MS: u64 = 86_400_000;
/// Pages of trade history one sync reads per symbol; the cursor carries the rest to the next.
const TRADE_PAGES: usize = 5;

/// Everything the venue said, read before anything is written.
#[derive(Default)]
struct VenueView {
    /// By client order id: the venue's view of each working order looked up.
    orders: HashMap<String, Option<VenueOrder>>,
    /// New trades per symbol since the cursor, oldest first.
    trades: HashMap<String, Vec<VenueTrade>>,
    /// The client order id each other traded order was placed with, by venue order id.
    owners: HashMap<String, Option<String>>,
    /// The mark per symbol, for the reports' positions.
    marks: HashMap<String, Decimal>,
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// Syncs the account with the venue (see the module docs).
    ///
    /// # Errors
    /// `BadRequest` for another account; `TemporaryError` when the store cannot answer. A
    /// venue that cannot be reached is not an error: the report says `unreachable`.
    pub fn sync(&mut self, command: &SyncCommand, now_ms: u64) -> Result<SyncReport, Failure> {
        self.check_account(&command.account)?;
        let started = Instant::now();
        let working = self.store.working_orders(&self.account)?;
        let cursors = self.store.trade_cursors(&self.account)?;
        let mut symbols: BTreeSet<String> = cursors.keys().cloned().collect();
        symbols.extend(self.store.position_symbols(&self.account)?);
        let now = claim::clock(started, now_ms);
        let mut taken = Vec::new();
        let view = match self.read_venue(&working, (symbols, &cursors), now, &mut taken) {
            Ok(view) => view,
            Err(error) => {
                for (id, mine) in &taken {
                    self.lapse(id, mine, now)?;
                }
                eprintln!("sync of {}: venue unreachable, nothing changed: {error}", self.account);
                return Ok(SyncReport::unreachable(&self.account, now_ms));
            }
        };
        let taken: HashMap<String, Claim> = taken.into_iter().collect();
        let mut reports = Vec::new();
        let mut open_orders = 0;
        let mut known_venue_ids = HashSet::new();
        for stored in working {
            let id = stored.command.client_order_id.clone();
            let answer = view.orders.get(&id).cloned().flatten();
            if let Some(venue_id) = answer
                .as_ref()
                .map(|v| v.venue_order_id.clone())
                .or_else(|| stored.report.as_ref().and_then(|r| r.venue_order_id.clone()))
            {
                known_venue_ids.insert(venue_id);
            }
            let looked_up = view.orders.contains_key(&id);
            let changed = match (&stored.report, looked_up) {
                (None, true) if taken.contains_key(&id) => {
                    self.resolve_claim(&stored, answer, &view, now_ms)?
                }
                (Some(_), true) => match answer {
                    Some(venue) => self.apply_venue_view(&stored, venue, &view, now_ms)?,
                    None => None,
                },
                _ => None,
            };
            let status =
                changed.as_ref().map_or_else(|| stored.report.as_ref().map(|r| r.status), |r| Some(r.status));
            // A claim still in flight counts as working.
            if status.is_none_or(fks_execution_core::OrderStatus::is_open) {
                open_orders += 1;
            }
            reports.extend(changed);
        }
        reports.extend(self.cancel_orphaned_siblings(&reports, now_ms)?);
        reports.extend(self.move_trailing_stops(&reports, now_ms));
        self.protect_due(&reports, now_ms);
        let foreign_fills = self.foreign_fills(&view, &known_venue_ids)?;
        for (symbol, trades) in &view.trades {
            if let Some(last) = trades.iter().map(|t| t.seq).max() {
                self.store.advance_cursor(&self.account, symbol, last)?;
            }
        }
        Ok(SyncReport {
            action: SyncAction::Sync,
            account: self.account.clone(),
            ts_ms: now_ms,
            reports,
            foreign_fills,
            open_orders,
            unreachable: false,
        })
    }

    /// Phase 1: every read from the venue, the trades of `symbols` (and of the working
    /// orders' symbols) from their `cursors`. Lapsed claims are taken over (into `taken`)
    /// before their order is looked up, so no delivery places it meanwhile.
    fn read_venue(
        &mut self,
        working: &[StoredOrder],
        (mut symbols, cursors): (BTreeSet<String>, &HashMap<String, u64>),
        now_ms: u64,
        taken: &mut Vec<(String, Claim)>,
    ) -> Result<VenueView, Failure> {
        let mut view = VenueView::default();
        let mut working_venue_ids = HashSet::new();
        for stored in working {
            let command = &stored.command;
            symbols.insert(command.symbol.clone());
            if !view.marks.contains_key(&command.symbol) {
                let mark = self.market.mark_price(&command.symbol).map_err(Failure::exchange)?;
                view.marks.insert(command.symbol.clone(), mark);
            }
            if stored.report.is_none() {
                let lapsed = stored.claim.as_ref().is_none_or(|c| now_ms >= c.lease_until_ms);
                let mine = self.new_claim(now_ms);
                let id = &command.client_order_id;
                if !lapsed || !self.store.take_over(id, stored.claim.as_ref(), &mine)? {
                    continue;
                }
                taken.push((id.clone(), mine));
            }
            let market = MarketContext { now_ms, mark_price: view.marks[&command.symbol] };
            let answer = self.exchange.query(command, &market).map_err(Failure::exchange)?;
            working_venue_ids.extend(answer.as_ref().map(|v| v.venue_order_id.clone()));
            working_venue_ids.extend(stored.report.as_ref().and_then(|r| r.venue_order_id.clone()));
            view.orders.insert(command.client_order_id.clone(), answer);
        }
        for symbol in symbols {
            let trades = self.new_trades(&symbol, cursors.get(&symbol).copied(), now_ms)?;
            for trade in &trades {
                let venue_id = &trade.venue_order_id;
                if !working_venue_ids.contains(venue_id) && !view.owners.contains_key(venue_id) {
                    let owner = self.exchange.client_order_id_of(&symbol, venue_id).map_err(venue_error)?;
                    view.owners.insert(venue_id.clone(), owner);
                }
            }
            view.trades.insert(symbol, trades);
        }
        Ok(view)
    }

    /// The trades of `symbol` after `cursor`, a few pages at most.
    fn new_trades(
        &mut self,
        symbol: &str,
        cursor: Option<u64>,
        now_ms: u64,
    ) -> Result<Vec<VenueTrade>, Failure> {
        let Some(mut after) = cursor else {
            let recent = self.exchange.trades(symbol, None).map_err(venue_error)?;
            let since = now_ms.saturating_sub(FIRST_LOOK_MS);
            return Ok(recent.into_iter().filter(|t| t.ts_ms >= since).collect());
        };
        let mut trades = Vec::new();
        for _ in 0..TRADE_PAGES {
            let page = self.exchange.trades(symbol, Some(after)).map_err(venue_error)?;
            let Some(last) = page.iter().map(|t| t.seq).max() else { break };
            after = last;
            trades.extend(page);
        }
        Ok(trades)
    }

    /// Phase 2 for a lapsed claim the sync took over: adopt the venue's order, or reject the
    /// order the venue never received.
    fn resolve_claim(
        &mut self,
        stored: &StoredOrder,
        answer: Option<VenueOrder>,
        view: &VenueView,
        now_ms: u64,
    ) -> Result<Option<ExecutionReport>, Failure> {
        let command = stored.command.clone();
        let claimed_ms = stored.claim.as_ref().map_or(now_ms, |c| c.claimed_ms);
        let mut order = Order::submitted(command, claimed_ms);
        let (report, refusal) = if let Some(venue) = answer {
            (self.updated_report(order, &[], venue, view, now_ms)?, None)
        } else {
            order.reject(NEVER_REACHED, now_ms).map_err(|e| Failure::new("PermanentError", e.to_string()))?;
            (ExecutionReport::new(&order, Vec::new(), None, false, now_ms), Some("PermanentError".into()))
        };
        let exposure = Exposure::change(&stored.command, stored.counted, None, &report);
        let exits_due = exits::exits_due(&stored.command, &report);
        let record =
            OrderRecord { report, trade_ids: Vec::new(), refusal, exposure, balances: Vec::new(), exits_due };
        self.commit_sync(record, Expect::Uncommitted, view, now_ms)
    }

    /// Phase 2 for a committed working order: the venue's view applied, committed if anything
    /// changed.
    fn apply_venue_view(
        &mut self,
        stored: &StoredOrder,
        venue: VenueOrder,
        view: &VenueView,
        now_ms: u64,
    ) -> Result<Option<ExecutionReport>, Failure> {
        let Some(before) = &stored.report else { return Ok(None) };
        let order = Order::restore(stored.command.clone(), before, stored.trade_ids.clone());
        let report = self.updated_report(order, &stored.trade_ids, venue, view, now_ms)?;
        let unchanged = report.fills.is_empty()
            && report.status == before.status
            && report.venue_order_id == before.venue_order_id;
        if unchanged {
            return Ok(None);
        }
        let record = OrderRecord {
            exposure: Exposure::change(&stored.command, stored.counted, Some(before), &report),
            exits_due: exits::exits_due(&stored.command, &report),
            report,
            trade_ids: stored.trade_ids.clone(),
            refusal: stored.refusal.clone(),
            balances: Vec::new(),
        };
        self.commit_sync(record, Expect::Version(stored.version), view, now_ms)
    }

    /// `order` after the venue's `venue` answer, plus the order's trades from the history read;
    /// the report's fills are those not among `booked`.
    fn updated_report(
        &mut self,
        order: Order,
        booked: &[String],
        mut venue: VenueOrder,
        view: &VenueView,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        let id = order.command().client_order_id.clone();
        let symbol = order.command().symbol.clone();
        for trade in view.trades.get(&symbol).into_iter().flatten() {
            let known = venue.fills.iter().any(|f| f.trade_id == trade.trade_id);
            if trade.venue_order_id == venue.venue_order_id && !known {
                venue.fills.push(trade.to_fill(&id));
            }
        }
        let mut engine = Engine::new(
            self.account.clone(),
            RiskLimits::default(),
            VenueCall::new(&mut self.exchange, None),
        );
        engine.restore_order(order);
        let mut report = engine.on_venue_update(&venue, now_ms).map_err(|d| Failure::denial(&d))?;
        report.fills.retain(|f| !booked.contains(&f.trade_id));
        Ok(report)
    }

    /// Commits one order's change from the sync; `None` when another invocation changed the
    /// order first (it reports that change itself).
    fn commit_sync(
        &mut self,
        record: OrderRecord,
        expect: Expect,
        view: &VenueView,
        now_ms: u64,
    ) -> Result<Option<ExecutionReport>, Failure> {
        let symbol = record.report.symbol.clone();
        let mark = view.marks.get(&symbol).copied().unwrap_or_default();
        let position = self.store.load_position(&self.account, &symbol)?;
        let command = record.report.client_order_id.clone();
        let Some((mut report, day_pnl)) = self.commit(record, expect, position, mark, now_ms)? else {
            return Ok(None);
        };
        self.book_day_pnl(day_pnl, now_ms)?;
        // An entry that filled since the last look gets its exits now.
        if let Some(entry) = self.store.load_order(&command)?.map(|s| s.command) {
            report.exits = self.protect_filled(&entry, &report, now_ms);
        }
        Ok(Some(report))
    }

    /// The other leg of every exit pair whose leg filled or triggered in this sync, canceled if
    /// it still works: the one-cancels-the-other of a venue without it (Kraken, the paper
    /// venue). Binance and a Coinbase bracket end the other leg themselves, and this sync has
    /// already stored that (every working order is read and committed before this runs), so
    /// nothing is sent for them.
    ///
    /// Safe however often and however concurrently it runs: the cancel is by the sibling's
    /// client order id and goes through [`Handler::cancel`], whose conditional writes let one
    /// invocation cancel and make a second a no-op (it finds the order pending-cancel or
    /// canceled, or the venue answers that no such order is open and the query stores what it
    /// became). Between the fill and the cancel the sibling can still trigger; on a spot venue
    /// it then cannot sell coins the first leg already sold (Kraken cancels a triggered order
    /// the account cannot pay for), so the position is not sold twice unless the account holds
    /// more of the asset than the position.
    fn cancel_orphaned_siblings(
        &mut self,
        reports: &[ExecutionReport],
        now_ms: u64,
    ) -> Result<Vec<ExecutionReport>, Failure> {
        let mut canceled = Vec::new();
        let acted = |r: &&ExecutionReport| matches!(r.status, OrderStatus::Filled | OrderStatus::Triggered);
        for filled in reports.iter().filter(acted) {
            let Some(sibling) = exits::sibling_of(&filled.client_order_id) else { continue };
            let open =
                self.store.load_order(&sibling)?.and_then(|s| s.report).is_some_and(|r| r.status.is_open());
            if !open {
                continue;
            }
            let command = CancelCommand {
                action: CancelAction::Cancel,
                client_order_id: sibling.clone(),
                account: self.account.clone(),
            };
            match self.cancel(&command, now_ms) {
                Ok(report) => canceled.push(report),
                Err(failure) => eprintln!(
                    "sibling {sibling} of filled {} not canceled: {failure}",
                    filled.client_order_id
                ),
            }
        }
        Ok(canceled)
    }

    /// Every working trailing stop of the account moved after the price, if it went far enough
    /// (a failure is logged: the stop in place still protects, the next sync tries again).
    fn move_trailing_stops(&mut self, changed: &[ExecutionReport], now_ms: u64) -> Vec<ExecutionReport> {
        let working = self.store.working_orders(&self.account).unwrap_or_default();
        let mut moved = Vec::new();
        for stored in working {
            let id = stored.command.client_order_id;
            let trailing = stored.command.protection.is_some_and(|p| p.trailing_stop_pct.is_some());
            if !trailing
                || changed.iter().any(|r| r.client_order_id == id && r.status != OrderStatus::Accepted)
            {
                continue;
            }
            match self.trail(&id, now_ms) {
                Ok(report) => moved.extend(report),
                Err(failure) => eprintln!("trailing stop {id} not moved: {failure}"),
            }
        }
        moved
    }

    /// Every entry left without the exits it asks for (their placement failed, or the
    /// invocation died between booking the fill and placing them; see
    /// [`crate::store::OrderRecord::exits_due`]) protected now, except those this sync has just
    /// tried. Placing is idempotent by the exits' derived ids (a concurrent delivery or sync
    /// finds them claimed), so running this on every sync is safe. A failure is logged: the
    /// fills this sync booked must reach its report, and the next sync tries again.
    fn protect_due(&mut self, tried: &[ExecutionReport], now_ms: u64) {
        let due = match self.store.unprotected_entries(&self.account) {
            Ok(due) => due,
            Err(error) => {
                eprintln!("sync of {}: entries without exits not read: {error}", self.account);
                return;
            }
        };
        for stored in due {
            let id = &stored.command.client_order_id;
            let Some(report) = stored.report.as_ref().filter(|_| stored.refusal.is_none()) else { continue };
            if tried.iter().any(|r| &r.client_order_id == id) {
                continue;
            }
            let exits = self.protect_filled(&stored.command, report, now_ms);
            eprintln!(
                "sync of {}: {} exits placed for {id}, whose exits were due",
                self.account,
                exits.len()
            );
        }
    }

    /// The new trades of orders the platform never placed.
    fn foreign_fills(
        &mut self,
        view: &VenueView,
        working_venue_ids: &HashSet<String>,
    ) -> Result<Vec<ForeignFill>, Failure> {
        let mut foreign = Vec::new();
        for trade in view.trades.values().flatten() {
            if working_venue_ids.contains(&trade.venue_order_id) {
                continue;
            }
            let ours = match view.owners.get(&trade.venue_order_id).cloned().flatten() {
                Some(client_order_id) => self.store.load_order(&client_order_id)?.is_some(),
                None => false,
            };
            if !ours {
                foreign.push(ForeignFill::from(trade));
            }
        }
        Ok(foreign)
    }
}

/// A venue read that failed: the sync stops before writing anything.
fn venue_error(error: ExchangeError) -> Failure {
    Failure::exchange(error)
}
