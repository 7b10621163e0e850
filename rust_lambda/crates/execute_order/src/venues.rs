//! The venues an account can trade on, as one [`ExchangeClient`] and one [`MarketData`]: the
//! engine is built over these enums, so an account's venue is a value chosen at run time
//! (`config::Accounts`), not a type.

use fks_binance::BinanceClient;
use fks_coinbase::CoinbaseClient;
use fks_execution_core::{
    Decimal, ExchangeClient, ExchangeError, Instrument, MarketContext, OcoCommand, OrderCommand, VenueOrder,
    VenueTrade,
};
use fks_kraken::KrakenClient;

use crate::market::{MarketData, PriceRange};
use crate::paper_venue::PaperVenue;
use crate::store::Store;

/// A venue's public market data: instrument filters, prices and 1-minute candles.
#[derive(Debug)]
pub enum Market {
    /// Binance spot (`exchangeInfo`, `ticker/price`, `klines`).
    Binance(Box<BinanceClient>),
    /// Kraken spot (`AssetPairs`, `OHLC`).
    Kraken(Box<KrakenClient>),
    /// Coinbase Advanced Trade (`market/products`, `candles`).
    Coinbase(Box<CoinbaseClient>),
}

fn ranges(rows: Vec<(u64, Decimal, Decimal)>) -> Vec<PriceRange> {
    rows.into_iter().map(|(open_ms, high, low)| PriceRange { open_ms, high, low }).collect()
}

impl MarketData for Market {
    fn instrument(&mut self, symbol: &str) -> Result<Instrument, ExchangeError> {
        match self {
            Self::Binance(client) => client.instrument(symbol),
            Self::Kraken(client) => client.instrument(symbol),
            Self::Coinbase(client) => client.instrument(symbol),
        }
    }

    fn mark_price(&mut self, symbol: &str) -> Result<Decimal, ExchangeError> {
        match self {
            Self::Binance(client) => client.last_price(symbol),
            Self::Kraken(client) => client.last_price(symbol),
            Self::Coinbase(client) => client.last_price(symbol),
        }
    }

    fn minute_ranges(
        &mut self,
        symbol: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> Result<Vec<PriceRange>, ExchangeError> {
        Ok(ranges(match self {
            Self::Binance(client) => client.minute_ranges(symbol, start_ms, end_ms)?,
            Self::Kraken(client) => client.minute_ranges(symbol, start_ms, end_ms)?,
            Self::Coinbase(client) => client.minute_ranges(symbol, start_ms, end_ms)?,
        }))
    }
}

/// The venue orders go to: paper trading (its book in the store `S`, prices from a venue's
/// public data) or one venue's REST API with the account's key.
#[derive(Debug)]
pub enum Venue<S> {
    /// Paper trading against a venue's market data (no key).
    Paper(Box<PaperVenue<S, Market>>),
    /// Binance spot REST.
    Binance(Box<BinanceClient>),
    /// Kraken spot REST.
    Kraken(Box<KrakenClient>),
    /// Coinbase Advanced Trade REST.
    Coinbase(Box<CoinbaseClient>),
}

/// `$call` on whichever client `$venue` holds (each arm is typed on its own).
macro_rules! each {
    ($venue:expr, $client:ident => $call:expr) => {
        match $venue {
            Venue::Paper($client) => $call,
            Venue::Binance($client) => $call,
            Venue::Kraken($client) => $call,
            Venue::Coinbase($client) => $call,
        }
    };
}

impl<S: Store> ExchangeClient for Venue<S> {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        each!(self, client => client.place(order, market))
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        each!(self, client => client.cancel(order, market))
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        each!(self, client => client.query(order, market))
    }

    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        each!(self, client => client.place_oco(oco, market))
    }

    fn cancel_replace(
        &mut self,
        old: &OrderCommand,
        new: &OrderCommand,
        market: &MarketContext,
    ) -> Result<(VenueOrder, VenueOrder), ExchangeError> {
        each!(self, client => client.cancel_replace(old, new, market))
    }

    fn cancel_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        each!(self, client => client.cancel_oco(oco, market))
    }

    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        each!(self, client => client.trades(symbol, after_seq))
    }

    fn client_order_id_of(
        &mut self,
        symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        each!(self, client => client.client_order_id_of(symbol, venue_order_id))
    }
}
