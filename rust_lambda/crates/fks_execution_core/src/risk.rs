//! Pre-trade risk checks, run before every order reaches an exchange.
//!
//! The engine is pure: everything it needs about the account (position, open orders, PnL, time)
//! is passed in, so the same checks run in the Lambda, in the Python bindings and in backtests.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::circuit_breaker::{CircuitBreaker, HaltReason, TradingState};
use crate::command::OrderCommand;
use crate::decimal::Decimal;
use crate::throttle::{OrderThrottle, RateLimit};

const DAY_MS: u64 = 86_400_000;

/// Cap on the position one symbol may reach; either bound may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionLimit {
    /// Largest absolute quantity.
    #[serde(default)]
    pub max_quantity: Option<Decimal>,
    /// Largest absolute quantity × price.
    #[serde(default)]
    pub max_notional: Option<Decimal>,
}

/// The account's limits. `None` switches a rule off.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskLimits {
    /// Largest quantity × price of a single order.
    #[serde(default)]
    pub max_order_notional: Option<Decimal>,
    /// Position cap for symbols without their own entry in `position_limits`.
    #[serde(default)]
    pub position_limit: PositionLimit,
    /// Per-symbol position caps.
    #[serde(default)]
    pub position_limits: HashMap<String, PositionLimit>,
    /// Most orders working at the exchange at once.
    #[serde(default)]
    pub max_open_orders: Option<usize>,
    /// Order-rate throttle.
    #[serde(default)]
    pub order_rate: Option<RateLimit>,
    /// Largest loss (a positive amount) allowed since the start of the UTC day, realized plus
    /// unrealized, net of fees. Reaching it halts trading.
    #[serde(default)]
    pub daily_loss_limit: Option<Decimal>,
    /// Consecutive exchange errors that halt trading.
    #[serde(default)]
    pub max_consecutive_exchange_errors: Option<u32>,
}

/// The rule that refused an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskRule {
    /// Trading is halted.
    TradingHalted,
    /// Trading is reducing-only and the order would not reduce.
    ReducingOnly,
    /// A reduce-only order would open or increase a position.
    ReduceOnly,
    /// The daily loss limit is reached.
    DailyLoss,
    /// Order notional above the limit.
    MaxOrderNotional,
    /// Resulting position quantity above the limit.
    MaxPositionQuantity,
    /// Resulting position notional above the limit.
    MaxPositionNotional,
    /// Too many open orders.
    MaxOpenOrders,
    /// Too many orders in the rolling window.
    OrderRate,
}

/// A risk refusal naming its rule.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("risk rule {rule:?}: {message}")]
pub struct RiskDenial {
    /// The rule that refused.
    pub rule: RiskRule,
    /// Human-readable detail with the figures compared.
    pub message: String,
}

fn deny<T>(rule: RiskRule, message: String) -> Result<T, RiskDenial> {
    Err(RiskDenial { rule, message })
}

/// What the risk engine is asked about one order.
#[derive(Debug, Clone, Copy)]
pub struct RiskRequest<'a> {
    /// The order.
    pub command: &'a OrderCommand,
    /// Price for notional figures (limit, else stop, else mark).
    pub reference_price: Decimal,
    /// Current signed position in the order's symbol.
    pub position_qty: Decimal,
    /// Signed unfilled quantity of open orders in the symbol on the order's side, so resting
    /// orders count towards the position cap before they fill.
    pub open_qty_same_side: Decimal,
    /// Open orders across the account.
    pub open_orders: usize,
    /// Account PnL (realized + unrealized − fees, all time); the engine subtracts the figure
    /// it saw at the start of the day.
    pub total_pnl: Decimal,
}

impl RiskRequest<'_> {
    /// Whether filling the order moves the position towards zero without crossing it.
    #[must_use]
    pub fn reduces_position(&self) -> bool {
        let order = self.command.signed_quantity();
        !self.position_qty.is_zero()
            && self.position_qty.is_sign_positive() != order.is_sign_positive()
            && order.abs() <= self.position_qty.abs()
    }
}

/// Limits, trading state, throttle and daily PnL baseline for one account.
#[derive(Debug, Clone)]
pub struct RiskEngine {
    limits: RiskLimits,
    breaker: CircuitBreaker,
    throttle: Option<OrderThrottle>,
    day: Option<u64>,
    day_start_pnl: Decimal,
}

impl RiskEngine {
    /// An active engine enforcing `limits`.
    #[must_use]
    pub fn new(limits: RiskLimits) -> Self {
        Self {
            breaker: CircuitBreaker::new(limits.max_consecutive_exchange_errors),
            throttle: limits.order_rate.map(OrderThrottle::new),
            limits,
            day: None,
            day_start_pnl: Decimal::ZERO,
        }
    }

    /// Runs every rule; on success the order counts towards the rate throttle.
    ///
    /// # Errors
    /// [`RiskDenial`] naming the first rule that refused.
    pub fn check(&mut self, request: &RiskRequest<'_>, now_ms: u64) -> Result<(), RiskDenial> {
        // A loss breach halts even if this order is then refused for another reason.
        self.observe_pnl(request.total_pnl, now_ms);
        if self.breaker.state() == TradingState::Halted {
            let rule = if self.breaker.halt_reason() == Some(HaltReason::DailyLoss) {
                RiskRule::DailyLoss
            } else {
                RiskRule::TradingHalted
            };
            return deny(rule, format!("trading halted: {:?}", self.breaker.halt_reason()));
        }
        let reduces = request.reduces_position();
        if !reduces && self.breaker.state() == TradingState::Reducing {
            return deny(RiskRule::ReducingOnly, "trading is reducing-only".into());
        }
        if !reduces && request.command.reduce_only {
            return deny(RiskRule::ReduceOnly, "reduce-only order would not reduce".into());
        }
        self.check_order_notional(request)?;
        if !reduces {
            self.check_position(request)?;
        }
        if let Some(max) = self.limits.max_open_orders {
            if request.open_orders >= max {
                return deny(
                    RiskRule::MaxOpenOrders,
                    format!("{} open orders, max {max}", request.open_orders),
                );
            }
        }
        if let Some(throttle) = &mut self.throttle {
            if !throttle.allows(now_ms) {
                let limit = throttle.limit();
                return deny(
                    RiskRule::OrderRate,
                    format!("more than {} orders in {} ms", limit.max_orders, limit.window_ms),
                );
            }
            throttle.record(now_ms);
        }
        Ok(())
    }

    fn check_order_notional(&self, request: &RiskRequest<'_>) -> Result<(), RiskDenial> {
        let notional = request.command.quantity * request.reference_price;
        match self.limits.max_order_notional {
            Some(max) if notional > max => {
                deny(RiskRule::MaxOrderNotional, format!("order notional {notional} above {max}"))
            }
            _ => Ok(()),
        }
    }

    fn check_position(&self, request: &RiskRequest<'_>) -> Result<(), RiskDenial> {
        let symbol = &request.command.symbol;
        let limit = self.limits.position_limits.get(symbol).unwrap_or(&self.limits.position_limit);
        let projected =
            (request.position_qty + request.open_qty_same_side + request.command.signed_quantity()).abs();
        if let Some(max) = limit.max_quantity {
            if projected > max {
                return deny(
                    RiskRule::MaxPositionQuantity,
                    format!("{symbol} position {projected} above {max}"),
                );
            }
        }
        if let Some(max) = limit.max_notional {
            let notional = projected * request.reference_price;
            if notional > max {
                return deny(
                    RiskRule::MaxPositionNotional,
                    format!("{symbol} notional {notional} above {max}"),
                );
            }
        }
        Ok(())
    }

    /// Feeds the account PnL (e.g. after fills); halts if the day's loss reaches the limit.
    /// Returns the day's PnL. The first figure seen each UTC day is that day's baseline.
    pub fn observe_pnl(&mut self, total_pnl: Decimal, now_ms: u64) -> Decimal {
        let day = now_ms / DAY_MS;
        if self.day != Some(day) {
            self.day = Some(day);
            self.day_start_pnl = total_pnl;
        }
        let day_pnl = total_pnl - self.day_start_pnl;
        if self.limits.daily_loss_limit.is_some_and(|limit| day_pnl <= -limit) {
            self.breaker.halt(HaltReason::DailyLoss);
        }
        day_pnl
    }

    /// Takes over the breaker's state and error count kept between processes.
    pub fn restore_breaker(
        &mut self,
        state: TradingState,
        halt_reason: Option<HaltReason>,
        consecutive_errors: u32,
    ) {
        self.breaker.restore(state, halt_reason, consecutive_errors);
    }

    /// Takes over the times of the account's recent orders, kept between processes, so the
    /// order-rate rule counts orders placed by earlier invocations.
    pub fn restore_order_stamps(&mut self, stamps: &[u64]) {
        if let Some(throttle) = &mut self.throttle {
            throttle.restore(stamps);
        }
    }

    /// Takes over the PnL the account already made today (kept between processes) while its
    /// positions now stand at `total_pnl`, so the daily loss limit counts the whole day and
    /// not only what this process saw.
    pub fn restore_day_pnl(&mut self, now_ms: u64, day_pnl: Decimal, total_pnl: Decimal) {
        self.day = Some(now_ms / DAY_MS);
        self.day_start_pnl = total_pnl - day_pnl;
    }

    /// Counts an exchange outage error; may halt trading.
    pub fn record_exchange_error(&mut self) -> bool {
        self.breaker.record_exchange_error()
    }

    /// Counts an exchange answer.
    pub fn record_exchange_success(&mut self) {
        self.breaker.record_exchange_success();
    }

    /// Halts trading by hand.
    pub fn halt(&mut self) {
        self.breaker.halt(HaltReason::Manual);
    }

    /// Allows only reducing orders; `false` while halted.
    pub fn set_reducing(&mut self) -> bool {
        self.breaker.set_reducing()
    }

    /// The only way out of a halt. The next check re-evaluates the daily loss, so resuming
    /// while the loss still exceeds the limit halts again.
    pub fn resume(&mut self) {
        self.breaker.resume();
    }

    /// Current trading state.
    #[must_use]
    pub fn state(&self) -> TradingState {
        self.breaker.state()
    }

    /// The breaker, for reporting.
    #[must_use]
    pub fn breaker(&self) -> &CircuitBreaker {
        &self.breaker
    }

    /// The limits in force.
    #[must_use]
    pub fn limits(&self) -> &RiskLimits {
        &self.limits
    }
}

#[cfg(test)]
#[path = "risk_tests.rs"]
mod tests;
