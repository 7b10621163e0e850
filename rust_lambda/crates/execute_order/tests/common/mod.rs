//! What the handler tests share: the instrument, a venue that can be told to fail, builders.
#![allow(dead_code)] // each test file uses its own part of these helpers

use std::collections::VecDeque;
use std::str::FromStr;

use execute_order::handler::{ClaimTiming, Handler};
use execute_order::market::StaticMarket;
use execute_order::store::MemoryStore;
use fks_execution_core::{
    Decimal, ErrorClass, ExchangeClient, ExchangeError, Instrument, MarketContext, OcoCommand, OrderCommand,
    OrderType, PaperConfig, PaperExchange, RiskLimits, Side, VenueOrder, VenueTrade,
};

pub const ACCOUNT: &str = "acct-1";

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
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

/// The paper venue, failing its next placements or cancels with the errors queued here.
#[derive(Debug, Default)]
pub struct Scripted {
    pub paper: PaperExchange,
    pub place_errors: VecDeque<ExchangeError>,
    pub cancel_errors: VecDeque<ExchangeError>,
    pub query_errors: VecDeque<ExchangeError>,
    /// Placements that go through before `place_errors` apply (an entry, then its exit).
    pub places_before_errors: usize,
    /// Refuses a stop that would trigger at once, as Binance does (`-2010 Order would trigger
    /// immediately.`); the paper venue fills it instead.
    pub refuses_stops_past_the_mark: bool,
    /// Refusals of the next order lists.
    pub oco_errors: VecDeque<ExchangeError>,
}

impl Scripted {
    pub fn fail_next_place(&mut self, class: ErrorClass, code: &str, message: &str) {
        self.place_errors.push_back(ExchangeError {
            class,
            code: Some(code.into()),
            message: message.into(),
        });
    }

    fn refusal_past_the_mark(&self, order: &OrderCommand, market: &MarketContext) -> Option<ExchangeError> {
        let past_the_mark = order.stop_price.is_some_and(|stop| match order.side {
            Side::Sell => stop >= market.mark_price,
            Side::Buy => stop <= market.mark_price,
        });
        (self.refuses_stops_past_the_mark && order.order_type == OrderType::StopLimit && past_the_mark).then(
            || ExchangeError {
                class: ErrorClass::Permanent,
                code: Some("-2010".into()),
                message: "Order would trigger immediately.".into(),
            },
        )
    }

    pub fn fail_next_query(&mut self, class: ErrorClass) {
        self.query_errors.push_back(ExchangeError::new(class, "venue unreachable"));
    }

    pub fn fail_next_cancel(&mut self, class: ErrorClass) {
        self.cancel_errors.push_back(ExchangeError::new(class, "venue unreachable"));
    }
}

impl ExchangeClient for Scripted {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        if self.places_before_errors > 0 {
            self.places_before_errors -= 1;
            return self.paper.place(order, market);
        }
        if let Some(error) = self.refusal_past_the_mark(order, market) {
            return Err(error);
        }
        match self.place_errors.pop_front() {
            Some(error) => Err(error),
            None => self.paper.place(order, market),
        }
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        match self.cancel_errors.pop_front() {
            Some(error) => Err(error),
            None => self.paper.cancel(order, market),
        }
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        match self.query_errors.pop_front() {
            Some(error) => Err(error),
            None => self.paper.query(order, market),
        }
    }

    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        if let Some(error) =
            self.refusal_past_the_mark(&oco.stop, market).or_else(|| self.oco_errors.pop_front())
        {
            return Err(error);
        }
        self.paper.place_oco(oco, market)
    }

    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        self.paper.trades(symbol, after_seq)
    }

    fn client_order_id_of(
        &mut self,
        symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        self.paper.client_order_id_of(symbol, venue_order_id)
    }
}

pub type TestHandler = Handler<MemoryStore, Scripted, StaticMarket>;

pub fn handler(limits: RiskLimits) -> TestHandler {
    handler_on(MemoryStore::default(), limits)
}

/// A handler over an existing store: a cold start of the function.
pub fn handler_on(store: MemoryStore, limits: RiskLimits) -> TestHandler {
    let market = StaticMarket::default().with(btcusdt(), d("42000"));
    let paper = PaperExchange::new(PaperConfig::default());
    Handler::new(store, Scripted { paper, ..Scripted::default() }, market, ACCOUNT, limits)
        .with_timing(ClaimTiming { wait_ms: 0, ..ClaimTiming::default() })
}

pub fn command(id: &str, side: &str, quantity: &str) -> String {
    format!(
        r#"{{"client_order_id":"{id}","account":"{ACCOUNT}","symbol":"BTCUSDT","side":"{side}","type":"market","quantity":"{quantity}"}}"#
    )
}

pub fn limit(id: &str, side: &str, quantity: &str, price: &str) -> String {
    command(id, side, quantity).replace(r#""type":"market""#, &format!(r#""type":"limit","price":"{price}""#))
}

pub fn cancel(id: &str) -> String {
    format!(r#"{{"action":"cancel","client_order_id":"{id}","account":"{ACCOUNT}"}}"#)
}

pub fn sync() -> String {
    format!(r#"{{"action":"sync","account":"{ACCOUNT}"}}"#)
}

/// The handler's answer to a sync, read back as the contract's JSON.
pub fn sync_report(h: &mut TestHandler, now_ms: u64) -> fks_execution_core::SyncReport {
    let answer = h.handle_event(&sync(), now_ms).expect("sync answers");
    serde_json::from_value(answer).expect("a sync report")
}

/// One paper venue shared by several instances of the function.
#[derive(Debug, Clone, Default)]
pub struct SharedPaper(pub std::sync::Arc<std::sync::Mutex<PaperExchange>>);

impl SharedPaper {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, PaperExchange> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl ExchangeClient for SharedPaper {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        self.lock().place(order, market)
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        self.lock().cancel(order, market)
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        self.lock().query(order, market)
    }

    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        self.lock().place_oco(oco, market)
    }

    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        self.lock().trades(symbol, after_seq)
    }

    fn client_order_id_of(
        &mut self,
        symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        self.lock().client_order_id_of(symbol, venue_order_id)
    }
}

pub type SharedHandler = Handler<execute_order::store::SharedMemoryStore, SharedPaper, StaticMarket>;

/// One instance of the function (a cold start) over a shared table and venue.
pub fn instance(
    store: &execute_order::store::SharedMemoryStore,
    venue: &SharedPaper,
    limits: RiskLimits,
) -> SharedHandler {
    let market = StaticMarket::default().with(btcusdt(), d("42000"));
    Handler::new(store.clone(), venue.clone(), market, ACCOUNT, limits)
        .with_timing(ClaimTiming { wait_ms: 0, ..ClaimTiming::default() })
}
