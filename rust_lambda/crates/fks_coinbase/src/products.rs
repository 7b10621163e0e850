//! The engine's symbols (`BTCUSDT`) against Coinbase's product ids (`BTC-USDT`).

use std::collections::HashMap;

use fks_execution_core::{Decimal, ErrorClass, ExchangeError, Instrument};
use serde::Deserialize;

/// One product of `GET /api/v3/brokerage/market/products`.
#[derive(Debug, Clone, Deserialize)]
#[allow(clippy::struct_field_names)] // Coinbase's own field names
pub struct Product {
    pub product_id: String,
    pub base_currency_id: String,
    pub quote_currency_id: String,
    pub base_increment: Decimal,
    pub quote_increment: Decimal,
    #[serde(default)]
    pub price_increment: Option<Decimal>,
    pub base_min_size: Decimal,
    #[serde(default)]
    pub quote_min_size: Option<Decimal>,
    #[serde(default, deserialize_with = "price")]
    pub price: Option<Decimal>,
}

/// Coinbase answers an empty string for a price it does not have.
fn price<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    Ok(text.and_then(|t| t.parse().ok()))
}

/// `GET /api/v3/brokerage/market/products`.
#[derive(Debug, Deserialize)]
pub struct ProductList {
    pub products: Vec<Product>,
}

impl Product {
    /// The engine's symbol.
    #[must_use]
    pub fn symbol(&self) -> String {
        format!("{}{}", self.base_currency_id, self.quote_currency_id)
    }

    /// The instrument's filters: tick from `price_increment` (else `quote_increment`), lot step
    /// `base_increment`, minimums `base_min_size` and `quote_min_size`.
    #[must_use]
    pub fn instrument(&self) -> Instrument {
        let tick = self.price_increment.unwrap_or(self.quote_increment).normalize();
        let step = self.base_increment.normalize();
        Instrument {
            symbol: self.symbol(),
            base: self.base_currency_id.clone(),
            quote: self.quote_currency_id.clone(),
            price_precision: tick.scale(),
            size_precision: step.scale(),
            tick_size: tick,
            step_size: step,
            min_quantity: self.base_min_size.max(step).normalize(),
            min_notional: self.quote_min_size.unwrap_or(Decimal::ZERO).normalize(),
        }
    }
}

/// Every product, by engine symbol.
#[derive(Debug, Clone, Default)]
pub struct Products {
    by_symbol: HashMap<String, Product>,
}

impl Products {
    /// The products of a product list.
    #[must_use]
    pub fn new(list: Vec<Product>) -> Self {
        Self { by_symbol: list.into_iter().map(|p| (p.symbol(), p)).collect() }
    }

    /// The product of the engine's `symbol`.
    ///
    /// # Errors
    /// `Permanent` when Coinbase lists no such product.
    pub fn get(&self, symbol: &str) -> Result<&Product, ExchangeError> {
        self.by_symbol.get(symbol).ok_or_else(|| ExchangeError {
            class: ErrorClass::Permanent,
            code: Some("NOT_FOUND".into()),
            message: format!("Coinbase lists no product for {symbol}"),
        })
    }
}
