//! Cancelling a stored order: pending-cancel, then the venue, then canceled.
//!
//! Both steps are writes conditional on the status read before them, so a cancel racing
//! another cancel, or a retry of one that died half-way, neither books a fill twice nor
//! overwrites a newer state. Cancelling a canceled order answers its report again.

use fks_execution_core::{
    validate_client_order_id, CancelCommand, Denial, Engine, ExchangeClient, ExecutionReport, Fill, Order,
    OrderEvent, OrderStatus, PositionReport,
};

use super::{breaker, exits, replay, Failure, Handler};
use crate::market::MarketData;
use crate::store::{Expect, Exposure, OrderRecord, Store, StoredOrder};
use crate::venue_call::VenueCall;

fn status_name(status: OrderStatus) -> String {
    serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn changed_meanwhile(id: &str) -> Failure {
    Failure::new("TemporaryError", format!("order {id} changed while it was being canceled; retry"))
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// Cancels the open order `command` names.
    ///
    /// # Errors
    /// `NotFound` for an unknown order, `Conflict` naming the state of an order already final
    /// (filled, rejected, expired), `TemporaryError` when the venue could not be reached (the
    /// order stays pending-cancel and a retry finishes the cancel).
    pub fn cancel(&mut self, command: &CancelCommand, now_ms: u64) -> Result<ExecutionReport, Failure> {
        validate_client_order_id(&command.client_order_id)
            .map_err(|d| Failure::denial(&Denial::Invalid(d)))?;
        self.check_account(&command.account)?;
        let id = command.client_order_id.as_str();
        let Some(stored) = self.store.load_order(id)? else {
            return Err(Failure::new("NotFound", format!("no order {id}")));
        };
        let Some(report) = stored.report.clone() else {
            let message = format!("order {id} is still being placed; retry the cancel");
            return Err(Failure::new("TemporaryError", message));
        };
        if report.status == OrderStatus::Canceled {
            return replay(stored);
        }
        if report.status.is_terminal() {
            let status = status_name(report.status);
            return Err(Failure::new(
                "Conflict",
                format!("order {id} is {status}; it can no longer be canceled"),
            ));
        }
        let (order, version) = self.mark_pending_cancel(&stored, &report, now_ms)?;
        self.cancel_at_venue(order, &stored, version, now_ms)
    }

    /// Moves the stored order to pending-cancel (through the status machine) unless it is
    /// there already from an earlier attempt; the order and its stored version after.
    fn mark_pending_cancel(
        &mut self,
        stored: &StoredOrder,
        report: &ExecutionReport,
        now_ms: u64,
    ) -> Result<(Order, u64), Failure> {
        let mut order = Order::restore(stored.command.clone(), report, stored.trade_ids.clone());
        if order.status() == OrderStatus::PendingCancel {
            return Ok((order, stored.version));
        }
        order
            .apply(OrderEvent::RequestCancel, now_ms)
            .map_err(|e| Failure::new("PermanentError", e.to_string()))?;
        let pending = ExecutionReport::new(&order, Vec::new(), report.position.clone(), false, now_ms);
        let exposure = Exposure::change(&stored.command, stored.counted, Some(report), &pending);
        let record = OrderRecord {
            report: pending,
            trade_ids: stored.trade_ids.clone(),
            refusal: None,
            exposure,
            balances: Vec::new(),
            exits_due: false,
        };
        let expect = Expect::Version(stored.version);
        match self.store.commit(&record, expect, None, now_ms)? {
            Ok(()) => Ok((order, expect.next_version())),
            Err(_) => Err(changed_meanwhile(report.client_order_id.as_str())),
        }
    }

    fn cancel_at_venue(
        &mut self,
        order: Order,
        stored: &StoredOrder,
        version: u64,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        let id = order.command().client_order_id.clone();
        let symbol = order.command().symbol.clone();
        let instrument = self.instrument(&symbol)?;
        let mark = self.market.mark_price(&symbol).map_err(Failure::exchange)?;
        let position = self.store.load_position(&self.account, &symbol)?;
        let risk_before = self.store.load_risk_state(&self.account)?;
        let mut engine =
            Engine::new(self.account.clone(), self.limits.clone(), VenueCall::new(&mut self.exchange, None));
        engine.add_instrument(instrument).map_err(|e| Failure::new("PermanentError", e.to_string()))?;
        if let Some(stored_position) = &position {
            engine.restore_position(stored_position.position.clone());
        }
        breaker::restore(&mut engine, &risk_before, &symbol, mark, now_ms);
        engine.restore_order(order);
        let result = engine.cancel(&id, now_ms);
        let Some(after) = engine.order(&id).cloned() else {
            return Err(Failure::new("PermanentError", format!("order {id} vanished from the engine")));
        };
        // Fills the venue reported now that no earlier invocation booked.
        let new_fills: Vec<Fill> = after
            .trade_ids()
            .iter()
            .filter(|t| !stored.trade_ids.contains(t))
            .filter_map(|t| engine.client().fill(t).cloned())
            .collect();
        let position_report = engine.position(&symbol).map(|p| PositionReport::new(p, mark));
        let risk_after = breaker::snapshot(&engine);
        drop(engine);
        self.persist_breaker(&risk_before, risk_after, now_ms)?;

        let mut report = ExecutionReport::new(&after, new_fills, position_report, false, now_ms);
        if after.status() != OrderStatus::PendingCancel || !report.fills.is_empty() {
            let exposure = Exposure::change(&stored.command, stored.counted, stored.report.as_ref(), &report);
            let record = OrderRecord {
                exits_due: exits::exits_due(&stored.command, &report),
                report,
                trade_ids: stored.trade_ids.clone(),
                refusal: None,
                exposure,
                balances: Vec::new(),
            };
            let expect = Expect::Version(version);
            let Some((committed, day_pnl)) = self.commit(record, expect, position, mark, now_ms)? else {
                return Err(changed_meanwhile(&id));
            };
            self.book_day_pnl(day_pnl, now_ms)?;
            report = committed;
            // Canceled after a partial fill: what filled gets its exits now.
            report.exits = self.protect_filled(&stored.command, &report, now_ms);
        }
        match result {
            Ok(_) => Ok(report),
            // The venue refused because the order ended first (filled): the query brought it
            // up to date, and the caller learns what it became.
            Err(Denial::Exchange(_)) if after.status().is_terminal() => {
                let status = status_name(after.status());
                Err(Failure::new("Conflict", format!("order {id} is {status}; it can no longer be canceled")))
            }
            Err(denial) => Err(Failure::denial(&denial)),
        }
    }
}
