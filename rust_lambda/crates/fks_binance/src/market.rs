//! Public market data the engine needs before an order: the instrument's filters and a price.

use fks_execution_core::{Decimal, ErrorClass, ExchangeError, Instrument};
use serde::Deserialize;

/// `GET /api/v3/exchangeInfo?symbol=...`.
#[derive(Debug, Deserialize)]
pub struct ExchangeInfo {
    pub symbols: Vec<SymbolInfo>,
}

/// One symbol of `exchangeInfo`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SymbolInfo {
    pub symbol: String,
    pub base_asset: String,
    pub quote_asset: String,
    pub filters: Vec<serde_json::Value>,
}

/// `GET /api/v3/ticker/price?symbol=...`.
#[derive(Debug, Deserialize)]
pub struct TickerPrice {
    pub price: Decimal,
}

fn filter_value(filters: &[serde_json::Value], kind: &str, field: &str) -> Option<Decimal> {
    filters
        .iter()
        .find(|f| f.get("filterType").and_then(|t| t.as_str()) == Some(kind))
        .and_then(|f| f.get(field))
        .and_then(|v| v.as_str())
        .and_then(|v| v.parse::<Decimal>().ok())
}

impl SymbolInfo {
    /// The instrument with Binance's `PRICE_FILTER`, `LOT_SIZE` and `NOTIONAL` (or the older
    /// `MIN_NOTIONAL`) filters.
    ///
    /// # Errors
    /// `Permanent` if a filter is missing.
    pub fn into_instrument(self) -> Result<Instrument, ExchangeError> {
        let missing = |what: &str| {
            ExchangeError::new(ErrorClass::Permanent, format!("{}: exchangeInfo has no {what}", self.symbol))
        };
        let tick =
            filter_value(&self.filters, "PRICE_FILTER", "tickSize").ok_or_else(|| missing("tickSize"))?;
        let step = filter_value(&self.filters, "LOT_SIZE", "stepSize").ok_or_else(|| missing("stepSize"))?;
        let min_qty = filter_value(&self.filters, "LOT_SIZE", "minQty").ok_or_else(|| missing("minQty"))?;
        let min_notional = filter_value(&self.filters, "NOTIONAL", "minNotional")
            .or_else(|| filter_value(&self.filters, "MIN_NOTIONAL", "minNotional"))
            .unwrap_or(Decimal::ZERO);
        Ok(Instrument {
            price_precision: tick.normalize().scale(),
            size_precision: step.normalize().scale(),
            tick_size: tick.normalize(),
            step_size: step.normalize(),
            min_quantity: min_qty.normalize(),
            min_notional: min_notional.normalize(),
            base: self.base_asset,
            quote: self.quote_asset,
            symbol: self.symbol,
        })
    }
}
