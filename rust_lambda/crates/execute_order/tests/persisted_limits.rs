//! `max_open_orders`, `order_rate` and open-order exposure hold across invocations and cold
//! starts (issue 15): every invocation is a fresh engine, the limits live in the store.

mod common;

use std::thread;

use common::{cancel, command, d, instance, limit, SharedPaper};
use execute_order::store::SharedMemoryStore;
use fks_execution_core::{OrderStatus, PositionLimit, RateLimit, RiskLimits};

fn max_open(n: usize) -> RiskLimits {
    RiskLimits { max_open_orders: Some(n), ..RiskLimits::default() }
}

#[test]
fn max_open_orders_refuses_an_order_placed_by_another_invocation() {
    let (store, venue) = (SharedMemoryStore::default(), SharedPaper::default());
    instance(&store, &venue, max_open(1)).handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();

    let refused =
        instance(&store, &venue, max_open(1)).handle_json(&limit("o-2", "buy", "0.001", "40000.00"), 2);
    instance(&store, &venue, max_open(1)).handle_json(&cancel("o-1"), 3).unwrap();
    let after_cancel = instance(&store, &venue, max_open(1))
        .handle_json(&limit("o-3", "buy", "0.001", "40000.00"), 4)
        .unwrap();

    let refused = refused.unwrap_err();
    assert_eq!(refused.error_type, "RiskDenied");
    assert!(refused.message.contains("MaxOpenOrders"), "{refused}");
    assert!(store.lock().clone_order("o-2").is_none(), "a refused order leaves nothing");
    assert_eq!(after_cancel.status, OrderStatus::Accepted);
    assert_eq!(store.lock().clone_risk_state(common::ACCOUNT).open_orders, 1);
}

#[test]
fn filled_orders_free_their_open_order_slot() {
    let (store, venue) = (SharedMemoryStore::default(), SharedPaper::default());

    for (i, now) in [(1, 1), (2, 2), (3, 3)] {
        let report = instance(&store, &venue, max_open(1))
            .handle_json(&command(&format!("m-{i}"), "buy", "0.001"), now);
        assert_eq!(report.unwrap().status, OrderStatus::Filled);
    }

    assert_eq!(store.lock().clone_risk_state(common::ACCOUNT).open_orders, 0);
}

#[test]
fn order_rate_counts_orders_of_earlier_invocations_and_frees_after_the_window() {
    let limits = RiskLimits {
        order_rate: Some(RateLimit { max_orders: 2, window_ms: 60_000 }),
        ..RiskLimits::default()
    };
    let (store, venue) = (SharedMemoryStore::default(), SharedPaper::default());
    for (id, now) in [("r-1", 1_000), ("r-2", 2_000)] {
        instance(&store, &venue, limits.clone()).handle_json(&command(id, "buy", "0.001"), now).unwrap();
    }

    let third = instance(&store, &venue, limits.clone()).handle_json(&command("r-3", "buy", "0.001"), 3_000);
    let later = instance(&store, &venue, limits).handle_json(&command("r-4", "buy", "0.001"), 61_001);

    assert_eq!(third.unwrap_err().error_type, "RateLimited");
    assert_eq!(later.unwrap().status, OrderStatus::Filled);
}

#[test]
fn a_resting_order_of_another_invocation_counts_towards_the_position_cap() {
    let cap = PositionLimit { max_quantity: Some(d("0.002")), max_notional: None };
    let limits = RiskLimits { position_limit: cap, ..RiskLimits::default() };
    let (store, venue) = (SharedMemoryStore::default(), SharedPaper::default());
    instance(&store, &venue, limits.clone())
        .handle_json(&limit("p-1", "buy", "0.002", "41000.00"), 1)
        .unwrap();

    let over =
        instance(&store, &venue, limits.clone()).handle_json(&limit("p-2", "buy", "0.001", "40000.00"), 2);
    let other_side =
        instance(&store, &venue, limits).handle_json(&limit("p-3", "sell", "0.001", "43000.00"), 3);

    let over = over.unwrap_err();
    assert_eq!(over.error_type, "RiskDenied");
    assert!(over.message.contains("MaxPositionQuantity"), "{over}");
    assert!(other_side.is_ok(), "a sell does not add to the buy side: {other_side:?}");
}

#[test]
fn concurrent_invocations_cannot_both_take_the_last_open_order_slot() {
    let (store, venue) = (SharedMemoryStore::default(), SharedPaper::default());

    let answers: Vec<_> = (0..12)
        .map(|i| {
            let mut handler = instance(&store, &venue, max_open(3));
            thread::spawn(move || {
                handler.handle_json(&limit(&format!("c-{i}"), "buy", "0.001", "41000.00"), 1)
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().expect("no panic"))
        .collect();

    assert_eq!(answers.iter().filter(|a| a.is_ok()).count(), 3, "{answers:?}");
    assert_eq!(venue.lock().working_orders(), 3);
    assert_eq!(store.lock().clone_risk_state(common::ACCOUNT).open_orders, 3);
}

fn protected(event: &str, protection: &str) -> String {
    let end = event.rfind('}').expect("a JSON object");
    format!(r#"{},"protection":{protection}}}"#, &event[..end])
}

#[test]
fn a_filled_entrys_exits_count_as_open_orders_and_are_never_refused_by_them() {
    let (store, venue) = (SharedMemoryStore::default(), SharedPaper::default());
    let entry = protected(&command("e-1", "buy", "0.01"), r#"{"stop_loss_pct":"2","take_profit_pct":"4"}"#);

    // The entry takes the one slot, fills and frees it; its stop and take profit are placed
    // past the limit (a position is never left without its stop) and counted.
    let report = instance(&store, &venue, max_open(1)).handle_json(&entry, 1).unwrap();
    let next = instance(&store, &venue, max_open(1)).handle_json(&command("e-2", "buy", "0.01"), 2);

    assert_eq!(report.exits.len(), 2);
    assert!(report.exits.iter().all(|e| e.status == OrderStatus::Accepted), "{:?}", report.exits);
    assert_eq!(store.lock().clone_risk_state(common::ACCOUNT).open_orders, 2);
    let refused = next.unwrap_err();
    assert!(refused.message.contains("MaxOpenOrders"), "the exits hold the slots: {refused}");
}

#[test]
fn a_canceled_exit_frees_its_open_order_slot() {
    let (store, venue) = (SharedMemoryStore::default(), SharedPaper::default());
    let entry = protected(&command("e-1", "buy", "0.01"), r#"{"stop_loss_pct":"2"}"#);
    instance(&store, &venue, max_open(1)).handle_json(&entry, 1).unwrap();

    instance(&store, &venue, max_open(1)).handle_json(&cancel("e-1-sl"), 2).unwrap();
    let next = instance(&store, &venue, max_open(1)).handle_json(&command("e-2", "buy", "0.01"), 3);

    assert_eq!(next.unwrap().status, OrderStatus::Filled);
    assert_eq!(store.lock().clone_risk_state(common::ACCOUNT).open_orders, 0);
}

#[test]
fn an_amend_is_an_order_for_the_rate_and_keeps_the_open_order_count() {
    let limits = RiskLimits {
        order_rate: Some(RateLimit { max_orders: 2, window_ms: 60_000 }),
        max_open_orders: Some(1),
        ..RiskLimits::default()
    };
    let (store, venue) = (SharedMemoryStore::default(), SharedPaper::default());
    let amend = |old: &str, new: &str, price: &str| {
        format!(
            r#"{{"action":"amend","client_order_id":"{old}","account":"{}","new_client_order_id":"{new}","price":"{price}"}}"#,
            common::ACCOUNT
        )
    };
    instance(&store, &venue, limits.clone())
        .handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1_000)
        .unwrap();

    // At max_open_orders 1 the amend still goes (the old order frees its slot) ...
    let moved = instance(&store, &venue, limits.clone())
        .handle_json(&amend("o-1", "o-1b", "40900.00"), 2_000)
        .unwrap();
    // ... and it is the window's second order: a third is refused by the rate.
    let third =
        instance(&store, &venue, limits.clone()).handle_json(&amend("o-1b", "o-1c", "40800.00"), 3_000);

    assert_eq!(moved.status, OrderStatus::Accepted);
    let refused = third.unwrap_err();
    assert!(refused.message.contains("OrderRate"), "{refused}");
    assert!(store.lock().clone_order("o-1c").is_none(), "a refused amend leaves nothing");
    let risk = store.lock().clone_risk_state(common::ACCOUNT);
    assert_eq!((risk.open_orders, risk.order_stamps.len()), (1, 2));
}

#[test]
fn the_reservation_checks_the_position_cap_on_what_is_stored_when_it_writes() {
    use execute_order::store::{Checks, Claim, Exposure, PositionCap, Reservation, ReserveRefusal, Store};
    let limits = RiskLimits {
        position_limit: PositionLimit { max_quantity: Some(d("0.002")), max_notional: None },
        ..RiskLimits::default()
    };
    let mut store = execute_order::store::MemoryStore::default();
    let claim = Claim { owner: "me".into(), claimed_ms: 1, lease_until_ms: 100_000 };
    let mut reserve = |id: &str, quantity: &str| {
        let order: fks_execution_core::OrderCommand =
            serde_json::from_str(&limit(id, "buy", quantity, "41000.00")).unwrap();
        assert!(store.claim(&order, &claim).unwrap());
        let reservation = Reservation {
            exposure: Exposure::of(&order),
            max_open_orders: None,
            order_rate: None,
            now_ms: 2,
            checks: Checks::All,
            position_cap: PositionCap::of(&limits, &order, d("41000")),
        };
        store.reserve(common::ACCOUNT, id, "me", &reservation).unwrap()
    };

    // Both engines saw an empty book; the second write sees the first's open quantity.
    let first = reserve("p-1", "0.002");
    let second = reserve("p-2", "0.001");

    assert_eq!(first, Ok(()));
    match second {
        Err(ReserveRefusal::Risk(denial)) => assert!(denial.message.contains("above 0.002"), "{denial:?}"),
        other => panic!("the cap refuses it: {other:?}"),
    }
}

#[test]
fn concurrent_invocations_cannot_both_take_the_last_room_under_a_position_cap() {
    let limits = RiskLimits {
        position_limit: PositionLimit { max_quantity: Some(d("0.003")), max_notional: None },
        ..RiskLimits::default()
    };
    let (store, venue) = (SharedMemoryStore::default(), SharedPaper::default());

    let answers: Vec<_> = (0..12)
        .map(|i| {
            let mut handler = instance(&store, &venue, limits.clone());
            thread::spawn(move || {
                handler.handle_json(&limit(&format!("c-{i}"), "buy", "0.001", "41000.00"), 1)
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().expect("no panic"))
        .collect();

    assert_eq!(answers.iter().filter(|a| a.is_ok()).count(), 3, "{answers:?}");
    assert_eq!(venue.lock().working_orders(), 3);
}
