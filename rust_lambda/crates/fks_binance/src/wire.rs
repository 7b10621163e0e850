//! Binance's JSON answers and their translation into the core's [`VenueOrder`].

use fks_execution_core::{Decimal, Fill, OrderCommand, Remainder, Side, VenueOrder, VenueTrade};
use serde::Deserialize;

/// `{"code": -1013, "msg": "..."}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub code: i64,
    pub msg: String,
}

/// `GET /api/v3/time`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerTime {
    pub server_time: u64,
}

/// One fill of a `FULL` new-order answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderFill {
    pub price: Decimal,
    pub qty: Decimal,
    pub commission: Decimal,
    pub commission_asset: String,
    pub trade_id: i64,
}

/// The order part common to new-order (`FULL`), query and cancel answers.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderState {
    pub order_id: i64,
    #[serde(default)]
    pub client_order_id: Option<String>,
    pub status: String,
    #[serde(default)]
    pub working_time: Option<i64>,
    #[serde(default)]
    pub transact_time: Option<u64>,
    #[serde(default)]
    pub update_time: Option<u64>,
    pub executed_qty: Decimal,
    #[serde(default)]
    pub fills: Option<Vec<OrderFill>>,
}

/// `POST /api/v3/orderList/oco`: the legs' states are in `orderReports`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OcoAnswer {
    pub order_reports: Vec<OrderState>,
}

/// `POST /api/v3/order/cancelReplace` when both halves succeeded.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelReplaceAnswer {
    pub cancel_response: OrderState,
    pub new_order_response: OrderState,
}

/// One entry of `GET /api/v3/myTrades`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trade {
    #[serde(default)]
    pub symbol: String,
    pub id: i64,
    #[serde(default)]
    pub order_id: i64,
    #[serde(default)]
    pub is_buyer: bool,
    pub price: Decimal,
    pub qty: Decimal,
    pub commission: Decimal,
    pub commission_asset: String,
    pub time: u64,
}

/// What becomes of the unfilled quantity for a Binance order status.
pub fn remainder(status: &str) -> Remainder {
    match status {
        "FILLED" => Remainder::None,
        "CANCELED" | "PENDING_CANCEL" => Remainder::Canceled,
        // REJECTED after acceptance only happens to triggered stops; nothing more will fill.
        "EXPIRED" | "EXPIRED_IN_MATCH" | "REJECTED" => Remainder::Expired,
        _ => Remainder::Working,
    }
}

/// The fee in quote currency: a commission paid in the base asset (Binance charges a buyer in
/// what it receives) is valued at the fill price. A commission in a third asset (BNB) cannot
/// be valued without its price and is reported as zero.
pub fn fee_in_quote(symbol: &str, asset: &str, commission: Decimal, price: Decimal) -> Decimal {
    if symbol.ends_with(asset) {
        commission
    } else if symbol.starts_with(asset) {
        commission * price
    } else {
        Decimal::ZERO
    }
}

fn fill(
    command: &OrderCommand,
    trade_id: i64,
    price: Decimal,
    qty: Decimal,
    fee: Decimal,
    ts_ms: u64,
) -> Fill {
    Fill {
        trade_id: trade_id.to_string(),
        client_order_id: command.client_order_id.clone(),
        symbol: command.symbol.clone(),
        side: command.side,
        quantity: qty,
        price,
        fee,
        ts_ms,
    }
}

impl Trade {
    /// The trade as the core's account history entry.
    pub fn into_venue_trade(self) -> VenueTrade {
        let fee_in_quote = fee_in_quote(&self.symbol, &self.commission_asset, self.commission, self.price);
        VenueTrade {
            trade_id: self.id.to_string(),
            seq: u64::try_from(self.id).unwrap_or_default(),
            venue_order_id: self.order_id.to_string(),
            side: if self.is_buyer { Side::Buy } else { Side::Sell },
            quantity: self.qty,
            price: self.price,
            fee: self.commission,
            fee_asset: self.commission_asset,
            fee_in_quote,
            ts_ms: self.time,
            symbol: self.symbol,
        }
    }
}

impl OrderState {
    /// The venue order, with fills from the answer itself (`FULL`) or from `trades`.
    pub fn into_venue_order(self, command: &OrderCommand, trades: &[Trade]) -> VenueOrder {
        let ts = self.transact_time.or(self.update_time).unwrap_or_default();
        let symbol = command.symbol.as_str();
        let fills = match self.fills {
            Some(fills) if !fills.is_empty() => fills
                .into_iter()
                .map(|f| {
                    let fee = fee_in_quote(symbol, &f.commission_asset, f.commission, f.price);
                    fill(command, f.trade_id, f.price, f.qty, fee, ts)
                })
                .collect(),
            _ => trades
                .iter()
                .map(|t| {
                    let fee = fee_in_quote(symbol, &t.commission_asset, t.commission, t.price);
                    fill(command, t.id, t.price, t.qty, fee, t.time)
                })
                .collect(),
        };
        VenueOrder {
            client_order_id: command.client_order_id.clone(),
            venue_order_id: self.order_id.to_string(),
            // Binance reports -1 while a stop waits for its trigger.
            triggered: self.working_time.is_none_or(|t| t >= 0),
            fills,
            remainder: remainder(&self.status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_in_quote_values_base_commission_at_fill_price() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(fee_in_quote("BTCUSDT", "BTC", d("0.000001"), d("42000")), d("0.042"));
        assert_eq!(fee_in_quote("BTCUSDT", "USDT", d("0.5"), d("42000")), d("0.5"));
        assert_eq!(fee_in_quote("BTCUSDT", "BNB", d("0.01"), d("42000")), Decimal::ZERO);
    }

    #[test]
    fn remainder_maps_binance_statuses() {
        assert_eq!(remainder("NEW"), Remainder::Working);
        assert_eq!(remainder("PARTIALLY_FILLED"), Remainder::Working);
        assert_eq!(remainder("FILLED"), Remainder::None);
        assert_eq!(remainder("CANCELED"), Remainder::Canceled);
        assert_eq!(remainder("EXPIRED"), Remainder::Expired);
    }
}
