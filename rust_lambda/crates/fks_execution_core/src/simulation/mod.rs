//! The backtest's bar loop: a strategy's target positions, turned into orders and fills at the
//! next bar's open, sized, charged, stopped and accounted, bar by bar.
//!
//! The fill model, in one place:
//!
//! * What a strategy wants after bar `t` closes (`targets[t]`) is first held at bar `t + 1`'s
//!   open: the engine reads `targets[t - 1]` at bar `t` and nothing later, its no-lookahead
//!   guarantee. Long-only configurations read a short target as flat.
//! * A change of the wanted exposure closes the open trade and opens the next one at that bar's
//!   open (a resize is a close plus an open, both charged). Market fills (entries, signal exits,
//!   stops) pay slippage and the taker fee; a take-profit is a resting limit order, filled at its
//!   level (or a better open) with no slippage and the maker fee.
//! * Stop-loss, take-profit and trailing stop are checked on every bar from the entry bar on,
//!   against its low and high. A bar that opens beyond a level fills at the open (a gap gives no
//!   better price to a stop and no worse price to a limit); a bar touching both a stop and the
//!   take-profit is read as hitting the stop first, the pessimistic reading of an OHLC bar. The
//!   trailing stop trails the best price seen at the close of the previous bars (a bar's own
//!   high cannot raise the stop that its low then hits: an OHLC bar does not say which came
//!   first). After any exit the position stays flat until the target changes.
//! * A trade still open on the last bar closes at its close (`EndOfData`). No trade opens once
//!   the realized equity is zero or less.
//!
//! Money: every price, quantity, fee and PnL of a trade is a [`Decimal`] and moves through the
//! very [`Holding`](crate::position::Holding), [`fee_of`](crate::fill::fee_of) and
//! [`slipped_price`](crate::fill::slipped_price) the live book and the paper venue use. Candle
//! prices arrive as `f64` (the candle store's columns) and are read as whole multiples of
//! 10⁻⁸ ([`bars`]), the finest tick of the exchanges FKS trades, which recovers the decimal the
//! venue sent exactly; from there, comparisons against stop levels are integer comparisons.
//! Scaled integers for the per-bar checks and `Decimal` for the per-trade money is the split
//! that keeps a million bars in milliseconds: a 96-bit decimal costs tens of nanoseconds per
//! operation, which per bar would be most of the run, but per trade is negligible. Only the
//! equity curve is `f64`: the chart and the ratio metrics' input, rendered from each trade's
//! exact figures, never summed back into money.

mod bars;
mod config;
mod curve;
mod exits;
mod run;
#[cfg(test)]
mod tests;

pub use bars::{ticks_of, Bars, Series, MAX_PRICE, PRICE_DECIMALS};
pub use config::{SimConfig, Sizing};
pub use curve::CurveStats;
pub use exits::ExitReason;
pub use run::{simulate, SimError, SimTrade, Simulation};
