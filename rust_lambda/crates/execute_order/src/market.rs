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
}

impl MarketData for BinanceClient {
    fn instrument(&mut self, symbol: &str) -> Result<Instrument, ExchangeError> {
        BinanceClient::instrument(self, symbol)
    }

    fn mark_price(&mut self, symbol: &str) -> Result<Decimal, ExchangeError> {
        self.last_price(symbol)
    }
}

/// Fixed instruments and prices: tests, benchmarks and replays.
#[derive(Debug, Clone, Default)]
pub struct StaticMarket {
    instruments: HashMap<String, Instrument>,
    marks: HashMap<String, Decimal>,
}

impl StaticMarket {
    /// Adds `instrument` trading at `mark`.
    #[must_use]
    pub fn with(mut self, instrument: Instrument, mark: Decimal) -> Self {
        self.marks.insert(instrument.symbol.clone(), mark);
        self.instruments.insert(instrument.symbol.clone(), instrument);
        self
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
}
