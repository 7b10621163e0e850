//! How orders change after placement: cancels, venue updates, new prices, pruning.

use super::Engine;
use crate::decimal::Decimal;
use crate::errors::{Denial, DenialReason, OrderDenial, OrderError};
use crate::exchange::{ExchangeClient, Remainder, VenueOrder};
use crate::fast_hash::FastMap;
use crate::fill::Fill;
use crate::order::Order;
use crate::order_status::{OrderEvent, OrderStatus};
use crate::position::Position;
use crate::report::ExecutionReport;

impl<C: ExchangeClient> Engine<C> {
    /// Cancels a working order.
    ///
    /// # Errors
    /// [`Denial::Invalid`] for an unknown or closed order; [`Denial::Exchange`] if the venue
    /// failed (the order stays `PendingCancel`; calling again retries) or refused (the order
    /// is then brought up to date from a query, e.g. to `Filled`).
    pub fn cancel(&mut self, client_order_id: &str, now_ms: u64) -> Result<ExecutionReport, Denial> {
        let Some(order) = self.orders.get_mut(client_order_id) else {
            let message = format!("no order {client_order_id}");
            return Err(OrderDenial::new(DenialReason::UnknownOrder, message).into());
        };
        if order.status().is_terminal() {
            let message = format!("order {client_order_id} is {:?}", order.status());
            return Err(OrderDenial::new(DenialReason::OrderClosed, message).into());
        }
        if order.status() != OrderStatus::PendingCancel {
            order.apply(OrderEvent::RequestCancel, now_ms).map_err(Denial::Inconsistent)?;
        }
        let command = order.command().clone();
        let market = self.market(&command.symbol, now_ms);
        match self.client.cancel(&command, &market) {
            Ok(venue) => {
                self.risk.record_exchange_success();
                self.on_venue_update(&venue, now_ms)
            }
            Err(error) if error.class.is_retryable() => {
                self.risk.record_exchange_error();
                Err(Denial::Exchange(error))
            }
            Err(error) => {
                // Usually "unknown order": it filled or expired before the cancel arrived. Ask
                // the venue what became of it so the order does not sit in PendingCancel.
                if let Ok(Some(venue)) = self.client.query(&command, &market) {
                    self.on_venue_update(&venue, now_ms)?;
                }
                Err(Denial::Exchange(error))
            }
        }
    }

    /// Applies the venue's view of an order (a query answer or a stream update).
    ///
    /// # Errors
    /// [`Denial::Invalid`] for an unknown order, [`Denial::Inconsistent`] if the update
    /// contradicts the order (the fills before the contradiction stay applied).
    pub fn on_venue_update(&mut self, venue: &VenueOrder, now_ms: u64) -> Result<ExecutionReport, Denial> {
        let Some(mut order) = self.orders.remove(&venue.client_order_id) else {
            let message = format!("no order {}", venue.client_order_id);
            return Err(OrderDenial::new(DenialReason::UnknownOrder, message).into());
        };
        let outcome = apply_venue(&mut order, &mut self.positions, venue.clone(), now_ms);
        self.store(order);
        self.after_fills(now_ms);
        Ok(self.report(&venue.client_order_id, outcome?, false, now_ms))
    }

    /// Records a new price: re-marks PnL (which may trip the daily loss limit) and lets a
    /// simulated venue match resting orders. Returns a report per order that changed.
    pub fn update_mark(
        &mut self,
        symbol: &str,
        price: Decimal,
        now_ms: u64,
    ) -> Vec<Result<ExecutionReport, Denial>> {
        self.set_mark(symbol, price);
        let updates = self.client.on_mark_price(symbol, price, now_ms);
        let reports = updates.iter().map(|venue| self.on_venue_update(venue, now_ms)).collect();
        self.after_fills(now_ms);
        reports
    }

    /// Forgets closed orders last changed before `before_ms`, bounding memory in long runs.
    /// Their client order ids are no longer protected against a second placement here.
    pub fn prune_closed(&mut self, before_ms: u64) -> usize {
        let before = self.orders.len();
        self.orders.retain(|_, o| !o.status().is_terminal() || o.updated_ms() >= before_ms);
        before - self.orders.len()
    }
}

/// Brings `order` (and its position) in line with the venue's view. Returns the fills that
/// were new. Free-standing so the order can be borrowed apart from the engine's maps; takes the
/// venue's answer by value so the hot path moves its ids and fills instead of copying them.
pub(super) fn apply_venue(
    order: &mut Order,
    positions: &mut FastMap<String, Position>,
    venue: VenueOrder,
    now_ms: u64,
) -> Result<Vec<Fill>, Denial> {
    let inconsistent = Denial::Inconsistent;
    if matches!(order.status(), OrderStatus::Submitted | OrderStatus::PendingCancel)
        && order.venue_order_id().is_none()
    {
        order.apply(OrderEvent::Accept, now_ms).map_err(inconsistent)?;
    }
    if order.venue_order_id().is_none() {
        order.set_venue_order_id(venue.venue_order_id);
    }
    // Only a stop order has a trigger; a venue flag on any other order (Binance sets a working
    // time on every order it books) must not move a plain limit to Triggered.
    let is_stop = order.command().order_type.has_stop_price();
    if venue.triggered && is_stop && order.status() == OrderStatus::Accepted {
        order.apply(OrderEvent::Trigger, now_ms).map_err(inconsistent)?;
    }
    // The venue's fill list becomes the list of new fills in place (no second buffer).
    let mut new_fills = venue.fills;
    let mut refused = None;
    new_fills.retain(|fill| {
        refused.is_none()
            && book_fill(order, positions, fill).unwrap_or_else(|e| {
                refused = Some(e);
                false
            })
    });
    if let Some(error) = refused {
        return Err(inconsistent(error));
    }
    let closing = match venue.remainder {
        Remainder::Expired => Some(OrderEvent::Expire),
        Remainder::Canceled => Some(OrderEvent::Cancel),
        Remainder::Working | Remainder::None => None,
    };
    if let (Some(event), false) = (closing, order.status().is_terminal()) {
        order.apply(event, now_ms).map_err(inconsistent)?;
    }
    Ok(new_fills)
}

/// Applies `fill` to `order` and its position; `false` if the order already had it.
fn book_fill(
    order: &mut Order,
    positions: &mut FastMap<String, Position>,
    fill: &Fill,
) -> Result<bool, OrderError> {
    if !order.apply_fill(fill)? {
        return Ok(false);
    }
    // Looked up before inserting so an existing position costs no key copy.
    if !positions.contains_key(&fill.symbol) {
        positions.insert(fill.symbol.clone(), Position::new(fill.symbol.clone()));
    }
    if let Some(position) = positions.get_mut(&fill.symbol) {
        position.apply_fill(fill)?;
    }
    Ok(true)
}
