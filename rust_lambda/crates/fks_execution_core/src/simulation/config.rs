//! How a simulated trade is sized, charged and exited.

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;

/// How big each entry is; `|target|` (in (0, 1]) scales every form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Sizing {
    /// Commit this fraction of the realized equity, fee included (as vectorbt's all-cash buys):
    /// a fraction of 1 spends exactly the equity.
    Fraction(Decimal),
    /// Trade this many units, whatever the equity.
    Quantity(Decimal),
    /// Trade this much quote currency of notional at the entry price, the fee on top (as a
    /// quote-amount market order).
    Quote(Decimal),
}

/// Costs, sizing and exits of a backtest. Rates are basis points; exit levels are percent of
/// the entry fill price (2 = 2 %).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// Equity before the first trade.
    pub initial_cash: Decimal,
    /// Fee of a resting (take-profit) fill.
    pub maker_fee_bps: Decimal,
    /// Fee of a market fill: entries, signal exits, stops, the end of the data.
    pub taker_fee_bps: Decimal,
    /// Adverse move of every market fill's price.
    pub slippage_bps: Decimal,
    /// Size of each entry.
    pub sizing: Sizing,
    /// Whether negative targets open shorts (else they mean flat).
    pub allow_short: bool,
    /// Stop below a long's (above a short's) entry, percent.
    #[serde(default)]
    pub stop_loss_pct: Option<Decimal>,
    /// Limit above a long's (below a short's) entry, percent.
    #[serde(default)]
    pub take_profit_pct: Option<Decimal>,
    /// Stop trailing the best price since entry by this percent.
    #[serde(default)]
    pub trailing_stop_pct: Option<Decimal>,
    /// Size quote and fraction entries as live trading sizes its order, which is placed before
    /// its fill price is known: at the close of the bar whose target changed (a fraction's
    /// budget allowing for slippage and the fee on that close), not at the fill price.
    #[serde(default)]
    pub size_at_signal_close: bool,
    /// The venue's lot step: each entry's quantity rounded down to a multiple of it, as an
    /// order the venue accepts. None: unrounded.
    #[serde(default)]
    pub quantity_step: Option<Decimal>,
}

impl SimConfig {
    /// Frictionless all-in sizing from `initial_cash`, shorts allowed, no exits.
    #[must_use]
    pub fn new(initial_cash: Decimal) -> Self {
        Self {
            initial_cash,
            maker_fee_bps: Decimal::ZERO,
            taker_fee_bps: Decimal::ZERO,
            slippage_bps: Decimal::ZERO,
            sizing: Sizing::Fraction(Decimal::ONE),
            allow_short: true,
            stop_loss_pct: None,
            take_profit_pct: None,
            trailing_stop_pct: None,
            size_at_signal_close: false,
            quantity_step: None,
        }
    }

    /// What is wrong with the configuration, if anything.
    ///
    /// # Errors
    /// A message naming the first invalid field.
    pub fn validate(&self) -> Result<(), String> {
        let hundred = Decimal::ONE_HUNDRED;
        let checks = [
            (self.initial_cash > Decimal::ZERO, "initial_cash must be positive"),
            (self.maker_fee_bps >= Decimal::ZERO, "maker_fee_bps must not be negative"),
            (self.taker_fee_bps >= Decimal::ZERO, "taker_fee_bps must not be negative"),
            (self.slippage_bps >= Decimal::ZERO, "slippage_bps must not be negative"),
            (
                match self.sizing {
                    Sizing::Fraction(f) => f > Decimal::ZERO && f <= Decimal::ONE,
                    Sizing::Quantity(a) | Sizing::Quote(a) => a > Decimal::ZERO,
                },
                "sizing: a fraction in (0, 1], or a positive quantity or quote amount",
            ),
            (
                self.stop_loss_pct.is_none_or(|p| p > Decimal::ZERO && p < hundred),
                "stop_loss_pct must be in (0, 100)",
            ),
            (self.take_profit_pct.is_none_or(|p| p > Decimal::ZERO), "take_profit_pct must be positive"),
            (
                self.trailing_stop_pct.is_none_or(|p| p > Decimal::ZERO && p < hundred),
                "trailing_stop_pct must be in (0, 100)",
            ),
            (self.quantity_step.is_none_or(|s| s > Decimal::ZERO), "quantity_step must be positive"),
        ];
        checks.into_iter().find(|(ok, _)| !ok).map_or(Ok(()), |(_, message)| Err(message.to_owned()))
    }

    /// Whether any exit level is set (else the loop skips the per-bar checks).
    #[must_use]
    pub fn has_exits(&self) -> bool {
        self.stop_loss_pct.is_some() || self.take_profit_pct.is_some() || self.trailing_stop_pct.is_some()
    }
}
