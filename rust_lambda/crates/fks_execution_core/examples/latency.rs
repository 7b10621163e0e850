//! Latency harness: 1,000,000 market orders through `Engine::submit` against the paper exchange
//! (validate → risk → status machine → paper fill → position update → report).
//!
//! Run with `cargo run --release --example latency [orders]`. Prints figures; asserts nothing
//! about them, because timings depend on the machine. A smaller order count is for profilers
//! (`valgrind --tool=callgrind`), whose instruction counts do not depend on the machine's load.

use std::hint::black_box;
use std::str::FromStr;
use std::time::Instant;

use fks_execution_core::{
    Decimal, Engine, Instrument, OrderCommand, OrderType, PaperConfig, PaperExchange, PositionLimit,
    RateLimit, RiskLimits, Side, TimeInForce,
};

const DEFAULT_ORDERS: u32 = 1_000_000;
// Pruning closed orders (outside the timed region) keeps the maps the size a long-running
// engine would have, instead of timing a map that grows to a million entries.
const PRUNE_EVERY: u32 = 10_000;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

fn command(i: u32) -> OrderCommand {
    OrderCommand {
        client_order_id: format!("lat-{i}"),
        signal_id: None,
        account: "bench".into(),
        symbol: "BTCUSDT".into(),
        // Alternate sides so the position stays inside its limit for the whole run.
        side: if i.is_multiple_of(2) { Side::Buy } else { Side::Sell },
        order_type: OrderType::Market,
        quantity: d("0.00100"),
        price: None,
        stop_price: None,
        time_in_force: TimeInForce::Ioc,
        reduce_only: false,
        protection: None,
    }
}

fn engine() -> Engine<PaperExchange> {
    let limits = RiskLimits {
        max_order_notional: Some(d("1000")),
        position_limit: PositionLimit { max_quantity: Some(d("1")), max_notional: Some(d("100000")) },
        max_open_orders: Some(50),
        // One order per simulated millisecond stays just inside 1,000 per second.
        order_rate: Some(RateLimit { max_orders: 1_000, window_ms: 1_000 }),
        daily_loss_limit: Some(d("1000000")),
        max_consecutive_exchange_errors: Some(5),
        ..RiskLimits::default()
    };
    let paper =
        PaperExchange::new(PaperConfig { fee_bps: d("7.5"), slippage_bps: d("1"), available_quantity: None });
    let mut engine = Engine::new("bench", limits, paper);
    engine
        .add_instrument(Instrument {
            symbol: "BTCUSDT".into(),
            base: "BTC".into(),
            quote: "USDT".into(),
            price_precision: 2,
            size_precision: 5,
            tick_size: d("0.01"),
            step_size: d("0.00001"),
            min_quantity: d("0.00001"),
            min_notional: d("5"),
        })
        .expect("valid instrument");
    engine
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "nearest-rank index of a 1e6-element vector: exact in f64 and never negative"
    )]
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let orders: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(DEFAULT_ORDERS);
    let mut engine = engine();
    let mut samples: Vec<u64> = Vec::with_capacity(orders as usize);
    let mut denied = 0_u32;
    let base_price = d("60000.00");
    let started = Instant::now();

    for i in 0..orders {
        let now_ms = u64::from(i) + 1;
        let mark = base_price + Decimal::new(i64::from(i % 200), 2);
        let cmd = command(i);

        let t0 = Instant::now();
        let result = engine.submit(cmd, now_ms, mark);
        let elapsed = t0.elapsed();

        if result.is_err() {
            denied += 1;
        }
        black_box(result).ok();
        samples.push(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX));
        if i % PRUNE_EVERY == PRUNE_EVERY - 1 {
            engine.prune_closed(now_ms.saturating_sub(1_000));
        }
    }

    let wall = started.elapsed();
    samples.sort_unstable();
    let mean = samples.iter().sum::<u64>() / u64::from(orders);
    let position = engine.position("BTCUSDT").expect("traded");
    println!("orders: {orders}, denied: {denied}, wall: {wall:.2?}");
    println!(
        "submit latency ns: p50 {}  p90 {}  p99 {}  p99.9 {}  max {}  mean {}",
        percentile(&samples, 50.0),
        percentile(&samples, 90.0),
        percentile(&samples, 99.0),
        percentile(&samples, 99.9),
        samples[samples.len() - 1],
        mean,
    );
    println!(
        "final position {} realized {} fees {}",
        position.quantity(),
        position.realized_pnl().round_dp(2),
        position.fees().round_dp(2)
    );
}
