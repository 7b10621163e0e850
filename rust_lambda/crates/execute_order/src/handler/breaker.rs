//! The circuit breaker across invocations.
//!
//! Each invocation builds a fresh engine, so the breaker's inputs live in the store: the
//! trading state, the run of exchange errors and the PnL booked today. They are read into the
//! engine before the order and written back after it with atomic updates (an `ADD`, a
//! conditional halt), so concurrent invocations neither lose a count nor undo a trip, and a
//! trip holds until the halt is lifted by hand (`POST /risk/resume`).

use fks_execution_core::{Decimal, Engine, ExchangeClient, HaltReason, TradingState};

use super::{Failure, Handler};
use crate::market::MarketData;
use crate::store::{RiskState, Store};

const DAY_MS: u64 = 86_400_000;

/// What the engine's breaker looked like after the order.
#[derive(Debug, Clone, Copy)]
pub(super) struct Snapshot {
    state: TradingState,
    halt_reason: Option<HaltReason>,
    consecutive_errors: u32,
}

pub(super) fn snapshot<C: ExchangeClient>(engine: &Engine<C>) -> Snapshot {
    let breaker = engine.risk().breaker();
    Snapshot {
        state: breaker.state(),
        halt_reason: breaker.halt_reason(),
        consecutive_errors: breaker.consecutive_errors(),
    }
}

/// Loads the stored breaker into `engine`, whose position in `symbol` is already restored.
pub(super) fn restore<C: ExchangeClient>(
    engine: &mut Engine<C>,
    stored: &RiskState,
    symbol: &str,
    mark: Decimal,
    now_ms: u64,
) {
    engine.risk_mut().restore_breaker(stored.state, stored.halt_reason, stored.consecutive_errors);
    // Mark the position first, so the day's figure is what was booked today and not a price
    // move of a position opened earlier.
    engine.update_mark(symbol, mark, now_ms);
    let booked_today = stored.pnl_on(now_ms / DAY_MS);
    let total = engine.total_pnl();
    engine.risk_mut().restore_day_pnl(now_ms, booked_today, total);
}

impl<S: Store, X: ExchangeClient, M: MarketData> Handler<S, X, M> {
    /// Writes back what the order changed in the breaker: the error run (counted atomically,
    /// halting when the store's count reaches the limit) and a trip.
    pub(super) fn persist_breaker(
        &mut self,
        before: &RiskState,
        after: Snapshot,
        now_ms: u64,
    ) -> Result<(), Failure> {
        let account = self.account.clone();
        let mut halted = before.state == TradingState::Halted;
        if after.consecutive_errors > before.consecutive_errors {
            for _ in before.consecutive_errors..after.consecutive_errors {
                let count = self.store.count_exchange_error(&account, now_ms)?;
                let limit = self.limits.max_consecutive_exchange_errors;
                if !halted && limit.is_some_and(|max| count >= max) {
                    self.store.halt(&account, HaltReason::ExchangeErrors, now_ms)?;
                    halted = true;
                }
            }
        } else if after.consecutive_errors == 0 && before.consecutive_errors > 0 {
            self.store.clear_exchange_errors(&account, now_ms)?;
        }
        if !halted && after.state == TradingState::Halted {
            self.store.halt(&account, after.halt_reason.unwrap_or(HaltReason::Manual), now_ms)?;
        }
        Ok(())
    }

    /// Adds what the order realized (net of fees) to today's figure, atomically, and halts when
    /// the day's loss reaches the limit.
    pub(super) fn book_day_pnl(&mut self, pnl: Decimal, now_ms: u64) -> Result<(), Failure> {
        if pnl.is_zero() {
            return Ok(());
        }
        let account = self.account.clone();
        let today = self.store.add_day_pnl(&account, now_ms / DAY_MS, pnl, now_ms)?;
        if self.limits.daily_loss_limit.is_some_and(|limit| today <= -limit) {
            self.store.halt(&account, HaltReason::DailyLoss, now_ms)?;
        }
        Ok(())
    }
}
