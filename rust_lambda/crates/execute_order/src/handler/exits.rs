//! Protective exits: the stop-loss and take-profit an order's `protection` asks for, placed on
//! the venue once the entry has filled (at its placement, or at the sync that learns the fill).
//!
//! * stop and take profit together: one OCO (Binance `orderList/oco`: `LIMIT_MAKER` take
//!   profit and `STOP_LOSS_LIMIT` stop for a long, mirrored for a short), so the venue cancels
//!   one when the other fills and the position's quantity is never sold twice;
//! * only one of them: a `STOP_LOSS_LIMIT` or a `TAKE_PROFIT_LIMIT`;
//! * prices in percent of the entry's average fill price, as the backtester's `stop_loss_pct` /
//!   `take_profit_pct`, on the instrument's tick (rounded away from the entry for a stop); a
//!   stop's limit sits [`STOP_LIMIT_BUFFER_PCT`] beyond its trigger so a fast move still fills.
//!
//! Each exit is an order of its own in the orders table, with a client order id derived from
//! the entry's (`<entry>-sl`, `-tp`, list `-oco`, a trailing stop `-t<n>`), claimed before the
//! venue is called exactly as an entry is (see [`super::claim`]): a retry, a second sync or a
//! concurrent one finds the claims and places nothing again. The sync then tracks the exits
//! like any working order and books their fills into the position.

use fks_execution_core::command::MAX_CLIENT_ORDER_ID_LEN;
use fks_execution_core::{
    AmendAction, AmendCommand, Decimal, Engine, ErrorClass, ExchangeClient, ExecutionReport, ExitKind,
    ExitOrder, Instrument, MarketContext, OcoCommand, Order, OrderCommand, OrderStatus, OrderType,
    Protection, Remainder, RiskLimits, Side, TimeInForce, VenueOrder,
};

use super::{Failure, Handler};
use crate::market::MarketData;
use crate::store::{Checks, Expect, Exposure, OrderRecord, Store};
use crate::venue_call::VenueCall;

/// Placements of one entry's exits tried (the first and those after a refusal, or after a
/// placement that never reached the venue), so a venue that keeps refusing is not asked every
/// sync forever.
const EXIT_ATTEMPTS: usize = 4;

/// Refused moves of one trailing stop skipped over before its next move waits for a later sync.
const MAX_REFUSED_MOVES: usize = 8;

/// The longest suffix an exit id gets (`-tp999`).
const LONGEST_SUFFIX: usize = 6;

/// How far beyond its trigger a stop's limit price sits, in percent.
pub const STOP_LIMIT_BUFFER_PCT: Decimal = Decimal::ONE;

/// The exit's client order id: the entry's with `suffix`, the entry part shortened to a hash
/// when the whole would pass Binance's 36 characters; the same every time.
#[must_use]
pub fn exit_id(entry: &str, suffix: &str) -> String {
    let id = format!("{entry}{suffix}");
    if id.len() <= MAX_CLIENT_ORDER_ID_LEN {
        return id;
    }
    // FNV-1a: stable across builds and platforms, unlike the standard hasher.
    let hash = entry
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    // The same base for every exit of the entry (suffixes up to `-tp999`), so one exit's id
    // names its sibling's.
    let keep = MAX_CLIENT_ORDER_ID_LEN - LONGEST_SUFFIX - 17;
    format!("{}-{hash:016x}{suffix}", &entry[..keep])
}

/// The id of the other leg of the exit pair `client_order_id` belongs to: `-sl` and `-tp`, or a
/// trailing pair's `-t<n>` and `-tp<n>`.
#[must_use]
pub fn sibling_of(client_order_id: &str) -> Option<String> {
    if let Some(base) = client_order_id.strip_suffix("-sl") {
        return Some(format!("{base}-tp"));
    }
    if let Some(base) = client_order_id.strip_suffix("-tp") {
        return Some(format!("{base}-sl"));
    }
    // A trailing pair: `-t<n>` and `-tp<n>`.
    let (base, tail) = client_order_id.rsplit_once("-t")?;
    match tail.strip_prefix('p') {
        Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => Some(format!("{base}-t{n}")),
        None if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("{base}-tp{tail}"))
        }
        _ => None,
    }
}

/// Whether `report` leaves its order with a quantity to protect: something filled and nothing
/// working any more (filled; or canceled or expired after a partial fill). Exits cover what
/// filled, once the entry stops changing, so a pair is never resized while the entry works.
#[must_use]
pub fn protectable(report: &ExecutionReport) -> bool {
    report.filled_qty > Decimal::ZERO && report.avg_fill_price.is_some() && !report.status.is_open()
}

/// Whether `report` leaves the entry `entry` protectable with none of the exits it asks for in
/// effect (see [`crate::store::OrderRecord::exits_due`]): none listed, or each listed one still
/// unanswered (its placement's outcome unknown: the sync settles it, and places them again should
/// it never have reached the venue) or refused.
#[must_use]
pub fn exits_due(entry: &OrderCommand, report: &ExecutionReport) -> bool {
    // An exit's own protection is its trail, not exits of its own.
    !entry.reduce_only
        && entry.protection.is_some_and(|p| !p.is_empty())
        && protectable(report)
        && report.exits.iter().all(|e| matches!(e.status, OrderStatus::Submitted | OrderStatus::Rejected))
}

fn on_tick(price: Decimal, tick: Decimal, up: bool) -> Decimal {
    let ticks = price / tick;
    (if up { ticks.ceil() } else { ticks.floor() }) * tick
}

fn percent(price: Decimal, pct: Decimal) -> Decimal {
    price * pct / Decimal::ONE_HUNDRED
}

const fn opposite(side: Side) -> Side {
    match side {
        Side::Buy => Side::Sell,
        Side::Sell => Side::Buy,
    }
}

/// The exit orders `entry` asks for after filling `quantity` at `avg`, and the OCO list id when
/// there are two.
fn exit_legs(
    entry: &OrderCommand,
    instrument: &Instrument,
    avg: Decimal,
    quantity: Decimal,
) -> (Vec<(OrderCommand, ExitKind)>, Option<String>) {
    let Some(protection) = entry.protection.filter(|p| !p.is_empty()) else { return (Vec::new(), None) };
    let long = entry.side == Side::Buy;
    let tick = instrument.tick_size;
    let leg = |suffix: &str, order_type, stop_price, price| OrderCommand {
        client_order_id: exit_id(&entry.client_order_id, suffix),
        signal_id: entry.signal_id.clone(),
        account: entry.account.clone(),
        symbol: entry.symbol.clone(),
        side: opposite(entry.side),
        order_type,
        quantity,
        price: Some(price),
        stop_price,
        time_in_force: TimeInForce::Gtc,
        reduce_only: true,
        protection: None,
    };
    let trail = protection.trailing_stop_pct;
    // The tighter of a fixed stop and a trail starts the stop; the trail then moves it.
    let stop_pct = match (protection.stop_loss_pct, trail) {
        (Some(fixed), Some(trailing)) => Some(fixed.min(trailing)),
        (fixed, trailing) => fixed.or(trailing),
    };
    let stop = stop_pct.map(|pct| {
        // Below a long, above a short; the limit a little further, so a gap still fills.
        let trigger = if long { avg - percent(avg, pct) } else { avg + percent(avg, pct) };
        let trigger = on_tick(trigger, tick, !long);
        let buffer = percent(trigger, STOP_LIMIT_BUFFER_PCT);
        let limit = on_tick(if long { trigger - buffer } else { trigger + buffer }, tick, !long);
        let suffix = if trail.is_some() { "-t0" } else { "-sl" };
        let mut stop = leg(suffix, OrderType::StopLimit, Some(trigger), limit);
        // A trailing stop carries its trail, so the sync that moves it needs nothing else.
        stop.protection =
            trail.map(|pct| Protection { trailing_stop_pct: Some(pct), ..Protection::default() });
        stop
    });
    let target = protection.take_profit_pct.map(|pct| {
        let price = if long { avg + percent(avg, pct) } else { avg - percent(avg, pct) };
        on_tick(price, tick, long)
    });
    let stop_kind = if trail.is_some() { ExitKind::TrailingStop } else { ExitKind::StopLoss };
    match (stop, target) {
        (Some(stop), Some(target)) => {
            // One OCO: the take profit rests as a plain limit (LIMIT_MAKER) beside the stop.
            let (take_suffix, list_suffix, stop_kind) = if trail.is_some() {
                ("-tp0", "-o0", ExitKind::TrailingStop)
            } else {
                ("-tp", "-oco", ExitKind::Oco)
            };
            let take = leg(take_suffix, OrderType::Limit, None, target);
            let list = exit_id(&entry.client_order_id, list_suffix);
            (vec![(stop, stop_kind), (take, ExitKind::Oco)], Some(list))
        }
        (stop, target) => {
            let mut legs: Vec<_> = stop.map(|s| (s, stop_kind)).into_iter().collect();
            legs.extend(
                target.map(|t| (leg("-tp", OrderType::TakeProfitLimit, Some(t), t), ExitKind::TakeProfit)),
            );
            (legs, None)
        }
    }
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// Places the exits a filled `entry` asks for, once (a second call finds them claimed and
    /// reports what is stored); the exits as the entry's report lists them.
    ///
    /// # Errors
    /// `TemporaryError` if the store cannot answer.
    pub(super) fn protect(
        &mut self,
        entry: &OrderCommand,
        report: &ExecutionReport,
        now_ms: u64,
    ) -> Result<Vec<ExitOrder>, Failure> {
        let Some(avg) = report.avg_fill_price.filter(|_| protectable(report)) else {
            return Ok(Vec::new());
        };
        let instrument = self.instrument(&entry.symbol)?;
        let mut attempt = 0;
        let (legs, list) = loop {
            // A later attempt's ids derive from `<entry>-r<n>`: the same for every sync, so
            // concurrent or repeated syncs claim (and place) each attempt once.
            let base = match attempt {
                0 => entry.clone(),
                n => OrderCommand {
                    client_order_id: format!("{}-r{n}", entry.client_order_id),
                    ..entry.clone()
                },
            };
            let (legs, list) = exit_legs(&base, &instrument, avg, report.filled_qty);
            let Some((first, _)) = legs.first() else { return Ok(Vec::new()) };
            let refused = self
                .store
                .load_order(&first.client_order_id)?
                .and_then(|o| o.report)
                .is_some_and(|r| r.status == OrderStatus::Rejected && r.filled_qty.is_zero());
            if !refused || attempt + 1 == EXIT_ATTEMPTS {
                break (legs, list);
            }
            attempt += 1;
        };
        // Placed again only while the position still holds what they cover: a closing order
        // may have sold it since the entry filled.
        if attempt > 0 && !self.still_held(&legs[0].0)? {
            return Ok(Vec::new());
        }
        let reports = self.place_exits(&legs, list.as_deref(), now_ms)?;
        Ok(legs
            .iter()
            .zip(reports)
            .map(|((leg, kind), report)| ExitOrder::from_report(*kind, &report, leg.stop_price, leg.price))
            .collect())
    }

    /// Claims every leg, sends them (one order, or one OCO list) and commits each leg's answer.
    pub(super) fn place_exits(
        &mut self,
        legs: &[(OrderCommand, ExitKind)],
        list: Option<&str>,
        now_ms: u64,
    ) -> Result<Vec<ExecutionReport>, Failure> {
        let claim = self.new_claim(now_ms);
        let mut claimed: Vec<String> = Vec::new();
        for (leg, _) in legs {
            if !self.store.claim(leg, &claim)? {
                // Placed (or being placed) by an earlier call: give back what this call took.
                for id in &claimed {
                    self.store.release(id, &claim.owner, None)?;
                }
                return legs.iter().map(|(leg, _)| self.exit_as_stored(leg, now_ms)).collect();
            }
            claimed.push(leg.client_order_id.clone());
        }
        let commands: Vec<OrderCommand> = legs.iter().map(|(leg, _)| leg.clone()).collect();
        // Counted like any order the venue works (never refused: see `Checks::None`), so the
        // next entry sees the exits in `max_open_orders` and the order rate.
        for (index, leg) in commands.iter().enumerate() {
            if let Err(failure) = self.reserve_order(leg, &claim.owner, Checks::None, now_ms) {
                for (counted, id) in claimed.iter().enumerate() {
                    let undo = (counted < index).then(|| Exposure::of(&commands[counted]).undone());
                    self.store.release(id, &claim.owner, undo.as_ref())?;
                }
                return Err(failure);
            }
        }
        let mark = self.market.mark_price(&commands[0].symbol).map_err(Failure::exchange)?;
        let market = MarketContext { now_ms, mark_price: mark };
        let answer = match (list, commands.as_slice()) {
            (Some(list), [stop, take]) => {
                let oco = OcoCommand {
                    list_client_order_id: list.to_owned(),
                    stop: stop.clone(),
                    take_profit: take.clone(),
                };
                self.exchange.place_oco(&oco, &market)
            }
            _ => self.exchange.place(&commands[0], &market).map(|v| vec![v]),
        };
        let venues = match answer {
            Ok(venues) => venues,
            // Unknown outcome: the claims stay, and the sync settles each leg by its id.
            Err(error) if error.class == ErrorClass::Retryable => {
                eprintln!(
                    "exits of {}: outcome unknown, left to the sync: {error}",
                    commands[0].client_order_id
                );
                return commands.iter().map(|leg| Ok(unanswered(leg, now_ms))).collect();
            }
            // Throttled before the venue took it: nothing placed, nothing claimed or counted.
            Err(error) if error.class == ErrorClass::RateLimited => {
                for leg in &commands {
                    let undo = Exposure::of(leg).undone();
                    self.store.release(&leg.client_order_id, &claim.owner, Some(&undo))?;
                }
                return Err(Failure::exchange(error));
            }
            Err(error) => {
                let mut reports = Vec::new();
                for leg in &commands {
                    let mut order = Order::submitted(leg.clone(), now_ms);
                    order
                        .reject(error.message.clone(), now_ms)
                        .map_err(|e| Failure::new("PermanentError", e.to_string()))?;
                    let report = ExecutionReport::new(&order, Vec::new(), None, false, now_ms);
                    let refusal = Some(error.class.error_name().to_owned());
                    reports.push(self.commit_exit(leg, report, refusal, mark, now_ms)?);
                }
                return Ok(reports);
            }
        };
        let mut reports = Vec::new();
        for (leg, venue) in commands.iter().zip(venues) {
            let report = self.venue_report(Order::submitted(leg.clone(), now_ms), &venue, now_ms)?;
            reports.push(self.commit_exit(leg, report, None, mark, now_ms)?);
        }
        Ok(reports)
    }

    /// Commits the first report of the exit `leg` (counted when it was claimed).
    fn commit_exit(
        &mut self,
        leg: &OrderCommand,
        report: ExecutionReport,
        refusal: Option<String>,
        mark: Decimal,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        let id = report.client_order_id.clone();
        let position = self.store.load_position(&self.account, &report.symbol)?;
        let exposure = Exposure::change(leg, true, None, &report);
        let record = OrderRecord {
            report,
            trade_ids: Vec::new(),
            refusal,
            exposure,
            balances: Vec::new(),
            exits_due: false,
        };
        match self.commit(record, Expect::Uncommitted, position, mark, now_ms)? {
            Some((report, day_pnl)) => {
                self.book_day_pnl(day_pnl, now_ms)?;
                Ok(report)
            }
            None => self.exit_as_stored_id(&id, now_ms),
        }
    }

    fn exit_as_stored(&mut self, leg: &OrderCommand, now_ms: u64) -> Result<ExecutionReport, Failure> {
        self.exit_as_stored_id(&leg.client_order_id, now_ms)
    }

    fn exit_as_stored_id(&mut self, id: &str, now_ms: u64) -> Result<ExecutionReport, Failure> {
        let stored = self.store.load_order(id)?;
        Ok(match stored {
            Some(stored) => match stored.report {
                Some(mut report) => {
                    report.fills.clear();
                    report
                }
                None => unanswered(&stored.command, now_ms),
            },
            None => return Err(Failure::new("TemporaryError", format!("exit {id} vanished; retry"))),
        })
    }

    /// `order` after the venue's answer `venue`.
    pub(super) fn venue_report(
        &mut self,
        order: Order,
        venue: &VenueOrder,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        let mut engine = Engine::new(
            self.account.clone(),
            RiskLimits::default(),
            VenueCall::new(&mut self.exchange, None),
        );
        engine.restore_order(order);
        engine.on_venue_update(venue, now_ms).map_err(|d| Failure::denial(&d))
    }

    /// Writes `exits` into the stored report of the entry `id` (no fill booked again).
    pub(super) fn attach_exits(&mut self, id: &str, exits: &[ExitOrder], now_ms: u64) -> Result<(), Failure> {
        for _ in 0..3 {
            let Some(stored) = self.store.load_order(id)? else { return Ok(()) };
            let Some(mut report) = stored.report else { return Ok(()) };
            report.fills.clear();
            report.exits = exits.to_vec();
            let record = OrderRecord {
                exits_due: exits_due(&stored.command, &report),
                report,
                trade_ids: stored.trade_ids,
                refusal: stored.refusal,
                exposure: None,
                balances: Vec::new(),
            };
            if self.store.commit(&record, Expect::Version(stored.version), None, now_ms)?.is_ok() {
                return Ok(());
            }
        }
        Err(Failure::new("TemporaryError", format!("order {id} kept changing while its exits were recorded")))
    }
}

/// The id of the trailing stop `id` (`<entry>-t<n>`) moved once more: `-t<n+1>`, shortened
/// at its base when the number grows a digit past 36 characters.
#[must_use]
pub fn next_trailing_id(id: &str) -> Option<String> {
    let (base, n) = id.rsplit_once("-t")?;
    let next = n.parse::<u32>().ok()? + 1;
    let suffix = format!("-t{next}");
    let keep = base.len().min(MAX_CLIENT_ORDER_ID_LEN - suffix.len());
    Some(format!("{}{suffix}", &base[..keep]))
}

/// The next ids of the trailing pair whose stop is `id`: stop, take profit and list.
fn next_pair_ids(id: &str) -> Option<(String, String, String)> {
    let (base, n) = id.rsplit_once("-t")?;
    let next = n.parse::<u32>().ok()? + 1;
    let longest = format!("-tp{next}");
    let base = &base[..base.len().min(MAX_CLIENT_ORDER_ID_LEN - longest.len())];
    Some((format!("{base}-t{next}"), format!("{base}{longest}"), format!("{base}-o{next}")))
}

/// Where a trailing stop's trigger belongs after the price reached `best`: `pct` behind it, on
/// the tick, and the limit [`STOP_LIMIT_BUFFER_PCT`] beyond.
fn trailed(stop_side: Side, best: Decimal, pct: Decimal, tick: Decimal) -> (Decimal, Decimal) {
    let long = stop_side == Side::Sell;
    let trigger =
        on_tick(if long { best - percent(best, pct) } else { best + percent(best, pct) }, tick, !long);
    let buffer = percent(trigger, STOP_LIMIT_BUFFER_PCT);
    (trigger, on_tick(if long { trigger - buffer } else { trigger + buffer }, tick, !long))
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// Moves the working trailing stop `id` (cancel-replace to its next id) when the price went
    /// its position's way since it was placed far enough to raise (lower, for a short) its
    /// trigger; the new stop's report, `None` when it stays.
    ///
    /// # Errors
    /// `TemporaryError` if the store or the venue cannot answer.
    pub(super) fn trail(&mut self, id: &str, now_ms: u64) -> Result<Option<ExecutionReport>, Failure> {
        let Some(stored) = self.store.load_order(id)? else { return Ok(None) };
        let command = stored.command;
        let (Some(report), Some(pct), Some(stop)) =
            (stored.report, command.protection.and_then(|p| p.trailing_stop_pct), command.stop_price)
        else {
            return Ok(None);
        };
        if report.status != OrderStatus::Accepted {
            return Ok(None);
        }
        let ranges =
            self.market.minute_ranges(&command.symbol, report.ts_ms, now_ms).map_err(Failure::exchange)?;
        let mark = self.market.mark_price(&command.symbol).map_err(Failure::exchange)?;
        let long = command.side == Side::Sell;
        let prices = ranges.iter().map(|r| if long { r.high } else { r.low }).chain([mark]);
        let best = if long { prices.max() } else { prices.min() }.unwrap_or(mark);
        let instrument = self.instrument(&command.symbol)?;
        let (mut trigger, mut limit) = trailed(command.side, best, pct, instrument.tick_size);
        // The price already fell back through where the trail from its best belongs: a stop
        // there would trigger at once, which the venue refuses (Binance -2010) after the
        // cancel-replace (or the list's cancel) has taken the old stop away, leaving the
        // position without one. The trail from the mark rests, and still only ever tightens.
        let rests = if long { trigger < mark } else { trigger > mark };
        if !rests {
            (trigger, limit) = trailed(command.side, mark, pct, instrument.tick_size);
        }
        let better = if long { trigger > stop } else { trigger < stop };
        if !better {
            return Ok(None);
        }
        if let Some(take_id) = sibling_of(id) {
            let take = self
                .store
                .load_order(&take_id)?
                .filter(|t| t.report.as_ref().is_some_and(|r| r.status.is_open()));
            if let Some(take) = take {
                let Some(ids) = self.next_move_ids(id, true)? else { return Ok(None) };
                let moved = OrderCommand { stop_price: Some(trigger), price: Some(limit), ..command.clone() };
                return match self.move_pair(&command, &take.command, moved, &ids, now_ms) {
                    Ok(Some(report)) if report.status == OrderStatus::Rejected => {
                        eprintln!("trailing stop {id} not moved: {:?}", report.reason);
                        self.restore_pair(&command, &take.command, now_ms)
                    }
                    // Outcome unknown: the claims stay and the sync settles the legs.
                    Err(failure) if failure.error_type == "TemporaryError" => Err(failure),
                    Err(failure) => {
                        eprintln!("trailing stop {id} not moved: {failure}");
                        self.restore_pair(&command, &take.command, now_ms)
                    }
                    moved => moved,
                };
            }
        }
        let Some(ids) = self.next_move_ids(id, false)? else { return Ok(None) };
        let next_id = ids[0].clone();
        let amend = AmendCommand {
            action: AmendAction::Amend,
            client_order_id: id.to_owned(),
            account: command.account.clone(),
            new_client_order_id: next_id,
            quantity: None,
            price: Some(limit),
            stop_price: Some(trigger),
        };
        match self.amend(&amend, now_ms) {
            Ok(report) => Ok(Some(report)),
            // Outcome unknown: the claim stays and the sync settles both orders.
            Err(failure) if failure.error_type == "TemporaryError" => Err(failure),
            Err(failure) => {
                eprintln!("trailing stop {id} not moved: {failure}");
                self.restore_stop(&command, now_ms)
            }
        }
    }

    /// The ids the next move of the trailing stop `id` takes (stop; with a take profit beside
    /// it, also the take profit's and the list's), past those of earlier moves the venue refused
    /// (a retry under them would be a different order, refused as a reused id, and the stop
    /// would never move again); `None` while an earlier move is in flight or working.
    fn next_move_ids(&mut self, id: &str, pair: bool) -> Result<Option<Vec<String>>, Failure> {
        let mut current = id.to_owned();
        for _ in 0..MAX_REFUSED_MOVES {
            let ids = if pair {
                let Some((stop, take, list)) = next_pair_ids(&current) else { return Ok(None) };
                vec![stop, take, list]
            } else {
                let Some(stop) = next_trailing_id(&current) else { return Ok(None) };
                vec![stop]
            };
            let mut free = true;
            // The list id names no order of its own.
            for leg in ids.iter().take(2) {
                let Some(stored) = self.store.load_order(leg)? else { continue };
                let refused = stored
                    .report
                    .is_some_and(|r| r.status == OrderStatus::Rejected && r.filled_qty.is_zero());
                if !refused {
                    return Ok(None);
                }
                free = false;
            }
            if free {
                return Ok(Some(ids));
            }
            current.clone_from(&ids[0]);
        }
        Ok(None)
    }

    /// After a move the venue refused: the trailing stop `stop` placed again where it was
    /// (never looser), trailing, if the refused cancel-replace took it off the venue (Binance
    /// `-2021`: the cancel went through, the new order did not) and the position still holds
    /// what it covers; otherwise nothing (it still works, or it filled).
    fn restore_stop(&mut self, stop: &OrderCommand, now_ms: u64) -> Result<Option<ExecutionReport>, Failure> {
        let mark = self.market.mark_price(&stop.symbol).map_err(Failure::exchange)?;
        let market = MarketContext { now_ms, mark_price: mark };
        let venue = self.exchange.query(stop, &market).map_err(Failure::exchange)?;
        let gone = venue.is_some_and(|v| v.remainder == Remainder::Canceled && v.fills.is_empty());
        if !gone || !self.still_held(stop)? {
            return Ok(None);
        }
        let Some(ids) = self.next_move_ids(&stop.client_order_id, false)? else { return Ok(None) };
        let leg = OrderCommand { client_order_id: ids[0].clone(), ..stop.clone() };
        let reports = self.place_exits(&[(leg, ExitKind::TrailingStop)], None, now_ms)?;
        Ok(reports.into_iter().next())
    }

    /// After a moved pair the venue refused (its list already canceled and settled): the pair
    /// placed again as it was, if neither leg had filled and the position still holds it.
    fn restore_pair(
        &mut self,
        stop: &OrderCommand,
        take: &OrderCommand,
        now_ms: u64,
    ) -> Result<Option<ExecutionReport>, Failure> {
        for leg in [stop, take] {
            let report = self.store.load_order(&leg.client_order_id)?.and_then(|o| o.report);
            let canceled_unfilled =
                report.is_some_and(|r| r.status == OrderStatus::Canceled && r.filled_qty.is_zero());
            if !canceled_unfilled {
                return Ok(None);
            }
        }
        if !self.still_held(stop)? {
            return Ok(None);
        }
        let Some(ids) = self.next_move_ids(&stop.client_order_id, true)? else { return Ok(None) };
        let legs = [
            (OrderCommand { client_order_id: ids[0].clone(), ..stop.clone() }, ExitKind::TrailingStop),
            (OrderCommand { client_order_id: ids[1].clone(), ..take.clone() }, ExitKind::Oco),
        ];
        let reports = self.place_exits(&legs, Some(&ids[2]), now_ms)?;
        Ok(reports.into_iter().next())
    }

    /// Whether the position still holds, on the side the exit `exit` sells (buys back), at
    /// least what it covers: a closing order may have sold it meanwhile.
    fn still_held(&mut self, exit: &OrderCommand) -> Result<bool, Failure> {
        let held = self
            .store
            .load_position(&self.account, &exit.symbol)?
            .map_or(Decimal::ZERO, |p| p.position.quantity());
        Ok(match exit.side {
            Side::Sell => held >= exit.quantity,
            Side::Buy => -held >= exit.quantity,
        })
    }

    /// Moves a trailing stop that has a take profit beside it in one OCO: the list is canceled
    /// and placed again with the moved stop (an OCO leg cannot be replaced alone; between the
    /// two requests the position is briefly without exits).
    fn move_pair(
        &mut self,
        stop: &OrderCommand,
        take: &OrderCommand,
        moved: OrderCommand,
        ids: &[String],
        now_ms: u64,
    ) -> Result<Option<ExecutionReport>, Failure> {
        let [stop_id, take_id, list_id] = ids else { return Ok(None) };
        let mark = self.market.mark_price(&stop.symbol).map_err(Failure::exchange)?;
        let market = MarketContext { now_ms, mark_price: mark };
        let old =
            OcoCommand { list_client_order_id: String::new(), stop: stop.clone(), take_profit: take.clone() };
        let canceled = self.exchange.cancel_oco(&old, &market).map_err(Failure::exchange)?;
        for (leg, venue) in [stop, take].into_iter().zip(canceled) {
            let Some(stored) = self.store.load_order(&leg.client_order_id)? else { continue };
            let Some(before) = stored.report else { continue };
            let order = Order::restore(leg.clone(), &before, stored.trade_ids.clone());
            let report = self.venue_report(order, &venue, now_ms)?;
            let record = OrderRecord {
                exposure: Exposure::change(leg, stored.counted, Some(&before), &report),
                report,
                trade_ids: stored.trade_ids,
                refusal: None,
                balances: Vec::new(),
                exits_due: false,
            };
            let position = self.store.load_position(&self.account, &leg.symbol)?;
            if let Some((_, pnl)) =
                self.commit(record, Expect::Version(stored.version), position, mark, now_ms)?
            {
                self.book_day_pnl(pnl, now_ms)?;
            }
        }
        let legs = [
            (OrderCommand { client_order_id: stop_id.clone(), ..moved }, ExitKind::TrailingStop),
            (OrderCommand { client_order_id: take_id.clone(), ..take.clone() }, ExitKind::Oco),
        ];
        let reports = self.place_exits(&legs, Some(list_id), now_ms)?;
        Ok(reports.into_iter().next())
    }
}

/// The report of an exit whose placement's outcome is not known yet.
fn unanswered(leg: &OrderCommand, now_ms: u64) -> ExecutionReport {
    ExecutionReport::new(&Order::submitted(leg.clone(), now_ms), Vec::new(), None, false, now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_ids_fit_binance_and_name_their_sibling() {
        let long = "sig-0123456789abcdef0123456789abcdef";
        let id = exit_id(long, "-oco");

        assert_eq!(exit_id("sig-1", "-sl"), "sig-1-sl");
        assert!(id.len() <= MAX_CLIENT_ORDER_ID_LEN, "{id}");
        assert_eq!(id, exit_id(long, "-oco"), "the same every time");
        assert_ne!(exit_id(long, "-sl"), exit_id(&long.replace('f', "e"), "-sl"));
        assert_eq!(sibling_of("sig-1-sl").as_deref(), Some("sig-1-tp"));
        assert_eq!(sibling_of("sig-1-tp").as_deref(), Some("sig-1-sl"));
        assert_eq!(sibling_of("sig-1"), None);
        assert_eq!(sibling_of("sig-1-t3").as_deref(), Some("sig-1-tp3"));
        assert_eq!(sibling_of("sig-1-tp3").as_deref(), Some("sig-1-t3"));
        assert_eq!(sibling_of("sig-test"), None);
        let stop = exit_id(long, "-t0");
        assert_eq!(sibling_of(&stop), Some(exit_id(long, "-tp0")), "hashed ids share their base");
    }

    #[test]
    fn a_trailing_stop_moves_to_its_next_id_within_36_characters() {
        let base = "a".repeat(33);

        assert_eq!(next_trailing_id("sig-1-t0").as_deref(), Some("sig-1-t1"));
        assert_eq!(next_trailing_id(&format!("{base}-t9")).map(|id| id.len()), Some(36));
        assert_eq!(next_trailing_id("sig-1-sl"), None);
    }
}
