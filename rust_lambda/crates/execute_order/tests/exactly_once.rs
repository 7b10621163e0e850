//! One venue order per client order id, whatever the delivery pattern (issue 17): concurrent
//! deliveries, a delivery while the first request is in flight, a lost answer, a cold start in
//! between. The venue below behaves as Binance does where it matters: a duplicate client order
//! id is refused only while that order is open, reads lag the book, answers can be slow or lost.

mod common;

use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use common::{btcusdt, command, d, limit, ACCOUNT};
use execute_order::handler::{ClaimTiming, Handler};
use execute_order::market::StaticMarket;
use execute_order::store::SharedMemoryStore;
use fks_execution_core::{
    ErrorClass, ExchangeClient, ExchangeError, MarketContext, OcoCommand, OrderCommand, OrderStatus,
    PaperConfig, PaperExchange, Remainder, RiskLimits, VenueOrder, VenueTrade,
};

#[derive(Debug, Default)]
struct Book {
    paper: PaperExchange,
    /// Every order the venue accepted: (client order id, when it was placed).
    placed: Vec<(String, u64)>,
    /// Reads show an order only this long after it was placed.
    read_lag_ms: u64,
    /// The next placements take effect but their answer is lost (a timeout).
    lose_answers: u32,
    /// The next placements are lost before they reach the venue.
    drop_requests: u32,
    /// The next placements are answered "not processed" (Binance's 503 "Service Unavailable.").
    refuse_unavailable: u32,
}

/// A Binance-like venue shared by every instance of the function.
#[derive(Debug, Clone, Default)]
struct Venue {
    book: Arc<Mutex<Book>>,
    /// How long the venue takes to answer a placement.
    delay: Duration,
}

impl Venue {
    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn orders_placed(&self) -> usize {
        self.book().placed.len()
    }
}

fn timeout() -> ExchangeError {
    ExchangeError::new(ErrorClass::Retryable, "transport: timed out")
}

impl ExchangeClient for Venue {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        thread::sleep(self.delay);
        let mut book = self.book();
        if book.drop_requests > 0 {
            book.drop_requests -= 1;
            return Err(timeout());
        }
        if book.refuse_unavailable > 0 {
            book.refuse_unavailable -= 1;
            return Err(ExchangeError::new(ErrorClass::Unavailable, "HTTP 503: Service Unavailable."));
        }
        // Binance refuses the id of an open order; what `BinanceClient` then does is read it
        // back, and while the read lags that is an unknown outcome.
        let open = book.paper.query(order, market)?.is_some_and(|v| v.remainder == Remainder::Working);
        if open {
            let visible = book
                .placed
                .iter()
                .any(|(id, at)| id == &order.client_order_id && market.now_ms >= at + book.read_lag_ms);
            return if visible {
                Ok(book.paper.query(order, market)?.unwrap_or_else(|| unreachable!()))
            } else {
                Err(ExchangeError::new(ErrorClass::Retryable, "Duplicate order sent., not readable yet"))
            };
        }
        let answer = book.paper.place(order, market)?;
        book.placed.push((order.client_order_id.clone(), market.now_ms));
        if book.lose_answers > 0 {
            book.lose_answers -= 1;
            return Err(timeout());
        }
        Ok(answer)
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        self.book().paper.cancel(order, market)
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        let mut book = self.book();
        let lag = book.read_lag_ms;
        let visible =
            book.placed.iter().any(|(id, at)| id == &order.client_order_id && market.now_ms >= at + lag);
        if visible {
            book.paper.query(order, market)
        } else {
            Ok(None)
        }
    }

    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        self.book().paper.place_oco(oco, market)
    }

    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        self.book().paper.trades(symbol, after_seq)
    }

    fn client_order_id_of(
        &mut self,
        symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        self.book().paper.client_order_id_of(symbol, venue_order_id)
    }
}

type Instance = Handler<SharedMemoryStore, Venue, StaticMarket>;

fn timing(wait_ms: u64) -> ClaimTiming {
    ClaimTiming { wait_ms, poll_ms: 5, ..ClaimTiming::default() }
}

/// One instance of the function (a cold start) over the shared table and venue.
fn instance(store: &SharedMemoryStore, venue: &Venue, wait_ms: u64) -> Instance {
    let market = StaticMarket::default().with(btcusdt(), d("42000"));
    Handler::new(store.clone(), venue.clone(), market, ACCOUNT, RiskLimits::default())
        .with_timing(timing(wait_ms))
}

fn venue(delay_ms: u64, read_lag_ms: u64) -> Venue {
    let book = Book { paper: PaperExchange::new(PaperConfig::default()), read_lag_ms, ..Book::default() };
    Venue { book: Arc::new(Mutex::new(book)), delay: Duration::from_millis(delay_ms) }
}

fn lease() -> u64 {
    ClaimTiming::default().lease_ms()
}

fn position_qty(store: &SharedMemoryStore) -> fks_execution_core::Decimal {
    store.lock().clone_position(ACCOUNT, "BTCUSDT").map(|p| p.position.quantity()).unwrap_or_default()
}

#[test]
fn twenty_concurrent_deliveries_place_one_order() {
    let (store, venue) = (SharedMemoryStore::default(), venue(30, 10_000));
    let event = command("dup-1", "buy", "0.001");

    let answers: Vec<_> = (0..20)
        .map(|_| {
            let mut handler = instance(&store, &venue, 2_000);
            let event = event.clone();
            thread::spawn(move || handler.handle_json(&event, 1_000))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().expect("no panic"))
        .collect();

    assert_eq!(venue.orders_placed(), 1);
    let reports: Vec<_> = answers.iter().filter_map(|a| a.as_ref().ok()).collect();
    assert_eq!(reports.len(), 20, "every delivery waited for the one placement: {answers:?}");
    assert_eq!(reports.iter().filter(|r| !r.duplicate).count(), 1);
    assert!(reports.iter().all(|r| r.status == OrderStatus::Filled));
    assert_eq!(position_qty(&store), d("0.001"));
}

#[test]
fn a_delivery_while_the_first_request_is_in_flight_never_places() {
    // The venue is slow, and its reads lag: asking it would say "not found".
    let (store, venue) = (SharedMemoryStore::default(), venue(300, 10_000));
    let event = command("slow-1", "buy", "0.001");
    let mut first = instance(&store, &venue, 0);
    let in_flight = {
        let event = event.clone();
        thread::spawn(move || first.handle_json(&event, 1_000))
    };
    thread::sleep(Duration::from_millis(50));

    let impatient = instance(&store, &venue, 0).handle_json(&event, 1_050).unwrap_err();
    let patient = instance(&store, &venue, 2_000).handle_json(&event, 1_060).unwrap();
    let original = in_flight.join().expect("no panic").unwrap();

    assert_eq!(impatient.error_type, "TemporaryError", "{impatient}");
    assert!(impatient.message.contains("another invocation"), "{impatient}");
    assert_eq!((original.duplicate, patient.duplicate), (false, true));
    assert_eq!(patient.venue_order_id, original.venue_order_id);
    assert_eq!(venue.orders_placed(), 1);
    assert_eq!(position_qty(&store), d("0.001"));
}

#[test]
fn a_lost_answer_is_adopted_after_the_lease_by_a_cold_start_never_placed_again() {
    let (store, venue) = (SharedMemoryStore::default(), venue(0, 20_000));
    venue.book().lose_answers = 1;
    let event = command("lost-1", "buy", "0.001");

    let lost = instance(&store, &venue, 0).handle_json(&event, 1_000).unwrap_err();
    let retried = instance(&store, &venue, 0).handle_json(&event, 3_000).unwrap_err();
    let resolved = instance(&store, &venue, 0).handle_json(&event, 1_000 + lease() + 1).unwrap();
    let again = instance(&store, &venue, 0).handle_json(&event, 1_000 + lease() + 2).unwrap();

    assert_eq!((lost.error_type.as_str(), retried.error_type.as_str()), ("TemporaryError", "TemporaryError"));
    assert_eq!(resolved.status, OrderStatus::Filled);
    assert_eq!(resolved.fills.len(), 1, "the adopted fill is booked by the call that learns it");
    assert!(again.duplicate && again.fills.is_empty());
    assert_eq!(venue.orders_placed(), 1);
    assert_eq!(position_qty(&store), d("0.001"));
}

#[test]
fn a_request_lost_before_the_venue_is_placed_once_after_the_lease() {
    let (store, venue) = (SharedMemoryStore::default(), venue(0, 20_000));
    venue.book().drop_requests = 1;
    let event = command("dropped-1", "buy", "0.001");

    let lost = instance(&store, &venue, 0).handle_json(&event, 1_000).unwrap_err();
    let placed = instance(&store, &venue, 0).handle_json(&event, 1_000 + lease() + 1).unwrap();

    assert_eq!(lost.error_type, "TemporaryError");
    assert_eq!((placed.status, placed.duplicate), (OrderStatus::Filled, false));
    assert_eq!(venue.orders_placed(), 1);
    assert_eq!(position_qty(&store), d("0.001"));
}

#[test]
fn a_placement_the_venue_says_it_did_not_process_is_retried_at_once_and_placed_once() {
    let (store, venue) = (SharedMemoryStore::default(), venue(0, 20_000));
    venue.book().refuse_unavailable = 1;
    let event = command("unavailable-1", "buy", "0.001");

    let refused = instance(&store, &venue, 0).handle_json(&event, 1_000).unwrap_err();
    // Well inside the lease: the claim was released because the outcome is known.
    let placed = instance(&store, &venue, 0).handle_json(&event, 3_000).unwrap();
    let again = instance(&store, &venue, 0).handle_json(&event, 3_001).unwrap();

    assert_eq!(refused.error_type, "TemporaryError", "{refused}");
    assert_eq!((placed.status, placed.duplicate), (OrderStatus::Filled, false));
    assert!(again.duplicate && again.fills.is_empty());
    assert_eq!(venue.orders_placed(), 1);
    assert_eq!(position_qty(&store), d("0.001"));
}

#[test]
fn an_open_order_the_venue_cannot_show_yet_is_refused_as_a_duplicate_not_placed_twice() {
    // Reads lag beyond the consistency window: the takeover does not see the resting order,
    // places with the same id, and the venue refuses the duplicate of an open order.
    let (store, venue) = (SharedMemoryStore::default(), venue(0, 10 * lease()));
    venue.book().lose_answers = 1;
    let event = limit("rest-1", "buy", "0.001", "41000.00");

    instance(&store, &venue, 0).handle_json(&event, 1_000).unwrap_err();
    let takeover = instance(&store, &venue, 0).handle_json(&event, 1_000 + lease() + 1).unwrap_err();
    let later = instance(&store, &venue, 0).handle_json(&event, 1_000 + lease() + 10).unwrap_err();
    let readable = instance(&store, &venue, 0).handle_json(&event, 1_000 + 10 * lease() + 5).unwrap();

    assert_eq!(takeover.error_type, "TemporaryError", "{takeover}");
    assert_eq!(later.error_type, "TemporaryError", "the takeover's own lease holds: {later}");
    assert_eq!((readable.status, readable.duplicate), (OrderStatus::Accepted, false));
    assert_eq!(venue.orders_placed(), 1);
}
