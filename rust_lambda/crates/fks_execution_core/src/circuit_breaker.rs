//! Trading state and the circuit breaker that halts trading by itself.
//!
//! Tripping is automatic but resuming never is: after a loss limit or a run of exchange errors a
//! person must look before trading starts again, so only [`CircuitBreaker::resume`] clears a halt.

use serde::{Deserialize, Serialize};

/// What the risk engine lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TradingState {
    /// Every order that passes the limits.
    #[default]
    Active,
    /// Only orders that reduce an existing position.
    Reducing,
    /// Nothing.
    Halted,
}

/// Why trading is halted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HaltReason {
    /// An operator halted it.
    Manual,
    /// The daily loss limit was breached.
    DailyLoss,
    /// Too many consecutive exchange errors.
    ExchangeErrors,
}

/// Trading state plus the consecutive-error counter that can trip it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CircuitBreaker {
    state: TradingState,
    halt_reason: Option<HaltReason>,
    consecutive_errors: u32,
    max_consecutive_errors: Option<u32>,
}

impl CircuitBreaker {
    /// An active breaker that trips after `max_consecutive_errors` errors in a row (never if
    /// `None`).
    #[must_use]
    pub fn new(max_consecutive_errors: Option<u32>) -> Self {
        Self { max_consecutive_errors, ..Self::default() }
    }

    /// Current state.
    #[must_use]
    pub fn state(&self) -> TradingState {
        self.state
    }

    /// Why trading is halted, if it is.
    #[must_use]
    pub fn halt_reason(&self) -> Option<HaltReason> {
        self.halt_reason
    }

    /// Exchange errors since the last success.
    #[must_use]
    pub fn consecutive_errors(&self) -> u32 {
        self.consecutive_errors
    }

    /// Halts trading. The first reason is kept: it is the one an operator needs to see.
    pub fn halt(&mut self, reason: HaltReason) {
        if self.state != TradingState::Halted {
            self.state = TradingState::Halted;
            self.halt_reason = Some(reason);
        }
    }

    /// Allows only reducing orders. Refused (returns `false`) while halted, because leaving a
    /// halt must go through [`CircuitBreaker::resume`].
    pub fn set_reducing(&mut self) -> bool {
        if self.state == TradingState::Halted {
            return false;
        }
        self.state = TradingState::Reducing;
        true
    }

    /// Back to `Active`, clearing the halt reason and the error count.
    pub fn resume(&mut self) {
        self.state = TradingState::Active;
        self.halt_reason = None;
        self.consecutive_errors = 0;
    }

    /// Takes over a state and error count kept outside the process (the execution Lambda
    /// stores them between invocations), so a trip survives a cold start.
    pub fn restore(&mut self, state: TradingState, halt_reason: Option<HaltReason>, consecutive_errors: u32) {
        self.state = state;
        self.halt_reason =
            if state == TradingState::Halted { halt_reason.or(Some(HaltReason::Manual)) } else { None };
        self.consecutive_errors = consecutive_errors;
    }

    /// Counts an exchange error; returns `true` if this one tripped the breaker.
    pub fn record_exchange_error(&mut self) -> bool {
        self.consecutive_errors = self.consecutive_errors.saturating_add(1);
        let tripped = self
            .max_consecutive_errors
            .is_some_and(|max| self.consecutive_errors >= max && self.state != TradingState::Halted);
        if tripped {
            self.halt(HaltReason::ExchangeErrors);
        }
        tripped
    }

    /// An exchange answer that was not an outage ends the run of errors.
    pub fn record_exchange_success(&mut self) {
        self.consecutive_errors = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_consecutive_errors_trip_a_limit_of_three() {
        let mut breaker = CircuitBreaker::new(Some(3));
        assert!(!breaker.record_exchange_error());
        assert!(!breaker.record_exchange_error());
        assert!(breaker.record_exchange_error());
        assert_eq!(breaker.state(), TradingState::Halted);
        assert_eq!(breaker.halt_reason(), Some(HaltReason::ExchangeErrors));
    }

    #[test]
    fn a_success_between_errors_resets_the_count() {
        let mut breaker = CircuitBreaker::new(Some(2));
        breaker.record_exchange_error();
        breaker.record_exchange_success();
        assert!(!breaker.record_exchange_error());
        assert_eq!(breaker.state(), TradingState::Active);
    }

    #[test]
    fn set_reducing_while_halted_is_refused() {
        let mut breaker = CircuitBreaker::new(None);
        breaker.halt(HaltReason::Manual);
        assert!(!breaker.set_reducing());
        assert_eq!(breaker.state(), TradingState::Halted);
    }

    #[test]
    fn restored_error_count_trips_on_the_next_error() {
        let mut breaker = CircuitBreaker::new(Some(3));
        breaker.restore(TradingState::Active, None, 2);
        assert!(breaker.record_exchange_error());
        assert_eq!(breaker.halt_reason(), Some(HaltReason::ExchangeErrors));
    }

    #[test]
    fn restored_halt_without_reason_reads_as_manual() {
        let mut breaker = CircuitBreaker::new(None);
        breaker.restore(TradingState::Halted, None, 0);
        assert_eq!(
            (breaker.state(), breaker.halt_reason()),
            (TradingState::Halted, Some(HaltReason::Manual))
        );
    }

    #[test]
    fn resume_clears_halt_and_error_count() {
        let mut breaker = CircuitBreaker::new(Some(1));
        breaker.record_exchange_error();
        breaker.resume();
        assert_eq!(breaker.state(), TradingState::Active);
        assert_eq!(breaker.halt_reason(), None);
        assert_eq!(breaker.consecutive_errors(), 0);
    }
}
