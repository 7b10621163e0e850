//! Amend: a working order replaced by a new one on the venue in one request (Binance
//! `order/cancelReplace`, `STOP_ON_FAILURE`, so the new order exists only if the old one was
//! canceled). Idempotent by the new client order id, which is claimed like any placement (see
//! [`super::claim`]): a repeat answers the stored replacement, a concurrent one waits for it.

use std::time::Instant;

use fks_execution_core::{
    validate_client_order_id, AmendCommand, Denial, DenialReason, ErrorClass, ExchangeClient,
    ExecutionReport, MarketContext, Order,
};

use super::{claim, exits, replay, Failure, Handler};
use crate::market::MarketData;
use crate::store::{Checks, Expect, Exposure, OrderRecord, Store};

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// Replaces the working order `command` names; the replacement's report.
    ///
    /// # Errors
    /// `BadRequest` for malformed ids or values, `NotFound` for an unknown order, `Conflict`
    /// for an order already final or a new id naming another order, `TemporaryError` when the
    /// outcome is unknown (the sync settles both orders), the venue's refusal otherwise.
    pub fn amend(&mut self, command: &AmendCommand, now_ms: u64) -> Result<ExecutionReport, Failure> {
        let started = Instant::now();
        for id in [&command.client_order_id, &command.new_client_order_id] {
            validate_client_order_id(id).map_err(|d| Failure::denial(&Denial::Invalid(d)))?;
        }
        self.check_account(&command.account)?;
        let old_id = command.client_order_id.as_str();
        let Some(old) = self.store.load_order(old_id)? else {
            return Err(Failure::new("NotFound", format!("no order {old_id}")));
        };
        let replacement = command.replacement(&old.command);
        replacement.validate().map_err(|d| Failure::denial(&Denial::Invalid(d)))?;
        let new_id = replacement.client_order_id.clone();
        if let Some(existing) = self.store.load_order(&new_id)? {
            if existing.command != replacement {
                let message = format!("client_order_id {new_id} already names a different order");
                return Err(Failure::invalid(DenialReason::ClientOrderIdReused, message));
            }
            if existing.report.is_some() {
                return replay(existing);
            }
            return self.await_report(&new_id, started, now_ms);
        }
        let Some(old_report) = old.report.clone() else {
            return Err(Failure::new(
                "TemporaryError",
                format!("order {old_id} is still being placed; retry"),
            ));
        };
        if old_report.status.is_terminal() {
            let status = serde_json::to_value(old_report.status).unwrap_or_default();
            return Err(Failure::new(
                "Conflict",
                format!("order {old_id} is {status}; it can no longer be amended"),
            ));
        }
        let instrument = self.instrument(&replacement.symbol)?;
        let mark = self.market.mark_price(&replacement.symbol).map_err(Failure::exchange)?;
        replacement.validate_for(&instrument, mark).map_err(|d| Failure::denial(&Denial::Invalid(d)))?;
        let mine = self.new_claim(claim::clock(started, now_ms));
        if !self.store.claim(&replacement, &mine)? {
            return self.await_report(&new_id, started, now_ms);
        }
        // The replacement is a new order at the venue: counted, and refused by the order rate
        // (its open-order slot is the one the canceled order frees).
        if let Err(failure) = self.reserve_order(&replacement, &mine.owner, Checks::RateOnly, now_ms) {
            self.store.release(&new_id, &mine.owner, None)?;
            return Err(failure);
        }
        let market = MarketContext { now_ms, mark_price: mark };
        let (canceled, placed) = match self.exchange.cancel_replace(&old.command, &replacement, &market) {
            Ok(answer) => answer,
            // Unknown outcome: the claim stays; a sync settles the old order and adopts the new.
            Err(error) if error.class == ErrorClass::Retryable => return Err(Failure::exchange(error)),
            Err(error) => {
                let undo = Exposure::of(&replacement).undone();
                self.store.release(&new_id, &mine.owner, Some(&undo))?;
                return Err(Failure::exchange(error));
            }
        };
        let old_order = Order::restore(old.command.clone(), &old_report, old.trade_ids.clone());
        let old_after = self.venue_report(old_order, &canceled, now_ms)?;
        let record = OrderRecord {
            exposure: Exposure::change(&old.command, old.counted, Some(&old_report), &old_after),
            exits_due: exits::exits_due(&old.command, &old_after),
            report: old_after,
            trade_ids: old.trade_ids.clone(),
            refusal: None,
            balances: Vec::new(),
        };
        let position = self.store.load_position(&self.account, &old.command.symbol)?;
        // Another invocation moved the old order meanwhile: the next sync settles it.
        if let Some((_, pnl)) = self.commit(record, Expect::Version(old.version), position, mark, now_ms)? {
            self.book_day_pnl(pnl, now_ms)?;
        }
        let new_report = self.venue_report(Order::submitted(replacement.clone(), now_ms), &placed, now_ms)?;
        let position = self.store.load_position(&self.account, &new_report.symbol)?;
        let record = OrderRecord {
            exposure: Exposure::change(&replacement, true, None, &new_report),
            exits_due: exits::exits_due(&replacement, &new_report),
            report: new_report,
            trade_ids: Vec::new(),
            refusal: None,
            balances: Vec::new(),
        };
        let Some((report, pnl)) = self.commit(record, Expect::Uncommitted, position, mark, now_ms)? else {
            return self.stored_report(&new_id);
        };
        self.book_day_pnl(pnl, now_ms)?;
        Ok(report)
    }
}
