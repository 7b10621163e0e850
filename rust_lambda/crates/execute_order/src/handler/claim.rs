//! Exactly one venue order per client order id, whatever the delivery pattern.
//!
//! Step Functions retries, Lambda retries, a caller resends, and two deliveries of the same
//! command may run at the same time in two instances. The venue alone cannot make placement
//! idempotent, so the argument rests on three things Binance does guarantee:
//!
//! 1. A `newClientOrderId` that names an order still **open** is refused (`-2010 "Duplicate
//!    order sent."`). A filled, canceled or expired order's id is *not* protected: sending it
//!    again places a second order.
//! 2. A signed request carries its `timestamp`; the matching engine refuses it once
//!    `timestamp + recvWindow` has passed. A placement can take effect at most `recvWindow`
//!    after it was sent, never later (a request stuck in a network queue dies).
//! 3. Reads (`GET /api/v3/order?origClientOrderId=`, `openOrders`, `myTrades`) are eventually
//!    consistent: an order just placed may be invisible for a while. We assume it is visible
//!    within [`ClaimTiming::consistency_window_ms`] (60 s by default).
//!
//! The rules built on them:
//!
//! * **Only the claim holder places.** The first delivery claims the id with a put conditional
//!   on the id being new; the item carries an owner token and a lease. A delivery that finds the
//!   id claimed never places: it waits for the holder's report (polling the store up to
//!   [`ClaimTiming::wait_ms`]) and answers it, or answers `TemporaryError` so the caller retries.
//!   That covers concurrent deliveries and a delivery arriving while the first request is in
//!   flight (the old code asked the venue, got "not found" because of 3., and placed again).
//! * **A holder places only early in its lease**: before `claimed_ms + place_deadline_ms`. The
//!   lease lasts `place_deadline + recvWindow + consistency_window`, so when it lapses any
//!   placement the holder sent has taken effect or never will (2.), and has been visible to a
//!   query for at least the consistency window (3.).
//! * **A lapsed claim is taken over** by one delivery (an update conditional on the old owner
//!   and lease). The successor asks the venue by client order id: found, it adopts the order's
//!   state and books its fills, placing nothing; not found, it places with the **same** client
//!   order id, so should the first order exist and be open after all, the venue refuses the
//!   duplicate (1.) and the client reads it back instead.
//! * **An unknown outcome keeps the claim.** A timeout, a lost answer or a 5xx leaves the
//!   holder unable to tell whether the order exists, so it answers `TemporaryError` and lets
//!   the lease run: retries within the lease wait, the first delivery after it (or the
//!   scheduled order sync) resolves it as above. A refusal the venue answered for sure
//!   (throttled, filter failure, risk denial, or Binance's 503 "Service Unavailable.", which its
//!   docs call a failed operation) releases or records the claim at once, so a retry places.
//! * A cold start changes nothing: every fact above lives in the store, none in the instance.
//!
//! The residual risk is a venue read lag longer than the consistency window for an order that
//! is no longer open; raise `consistency_window_ms` if the venue is known to lag more.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fks_execution_core::{ExchangeClient, ExecutionReport};

use super::{replay, Failure, Handler};
use crate::market::MarketData;
use crate::store::{Claim, Store};

/// The clock of the claim rules (see the module docs), in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimTiming {
    /// Latest a holder may send its placement, after taking the claim. Below the function's
    /// timeout, so a holder stalled past it gives up instead of racing a successor.
    pub place_deadline_ms: u64,
    /// The venue's `recvWindow`: how long a sent placement may still take effect.
    pub recv_window_ms: u64,
    /// How long the venue's reads may lag its order book.
    pub consistency_window_ms: u64,
    /// How long a second delivery waits for the holder's report before answering
    /// `TemporaryError`.
    pub wait_ms: u64,
    /// Pause between two reads of the store while waiting.
    pub poll_ms: u64,
}

impl Default for ClaimTiming {
    fn default() -> Self {
        Self {
            place_deadline_ms: 10_000,
            recv_window_ms: 5_000,
            consistency_window_ms: 60_000,
            wait_ms: 3_000,
            poll_ms: 50,
        }
    }
}

impl ClaimTiming {
    /// How long a claim protects its holder.
    #[must_use]
    pub const fn lease_ms(&self) -> u64 {
        self.place_deadline_ms + self.recv_window_ms + self.consistency_window_ms
    }
}

/// A token naming one invocation: process, wall-clock nanoseconds and a counter, so two
/// instances (or two invocations of one) never share it.
#[must_use]
pub fn owner_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}-{nanos:x}-{count}", std::process::id())
}

/// The invocation's clock: its start time (`now_ms`, given) plus what has elapsed since.
pub(super) fn clock(started: Instant, now_ms: u64) -> u64 {
    now_ms + u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// A fresh claim for this invocation, taken at `now_ms`.
    pub(super) fn new_claim(&self, now_ms: u64) -> Claim {
        Claim { owner: owner_token(), claimed_ms: now_ms, lease_until_ms: now_ms + self.timing.lease_ms() }
    }

    /// Whether `claim` still allows its holder to send the placement.
    pub(super) fn may_place(&self, claim: &Claim, now_ms: u64) -> bool {
        now_ms <= claim.claimed_ms + self.timing.place_deadline_ms
    }

    /// Ends `claim` early, for a holder that sent nothing to the venue and gives up (the venue
    /// could not be asked): the next delivery may take over at once.
    pub(super) fn lapse(&mut self, id: &str, claim: &Claim, now_ms: u64) -> Result<(), Failure> {
        let lapsed = Claim { lease_until_ms: now_ms, ..claim.clone() };
        self.store.take_over(id, Some(claim), &lapsed)?;
        Ok(())
    }

    /// The report of an order another invocation holds: waits up to `wait_ms` for it to be
    /// committed, then answers `TemporaryError` (retry), never placing anything.
    pub(super) fn await_report(
        &mut self,
        id: &str,
        started: Instant,
        now_ms: u64,
    ) -> Result<ExecutionReport, Failure> {
        let wait = Duration::from_millis(self.timing.wait_ms);
        loop {
            let stored = self.store.load_order(id)?;
            if let Some(stored) = stored.filter(|s| s.report.is_some()) {
                return replay(stored);
            }
            if started.elapsed() >= wait {
                break;
            }
            std::thread::sleep(Duration::from_millis(self.timing.poll_ms.max(1)));
        }
        let until = self.store.load_order(id)?.and_then(|s| s.claim).map_or(String::new(), |c| {
            format!(" (its claim lapses in {} ms)", c.lease_until_ms.saturating_sub(clock(started, now_ms)))
        });
        Err(Failure::new(
            "TemporaryError",
            format!("order {id} is being placed by another invocation{until}; retry"),
        ))
    }
}
