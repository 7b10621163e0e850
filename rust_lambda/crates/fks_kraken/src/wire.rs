//! Kraken's JSON answers and their translation into the core's types.

use fks_execution_core::{Decimal, Fill, OrderCommand, Remainder, Side, VenueOrder, VenueTrade};
use serde::Deserialize;
use serde_json::Value;

/// Every answer: `{"error": [...], "result": ...}`.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    #[serde(default)]
    pub error: Vec<String>,
    pub result: Option<T>,
}

/// `AddOrder`'s result.
#[derive(Debug, Deserialize)]
pub struct Added {
    #[serde(default)]
    pub txid: Vec<String>,
}

/// `CancelOrder`'s result.
#[derive(Debug, Deserialize)]
pub struct Canceled {
    pub count: u32,
}

/// An order of `QueryOrders`, `OpenOrders` or `ClosedOrders`.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderView {
    pub status: String,
    pub opentm: Value,
    #[serde(default)]
    pub descr: Option<Description>,
    pub vol_exec: Decimal,
    #[serde(default)]
    pub cl_ord_id: Option<String>,
    /// Comma-separated flags; a trigger order whose price was reached says `stopped` (stop
    /// loss) or `touched` (take profit).
    #[serde(default)]
    pub misc: String,
}

/// The part of an order's `descr` the client reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Description {
    #[serde(default)]
    pub ordertype: String,
}

/// `OpenOrders`' result.
#[derive(Debug, Deserialize)]
pub struct Open {
    pub open: std::collections::HashMap<String, OrderView>,
}

/// `ClosedOrders`' result.
#[derive(Debug, Deserialize)]
pub struct Closed {
    pub closed: std::collections::HashMap<String, OrderView>,
}

/// One trade of `TradesHistory`.
#[derive(Debug, Clone, Deserialize)]
pub struct TradeView {
    pub ordertxid: String,
    pub pair: String,
    pub time: Value,
    #[serde(rename = "type")]
    pub side: String,
    pub price: Decimal,
    pub fee: Decimal,
    pub vol: Decimal,
    #[serde(default)]
    pub trade_id: Option<u64>,
}

/// `TradesHistory`' result: one page, newest first.
#[derive(Debug, Deserialize)]
pub struct History {
    pub trades: std::collections::HashMap<String, TradeView>,
    #[serde(default)]
    pub count: u64,
}

/// Kraken's timestamps, seconds as a JSON number with a fraction, in milliseconds (exact: the
/// number's text is read as a decimal, never as a float).
#[must_use]
pub fn seconds_to_ms(value: &Value) -> u64 {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return 0,
    };
    text.parse::<Decimal>()
        .ok()
        .and_then(|s| (s * Decimal::from(1000)).trunc().to_string().parse::<u64>().ok())
        .unwrap_or_default()
}

/// What becomes of the unfilled quantity for a Kraken order status.
#[must_use]
pub fn remainder(status: &str) -> Remainder {
    match status {
        "closed" => Remainder::None,
        "canceled" => Remainder::Canceled,
        "expired" => Remainder::Expired,
        _ => Remainder::Working,
    }
}

fn is_stop(ordertype: &str) -> bool {
    ordertype.starts_with("stop-loss") || ordertype.starts_with("take-profit")
}

impl TradeView {
    /// The side of the account's order.
    #[must_use]
    pub fn side(&self) -> Side {
        if self.side == "sell" {
            Side::Sell
        } else {
            Side::Buy
        }
    }

    /// The trade in the account's history; Kraken charges spot fees in the quote currency when
    /// asked (`oflags=fciq`, which the client always sends).
    #[must_use]
    pub fn into_venue_trade(self, txid: String, symbol: &str, quote: &str) -> VenueTrade {
        let ts_ms = seconds_to_ms(&self.time);
        VenueTrade {
            trade_id: txid,
            seq: self.trade_id.unwrap_or(ts_ms),
            venue_order_id: self.ordertxid.clone(),
            symbol: symbol.to_owned(),
            side: self.side(),
            quantity: self.vol.normalize(),
            price: self.price.normalize(),
            fee: self.fee.normalize(),
            fee_asset: quote.to_owned(),
            fee_in_quote: self.fee.normalize(),
            ts_ms,
        }
    }
}

impl OrderView {
    /// The venue order with `fills` (the order's trades, read from the history).
    #[must_use]
    pub fn into_venue_order(
        self,
        txid: String,
        command: &OrderCommand,
        trades: Vec<(String, TradeView)>,
    ) -> VenueOrder {
        let stop = self.descr.as_ref().is_some_and(|d| is_stop(&d.ordertype));
        // Kraken marks a reached trigger in `misc`; a stop that traded or ended triggered too.
        let reached = self.misc.split(',').any(|flag| matches!(flag.trim(), "stopped" | "touched"));
        let triggered = !stop || reached || self.vol_exec > Decimal::ZERO || self.status != "open";
        let fills = trades
            .into_iter()
            .map(|(trade_id, t)| Fill {
                trade_id,
                client_order_id: command.client_order_id.clone(),
                symbol: command.symbol.clone(),
                side: command.side,
                quantity: t.vol.normalize(),
                price: t.price.normalize(),
                fee: t.fee.normalize(),
                ts_ms: seconds_to_ms(&t.time),
            })
            .collect();
        VenueOrder {
            client_order_id: command.client_order_id.clone(),
            venue_order_id: txid,
            triggered,
            fills,
            remainder: remainder(&self.status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_with_a_fraction_become_exact_milliseconds() {
        assert_eq!(seconds_to_ms(&serde_json::json!(1_700_000_000.123)), 1_700_000_000_123);
        assert_eq!(seconds_to_ms(&serde_json::json!(1_700_000_000)), 1_700_000_000_000);
    }

    #[test]
    fn remainder_maps_kraken_statuses() {
        assert_eq!(remainder("pending"), Remainder::Working);
        assert_eq!(remainder("open"), Remainder::Working);
        assert_eq!(remainder("closed"), Remainder::None);
        assert_eq!(remainder("canceled"), Remainder::Canceled);
        assert_eq!(remainder("expired"), Remainder::Expired);
    }

    #[test]
    fn stop_order_types_are_recognised() {
        assert!(is_stop("stop-loss") && is_stop("stop-loss-limit") && is_stop("take-profit-limit"));
        assert!(!is_stop("limit") && !is_stop("market"));
    }
}
