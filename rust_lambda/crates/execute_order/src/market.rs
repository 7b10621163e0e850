//! Instrument filters and mark prices: read from the exchange's public endpoints, or given.

use std::collections::HashMap;

use fks_binance::BinanceClient;
use fks_execution_core::{Decimal, ErrorClass, ExchangeError, Instrument};

/// Where the handler learns an instrument's filters and its current price.
pub trait MarketData {
    /// The instrument definition of `symbol`.
    ///
    /// # Errors
    /// [`ExchangeError`]; `Permanent` for a symbol the venue does not list.
    fn instrument(&mut self, symbol: &str) -> Result<Instrument, ExchangeError>;

    /// The price a market order in `symbol` is expected to execute at.
    ///
    /// # Errors
    /// [`ExchangeError`] if no price is available.
    fn mark_price(&mut self, symbol: &str) -> Result<Decimal, ExchangeError>;

    /// The range each 1-minute candle of `symbol` traded in, for candles opening from
    /// `start_ms` to `end_ms`, oldest first: what a resting paper order is matched against.
    ///
    /// # Errors
    /// [`ExchangeError`] if the candles cannot be read.
    fn minute_ranges(
        &mut self,
        symbol: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> Result<Vec<PriceRange>, ExchangeError>;
}

/// How far the price went in one minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceRange {
    /// When the minute starts, epoch milliseconds.
    pub open_ms: u64,
    /// Highest trade.
    pub high: Decimal,
    /// Lowest trade.
    pub low: Decimal,
}

impl MarketData for BinanceClient {
    fn instrument(&mut self, symbol: &str) -> Result<Instrument, ExchangeError> {
        BinanceClient::instrument(self, symbol)
    }

    fn mark_price(&mut self, symbol: &str) -> Result<Decimal, ExchangeError> {
        self.last_price(symbol)
    }

    fn minute_ranges(
        &mut self,
        symbol: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> Result<Vec<PriceRange>, ExchangeError> {
        let rows = BinanceClient::minute_ranges(self, symbol, start_ms, end_ms)?;
        Ok(rows.into_iter().map(|(open_ms, high, low)| PriceRange { open_ms, high, low }).collect())
    }
}

/// Fixed instruments and prices: tests, benchmarks and replays.
#[derive(Debug, Clone, Default)]
pub struct StaticMarket {
    instruments: HashMap<String, Instrument>,
    marks: HashMap<String, Decimal>,
    ranges: HashMap<String, Vec<PriceRange>>,
}

impl StaticMarket {
    /// Adds `instrument` trading at `mark`.
    #[must_use]
    pub fn with(mut self, instrument: Instrument, mark: Decimal) -> Self {
        self.marks.insert(instrument.symbol.clone(), mark);
        self.instruments.insert(instrument.symbol.clone(), instrument);
        self
    }

    /// Records a minute of trading in `symbol` between `low` and `high`.
    pub fn add_range(&mut self, symbol: &str, range: PriceRange) {
        self.ranges.entry(symbol.to_owned()).or_default().push(range);
    }

    /// Moves the price of `symbol`.
    pub fn set_mark(&mut self, symbol: &str, mark: Decimal) {
        self.marks.insert(symbol.to_owned(), mark);
    }
}

fn unknown(symbol: &str) -> ExchangeError {
    ExchangeError {
        class: ErrorClass::Permanent,
        code: Some("-1121".into()),
        message: format!("no instrument {symbol}"),
    }
}

impl MarketData for StaticMarket {
    fn instrument(&mut self, symbol: &str) -> Result<Instrument, ExchangeError> {
        self.instruments.get(symbol).cloned().ok_or_else(|| unknown(symbol))
    }

    fn mark_price(&mut self, symbol: &str) -> Result<Decimal, ExchangeError> {
        self.marks.get(symbol).copied().ok_or_else(|| unknown(symbol))
    }

    fn minute_ranges(
        &mut self,
        symbol: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> Result<Vec<PriceRange>, ExchangeError> {
        let ranges = self.ranges.get(symbol).into_iter().flatten();
        Ok(ranges.filter(|r| r.open_ms >= start_ms && r.open_ms <= end_ms).copied().collect())
    }
}
