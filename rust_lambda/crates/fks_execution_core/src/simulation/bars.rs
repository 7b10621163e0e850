//! Candle prices as the bar loop reads them.

use crate::decimal::Decimal;

/// Digits after the point of every simulated price: 10⁻⁸ is the finest tick of the venues FKS
/// trades (Binance quotes to 8 decimals), so no real price is lost by reading it on this grid.
pub const PRICE_DECIMALS: u32 = 8;
const TICKS_PER_UNIT: f64 = 100_000_000.0;
/// Largest price read exactly: below 2⁵² ticks, `f64` still resolves one tick, so rounding
/// `price × 10⁸` gives back the venue's decimal.
pub const MAX_PRICE: f64 = 45_000_000.0;

/// A column the loop reads by index: a slice here, a Python buffer in the bindings (so the
/// candles are never copied).
pub trait Series {
    /// Number of values.
    fn len(&self) -> usize;
    /// Value at `index` (< `len`).
    fn at(&self, index: usize) -> f64;
    /// Whether there are no values.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Series for [f64] {
    fn len(&self) -> usize {
        <[f64]>::len(self)
    }
    fn at(&self, index: usize) -> f64 {
        self[index]
    }
}

impl Series for Vec<f64> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn at(&self, index: usize) -> f64 {
        self[index]
    }
}

/// The candles' price columns, all of one length.
pub struct Bars<'a, S: Series + ?Sized> {
    /// Opening prices.
    pub open: &'a S,
    /// Highs.
    pub high: &'a S,
    /// Lows.
    pub low: &'a S,
    /// Closing prices.
    pub close: &'a S,
}

impl<S: Series + ?Sized> Bars<'_, S> {
    /// Number of bars.
    #[must_use]
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// Whether there are no bars.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }
}

/// `price` on the 10⁻⁸ grid, as a whole number of ticks; `None` unless it is finite, positive
/// and at most [`MAX_PRICE`].
#[must_use]
pub fn ticks_of(price: f64) -> Option<i64> {
    if !(price > 0.0 && price <= MAX_PRICE) {
        return None;
    }
    // In range and rounded: the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    Some((price * TICKS_PER_UNIT).round() as i64)
}

/// A tick count as the decimal it stands for.
#[must_use]
pub fn decimal_of(ticks: i64) -> Decimal {
    Decimal::new(ticks, PRICE_DECIMALS)
}

/// The ticks at or below `level` (a long stop hits when the low reaches it).
#[must_use]
pub fn ticks_floor(level: Decimal) -> i64 {
    scaled(level).floor().try_into().unwrap_or(i64::MAX)
}

/// The ticks at or above `level` (a short stop hits when the high reaches it).
#[must_use]
pub fn ticks_ceil(level: Decimal) -> i64 {
    scaled(level).ceil().try_into().unwrap_or(i64::MAX)
}

fn scaled(level: Decimal) -> Decimal {
    let mut ticks = level;
    // Moving the point 8 places: exact, as long as the scale allows it; else a multiply.
    if ticks.scale() >= PRICE_DECIMALS {
        ticks.set_scale(ticks.scale() - PRICE_DECIMALS).unwrap_or(());
        ticks
    } else {
        level * Decimal::new(100_000_000, 0)
    }
}
