//! The bar loop.

use rust_decimal::prelude::FromPrimitive;

use super::bars::{decimal_of, ticks_of, Bars, Series};
use super::config::{SimConfig, Sizing};
use super::curve::{CurveStats, CurveWatch};
use super::exits::{BarTicks, ExitReason, Exits};
use crate::decimal::{approx_f64, bps_of, Decimal};
use crate::fill::{fee_of, slipped_price};
use crate::order::Side;
use crate::position::Holding;

/// One round trip. Prices include slippage; `pnl` is net of both fees.
#[derive(Debug, Clone, PartialEq)]
pub struct SimTrade {
    /// Bar whose open filled the entry.
    pub entry_bar: usize,
    /// Bar in which the exit filled.
    pub exit_bar: usize,
    /// Buy for a long, sell for a short.
    pub side: Side,
    /// |target| of the trade, in (0, 1] for the built-in strategies.
    pub size: f64,
    /// Entry fill price.
    pub entry_price: Decimal,
    /// Exit fill price.
    pub exit_price: Decimal,
    /// Units traded, positive.
    pub quantity: Decimal,
    /// Fee of the entry fill.
    pub entry_fee: Decimal,
    /// Fee of the exit fill.
    pub exit_fee: Decimal,
    /// Price PnL less both fees.
    pub pnl: Decimal,
    /// What closed it.
    pub exit_reason: ExitReason,
}

/// The trades and the realized equity after the last one.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Round trips in order; they never overlap.
    pub trades: Vec<SimTrade>,
    /// Initial cash plus every trade's PnL, exact.
    pub final_equity: Decimal,
    /// Return and drawdown statistics of the marked equity curve.
    pub curve: CurveStats,
}

/// Why a simulation could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The configuration is invalid.
    #[error("invalid backtest configuration: {0}")]
    Config(String),
    /// Columns of different lengths.
    #[error("{0} has {1} values for {2} bars")]
    Length(&'static str, usize, usize),
    /// A price the loop needed is not a positive finite number within range.
    #[error("bar {bar}: {column} price {price} is not a positive price up to 45,000,000")]
    Price {
        /// Bar index.
        bar: usize,
        /// Which column.
        column: &'static str,
        /// The value.
        price: f64,
    },
    /// A target is NaN or infinite.
    #[error("bar {0}: the strategy's target is not a finite number")]
    Target(usize),
}

/// The trade being held.
struct OpenTrade {
    entry_bar: usize,
    side: Side,
    size: f64,
    quantity: Decimal,
    entry_price: Decimal,
    entry_fee: Decimal,
    equity_before: Decimal,
    holding: Holding,
    exits: Option<Exits>,
    // Marked equity at a close c is intercept + slope × c (f64: the curve only).
    intercept: f64,
    slope: f64,
}

fn price_at<S: Series + ?Sized>(column: &S, name: &'static str, bar: usize) -> Result<i64, SimError> {
    let price = column.at(bar);
    ticks_of(price).ok_or(SimError::Price { bar, column: name, price })
}

fn to_f64(value: Decimal) -> f64 {
    approx_f64(value)
}

/// A target's magnitude as a decimal: the strategies' levels (1, 0.5, 0.25...) exactly and
/// cheaply; any other value through `rust_decimal`'s slower shortest-decimal reading.
fn size_of(magnitude: f64) -> Option<Decimal> {
    // Exact when the magnitude is a whole number of 10^-k for a small k (f64 holds those
    // products exactly enough that rounding recovers the integer).
    for scale in 0..=4_u32 {
        let scaled = magnitude * f64::from(10_u32.pow(scale));
        #[allow(clippy::float_cmp, clippy::cast_possible_truncation)]
        if scaled == scaled.round() && scaled.abs() < 1e9 {
            return Some(Decimal::new(scaled as i64, scale));
        }
    }
    Decimal::from_f64(magnitude)
}

/// The taker or maker `fee` of a fill: [`fee_of`], skipped when there is no fee.
fn charge(quantity: Decimal, price: Decimal, fee_bps: Decimal) -> Decimal {
    if fee_bps.is_zero() {
        Decimal::ZERO
    } else {
        fee_of(quantity, price, fee_bps)
    }
}

/// A market fill's price: [`slipped_price`], skipped when there is no slippage.
fn slip(side: Side, price: Decimal, slippage_bps: Decimal) -> Decimal {
    if slippage_bps.is_zero() {
        price
    } else {
        slipped_price(side, price, slippage_bps)
    }
}

/// Runs `targets` (the exposure wanted after each bar's close, in [-1, 1]) over `bars` with
/// `config`; `mark(equity)` receives the marked equity at each bar's close, in bar order.
///
/// # Errors
/// [`SimError`] for an invalid configuration, columns of unequal length, a target that is not
/// finite or a price the loop reads that is not a valid price.
pub fn simulate<S, T>(
    bars: &Bars<'_, S>,
    targets: &T,
    config: &SimConfig,
    mut mark: impl FnMut(f64),
) -> Result<Simulation, SimError>
where
    S: Series + ?Sized,
    T: Series + ?Sized,
{
    config.validate().map_err(SimError::Config)?;
    let n = bars.len();
    for (name, len) in [("high", bars.high.len()), ("low", bars.low.len()), ("close", bars.close.len())] {
        if len != n {
            return Err(SimError::Length(name, len, n));
        }
    }
    if targets.len() != n {
        return Err(SimError::Length("targets", targets.len(), n));
    }
    let mut book = Book { config, cash: config.initial_cash, trades: Vec::new() };
    let mut cash_mark = to_f64(book.cash);
    let mut held = 0.0_f64;
    let mut open: Option<OpenTrade> = None;
    let exits = config.has_exits();
    let mut curve = CurveWatch::default();
    let mut marks = Marks::default();
    for bar in 0..n {
        // Read on every bar though used only on a change: read sparsely, each change's open was
        // a cache miss that cost more than the bars in between; read in order, the hardware
        // fetches the column ahead of the loop.
        let open_now = std::hint::black_box(bars.open.at(bar));
        let want = if bar == 0 { 0.0 } else { wanted(targets.at(bar - 1), config.allow_short, bar - 1)? };
        // Exact: a target is a level the strategy chose, and any change of it is an order.
        #[allow(clippy::float_cmp)]
        let changed = want != held;
        if changed {
            let open_price = decimal_of(ticks_of(open_now).ok_or(SimError::Price {
                bar,
                column: "open",
                price: open_now,
            })?);
            if let Some(trade) = open.take() {
                let price = slip(trade.side.opposite(), open_price, config.slippage_bps);
                book.close(trade, bar, price, config.taker_fee_bps, ExitReason::Signal);
            }
            if want != 0.0 && book.cash > Decimal::ZERO {
                // bar >= 1 here: nothing is wanted before the first bar's close.
                let signal_close = if config.size_at_signal_close {
                    Some(decimal_of(price_at(bars.close, "close", bar - 1)?))
                } else {
                    None
                };
                open = book.open(bar, want, open_price, signal_close);
            }
            held = want;
            cash_mark = to_f64(book.cash);
        }
        if exits {
            let hit = match open.as_mut() {
                Some(trade) => trade.check_exits(bars, bar)?,
                None => None,
            };
            if let Some((hit, trade)) = hit.and_then(|hit| open.take().map(|trade| (hit, trade))) {
                let (price, fee_bps) = if hit.reason == ExitReason::TakeProfit {
                    (hit.price, config.maker_fee_bps)
                } else {
                    (slip(trade.side.opposite(), hit.price, config.slippage_bps), config.taker_fee_bps)
                };
                book.close(trade, bar, price, fee_bps, hit.reason);
                cash_mark = to_f64(book.cash);
            }
        }
        if bar + 1 == n {
            if let Some(trade) = open.take() {
                let close = decimal_of(price_at(bars.close, "close", bar)?);
                let price = slip(trade.side.opposite(), close, config.slippage_bps);
                book.close(trade, bar, price, config.taker_fee_bps, ExitReason::EndOfData);
                cash_mark = to_f64(book.cash);
            }
        }
        marks.push(open.as_ref().map_or(cash_mark, |t| t.intercept + t.slope * bars.close.at(bar)));
        if marks.is_full() {
            marks.flush(&mut curve, &mut mark);
        }
    }
    marks.flush(&mut curve, &mut mark);
    Ok(Simulation { trades: book.trades, final_equity: book.cash, curve: curve.finish() })
}

/// Bars marked but not yet handed on. The curve's statistics are gathered a block at a time in
/// a loop of their own: folded into the bar loop, their running sums competed with the loop's
/// state for registers and were spilled and reloaded on every bar, most of a flat bar's cost.
struct Marks {
    equity: [f64; Marks::BLOCK],
    len: usize,
}

impl Default for Marks {
    fn default() -> Self {
        Self { equity: [0.0; Self::BLOCK], len: 0 }
    }
}

impl Marks {
    const BLOCK: usize = 1024;

    #[inline]
    fn push(&mut self, equity: f64) {
        self.equity[self.len] = equity;
        self.len += 1;
    }

    fn is_full(&self) -> bool {
        self.len == Self::BLOCK
    }

    fn flush(&mut self, curve: &mut CurveWatch, mark: &mut impl FnMut(f64)) {
        let block = &self.equity[..self.len];
        curve.mark_all(block);
        for &equity in block {
            mark(equity);
        }
        self.len = 0;
    }
}

/// The exposure wanted from `target`: shorts read as flat when they are not allowed.
fn wanted(target: f64, allow_short: bool, bar: usize) -> Result<f64, SimError> {
    if !target.is_finite() {
        return Err(SimError::Target(bar));
    }
    // -0.0 == 0.0, so a negative zero never looks like a change.
    Ok(if allow_short { target } else { target.max(0.0) })
}

impl OpenTrade {
    fn check_exits<S: Series + ?Sized>(
        &mut self,
        bars: &Bars<'_, S>,
        bar: usize,
    ) -> Result<Option<super::exits::ExitHit>, SimError> {
        let Some(exits) = self.exits.as_mut() else { return Ok(None) };
        let ticks = BarTicks {
            open: price_at(bars.open, "open", bar)?,
            high: price_at(bars.high, "high", bar)?,
            low: price_at(bars.low, "low", bar)?,
        };
        Ok(exits.check(ticks))
    }
}

/// Realized equity and the finished trades.
struct Book<'c> {
    config: &'c SimConfig,
    cash: Decimal,
    trades: Vec<SimTrade>,
}

impl Book<'_> {
    /// Opens a trade of `want` at the bar's open, or `None` when it sizes to nothing. With
    /// `signal_close` (the close of the bar whose target changed), quote and fraction sizes are
    /// computed at it, as live trading sizes its order, instead of at the fill price.
    fn open(
        &self,
        bar: usize,
        want: f64,
        open_price: Decimal,
        signal_close: Option<Decimal>,
    ) -> Option<OpenTrade> {
        let config = self.config;
        let side = if want > 0.0 { Side::Buy } else { Side::Sell };
        let magnitude = want.abs();
        let scale = size_of(magnitude)?;
        let entry_price = slip(side, open_price, config.slippage_bps);
        let (quote_price, budget_price) = match signal_close {
            Some(close) => (close, slip(side, close, config.slippage_bps)),
            None => (entry_price, entry_price),
        };
        let quantity = match config.sizing {
            // The budget includes the entry fee, so a fraction of 1 spends exactly the equity.
            Sizing::Fraction(fraction) => {
                fraction * scale * self.cash / (budget_price + bps_of(budget_price, config.taker_fee_bps))
            }
            Sizing::Quantity(quantity) => quantity * scale,
            Sizing::Quote(amount) => amount * scale / quote_price,
        };
        let quantity = match config.quantity_step {
            Some(step) => (quantity / step).floor() * step,
            None => quantity,
        };
        if quantity <= Decimal::ZERO {
            return None;
        }
        let entry_fee = charge(quantity, entry_price, config.taker_fee_bps);
        let mut holding = Holding::default();
        holding.apply(side, quantity, entry_price, entry_fee);
        let slope = side.signed(quantity);
        Some(OpenTrade {
            entry_bar: bar,
            side,
            size: magnitude,
            quantity,
            entry_price,
            entry_fee,
            equity_before: self.cash,
            holding,
            exits: config.has_exits().then(|| Exits::new(config, side == Side::Buy, entry_price)),
            // In f64 from the start: the curve is f64, and a decimal product here costs more
            // than the whole bar loop of the trade.
            intercept: to_f64(self.cash) - to_f64(entry_fee) - to_f64(slope) * to_f64(entry_price),
            slope: to_f64(slope),
        })
    }

    /// Closes `trade` at `price` (slippage included) in `bar`, paying `fee_bps`.
    fn close(
        &mut self,
        mut trade: OpenTrade,
        bar: usize,
        price: Decimal,
        fee_bps: Decimal,
        reason: ExitReason,
    ) {
        let exit_fee = charge(trade.quantity, price, fee_bps);
        trade.holding.apply(trade.side.opposite(), trade.quantity, price, exit_fee);
        let pnl = trade.holding.realized_pnl() - trade.holding.fees();
        self.cash = trade.equity_before + pnl;
        self.trades.push(SimTrade {
            entry_bar: trade.entry_bar,
            exit_bar: bar,
            side: trade.side,
            size: trade.size,
            entry_price: trade.entry_price,
            exit_price: price,
            quantity: trade.quantity,
            entry_fee: trade.entry_fee,
            exit_fee,
            pnl,
            exit_reason: reason,
        });
    }
}
