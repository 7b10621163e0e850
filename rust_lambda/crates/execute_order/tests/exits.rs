//! Protective exits: placed once the entry fills (at placement or at a sync), as one OCO for a
//! stop and a take profit, booked when they fill, the other leg canceled.

mod common;

use common::{cancel, command, d, handler, limit, sync_report, ACCOUNT};
use fks_execution_core::{
    ErrorClass, ExchangeClient, ExitKind, OrderStatus, OrderType, PaperConfig, PaperExchange, RiskLimits,
};

fn protected(event: &str, protection: &str) -> String {
    let end = event.rfind('}').expect("a JSON object");
    format!(r#"{},"protection":{protection}}}"#, &event[..end])
}

#[test]
fn a_filled_entry_with_a_stop_gets_a_stop_loss_limit_two_percent_under_its_fill_placed_once() {
    let mut h = handler(RiskLimits::default());
    let event = protected(&command("e-1", "buy", "0.01"), r#"{"stop_loss_pct":"2"}"#);

    let report = h.handle_json(&event, 1).unwrap();
    let again = h.handle_json(&event, 2).unwrap();

    assert_eq!(report.status, OrderStatus::Filled);
    assert_eq!(report.exits.len(), 1);
    let stop = &report.exits[0];
    assert_eq!((stop.kind, stop.client_order_id.as_str()), (ExitKind::StopLoss, "e-1-sl"));
    // 2 % under the 42000 fill, and the limit 1 % under the trigger.
    assert_eq!((stop.stop_price, stop.price), (Some(d("41160")), Some(d("40748.40"))));
    assert_eq!((stop.status, stop.quantity), (OrderStatus::Accepted, d("0.01")));
    let stored = h.store().clone_order("e-1-sl").unwrap();
    assert_eq!(stored.command.order_type, OrderType::StopLimit);
    assert!(stored.command.reduce_only);
    assert!(again.duplicate);
    assert_eq!(h.exchange().paper.working_orders(), 1, "the retry placed no second stop");
    let entry = h.store().clone_order("e-1").and_then(|o| o.report).unwrap();
    assert_eq!(entry.exits.len(), 1, "the stored entry lists its exits");
}

#[test]
fn a_stop_and_a_take_profit_are_one_pair_and_the_leg_left_is_canceled_when_the_other_fills() {
    let mut h = handler(RiskLimits::default());
    let event = protected(&command("e-2", "buy", "0.01"), r#"{"stop_loss_pct":"2","take_profit_pct":"4"}"#);
    let report = h.handle_json(&event, 1).unwrap();
    // The price reaches the take profit (42000 + 4 % = 43680): the venue fills it.
    h.exchange_mut().paper.on_mark_price("BTCUSDT", d("43700"), 2);

    let synced = sync_report(&mut h, 3);

    let kinds: Vec<_> = report.exits.iter().map(|e| (e.kind, e.client_order_id.as_str())).collect();
    assert_eq!(kinds, [(ExitKind::Oco, "e-2-sl"), (ExitKind::Oco, "e-2-tp")]);
    assert_eq!(report.exits[1].price, Some(d("43680")));
    let states: Vec<_> = synced.reports.iter().map(|r| (r.client_order_id.as_str(), r.status)).collect();
    assert!(states.contains(&("e-2-tp", OrderStatus::Filled)), "{states:?}");
    assert!(states.contains(&("e-2-sl", OrderStatus::Canceled)), "{states:?}");
    assert_eq!(h.exchange().paper.working_orders(), 0);
    let position = h.store().clone_position(ACCOUNT, "BTCUSDT").unwrap();
    assert_eq!(position.position.quantity(), d("0"), "the take profit closed the position");
}

#[test]
fn a_resting_entry_gets_its_exits_at_the_sync_that_learns_its_fill() {
    let mut h = handler(RiskLimits::default());
    let event = protected(&limit("e-3", "buy", "0.01", "41000.00"), r#"{"take_profit_pct":"5"}"#);
    let placed = h.handle_json(&event, 1).unwrap();
    h.exchange_mut().paper.on_mark_price("BTCUSDT", d("40990.00"), 2);

    let first = sync_report(&mut h, 3);
    let second = sync_report(&mut h, 4);

    assert!(placed.exits.is_empty());
    let entry = first.reports.iter().find(|r| r.client_order_id == "e-3").expect("the entry's fill");
    assert_eq!(entry.exits.len(), 1);
    assert_eq!((entry.exits[0].kind, entry.exits[0].stop_price), (ExitKind::TakeProfit, Some(d("43050"))));
    let stored = h.store().clone_order("e-3-tp").unwrap();
    assert_eq!(stored.command.order_type, OrderType::TakeProfitLimit);
    assert!(second.reports.is_empty());
    assert_eq!(h.exchange().paper.working_orders(), 1);
}

#[test]
fn protection_out_of_range_or_on_a_reduce_only_order_is_bad_request() {
    let mut h = handler(RiskLimits::default());
    let cases = [
        protected(&command("b-1", "buy", "0.01"), r#"{"stop_loss_pct":"0"}"#),
        protected(&command("b-2", "buy", "0.01"), r#"{"stop_loss_pct":"100"}"#),
        protected(&command("b-3", "buy", "0.01"), r#"{"take_profit_pct":"0"}"#),
        protected(&command("b-4", "buy", "0.01"), r#"{"stop_loss_pct":"2","x":"1"}"#),
        protected(
            &command("b-5", "sell", "0.01").replace(r#""type""#, r#""reduce_only":true,"type""#),
            r#"{"stop_loss_pct":"2"}"#,
        ),
    ];

    for event in cases {
        let failure = h.handle_json(&event, 1).unwrap_err();
        assert_eq!(failure.error_type, "BadRequest", "{event}: {failure}");
    }
}

#[test]
fn a_trailing_stop_is_raised_by_a_sync_after_the_price_rose_and_never_lowered() {
    let mut h = handler(RiskLimits::default());
    let event = protected(&command("e-4", "buy", "0.01"), r#"{"trailing_stop_pct":"2"}"#);
    let report = h.handle_json(&event, 1).unwrap();
    h.market_mut().set_mark("BTCUSDT", d("45000"));

    let raised = sync_report(&mut h, 2);
    h.market_mut().set_mark("BTCUSDT", d("44000"));
    let after_dip = sync_report(&mut h, 3);

    assert_eq!(
        (report.exits[0].kind, report.exits[0].stop_price),
        (ExitKind::TrailingStop, Some(d("41160")))
    );
    let moved = raised.reports.iter().find(|r| r.client_order_id == "e-4-t1").expect("the stop moved");
    assert_eq!(moved.status, OrderStatus::Accepted);
    let stop = h.store().clone_order("e-4-t1").unwrap().command;
    // 2 % under the 45000 reached.
    assert_eq!(stop.stop_price, Some(d("44100")));
    assert_eq!(
        h.store().clone_order("e-4-t0").and_then(|o| o.report).map(|r| r.status),
        Some(OrderStatus::Canceled)
    );
    assert!(after_dip.reports.is_empty(), "a stop never moves back: {after_dip:?}");
    assert_eq!(h.exchange().paper.working_orders(), 1);
}

#[test]
fn amend_replaces_a_resting_order_once_by_its_new_id() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&limit("a-1", "buy", "0.01", "41000.00"), 1).unwrap();
    let amend = format!(
        r#"{{"action":"amend","client_order_id":"a-1","account":"{ACCOUNT}","new_client_order_id":"a-2","price":"40500.00"}}"#
    );

    let replaced = h.handle_json(&amend, 2).unwrap();
    let again = h.handle_json(&amend, 3).unwrap();
    let old_again = h.handle_json(&amend.replace("a-2", "a-3"), 4).unwrap_err();

    assert_eq!((replaced.client_order_id.as_str(), replaced.status), ("a-2", OrderStatus::Accepted));
    assert_eq!(h.store().clone_order("a-2").unwrap().command.price, Some(d("40500.00")));
    assert_eq!(
        h.store().clone_order("a-1").and_then(|o| o.report).map(|r| r.status),
        Some(OrderStatus::Canceled)
    );
    assert!(again.duplicate);
    assert_eq!(old_again.error_type, "Conflict", "{old_again}");
    assert_eq!(h.exchange().paper.working_orders(), 1);
}

#[test]
fn a_trailing_stop_with_a_take_profit_moves_as_one_pair() {
    let mut h = handler(RiskLimits::default());
    let event = protected(
        &command("e-5", "buy", "0.01"),
        r#"{"stop_loss_pct":"3","trailing_stop_pct":"2","take_profit_pct":"10"}"#,
    );
    let report = h.handle_json(&event, 1).unwrap();
    h.market_mut().set_mark("BTCUSDT", d("45000"));

    let raised = sync_report(&mut h, 2);

    let kinds: Vec<_> = report.exits.iter().map(|e| (e.kind, e.client_order_id.as_str())).collect();
    assert_eq!(kinds, [(ExitKind::TrailingStop, "e-5-t0"), (ExitKind::Oco, "e-5-tp0")]);
    // The tighter of the 3 % stop and the 2 % trail starts it.
    assert_eq!(report.exits[0].stop_price, Some(d("41160")));
    let moved: Vec<_> = raised.reports.iter().map(|r| (r.client_order_id.as_str(), r.status)).collect();
    assert!(moved.contains(&("e-5-t1", OrderStatus::Accepted)), "{moved:?}");
    assert_eq!(h.store().clone_order("e-5-t1").unwrap().command.stop_price, Some(d("44100")));
    assert_eq!(h.store().clone_order("e-5-tp1").unwrap().command.price, Some(d("46200")));
    for old in ["e-5-t0", "e-5-tp0"] {
        assert_eq!(
            h.store().clone_order(old).and_then(|o| o.report).map(|r| r.status),
            Some(OrderStatus::Canceled)
        );
    }
    assert_eq!(h.exchange().paper.working_orders(), 2);
}

#[test]
fn an_exit_placement_that_failed_is_placed_by_the_next_sync_once() {
    let mut h = handler(RiskLimits::default());
    // The entry goes through; its stop is throttled before the venue takes it.
    h.exchange_mut().places_before_errors = 1;
    h.exchange_mut().fail_next_place(ErrorClass::RateLimited, "-1015", "Too many new orders.");
    let event = protected(&command("e-1", "buy", "0.01"), r#"{"stop_loss_pct":"2"}"#);

    let report = h.handle_json(&event, 1).unwrap();
    let unprotected = h.exchange().paper.working_orders();
    let first = sync_report(&mut h, 2);
    let second = sync_report(&mut h, 3);

    assert_eq!((report.status, report.exits.len()), (OrderStatus::Filled, 0));
    assert_eq!(unprotected, 0, "no stop yet");
    assert!(first.reports.is_empty() && second.reports.is_empty(), "no fill to book: {first:?}");
    assert_eq!(h.exchange().paper.working_orders(), 1, "the sync placed the stop, the next none again");
    let stop = h.store().clone_order("e-1-sl").and_then(|o| o.report).unwrap();
    assert_eq!((stop.status, stop.quantity), (OrderStatus::Accepted, d("0.01")));
    let entry = h.store().clone_order("e-1").and_then(|o| o.report).unwrap();
    assert_eq!(entry.exits.iter().map(|e| e.client_order_id.as_str()).collect::<Vec<_>>(), ["e-1-sl"]);
}

#[test]
fn a_partly_filled_entry_canceled_is_protected_for_what_filled() {
    let market = execute_order::market::StaticMarket::default().with(common::btcusdt(), d("42000"));
    // The venue fills at most 0.004 per match.
    let paper =
        PaperExchange::new(PaperConfig { available_quantity: Some(d("0.004")), ..PaperConfig::default() });
    let venue = common::Scripted { paper, ..common::Scripted::default() };
    let mut h = execute_order::handler::Handler::new(
        execute_order::store::MemoryStore::default(),
        venue,
        market,
        ACCOUNT,
        RiskLimits::default(),
    );
    let event = protected(&limit("e-1", "buy", "0.01", "41000.00"), r#"{"stop_loss_pct":"2"}"#);
    h.handle_json(&event, 1).unwrap();
    h.exchange_mut().paper.on_mark_price("BTCUSDT", d("40990.00"), 2);

    let partly = sync_report(&mut h, 3);
    let working = h.exchange().paper.working_orders();
    let canceled = h.handle_json(&cancel("e-1"), 4).unwrap();

    assert_eq!(partly.reports[0].status, OrderStatus::PartiallyFilled);
    assert!(partly.reports[0].exits.is_empty(), "no exits while the entry still works");
    assert_eq!(working, 1, "only the entry");
    assert_eq!((canceled.status, canceled.filled_qty), (OrderStatus::Canceled, d("0.004")));
    let stops: Vec<_> = canceled.exits.iter().map(|e| (e.kind, e.quantity)).collect();
    assert_eq!(stops, [(ExitKind::StopLoss, d("0.004"))], "the stop covers what filled");
    assert_eq!(h.exchange().paper.working_orders(), 1, "the stop, the entry canceled");
}

#[test]
fn a_closing_sell_cancels_the_pair_first_and_a_retry_after_an_unreachable_cancel_sells_once() {
    let mut h = handler(RiskLimits::default());
    let entry = protected(&command("e-20", "buy", "0.01"), r#"{"stop_loss_pct":"2","take_profit_pct":"4"}"#);
    h.handle_json(&entry, 1).unwrap();
    h.exchange_mut().fail_next_cancel(ErrorClass::Retryable);

    let first = h.handle_json(&command("e-21", "sell", "0.01"), 2).unwrap_err();
    let stored_after_first = h.store().clone_order("e-21");
    let close = h.handle_json(&command("e-21", "sell", "0.01"), 3).unwrap();
    let again = h.handle_json(&command("e-21", "sell", "0.01"), 4).unwrap();
    let synced = sync_report(&mut h, 5);

    assert_eq!(first.error_type, "TemporaryError", "{first}");
    assert!(stored_after_first.is_none(), "nothing of the close is stored before its exits are settled");
    assert_eq!(close.status, OrderStatus::Filled);
    assert!(again.duplicate);
    assert_eq!(h.exchange().paper.working_orders(), 0, "both legs canceled at the venue");
    for exit in ["e-20-sl", "e-20-tp"] {
        let status = h.store().clone_order(exit).and_then(|o| o.report).map(|r| r.status);
        assert_eq!(status, Some(OrderStatus::Canceled), "{exit}");
    }
    assert!(synced.reports.is_empty(), "{:?}", synced.reports);
    let position = h.store().clone_position(ACCOUNT, "BTCUSDT").unwrap();
    assert_eq!(position.position.quantity(), d("0"), "sold once");
    assert_eq!(h.store().clone_risk_state(ACCOUNT).open_orders, 0);
}

#[test]
fn a_refused_close_leaves_the_position_protected_again_under_the_close_s_ids() {
    let mut h = handler(RiskLimits::default());
    let entry = protected(&command("e-22", "buy", "0.01"), r#"{"stop_loss_pct":"2","take_profit_pct":"4"}"#);
    h.handle_json(&entry, 1).unwrap();
    h.exchange_mut().fail_next_place(ErrorClass::InsufficientFunds, "-2010", "insufficient balance");

    let failure = h.handle_json(&command("e-23", "sell", "0.01"), 2).unwrap_err();
    let retry = h.handle_json(&command("e-23", "sell", "0.01"), 3).unwrap_err();

    assert_eq!(
        (failure.error_type.as_str(), retry.error_type.as_str()),
        ("InsufficientFunds", "InsufficientFunds")
    );
    assert_eq!(h.exchange().paper.working_orders(), 2, "one pair again, not two");
    let stop = h.store().clone_order("e-23-sl").unwrap();
    assert_eq!((stop.command.quantity, stop.command.stop_price), (d("0.01"), Some(d("41160"))));
    let take = h.store().clone_order("e-23-tp").and_then(|o| o.report).map(|r| r.status);
    assert_eq!(take, Some(OrderStatus::Accepted));
    let position = h.store().clone_position(ACCOUNT, "BTCUSDT").unwrap();
    assert_eq!(position.position.quantity(), d("0.01"));
}

#[test]
fn a_moved_trailing_stop_keeps_trailing_on_later_syncs() {
    let mut h = handler(RiskLimits::default());
    let event = protected(&command("e-6", "buy", "0.01"), r#"{"trailing_stop_pct":"2"}"#);
    h.handle_json(&event, 1).unwrap();
    h.market_mut().set_mark("BTCUSDT", d("45000"));
    sync_report(&mut h, 2);
    h.market_mut().set_mark("BTCUSDT", d("47000"));

    let raised_again = sync_report(&mut h, 3);

    let moved = raised_again.reports.iter().find(|r| r.client_order_id == "e-6-t2").expect("moved twice");
    assert_eq!(moved.status, OrderStatus::Accepted);
    let stop = h.store().clone_order("e-6-t2").unwrap().command;
    // 2 % under the 47000 reached, still a trailing stop.
    assert_eq!(stop.stop_price, Some(d("46060")));
    assert!(stop.protection.and_then(|p| p.trailing_stop_pct).is_some());
    assert_eq!(h.exchange().paper.working_orders(), 1);
}

#[test]
fn a_trailing_stop_placed_again_after_a_refused_close_keeps_trailing_and_never_loosens() {
    let mut h = handler(RiskLimits::default());
    let entry =
        protected(&command("e-24", "buy", "0.01"), r#"{"trailing_stop_pct":"2","take_profit_pct":"10"}"#);
    h.handle_json(&entry, 1).unwrap();
    h.market_mut().set_mark("BTCUSDT", d("45000"));
    sync_report(&mut h, 2);
    h.exchange_mut().fail_next_place(ErrorClass::InsufficientFunds, "-2010", "insufficient balance");
    h.handle_json(&command("e-25", "sell", "0.01"), 3).unwrap_err();
    let after_close = h.store().clone_order("e-25-t0").unwrap().command;
    h.market_mut().set_mark("BTCUSDT", d("44000"));
    let dip = sync_report(&mut h, 4);
    h.market_mut().set_mark("BTCUSDT", d("46000"));

    let raised = sync_report(&mut h, 5);

    // Placed again where the trail had brought it (2 % under 45000), not back at the entry's.
    assert_eq!(after_close.stop_price, Some(d("44100")));
    assert!(after_close.protection.and_then(|p| p.trailing_stop_pct).is_some());
    assert!(dip.reports.is_empty(), "never loosened: {:?}", dip.reports);
    let moved: Vec<_> = raised.reports.iter().map(|r| (r.client_order_id.as_str(), r.status)).collect();
    assert!(moved.contains(&("e-25-t1", OrderStatus::Accepted)), "{moved:?}");
    assert_eq!(h.store().clone_order("e-25-t1").unwrap().command.stop_price, Some(d("45080")));
    assert_eq!(h.store().clone_order("e-25-tp1").unwrap().command.price, Some(d("46200")));
    assert_eq!(h.exchange().paper.working_orders(), 2, "one pair");
}

/// The price touched 45000 within a minute and is back at 44000 at the sync: 2 % under 45000
/// (44100) is above the price, and the venue refuses a stop there (it would trigger at once).
fn fell_back_from_45000(h: &mut common::TestHandler) {
    h.exchange_mut().refuses_stops_past_the_mark = true;
    let minute = execute_order::market::PriceRange { open_ms: 2, high: d("45000"), low: d("44000") };
    h.market_mut().add_range("BTCUSDT", minute);
    h.market_mut().set_mark("BTCUSDT", d("44000"));
}

#[test]
fn a_trailing_stop_whose_trail_the_price_already_fell_through_rests_trailing_from_the_mark() {
    let mut h = handler(RiskLimits::default());
    let event = protected(&command("e-7", "buy", "0.01"), r#"{"trailing_stop_pct":"2"}"#);
    h.handle_json(&event, 1).unwrap();
    fell_back_from_45000(&mut h);

    let synced = sync_report(&mut h, 3);

    let moved = synced.reports.iter().find(|r| r.client_order_id == "e-7-t1").expect("the stop moved");
    assert_eq!(moved.status, OrderStatus::Accepted, "{moved:?}");
    // 2 % under the 44000 it can rest below, higher than the 41160 it was.
    assert_eq!(h.store().clone_order("e-7-t1").unwrap().command.stop_price, Some(d("43120")));
    assert_eq!(h.exchange().paper.working_orders(), 1, "the position keeps a stop");
}

#[test]
fn a_trailing_pair_whose_trail_the_price_already_fell_through_rests_trailing_from_the_mark() {
    let mut h = handler(RiskLimits::default());
    let event =
        protected(&command("e-8", "buy", "0.01"), r#"{"trailing_stop_pct":"2","take_profit_pct":"10"}"#);
    h.handle_json(&event, 1).unwrap();
    fell_back_from_45000(&mut h);

    let synced = sync_report(&mut h, 3);

    let moved: Vec<_> = synced.reports.iter().map(|r| (r.client_order_id.as_str(), r.status)).collect();
    assert!(moved.contains(&("e-8-t1", OrderStatus::Accepted)), "{moved:?}");
    assert_eq!(h.store().clone_order("e-8-t1").unwrap().command.stop_price, Some(d("43120")));
    assert_eq!(h.exchange().paper.working_orders(), 2, "the position keeps its pair");
}

/// The venue refuses the moved stop's price (a filter the old one passed).
fn refusal() -> fks_execution_core::ExchangeError {
    let message = "Filter failure: PERCENT_PRICE_BY_SIDE";
    fks_execution_core::ExchangeError {
        class: ErrorClass::Permanent,
        code: Some("-1013".into()),
        message: message.into(),
    }
}

#[test]
fn a_trailing_stop_whose_replacement_is_refused_after_its_cancel_is_placed_again_and_trails_on() {
    let mut h = handler(RiskLimits::default());
    let event = protected(&command("e-9", "buy", "0.01"), r#"{"trailing_stop_pct":"2"}"#);
    h.handle_json(&event, 1).unwrap();
    // The cancel half of the cancel-replace goes through, the new stop is refused.
    h.exchange_mut().place_errors.push_back(refusal());
    h.market_mut().set_mark("BTCUSDT", d("45000"));
    sync_report(&mut h, 2);
    let working = h.exchange().paper.working_orders();
    let restored = h.store().clone_order("e-9-t1").unwrap().command;
    h.market_mut().set_mark("BTCUSDT", d("46000"));

    let later = sync_report(&mut h, 3);

    assert_eq!(working, 1, "the position kept a stop");
    // Where it was, never looser, and still trailing.
    assert_eq!(restored.stop_price, Some(d("41160")));
    assert!(restored.protection.and_then(|p| p.trailing_stop_pct).is_some());
    let moved: Vec<_> = later.reports.iter().map(|r| (r.client_order_id.as_str(), r.status)).collect();
    assert!(moved.contains(&("e-9-t2", OrderStatus::Accepted)), "{moved:?}");
    assert_eq!(h.store().clone_order("e-9-t2").unwrap().command.stop_price, Some(d("45080")));
    assert_eq!(h.exchange().paper.working_orders(), 1);
}

#[test]
fn a_trailing_pair_whose_new_list_is_refused_is_placed_again_and_trails_on_past_the_refused_ids() {
    let mut h = handler(RiskLimits::default());
    let event =
        protected(&command("e-10", "buy", "0.01"), r#"{"trailing_stop_pct":"2","take_profit_pct":"10"}"#);
    h.handle_json(&event, 1).unwrap();
    h.exchange_mut().oco_errors.push_back(refusal());
    h.market_mut().set_mark("BTCUSDT", d("45000"));
    sync_report(&mut h, 2);
    let working = h.exchange().paper.working_orders();
    let restored = h.store().clone_order("e-10-t2").unwrap().command;
    h.market_mut().set_mark("BTCUSDT", d("46000"));

    let later = sync_report(&mut h, 3);

    let refused = h.store().clone_order("e-10-t1").and_then(|o| o.report).map(|r| r.status);
    assert_eq!(refused, Some(OrderStatus::Rejected));
    assert_eq!(working, 2, "the position kept its pair");
    assert_eq!(restored.stop_price, Some(d("41160")), "where it was, never looser");
    assert_eq!(h.store().clone_order("e-10-tp2").unwrap().command.price, Some(d("46200")));
    let moved: Vec<_> = later.reports.iter().map(|r| (r.client_order_id.as_str(), r.status)).collect();
    assert!(moved.contains(&("e-10-t3", OrderStatus::Accepted)), "{moved:?}");
    assert_eq!(h.store().clone_order("e-10-t3").unwrap().command.stop_price, Some(d("45080")));
    assert_eq!(h.exchange().paper.working_orders(), 2);
}

#[test]
fn an_exit_whose_placement_never_reached_the_venue_is_placed_again_by_the_sync_once() {
    let lease = execute_order::handler::ClaimTiming::default().lease_ms();
    let mut h = handler(RiskLimits::default());
    // The entry goes through; the request placing its stop times out without reaching the venue.
    h.exchange_mut().places_before_errors = 1;
    h.exchange_mut().fail_next_place(ErrorClass::Retryable, "-1007", "Timeout waiting for response");
    let event = protected(&command("e-11", "buy", "0.01"), r#"{"stop_loss_pct":"2"}"#);
    h.handle_json(&event, 1).unwrap();

    let settled = sync_report(&mut h, 2 + lease);
    let again = sync_report(&mut h, 3 + lease);

    let lost = h.store().clone_order("e-11-sl").and_then(|o| o.report).map(|r| r.status);
    assert_eq!(lost, Some(OrderStatus::Rejected), "{settled:?}");
    assert_eq!(h.exchange().paper.working_orders(), 1, "a stop again, once: {again:?}");
    let entry = h.store().clone_order("e-11").and_then(|o| o.report).unwrap();
    let working: Vec<_> = entry.exits.iter().filter(|e| e.status.is_open()).map(|e| e.quantity).collect();
    assert_eq!(working, [d("0.01")], "{:?}", entry.exits);
}

#[test]
fn an_exit_the_venue_refused_is_placed_again_by_the_sync_under_its_next_ids_once() {
    let mut h = handler(RiskLimits::default());
    h.exchange_mut().places_before_errors = 1;
    h.exchange_mut().place_errors.push_back(refusal());
    let event = protected(&command("e-12", "buy", "0.01"), r#"{"stop_loss_pct":"2"}"#);
    let report = h.handle_json(&event, 1).unwrap();

    sync_report(&mut h, 2);
    sync_report(&mut h, 3);

    assert_eq!(report.exits[0].status, OrderStatus::Rejected);
    assert_eq!(h.exchange().paper.working_orders(), 1, "one stop, placed once");
    let stop = h.store().clone_order("e-12-r1-sl").and_then(|o| o.report).unwrap();
    assert_eq!((stop.status, stop.quantity), (OrderStatus::Accepted, d("0.01")));
    let entry = h.store().clone_order("e-12").and_then(|o| o.report).unwrap();
    assert_eq!(entry.exits.iter().map(|e| e.client_order_id.as_str()).collect::<Vec<_>>(), ["e-12-r1-sl"]);
}

#[test]
fn an_exit_the_venue_keeps_refusing_is_tried_a_bounded_number_of_times() {
    let mut h = handler(RiskLimits::default());
    h.exchange_mut().places_before_errors = 1;
    for _ in 0..10 {
        h.exchange_mut().place_errors.push_back(refusal());
    }
    let event = protected(&command("e-13", "buy", "0.01"), r#"{"stop_loss_pct":"2"}"#);
    h.handle_json(&event, 1).unwrap();

    for now in 2..10 {
        sync_report(&mut h, now);
    }

    assert_eq!(h.exchange().place_errors.len(), 10 - 4, "four attempts in all");
    assert!(h.store().clone_order("e-13-r3-sl").is_some());
    assert!(h.store().clone_order("e-13-r4-sl").is_none());
}
