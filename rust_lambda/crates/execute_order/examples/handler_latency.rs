//! Latency of the whole `execute_order` handler in-process: JSON command in → validation →
//! idempotency claim → risk → paper fill → position → conditional commit → report, with the
//! in-memory store standing in for DynamoDB (so the figure excludes network round trips).
//!
//! Run with `cargo run --release -p execute_order --example handler_latency [orders]`.
//! Prints figures; asserts nothing.

use std::hint::black_box;
use std::str::FromStr;
use std::time::Instant;

use execute_order::handler::Handler;
use execute_order::market::StaticMarket;
use execute_order::store::MemoryStore;
use fks_execution_core::{Decimal, Instrument, PaperConfig, PaperExchange, RiskLimits};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

fn percentile(sorted: &[u64], p: usize) -> u64 {
    let rank = (sorted.len() * p).div_ceil(100);
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let orders: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let instrument = Instrument {
        symbol: "BTCUSDT".into(),
        base: "BTC".into(),
        quote: "USDT".into(),
        price_precision: 2,
        size_precision: 5,
        tick_size: d("0.01"),
        step_size: d("0.00001"),
        min_quantity: d("0.00001"),
        min_notional: d("5"),
    };
    let market = StaticMarket::default().with(instrument, d("60000.00"));
    let paper =
        PaperExchange::new(PaperConfig { fee_bps: d("7.5"), slippage_bps: d("1"), available_quantity: None });
    let limits = RiskLimits { max_order_notional: Some(d("1000")), ..RiskLimits::default() };
    let mut handler = Handler::new(MemoryStore::default(), paper, market, "bench", limits);
    let events: Vec<String> = (0..orders)
        .map(|i| {
            let side = if i % 2 == 0 { "buy" } else { "sell" };
            format!(
                r#"{{"client_order_id":"h-{i}","account":"bench","symbol":"BTCUSDT","side":"{side}","type":"market","quantity":"0.00100"}}"#
            )
        })
        .collect();

    let mut samples = Vec::with_capacity(orders);
    let mut failed = 0_usize;
    let started = Instant::now();
    for (i, event) in events.iter().enumerate() {
        let t0 = Instant::now();
        let result = handler.handle_json(event, i as u64 + 1);
        let report = result.map(|r| serde_json::to_string(&r));
        samples.push(u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX));
        failed += usize::from(report.is_err());
        black_box(report).ok();
    }
    let wall = started.elapsed();
    samples.sort_unstable();
    println!("execute_order handler in-process (paper exchange, in-memory store): {orders} orders, {failed} failed, wall {wall:.2?}");
    println!(
        "handler latency ns: p50 {}  p90 {}  p99 {}  max {}",
        percentile(&samples, 50),
        percentile(&samples, 90),
        percentile(&samples, 99),
        samples[samples.len() - 1]
    );
}
