//! The engine's symbols (`BTCUSDT`) against Kraken's pairs (`XBTUSDT`, wsname `XBT/USDT`).
//!
//! Kraken calls some assets by other codes (XBT for BTC, XDG for DOGE); a pair's `wsname` holds
//! the two altnames, which give the engine's spelling once mapped back.

use std::collections::HashMap;

use fks_execution_core::{Decimal, ErrorClass, ExchangeError, Instrument};
use serde::Deserialize;

/// One entry of `GET /0/public/AssetPairs`.
#[derive(Debug, Clone, Deserialize)]
pub struct AssetPair {
    pub altname: String,
    #[serde(default)]
    pub wsname: Option<String>,
    pub pair_decimals: u32,
    pub lot_decimals: u32,
    pub ordermin: Decimal,
    #[serde(default)]
    pub costmin: Option<Decimal>,
    #[serde(default)]
    pub tick_size: Option<Decimal>,
}

/// A Kraken pair as the engine knows it.
#[derive(Debug, Clone)]
pub struct Pair {
    /// The engine's symbol, `BTCUSDT`.
    pub symbol: String,
    /// Kraken's name to send, the altname `XBTUSDT`.
    pub altname: String,
    /// Kraken's key of the pair in answers (`XXBTZUSD` on Kraken, the altname in the simulator).
    pub key: String,
    pub base: String,
    pub quote: String,
    pub info: AssetPair,
}

/// The engine's code of a Kraken altname.
fn common_code(altname: &str) -> &str {
    match altname {
        "XBT" => "BTC",
        "XDG" => "DOGE",
        other => other,
    }
}

impl Pair {
    fn new(key: String, info: AssetPair) -> Option<Self> {
        let (base, quote) = info.wsname.as_deref()?.split_once('/')?;
        let (base, quote) = (common_code(base).to_owned(), common_code(quote).to_owned());
        Some(Self { symbol: format!("{base}{quote}"), altname: info.altname.clone(), key, base, quote, info })
    }

    /// The instrument's filters: tick from `tick_size` (else `pair_decimals`), lot step from
    /// `lot_decimals`, minimums from `ordermin` and `costmin`.
    #[must_use]
    pub fn instrument(&self) -> Instrument {
        let step = Decimal::new(1, self.info.lot_decimals);
        let tick =
            self.info.tick_size.unwrap_or_else(|| Decimal::new(1, self.info.pair_decimals)).normalize();
        Instrument {
            symbol: self.symbol.clone(),
            base: self.base.clone(),
            quote: self.quote.clone(),
            price_precision: tick.scale(),
            size_precision: self.info.lot_decimals,
            tick_size: tick,
            step_size: step,
            min_quantity: self.info.ordermin.max(step).normalize(),
            min_notional: self.info.costmin.unwrap_or(Decimal::ZERO).normalize(),
        }
    }
}

/// Every pair Kraken lists, by engine symbol.
#[derive(Debug, Clone, Default)]
pub struct Pairs {
    by_symbol: HashMap<String, Pair>,
}

impl Pairs {
    /// The pairs of an `AssetPairs` result (pairs without a wsname, e.g. dark pools, are left out).
    #[must_use]
    pub fn new(result: HashMap<String, AssetPair>) -> Self {
        let mut pairs = Self::default();
        for (key, info) in result {
            let Some(pair) = Pair::new(key, info) else { continue };
            pairs.by_symbol.insert(pair.symbol.clone(), pair);
        }
        pairs
    }

    /// The pair of the engine's `symbol`.
    ///
    /// # Errors
    /// `Permanent` when Kraken lists no such pair.
    pub fn get(&self, symbol: &str) -> Result<&Pair, ExchangeError> {
        self.by_symbol.get(symbol).ok_or_else(|| ExchangeError {
            class: ErrorClass::Permanent,
            code: Some("EQuery:Unknown asset pair".into()),
            message: format!("Kraken lists no pair for {symbol}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn xbt_pairs_map_to_btc_symbols_with_their_filters() {
        let info = AssetPair {
            altname: "XBTUSDT".into(),
            wsname: Some("XBT/USDT".into()),
            pair_decimals: 1,
            lot_decimals: 8,
            ordermin: d("0.0001"),
            costmin: Some(d("0.5")),
            tick_size: Some(d("0.1")),
        };
        let pairs = Pairs::new(HashMap::from([("XBTUSDT".to_owned(), info)]));

        let pair = pairs.get("BTCUSDT").unwrap();
        let instrument = pair.instrument();

        assert_eq!(
            (pair.altname.as_str(), pair.base.as_str(), pair.quote.as_str()),
            ("XBTUSDT", "BTC", "USDT")
        );
        assert_eq!((instrument.tick_size, instrument.step_size), (d("0.1"), d("0.00000001")));
        assert_eq!((instrument.min_quantity, instrument.min_notional), (d("0.0001"), d("0.5")));
        assert!(instrument.validate().is_ok());
        assert_eq!(pairs.get("NOPEUSDT").unwrap_err().class, ErrorClass::Permanent);
    }
}
