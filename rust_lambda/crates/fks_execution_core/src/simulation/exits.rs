//! A trade's exit levels and the per-bar check against them.

use serde::{Deserialize, Serialize};

use super::bars::{decimal_of, ticks_ceil, ticks_floor};
use super::config::SimConfig;
use crate::decimal::Decimal;

/// Why a trade closed. The discriminants are the codes the bindings hand to Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum ExitReason {
    /// The target changed.
    Signal = 0,
    /// The fixed stop-loss.
    StopLoss = 1,
    /// The take-profit limit.
    TakeProfit = 2,
    /// Still open on the last bar: closed at its close.
    EndOfData = 3,
    /// The trailing stop.
    TrailingStop = 4,
}

/// One price level and the tick a bar's extreme must reach to hit it.
#[derive(Debug, Clone, Copy)]
struct Level {
    price: Decimal,
    // Prices are whole ticks, so "low <= level" is "low <= floor(level)" and "high >= level" is
    // "high >= ceil(level)": the per-bar checks are integer comparisons.
    hit: i64,
}

impl Level {
    /// A level hit from above (a long's stop, a short's target): by lows at or below it.
    fn below(price: Decimal) -> Self {
        Self { price, hit: ticks_floor(price) }
    }

    /// A level hit from below (a long's target, a short's stop): by highs at or above it.
    fn above(price: Decimal) -> Self {
        Self { price, hit: ticks_ceil(price) }
    }

    fn for_stop(long: bool, price: Decimal) -> Self {
        if long {
            Self::below(price)
        } else {
            Self::above(price)
        }
    }
}

/// The trailing stop: `keep` × the best price since entry.
#[derive(Debug, Clone, Copy)]
struct Trail {
    keep: Decimal,
    // The best price as a tick bound: a new extreme beyond it is a better price.
    best: i64,
}

/// A bar's prices in ticks.
#[derive(Debug, Clone, Copy)]
pub(super) struct BarTicks {
    pub open: i64,
    pub high: i64,
    pub low: i64,
}

/// The exit levels of one open trade.
#[derive(Debug, Clone)]
pub(super) struct Exits {
    long: bool,
    fixed_stop: Option<Level>,
    target: Option<Level>,
    trail: Option<Trail>,
    // The tighter of the fixed and the trailing stop, and which one it is.
    stop: Option<(Level, ExitReason)>,
}

/// What hit, and the price before slippage.
pub(super) struct ExitHit {
    pub reason: ExitReason,
    pub price: Decimal,
}

impl Exits {
    /// The levels of a trade entered at `entry` (its fill price), long or short.
    pub fn new(config: &SimConfig, long: bool, entry: Decimal) -> Self {
        let sign = if long { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
        let fraction = |pct: Decimal| pct / Decimal::ONE_HUNDRED;
        let fixed_stop = config
            .stop_loss_pct
            .map(|pct| Level::for_stop(long, entry * (Decimal::ONE - sign * fraction(pct))));
        let target = config.take_profit_pct.map(|pct| {
            let price = entry * (Decimal::ONE + sign * fraction(pct));
            if long {
                Level::above(price)
            } else {
                Level::below(price)
            }
        });
        let trail = config.trailing_stop_pct.map(|pct| Trail {
            keep: Decimal::ONE - sign * fraction(pct),
            best: if long { ticks_floor(entry) } else { ticks_ceil(entry) },
        });
        let mut exits = Self { long, fixed_stop, target, trail, stop: None };
        exits.stop = exits.tighter_stop(trail.map(|t| Level::for_stop(long, entry * t.keep)));
        exits
    }

    fn tighter_stop(&self, trailing: Option<Level>) -> Option<(Level, ExitReason)> {
        let fixed = self.fixed_stop.map(|l| (l, ExitReason::StopLoss));
        let trailing = trailing.map(|l| (l, ExitReason::TrailingStop));
        match (fixed, trailing) {
            (Some(f), Some(t)) => {
                // Tighter: nearer the price. On a tie the fixed stop names the exit.
                let trailing_tighter = if self.long { t.0.price > f.0.price } else { t.0.price < f.0.price };
                Some(if trailing_tighter { t } else { f })
            }
            (f, t) => f.or(t),
        }
    }

    /// The exit this bar triggers, if any; else the trailing stop follows the bar's extreme.
    pub fn check(&mut self, bar: BarTicks) -> Option<ExitHit> {
        let long = self.long;
        // Adverse / favourable extremes as "reached a level hit from below / above".
        let stop_hit = self.stop.filter(|(l, _)| if long { bar.low <= l.hit } else { bar.high >= l.hit });
        let target_hit = self.target.filter(|l| if long { bar.high >= l.hit } else { bar.low <= l.hit });
        let target_gap = target_hit.filter(|l| if long { bar.open >= l.hit } else { bar.open <= l.hit });
        if let (Some((level, reason)), None) = (stop_hit, target_gap) {
            let gapped = if long { bar.open <= level.hit } else { bar.open >= level.hit };
            return Some(ExitHit { reason, price: if gapped { decimal_of(bar.open) } else { level.price } });
        }
        if let Some(level) = target_hit {
            let price = if target_gap.is_some() { decimal_of(bar.open) } else { level.price };
            return Some(ExitHit { reason: ExitReason::TakeProfit, price });
        }
        self.follow(if long { bar.high } else { bar.low });
        None
    }

    /// Moves the trailing stop when `extreme` is a better price than any before.
    fn follow(&mut self, extreme: i64) {
        let Some(mut trail) = self.trail else { return };
        let better = if self.long { extreme > trail.best } else { extreme < trail.best };
        if better {
            trail.best = extreme;
            self.trail = Some(trail);
            let level = Level::for_stop(self.long, decimal_of(extreme) * trail.keep);
            self.stop = self.tighter_stop(Some(level));
        }
    }
}
