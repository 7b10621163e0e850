//! A closing order over resting protective exits: the exits go first.
//!
//! A venue locks what a resting order may need (Binance: the base asset under a sell, once for
//! both legs of an OCO), so a strategy's sell while its long's stop and take profit rest would
//! be refused for insufficient balance: with exits, a position could never be closed by its
//! own signal. Before a new order that reduces a position, its working exits (reduce-only
//! orders on the closing side, in the same symbol) are canceled through [`Handler::cancel`] and
//! settled in the store, freeing their coins and their open-order slots; then the order is
//! placed as sent.
//!
//! Idempotent under repeated and concurrent delivery, from what the venue guarantees:
//!
//! * this runs before the closing order is claimed, for a new client order id only; a delivery
//!   that finds the order stored resumes or replays it and cancels nothing;
//! * each cancel is [`Handler::cancel`]: pending-cancel, the venue, then the final state, each
//!   step a write conditional on the version read, so two deliveries never book one exit
//!   twice; a repeat finds the exit canceled (its report again) or pending-cancel (the venue
//!   is asked again: a second cancel of a canceled order is refused, and the query after the
//!   refusal reads the final state);
//! * a cancel the venue refuses because the exit already ended (filled, or the OCO's other leg
//!   filled and expired it; Binance cancels a whole list with one leg, and answers unknown
//!   order for the other) is followed by a query of its final state, booked as what it was;
//!   when that took part of what the closing order would sell, the order is stored as refused
//!   (`Conflict`) without reaching the venue, and its retries replay the refusal, so nothing is
//!   sold twice, nor beyond the position;
//! * an exit whose placement is still in flight (claimed, no answer yet) cannot be canceled by
//!   id: the delivery fails as `TemporaryError` and its retry finds it settled.
//!
//! When the closing order leaves part of the position open (it was refused or denied, or it
//! closes only part), the exits are placed again for what remains of the quantity they covered
//! (the close counts as selling that first), as they were (type, prices),
//! with ids derived from the closing order's (`<close>-sl`, `-tp`, list `-oco`; a trailing stop
//! stays trailing, at its last trigger, as `<close>-t0`, `-tp0`, list `-o0`) and claimed like
//! any exit: a retry or the sync places nothing twice.

use fks_execution_core::{
    CancelAction, CancelCommand, Decimal, ExchangeClient, ExecutionReport, ExitKind, Order, OrderCommand,
    OrderStatus, OrderType, Side,
};

use super::exits::exit_id;
use super::{Failure, Handler};
use crate::market::MarketData;
use crate::store::{Expect, OrderRecord, Store};

/// The exits canceled for a closing order: their commands (to place again for what is left)
/// and the position's signed quantity after them.
#[derive(Debug, Default)]
pub(super) struct Cleared {
    exits: Vec<OrderCommand>,
    // What the canceled exits covered (an OCO's legs cover the same quantity once).
    covered: Decimal,
    quantity_before: Decimal,
    quantity_after: Decimal,
}

impl Cleared {
    /// Whether an exit that filled before its cancel took part of what `close` would sell: the
    /// position held the order's quantity before the exits were settled, and no longer does.
    pub(super) fn shrunk_below(&self, close: &OrderCommand) -> bool {
        close.quantity <= self.quantity_before.abs() && close.quantity > self.quantity_after.abs()
    }
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// Cancels and settles the working exits of the position `command` reduces; what was
    /// canceled, `None` when the order reduces nothing or no exit works.
    ///
    /// # Errors
    /// `TemporaryError` if the store or the venue cannot answer, or an exit is still being
    /// placed; nothing of the closing order is stored then, and a retry goes on from here.
    pub(super) fn clear_exits(
        &mut self,
        command: &OrderCommand,
        now_ms: u64,
    ) -> Result<Option<Cleared>, Failure> {
        let Some(position) = self.store.load_position(&self.account, &command.symbol)? else {
            return Ok(None);
        };
        let held = position.position.quantity();
        let reduces = match command.side {
            Side::Sell => held > Decimal::ZERO,
            Side::Buy => held < Decimal::ZERO,
        };
        if !reduces {
            return Ok(None);
        }
        let exits: Vec<_> = self
            .store
            .working_orders(&self.account)?
            .into_iter()
            .filter(|o| {
                o.command.symbol == command.symbol && o.command.side == command.side && o.command.reduce_only
            })
            .collect();
        if exits.is_empty() {
            return Ok(None);
        }
        let mut canceled = Vec::new();
        let mut covered = Decimal::ZERO;
        for exit in exits {
            let id = exit.command.client_order_id.clone();
            if exit.report.is_none() {
                let message = format!("exit {id} is still being placed; retry the order once it is settled");
                return Err(Failure::new("TemporaryError", message));
            }
            let cancel = CancelCommand {
                action: CancelAction::Cancel,
                client_order_id: id,
                account: self.account.clone(),
            };
            match self.cancel(&cancel, now_ms) {
                Ok(_) => {}
                // Ended before the cancel arrived: booked as what it was (filled, expired, or
                // canceled with its list by the other leg's cancel).
                Err(failure) if failure.error_type == "Conflict" => {}
                Err(failure) => return Err(failure),
            }
            let id = &exit.command.client_order_id;
            let after = self.store.load_order(id)?.and_then(|o| o.report);
            if let Some(report) = after.filter(|r| r.status == OrderStatus::Canceled) {
                covered = covered.max(exit.command.quantity - report.filled_qty);
                canceled.push(exit.command);
            }
        }
        let quantity_after = self
            .store
            .load_position(&self.account, &command.symbol)?
            .map_or(Decimal::ZERO, |p| p.position.quantity());
        Ok(Some(Cleared { exits: canceled, covered, quantity_before: held, quantity_after }))
    }

    /// Stores the claimed closing order `close` as refused, sending nothing: an exit filled
    /// first and the position no longer holds what it would sell (selling it anyway would sell
    /// coins the position does not have, or be refused by the venue). A retry replays the
    /// refusal, so the order never sells later either.
    pub(super) fn refuse_shrunk(
        &mut self,
        close: &OrderCommand,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        let id = close.client_order_id.clone();
        let message = format!(
            "an exit filled before order {id} was placed: the position no longer holds its {}, nothing was sold",
            close.quantity
        );
        let mut order = Order::submitted(close.clone(), now_ms);
        order.reject(message.clone(), now_ms).map_err(|e| Failure::new("PermanentError", e.to_string()))?;
        let record = OrderRecord {
            report: ExecutionReport::new(&order, Vec::new(), None, false, now_ms),
            trade_ids: Vec::new(),
            refusal: Some("Conflict".to_owned()),
            exposure: None,
            balances: Vec::new(),
            exits_due: false,
        };
        let mark = self.market.mark_price(&close.symbol).map_err(Failure::exchange)?;
        let position = self.store.load_position(&self.account, &close.symbol)?;
        if self.commit(record, Expect::Uncommitted, position, mark, now_ms)?.is_none() {
            return self.stored_report(&id);
        }
        Err(Failure::new("Conflict", message))
    }

    /// Places the `cleared` exits again for what the closing order `close` left of the part of
    /// the position they covered (nothing when that is sold). A failure is logged: the position is then open
    /// without exits until the strategy or the operator acts.
    pub(super) fn protect_rest(&mut self, close: &OrderCommand, cleared: &Cleared, now_ms: u64) {
        let result = self.store.load_position(&self.account, &close.symbol).map_err(Failure::from);
        let left = match result {
            Ok(position) => position.map_or(Decimal::ZERO, |p| p.position.quantity()),
            Err(failure) => {
                eprintln!("exits after {}: position unreadable: {failure}", close.client_order_id);
                return;
            }
        };
        // Only what is still held on the side the exits protected.
        let same_side = (left > Decimal::ZERO) == (cleared.quantity_after > Decimal::ZERO);
        if left.is_zero() || !same_side || cleared.exits.is_empty() {
            return;
        }
        // The close sold from the protected part first: the rest of the position was never
        // covered by these exits, and is not now.
        let sold = cleared.quantity_after.abs() - left.abs();
        let quantity = left.abs().min(cleared.covered - sold);
        if quantity <= Decimal::ZERO {
            return;
        }
        let (legs, list) = replacement_legs(&close.client_order_id, &cleared.exits, quantity);
        if let Err(failure) = self.place_exits(&legs, list.as_deref(), now_ms) {
            eprintln!("exits after {} not placed again: {failure}", close.client_order_id);
        }
    }
}

/// The canceled `exits` again, for `quantity`, with ids derived from the closing order `close`,
/// and the list id when they are a pair: a pair stays a pair (stop first), a single exit stays
/// single. A trailing stop comes back trailing, at its last trigger (never looser than the trail
/// had brought it), under trailing ids (`-t0`, `-tp0`, list `-o0`) so the sync goes on moving it.
fn replacement_legs(
    close: &str,
    exits: &[OrderCommand],
    quantity: Decimal,
) -> (Vec<(OrderCommand, ExitKind)>, Option<String>) {
    let is_stop = |o: &&OrderCommand| o.order_type == OrderType::StopLimit;
    let stop = exits.iter().find(is_stop);
    let take = exits.iter().find(|o| !is_stop(o));
    let paired = stop.is_some() && take.is_some();
    let trailing = stop.is_some_and(|s| s.protection.is_some_and(|p| p.trailing_stop_pct.is_some()));
    let (stop_suffix, take_suffix, list_suffix) =
        if trailing { ("-t0", "-tp0", "-o0") } else { ("-sl", "-tp", "-oco") };
    let leg = |exit: &OrderCommand, suffix: &str| OrderCommand {
        client_order_id: exit_id(close, suffix),
        quantity,
        // A trailing stop's protection is its trail; no other exit carries any.
        protection: exit.protection.filter(|_| trailing && exit.order_type == OrderType::StopLimit),
        ..exit.clone()
    };
    let mut legs = Vec::new();
    if let Some(stop) = stop {
        let kind = match (trailing, paired) {
            (true, _) => ExitKind::TrailingStop,
            (false, true) => ExitKind::Oco,
            (false, false) => ExitKind::StopLoss,
        };
        legs.push((leg(stop, stop_suffix), kind));
    }
    if let Some(take) = take {
        legs.push((leg(take, take_suffix), if paired { ExitKind::Oco } else { ExitKind::TakeProfit }));
    }
    (legs, paired.then(|| exit_id(close, list_suffix)))
}
