//! Risk limits that hold across invocations: open orders, order rate, open-order exposure.
//!
//! Each invocation builds a fresh engine, so its in-memory open-order count and throttle would
//! refuse nothing. The account's open orders, their unfilled quantity per symbol and side, and
//! the times of its recent orders live in the risk-state item instead: they are read into the
//! engine (so its rules see orders placed by other invocations) and, as the engine's last gate
//! before the venue, re-checked and reserved in one write conditional on the item's version (so
//! two concurrent invocations cannot both take the last slot). Every commit after adjusts the
//! open figures in the same transaction as the order, and a refused order's reservation is
//! undone with its claim.

use fks_execution_core::{
    Denial, ExchangeClient, OrderCommand, RiskDenial, RiskLimits, RiskRequest, RiskRule, VenueOrder,
};

use super::{Failure, Handler};
use crate::market::MarketData;
use crate::store::{Checks, Claim, Exposure, PositionCap, Reservation, ReserveRefusal, Store};

/// What a holder needs to place: its claim, the venue's answer if the order exists already,
/// and whether an earlier holder already reserved the order's place in the limits.
pub(super) struct Placement<'a> {
    pub claim: &'a Claim,
    pub known: Option<VenueOrder>,
    pub counted: bool,
}

/// The engine's last gate: the persisted reservation.
pub(super) struct ReservationGate<'a, S> {
    store: &'a mut S,
    account: &'a str,
    id: &'a str,
    owner: &'a str,
    limits: &'a RiskLimits,
    counted: bool,
    failure: Option<Failure>,
    release_claim: bool,
}

impl<'a, S: Store> ReservationGate<'a, S> {
    pub(super) fn new(
        store: &'a mut S,
        account: &'a str,
        id: &'a str,
        owner: &'a str,
        limits: &'a RiskLimits,
        counted: bool,
    ) -> Self {
        Self { store, account, id, owner, limits, counted, failure: None, release_claim: false }
    }

    /// Reserves the order's place unless an earlier holder did.
    pub(super) fn pass(&mut self, request: &RiskRequest<'_>, now_ms: u64) -> Result<(), Denial> {
        if self.counted {
            return Ok(());
        }
        let reservation = Reservation {
            exposure: Exposure::of(request.command),
            max_open_orders: self.limits.max_open_orders,
            order_rate: self.limits.order_rate,
            now_ms,
            checks: Checks::All,
            position_cap: PositionCap::of(self.limits, request.command, request.reference_price),
        };
        let refusal = match self.store.reserve(self.account, self.id, self.owner, &reservation) {
            Ok(Ok(())) => {
                self.counted = true;
                return Ok(());
            }
            Ok(Err(refusal)) => refusal,
            Err(error) => {
                // Nothing was sent: the claim is given back so a retry need not wait its lease.
                self.release_claim = true;
                self.failure = Some(error.into());
                return Err(gate_closed());
            }
        };
        match risk_denial(self.limits, self.id, &refusal) {
            Ok(denial) => Err(denial),
            Err(lost) => {
                self.failure = Some(lost);
                Err(gate_closed())
            }
        }
    }

    /// Whether the order is counted now, and a failure that must end the invocation with
    /// nothing placed (storage unreachable, claim lost), with whether its claim is to be given
    /// back (not when it was lost to another invocation).
    pub(super) fn outcome(self) -> (bool, Option<(Failure, bool)>) {
        (self.counted, self.failure.map(|f| (f, self.release_claim)))
    }
}

/// The denial the engine sees when the gate could not decide; the handler answers the
/// gate's own failure instead.
fn gate_closed() -> Denial {
    Denial::Risk(RiskDenial { rule: RiskRule::TradingHalted, message: "reservation not made".into() })
}

/// The denial a limit's refusal is, or the failure of a lost claim (nothing may be sent).
fn risk_denial(limits: &RiskLimits, id: &str, refusal: &ReserveRefusal) -> Result<Denial, Failure> {
    let (rule, message) = match refusal {
        &ReserveRefusal::MaxOpenOrders(open) => (
            RiskRule::MaxOpenOrders,
            format!("{open} open orders on the account, max {}", limits.max_open_orders.unwrap_or_default()),
        ),
        &ReserveRefusal::OrderRate(rate) => (
            RiskRule::OrderRate,
            format!("more than {} orders in {} ms on the account", rate.max_orders, rate.window_ms),
        ),
        ReserveRefusal::ClaimLost => {
            let message = format!("order {id} was taken over by another invocation");
            return Err(Failure::new("TemporaryError", message));
        }
        ReserveRefusal::Risk(denial) => return Ok(Denial::Risk(denial.clone())),
    };
    Ok(Denial::Risk(RiskDenial { rule, message }))
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// Counts `command`, claimed by `owner`, in the account's persisted open orders and order
    /// rate before it is sent, refused only by the limits `checks` names (an exit, a
    /// replacement: see [`Checks`]); the same conditional write as an entry's reservation.
    ///
    /// # Errors
    /// `RiskDenied` naming the limit reached (nothing counted), `TemporaryError` when the claim
    /// was lost or the store cannot answer.
    pub(super) fn reserve_order(
        &mut self,
        command: &OrderCommand,
        owner: &str,
        checks: Checks,
        now_ms: u64,
    ) -> Result<(), Failure> {
        let reservation = Reservation {
            exposure: Exposure::of(command),
            max_open_orders: self.limits.max_open_orders,
            order_rate: self.limits.order_rate,
            now_ms,
            checks,
            position_cap: None,
        };
        match self.store.reserve(&self.account, &command.client_order_id, owner, &reservation)? {
            Ok(()) => Ok(()),
            Err(refusal) => match risk_denial(&self.limits, &command.client_order_id, &refusal) {
                Ok(denial) => Err(Failure::denial(&denial)),
                Err(lost) => Err(lost),
            },
        }
    }
}
