use super::*;
use crate::fill::Fill;
use crate::order::Side;
use crate::position::Position;
use crate::test_support::d;

/// Bars from (open, high, low, close) rows.
struct Candles {
    open: Vec<f64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
}

fn candles(rows: &[(f64, f64, f64, f64)]) -> Candles {
    Candles {
        open: rows.iter().map(|r| r.0).collect(),
        high: rows.iter().map(|r| r.1).collect(),
        low: rows.iter().map(|r| r.2).collect(),
        close: rows.iter().map(|r| r.3).collect(),
    }
}

/// Flat bars at these prices (open = high = low = close).
fn flat(prices: &[f64]) -> Candles {
    candles(&prices.iter().map(|&p| (p, p, p, p)).collect::<Vec<_>>())
}

fn run(data: &Candles, targets: &[f64], config: &SimConfig) -> (Simulation, Vec<f64>) {
    let bars = Bars { open: &data.open, high: &data.high, low: &data.low, close: &data.close };
    let mut curve = Vec::new();
    let sim = simulate(&bars, &targets.to_vec(), config, |e| curve.push(e)).expect("simulation runs");
    (sim, curve)
}

fn config(sizing: Sizing) -> SimConfig {
    SimConfig { sizing, ..SimConfig::new(d("10000")) }
}

#[test]
fn a_target_fills_at_the_next_open_paying_slippage_and_taker_fees() {
    let data = flat(&[100.0, 101.0, 102.0, 103.0, 104.0]);
    let cfg = SimConfig { taker_fee_bps: d("10"), slippage_bps: d("5"), ..config(Sizing::Quantity(d("2"))) };

    let (sim, _) = run(&data, &[1.0, 1.0, 0.0, 0.0, 0.0], &cfg);

    let trade = &sim.trades[0];
    assert_eq!((trade.entry_bar, trade.exit_bar, trade.side), (1, 3, Side::Buy));
    // 101 + 5 bps = 101.0505; 103 − 5 bps = 102.9485
    assert_eq!((trade.entry_price, trade.exit_price), (d("101.0505"), d("102.9485")));
    // fees 2 × 101.0505 × 0.001 = 0.202101 and 2 × 102.9485 × 0.001 = 0.205897
    assert_eq!((trade.entry_fee, trade.exit_fee), (d("0.202101"), d("0.205897")));
    // 2 × 1.898 − 0.407998
    assert_eq!(trade.pnl, d("3.388002"));
    assert_eq!(trade.exit_reason, ExitReason::Signal);
    assert_eq!(sim.final_equity, d("10003.388002"));
}

#[test]
fn a_trade_is_what_the_live_book_makes_of_the_same_two_fills() {
    let data = flat(&[100.0, 99.5, 97.25, 98.0]);
    let cfg =
        SimConfig { taker_fee_bps: d("7.5"), slippage_bps: d("2"), ..config(Sizing::Quantity(d("0.3"))) };
    let (sim, _) = run(&data, &[-1.0, -1.0, 0.0, 0.0], &cfg);
    let trade = &sim.trades[0];

    let mut position = Position::new("X");
    for (id, side, price, fee) in [
        ("1", trade.side, trade.entry_price, trade.entry_fee),
        ("2", trade.side.opposite(), trade.exit_price, trade.exit_fee),
    ] {
        let fill = Fill {
            trade_id: id.into(),
            client_order_id: "o".into(),
            symbol: "X".into(),
            side,
            quantity: trade.quantity,
            price,
            fee,
            ts_ms: 0,
        };
        position.apply_fill(&fill).unwrap();
    }

    assert_eq!(position.realized_pnl() - position.fees(), trade.pnl);
    assert_eq!(trade.entry_fee, crate::fill::fee_of(d("0.3"), trade.entry_price, d("7.5")));
}

#[test]
fn quote_sizing_buys_the_amount_at_the_entry_price_scaled_by_the_target() {
    let data = flat(&[80.0, 80.0, 80.0, 80.0]);

    let (full, _) = run(&data, &[1.0, 0.0, 0.0, 0.0], &config(Sizing::Quote(d("1000"))));
    let (half, _) = run(&data, &[0.5, 0.0, 0.0, 0.0], &config(Sizing::Quote(d("1000"))));

    assert_eq!(full.trades[0].quantity, d("12.5"));
    assert_eq!(half.trades[0].quantity, d("6.25"));
}

#[test]
fn fraction_sizing_spends_exactly_the_equity_fee_included() {
    let data = flat(&[100.0, 100.0, 100.0]);
    let cfg = SimConfig { taker_fee_bps: d("10"), ..config(Sizing::Fraction(d("1"))) };

    let (sim, _) = run(&data, &[1.0, 0.0, 0.0], &cfg);

    let trade = &sim.trades[0];
    let spent = trade.quantity * trade.entry_price + trade.entry_fee;
    assert!((spent - d("10000")).abs() < d("0.000000000000000000001"), "spent {spent}");
}

#[test]
fn a_stop_loss_fills_at_its_level_or_at_a_worse_opening_gap() {
    let cfg = SimConfig { stop_loss_pct: Some(d("2")), ..config(Sizing::Quantity(d("1"))) };
    let touched =
        candles(&[(100.0, 100.0, 100.0, 100.0), (100.0, 101.0, 99.0, 100.0), (99.0, 99.5, 97.5, 98.5)]);
    let gapped =
        candles(&[(100.0, 100.0, 100.0, 100.0), (100.0, 101.0, 99.0, 100.0), (97.0, 97.5, 96.0, 97.0)]);

    let (at_level, _) = run(&touched, &[1.0, 1.0, 1.0], &cfg);
    let (at_open, _) = run(&gapped, &[1.0, 1.0, 1.0], &cfg);

    assert_eq!(
        (at_level.trades[0].exit_price, at_level.trades[0].exit_reason),
        (d("98.00"), ExitReason::StopLoss)
    );
    assert_eq!((at_open.trades[0].exit_price, at_open.trades[0].exit_bar), (d("97"), 2));
}

#[test]
fn a_take_profit_rests_at_its_level_and_pays_the_maker_fee() {
    let cfg = SimConfig {
        take_profit_pct: Some(d("5")),
        maker_fee_bps: d("2"),
        taker_fee_bps: d("10"),
        slippage_bps: d("50"),
        ..config(Sizing::Quantity(d("1")))
    };
    let data =
        candles(&[(100.0, 100.0, 100.0, 100.0), (100.0, 101.0, 99.0, 100.0), (103.0, 110.0, 102.0, 104.0)]);

    let (sim, _) = run(&data, &[1.0, 1.0, 1.0], &cfg);

    let trade = &sim.trades[0];
    // Entry 100.5 (50 bps slippage); the limit 105.525 fills as placed, no slippage.
    assert_eq!((trade.exit_price, trade.exit_reason), (d("105.525"), ExitReason::TakeProfit));
    assert_eq!(trade.exit_fee, d("0.0211050"));
}

#[test]
fn a_trailing_stop_follows_the_best_price_of_earlier_bars() {
    let cfg = SimConfig { trailing_stop_pct: Some(d("10")), ..config(Sizing::Quantity(d("1"))) };
    let data = candles(&[
        (100.0, 100.0, 100.0, 100.0),
        (100.0, 120.0, 99.0, 118.0), // entry 100; the stop (90) holds; best 120 -> stop 108
        (118.0, 130.0, 109.0, 125.0), // 109 > 108 holds; this bar's high 130 moves it to 117 after
        (125.0, 126.0, 116.5, 120.0), // 116.5 <= 117: out at 117
        (120.0, 120.0, 120.0, 120.0),
    ]);

    let (sim, _) = run(&data, &[1.0, 1.0, 1.0, 1.0, 1.0], &cfg);

    let trade = &sim.trades[0];
    assert_eq!((trade.exit_bar, trade.exit_reason), (3, ExitReason::TrailingStop));
    assert_eq!(trade.exit_price, d("117.0"));
    assert_eq!(sim.trades.len(), 1, "flat after the stop until the target changes");
}

#[test]
fn a_short_trailing_stop_follows_the_lows_and_fills_at_a_gap() {
    let cfg = SimConfig { trailing_stop_pct: Some(d("5")), ..config(Sizing::Quantity(d("1"))) };
    let data = candles(&[
        (100.0, 100.0, 100.0, 100.0),
        (100.0, 101.0, 90.0, 91.0), // entry 100 short; stop 105 holds; best 90 -> stop 94.5
        (96.0, 97.0, 95.0, 96.0),   // opens above 94.5: out at the open, 96
    ]);

    let (sim, _) = run(&data, &[-1.0, -1.0, -1.0], &cfg);

    let trade = &sim.trades[0];
    assert_eq!(
        (trade.side, trade.exit_reason, trade.exit_price),
        (Side::Sell, ExitReason::TrailingStop, d("96"))
    );
    assert_eq!(trade.pnl, d("4"));
}

#[test]
fn the_tighter_of_a_fixed_and_a_trailing_stop_names_the_exit() {
    let cfg = SimConfig {
        stop_loss_pct: Some(d("3")),
        trailing_stop_pct: Some(d("10")),
        ..config(Sizing::Quantity(d("1")))
    };
    let data = candles(&[(100.0, 100.0, 100.0, 100.0), (100.0, 100.0, 96.0, 97.0), (97.0, 97.0, 97.0, 97.0)]);

    let (sim, _) = run(&data, &[1.0, 1.0, 1.0], &cfg);

    assert_eq!((sim.trades[0].exit_reason, sim.trades[0].exit_price), (ExitReason::StopLoss, d("97.00")));
}

#[test]
fn long_only_reads_short_targets_as_flat() {
    let data = flat(&[100.0, 101.0, 102.0, 103.0]);
    let cfg = SimConfig { allow_short: false, ..config(Sizing::Quantity(d("1"))) };

    let (sim, curve) = run(&data, &[-1.0, -1.0, 1.0, 1.0], &cfg);

    assert_eq!(sim.trades.len(), 1);
    assert_eq!((sim.trades[0].side, sim.trades[0].entry_bar), (Side::Buy, 3));
    assert_eq!(curve, vec![10000.0; 4]);
}

#[test]
fn a_trade_open_at_the_end_closes_at_the_last_close_and_the_curve_marks_it() {
    let data =
        candles(&[(100.0, 100.0, 100.0, 100.0), (100.0, 103.0, 99.0, 102.0), (102.0, 106.0, 101.0, 105.0)]);

    let (sim, curve) = run(&data, &[1.0, 1.0, 1.0], &config(Sizing::Quantity(d("2"))));

    assert_eq!((sim.trades[0].exit_reason, sim.trades[0].exit_price), (ExitReason::EndOfData, d("105")));
    assert_eq!(curve, vec![10000.0, 10004.0, 10010.0]);
    assert_eq!(sim.final_equity, d("10010"));
}

#[test]
fn no_trade_opens_once_the_equity_is_gone() {
    let data = flat(&[100.0, 100.0, 10.0, 10.0, 10.0, 10.0]);
    // Long 200 units from 100 with 10 000 of equity: the fall to 10 loses more than all of it.
    let cfg = config(Sizing::Quantity(d("200")));

    let (sim, _) = run(&data, &[1.0, 0.0, 1.0, 0.0, 1.0, 0.0], &cfg);

    // 200 × (10 − 100) = −18 000: equity −8 000, so the next signal opens nothing.
    assert_eq!(sim.trades.len(), 1);
    assert_eq!(sim.final_equity, d("-8000"));
}

#[test]
fn bad_inputs_are_named() {
    let data = flat(&[100.0, f64::NAN, 100.0]);
    let bars = Bars { open: &data.open, high: &data.high, low: &data.low, close: &data.close };
    let cfg = config(Sizing::Quantity(d("1")));

    let bad_price = simulate(&bars, &vec![1.0, 1.0, 1.0], &cfg, |_| {});
    let bad_target = simulate(&bars, &vec![f64::INFINITY, 1.0, 1.0], &cfg, |_| {});
    let short = simulate(&bars, &vec![1.0], &cfg, |_| {});
    let bad_config = simulate(&bars, &vec![0.0; 3], &config(Sizing::Fraction(d("2"))), |_| {});

    assert!(matches!(bad_price, Err(SimError::Price { bar: 1, column: "open", .. })));
    assert_eq!(bad_target, Err(SimError::Target(0)));
    assert_eq!(short, Err(SimError::Length("targets", 1, 3)));
    assert!(matches!(bad_config, Err(SimError::Config(_))));
}

#[test]
fn prices_are_read_on_the_venue_tick_grid() {
    assert_eq!(ticks_of(0.1), Some(10_000_000));
    assert_eq!(ticks_of(64_123.456_789_01), Some(6_412_345_678_901));
    assert_eq!(ticks_of(0.0), None);
    assert_eq!(ticks_of(MAX_PRICE * 2.0), None);
}

#[test]
fn entries_sized_at_the_signal_close_round_down_to_the_lot_step_as_a_live_order() {
    // The target changes on the close of bar 0 (300); the entry fills at bar 1's open (310).
    let data =
        candles(&[(290.0, 301.0, 289.0, 300.0), (310.0, 311.0, 309.0, 310.0), (310.0, 310.0, 310.0, 310.0)]);
    let live = |sizing| SimConfig {
        taker_fee_bps: d("10"),
        slippage_bps: d("5"),
        size_at_signal_close: true,
        quantity_step: Some(d("0.001")),
        ..config(sizing)
    };

    let (quote, _) = run(&data, &[1.0, 1.0, 1.0], &live(Sizing::Quote(d("1000"))));
    let (fraction, _) = run(&data, &[1.0, 1.0, 1.0], &live(Sizing::Fraction(d("0.5"))));
    let (at_fill, _) = run(
        &data,
        &[1.0, 1.0, 1.0],
        &SimConfig { size_at_signal_close: false, ..live(Sizing::Quote(d("1000"))) },
    );

    // 1000 / 300 = 3.333…, down to the step
    assert_eq!(quote.trades[0].quantity, d("3.333"));
    // 5000 / (300.15 × 1.001) = 16.6413…: the budget allows for slippage and the fee
    assert_eq!(fraction.trades[0].quantity, d("16.641"));
    // at the fill price instead: 1000 / 310.155 = 3.2241…
    assert_eq!(at_fill.trades[0].quantity, d("3.224"));
}
