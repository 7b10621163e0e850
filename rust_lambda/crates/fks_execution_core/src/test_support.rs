//! Stub factories for unit tests: small builders instead of one giant shared fixture.

use std::str::FromStr;

use crate::command::OrderCommand;
use crate::decimal::Decimal;
use crate::fill::Fill;
use crate::instrument::Instrument;
use crate::order::{OrderType, Side, TimeInForce};

pub const ACCOUNT: &str = "acct-1";

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

pub fn btcusdt() -> Instrument {
    Instrument {
        symbol: "BTCUSDT".into(),
        base: "BTC".into(),
        quote: "USDT".into(),
        price_precision: 2,
        size_precision: 5,
        tick_size: d("0.01"),
        step_size: d("0.00001"),
        min_quantity: d("0.00001"),
        min_notional: d("5"),
    }
}

pub fn market_buy(client_order_id: &str, quantity: &str) -> OrderCommand {
    OrderCommand {
        client_order_id: client_order_id.into(),
        signal_id: None,
        account: ACCOUNT.into(),
        symbol: "BTCUSDT".into(),
        side: Side::Buy,
        order_type: OrderType::Market,
        quantity: d(quantity),
        price: None,
        stop_price: None,
        time_in_force: TimeInForce::Gtc,
        reduce_only: false,
        protection: None,
    }
}

pub fn limit_buy(client_order_id: &str, quantity: &str, price: &str) -> OrderCommand {
    OrderCommand {
        order_type: OrderType::Limit,
        price: Some(d(price)),
        ..market_buy(client_order_id, quantity)
    }
}

pub fn fill(trade_id: &str, client_order_id: &str, quantity: &str, price: &str, fee: &str) -> Fill {
    Fill {
        trade_id: trade_id.into(),
        client_order_id: client_order_id.into(),
        symbol: "BTCUSDT".into(),
        side: Side::Buy,
        quantity: d(quantity),
        price: d(price),
        fee: d(fee),
        ts_ms: 0,
    }
}
