//! The blocking Coinbase Advanced Trade client.

use std::collections::HashMap;

use fks_execution_core::{
    Decimal, ErrorClass, ExchangeClient, ExchangeError, Instrument, MarketContext, OcoCommand, OrderCommand,
    OrderType, Side, TimeInForce, VenueOrder, VenueTrade,
};
use fks_venue_kit::{decimal, not_readable_yet, now_ms, placed, transport_error};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::CoinbaseConfig;
use crate::errors::{http_error, order_failure};
use crate::jwt::Signer;
use crate::products::{Product, ProductList, Products};
use crate::time::format_ms;
use crate::wire::{
    Bracket, CancelResults, Created, ErrorBody, FillList, FillView, OrderAnswer, OrderList, OrderView,
};

/// Appended to a bracket's order id to name its take profit leg (fills at the take profit's
/// limit or better carry it), so each leg's fills are told apart by venue order id.
pub const TAKE_PROFIT_LEG: &str = "#tp";

const BROKERAGE: &str = "/api/v3/brokerage";
/// Page size of order and fill lists, and how many pages one lookup reads at most.
const PAGE: u32 = 250;
const PAGES: usize = 4;
/// Pages of fills read back to a sync's cursor at most.
const CURSOR_PAGES: usize = 20;
/// Coinbase answers at most 350 candles a request.
const CANDLES_PER_REQUEST: u64 = 300;

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
}

impl Method {
    const fn name(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// Pays a request's cost, in ccxt's units for Coinbase (a private request 1, a public one 3, about
/// 29 a second), into a budget shared with the platform's other callers, waiting for its turn.
pub use fks_venue_kit::Pay;

/// The client order id of the other leg of the exit pair a leg's id names (the platform's naming,
/// `-sl` / `-tp`); `None` when it names no pair.
pub type SiblingOf = Box<dyn Fn(&str) -> Option<String> + Send>;

/// A Coinbase Advanced Trade REST client. Blocking, like the engine's [`ExchangeClient`].
pub struct CoinbaseClient {
    config: CoinbaseConfig,
    host: String,
    agent: ureq::Agent,
    signer: Result<Signer, String>,
    products: Option<Products>,
    // (second, private requests sent in it): Coinbase allows `private_per_second` per key.
    second: (u64, u32),
    pay: Option<Pay>,
    sibling_of: Option<SiblingOf>,
    // Order id -> bracket, for the brackets this instance has read: their fills in the trade
    // history are split between the legs by price.
    brackets: HashMap<String, Bracket>,
}

impl std::fmt::Debug for CoinbaseClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoinbaseClient").field("config", &self.config).finish_non_exhaustive()
    }
}

fn malformed(what: &str, err: &dyn std::fmt::Display) -> ExchangeError {
    // A success status with an unreadable body: the request was processed, its outcome unknown.
    ExchangeError::new(ErrorClass::Retryable, format!("unreadable Coinbase answer to {what}: {err}"))
}

fn unsupported(what: &str) -> ExchangeError {
    ExchangeError::new(ErrorClass::Permanent, format!("Coinbase Advanced Trade has no {what}"))
}

const fn side(side: Side) -> &'static str {
    match side {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

/// The `order_configuration` of `order`.
fn configuration(order: &OrderCommand) -> Result<Value, ExchangeError> {
    let base_size = decimal(order.quantity);
    let limit = order.price.map(decimal);
    let stop = order.stop_price.map(decimal);
    Ok(match (order.order_type, order.time_in_force) {
        (OrderType::Market, _) => json!({"market_market_ioc": {"base_size": base_size}}),
        (OrderType::Limit, TimeInForce::Gtc) => {
            json!({"limit_limit_gtc": {"base_size": base_size, "limit_price": limit, "post_only": false}})
        }
        (OrderType::Limit, TimeInForce::Ioc) => {
            json!({"sor_limit_ioc": {"base_size": base_size, "limit_price": limit}})
        }
        (OrderType::Limit, TimeInForce::Fok) => {
            json!({"limit_limit_fok": {"base_size": base_size, "limit_price": limit}})
        }
        (OrderType::StopLimit | OrderType::TakeProfitLimit, _) => {
            // A stop-loss sells when the price falls (buys when it rises); a take profit the other way.
            let falls = (order.order_type == OrderType::StopLimit) == (order.side == Side::Sell);
            let direction = if falls { "STOP_DIRECTION_STOP_DOWN" } else { "STOP_DIRECTION_STOP_UP" };
            json!({"stop_limit_stop_limit_gtc": {
                "base_size": base_size, "limit_price": limit, "stop_price": stop, "stop_direction": direction,
            }})
        }
        (OrderType::StopMarket, _) => return Err(unsupported("stop-market order for spot")),
    })
}

impl CoinbaseClient {
    /// A client for `config`. No request is sent until the first call; a private key that
    /// cannot sign fails every private call with `Permanent`.
    #[must_use]
    pub fn new(config: CoinbaseConfig) -> Self {
        let agent = fks_venue_kit::agent(config.timeout);
        let host = config
            .base_url
            .split_once("://")
            .map_or(config.base_url.as_str(), |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let signer = Signer::new(&config.key_name, &config.private_key_pem).map_err(|e| e.to_string());
        Self {
            config,
            host,
            agent,
            signer,
            products: None,
            second: (0, 0),
            pay: None,
            sibling_of: None,
            brackets: HashMap::new(),
        }
    }

    /// The same client finding the take profit leg of a bracket through its stop leg's id (a
    /// bracket is one Coinbase order, created under the stop leg's client order id).
    #[must_use]
    pub fn with_sibling_names(mut self, sibling_of: SiblingOf) -> Self {
        self.sibling_of = Some(sibling_of);
        self
    }

    /// The same client paying every request into `pay` before sending it.
    #[must_use]
    pub fn with_rate_budget(mut self, pay: Pay) -> Self {
        self.pay = Some(pay);
        self
    }

    fn products(&mut self) -> Result<&Products, ExchangeError> {
        if self.products.is_none() {
            let list: ProductList =
                self.request(Method::Get, &format!("{BROKERAGE}/market/products"), &[], None, false)?;
            self.products = Some(Products::new(list.products));
        }
        Ok(self.products.get_or_insert_with(Products::default))
    }

    fn product(&mut self, symbol: &str) -> Result<Product, ExchangeError> {
        self.products()?.get(symbol).cloned()
    }

    /// The instrument definition of the engine's `symbol` from the product list.
    ///
    /// # Errors
    /// [`ExchangeError`]; `Permanent` for a product Coinbase does not list.
    pub fn instrument(&mut self, symbol: &str) -> Result<Instrument, ExchangeError> {
        Ok(self.product(symbol)?.instrument())
    }

    /// The last traded price of `symbol` (`GET /market/products/{product_id}`).
    ///
    /// # Errors
    /// [`ExchangeError`] if Coinbase cannot answer or has no price.
    pub fn last_price(&mut self, symbol: &str) -> Result<Decimal, ExchangeError> {
        let id = self.product(symbol)?.product_id;
        let product: Product =
            self.request(Method::Get, &format!("{BROKERAGE}/market/products/{id}"), &[], None, false)?;
        product.price.ok_or_else(|| not_readable_yet(&format!("a price of {id}")))
    }

    /// The high and low of each 1-minute candle of `symbol` opening from `start_ms` to `end_ms`,
    /// oldest first, as `(open time, high, low)` (`GET /market/products/{id}/candles`).
    ///
    /// # Errors
    /// [`ExchangeError`] if the candles cannot be read.
    pub fn minute_ranges(
        &mut self,
        symbol: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> Result<Vec<(u64, Decimal, Decimal)>, ExchangeError> {
        #[derive(Deserialize)]
        struct Candle {
            start: String,
            high: Decimal,
            low: Decimal,
        }
        #[derive(Deserialize)]
        struct Candles {
            candles: Vec<Candle>,
        }
        let id = self.product(symbol)?.product_id;
        let path = format!("{BROKERAGE}/market/products/{id}/candles");
        let (mut from_s, until_s) = (start_ms / 1000, end_ms / 1000 + 60);
        let mut ranges = Vec::new();
        while from_s < until_s {
            let to_s = until_s.min(from_s + CANDLES_PER_REQUEST * 60);
            let params = [
                ("start", from_s.to_string()),
                ("end", to_s.to_string()),
                ("granularity", "ONE_MINUTE".to_owned()),
            ];
            let answer: Candles = self.request(Method::Get, &path, &params, None, false)?;
            for candle in answer.candles {
                let open = candle.start.parse::<u64>().map_err(|e| malformed("candles", &e))? * 1000;
                if open >= start_ms && open <= end_ms {
                    ranges.push((open, candle.high, candle.low));
                }
            }
            from_s = to_s;
        }
        ranges.sort_by_key(|r| r.0);
        Ok(ranges)
    }

    fn admit(&mut self) -> Result<(), ExchangeError> {
        let second = now_ms() / 1000;
        if self.second.0 != second {
            self.second = (second, 0);
        }
        if self.second.1 >= self.config.private_per_second {
            return Err(ExchangeError::new(
                ErrorClass::RateLimited,
                format!("{} private requests this second; retry in the next", self.second.1),
            ));
        }
        self.second.1 += 1;
        Ok(())
    }

    fn request<T: DeserializeOwned>(
        &mut self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        signed: bool,
    ) -> Result<T, ExchangeError> {
        let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        // Public market data may live elsewhere (the sandbox has none of its own).
        let base = if signed { &self.config.base_url } else { &self.config.market_url };
        let url = if query.is_empty() {
            format!("{base}{path}")
        } else {
            format!("{base}{path}?{}", query.join("&"))
        };
        if let Some(pay) = self.pay.as_mut() {
            pay(Decimal::from(if signed { 1 } else { 3 }))?;
        }
        let token = if signed {
            self.admit()?;
            let key =
                self.signer.as_ref().map_err(|e| ExchangeError::new(ErrorClass::Permanent, e.clone()))?;
            let token = key
                .token(method.name(), &self.host, path, now_ms() / 1000)
                .map_err(|e| ExchangeError::new(ErrorClass::Retryable, e.to_string()))?;
            Some(format!("Bearer {token}"))
        } else {
            None
        };
        let result = match (method, token) {
            (Method::Get, Some(token)) => self.agent.get(&url).header("Authorization", &token).call(),
            (Method::Get, None) => self.agent.get(&url).call(),
            (Method::Post, token) => {
                let text = body.map_or_else(|| "{}".to_owned(), Value::to_string);
                let request = self.agent.post(&url).header("Content-Type", "application/json");
                match token {
                    Some(token) => request.header("Authorization", &token).send(&text),
                    None => request.send(&text),
                }
            }
        };
        let mut response = result.map_err(|e| transport_error(&e))?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().map_err(|e| transport_error(&e))?;
        if status >= 400 {
            let error: Option<ErrorBody> = serde_json::from_str(&text).ok();
            let code = error.as_ref().and_then(|e| e.error.clone());
            let message = error.and_then(|e| e.message).unwrap_or_else(|| text.trim().to_owned());
            return Err(http_error(status, code.as_deref(), &message));
        }
        serde_json::from_str(&text).map_err(|e| malformed(path, &e))
    }

    /// `POST /orders`: the created (or, for a known `client_order_id`, the earlier) order's id.
    fn create(&mut self, body: &Value) -> Result<String, ExchangeError> {
        let created: Created =
            self.request(Method::Post, &format!("{BROKERAGE}/orders"), &[], Some(body), true)?;
        if !created.success {
            let failure = created.error_response.unwrap_or_default();
            return Err(order_failure(&failure.error, &failure.preview_failure_reason, &failure.message));
        }
        Ok(created.success_response.ok_or_else(|| malformed("create order", &"no order id"))?.order_id)
    }

    fn order(&mut self, order_id: &str) -> Result<Option<OrderView>, ExchangeError> {
        let path = format!("{BROKERAGE}/orders/historical/{order_id}");
        match self.request::<OrderAnswer>(Method::Get, &path, &[], None, true) {
            Ok(answer) => Ok(Some(answer.order)),
            Err(err) if err.code.as_deref() == Some("NOT_FOUND") => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Every fill of the order `order_id`; all of its filled size must be found.
    fn fills(&mut self, view: &OrderView) -> Result<Vec<FillView>, ExchangeError> {
        let mut fills = Vec::new();
        let mut cursor = String::new();
        for _ in 0..PAGES {
            let mut params = vec![("order_ids", view.order_id.clone()), ("limit", PAGE.to_string())];
            if !cursor.is_empty() {
                params.push(("cursor", cursor.clone()));
            }
            let page: FillList = self.request(
                Method::Get,
                &format!("{BROKERAGE}/orders/historical/fills"),
                &params,
                None,
                true,
            )?;
            fills.extend(page.fills);
            cursor = page.cursor;
            if cursor.is_empty() {
                break;
            }
        }
        let found: Decimal = fills.iter().map(FillView::quantity).sum();
        if found < view.filled_size {
            return Err(not_readable_yet(&format!("every fill of order {}", view.order_id)));
        }
        fills.sort_by(|a, b| a.trade_time.cmp(&b.trade_time));
        Ok(fills)
    }

    fn venue_order(&mut self, view: OrderView, command: &OrderCommand) -> Result<VenueOrder, ExchangeError> {
        let fills = if view.filled_size > Decimal::ZERO { self.fills(&view)? } else { Vec::new() };
        Ok(self.leg_of(view, command, &fills))
    }

    /// `view` as the venue order of `command`: the order itself, or the leg of a bracket that
    /// `command` is (the stop leg carries the bracket's client order id).
    fn leg_of(&mut self, view: OrderView, command: &OrderCommand, fills: &[FillView]) -> VenueOrder {
        let Some(bracket) = view.bracket() else { return view.into_venue_order(command, fills) };
        self.brackets.insert(view.order_id.clone(), bracket);
        let stop = view.client_order_id == command.client_order_id;
        let mut leg = view.into_bracket_leg(bracket, stop, command, fills);
        if !stop {
            leg.venue_order_id.push_str(TAKE_PROFIT_LEG);
        }
        leg
    }

    /// The order `command` names: its own, else (a bracket's take profit leg) its sibling's
    /// bracket.
    fn find_leg(&mut self, command: &OrderCommand) -> Result<Option<OrderView>, ExchangeError> {
        if let Some(view) = self.find(command)? {
            return Ok(Some(view));
        }
        let sibling = self.sibling_of.as_ref().and_then(|of| of(&command.client_order_id));
        let Some(sibling) = sibling.filter(|_| command.order_type == OrderType::Limit) else {
            return Ok(None);
        };
        let stop = OrderCommand { client_order_id: sibling, ..command.clone() };
        Ok(self.find(&stop)?.filter(|view| view.bracket().is_some()))
    }

    /// Cancels the order `view` and reads it back.
    fn cancel_view(&mut self, view: &OrderView, id: &str) -> Result<OrderView, ExchangeError> {
        let body = json!({ "order_ids": [view.order_id] });
        let answer: CancelResults =
            self.request(Method::Post, &format!("{BROKERAGE}/orders/batch_cancel"), &[], Some(&body), true)?;
        let result =
            answer.results.into_iter().next().ok_or_else(|| malformed("batch_cancel", &"no result"))?;
        if !result.success {
            return Err(ExchangeError {
                class: ErrorClass::Permanent,
                code: Some(result.failure_reason.clone()),
                message: format!("cancel of {id} refused: {}", result.failure_reason),
            });
        }
        let order_id = &view.order_id;
        self.order(order_id)?.ok_or_else(|| not_readable_yet(&format!("order {order_id}")))
    }

    /// Both legs of the bracket `view`, stop leg first.
    fn bracket_legs(&mut self, view: OrderView, oco: &OcoCommand) -> Result<Vec<VenueOrder>, ExchangeError> {
        let fills = if view.filled_size > Decimal::ZERO { self.fills(&view)? } else { Vec::new() };
        let stop = self.leg_of(view.clone(), &oco.stop, &fills);
        let take = self.leg_of(view, &oco.take_profit, &fills);
        Ok(vec![stop, take])
    }

    /// The order placed with `command`'s client order id: the product's open orders first, then
    /// its orders of any status, newest first, a few pages back.
    fn find(&mut self, command: &OrderCommand) -> Result<Option<OrderView>, ExchangeError> {
        let product_id = self.product(&command.symbol)?.product_id;
        for status in [Some("OPEN"), None] {
            let mut cursor = String::new();
            for _ in 0..PAGES {
                let mut params = vec![("product_ids", product_id.clone()), ("limit", PAGE.to_string())];
                if let Some(status) = status {
                    params.push(("order_status", status.to_owned()));
                }
                if !cursor.is_empty() {
                    params.push(("cursor", cursor.clone()));
                }
                let page: OrderList = self.request(
                    Method::Get,
                    &format!("{BROKERAGE}/orders/historical/batch"),
                    &params,
                    None,
                    true,
                )?;
                if let Some(found) =
                    page.orders.into_iter().find(|o| o.client_order_id == command.client_order_id)
                {
                    return Ok(Some(found));
                }
                cursor = page.cursor;
                if !page.has_next || cursor.is_empty() {
                    break;
                }
            }
        }
        Ok(None)
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
fn encode(value: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

impl ExchangeClient for CoinbaseClient {
    /// `POST /orders` with the order's `client_order_id`. Coinbase creates one order per
    /// `client_order_id`: a repeat answers the order the first created, so a second delivery
    /// reports that order instead of placing another.
    fn place(&mut self, order: &OrderCommand, _market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        let product_id = self.product(&order.symbol)?.product_id;
        let body = json!({
            "client_order_id": order.client_order_id,
            "product_id": product_id,
            "side": side(order.side),
            "order_configuration": configuration(order)?,
        });
        // Spot has no reduce-only flag; the engine's risk check enforces it before this call.
        let order_id = self.create(&body)?;
        let view = self
            .order(&order_id)
            .map_err(placed)?
            .ok_or_else(|| not_readable_yet(&format!("order {order_id}")))?;
        self.venue_order(view, order).map_err(placed)
    }

    /// Cancels the order; a bracket's leg cancels the bracket, both legs (as canceling one leg
    /// of a Binance OCO cancels the list).
    fn cancel(&mut self, order: &OrderCommand, _market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        let view = self.find_leg(order)?.ok_or_else(|| ExchangeError {
            class: ErrorClass::Permanent,
            code: Some("UNKNOWN_CANCEL_ORDER".into()),
            message: format!("Coinbase has no order {}", order.client_order_id),
        })?;
        let view = self.cancel_view(&view, &order.client_order_id)?;
        self.venue_order(view, order)
    }

    /// A stop-loss and take profit together are one `trigger_bracket_gtc` order, created under
    /// the stop leg's client order id: Coinbase rests the take profit as a limit and, once the
    /// stop price trades, replaces it by the stop's limit order (5 % beyond the trigger), so
    /// one position's quantity is never sold twice and one hold covers both. The stop leg's
    /// own limit price is Coinbase's to choose. A repeat create answers the bracket the first
    /// made (Coinbase's idempotent `client_order_id`).
    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        _market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        let (stop, take) = (&oco.stop, &oco.take_profit);
        let (Some(trigger), Some(limit)) = (stop.stop_price, take.price) else {
            return Err(ExchangeError::new(
                ErrorClass::Permanent,
                "a bracket needs a stop price and a limit price",
            ));
        };
        let product_id = self.product(&stop.symbol)?.product_id;
        let body = json!({
            "client_order_id": stop.client_order_id,
            "product_id": product_id,
            "side": side(stop.side),
            "order_configuration": {"trigger_bracket_gtc": {
                "base_size": decimal(stop.quantity),
                "limit_price": decimal(limit),
                "stop_trigger_price": decimal(trigger),
            }},
        });
        let order_id = self.create(&body)?;
        let view = self
            .order(&order_id)
            .map_err(placed)?
            .ok_or_else(|| not_readable_yet(&format!("order {order_id}")))?;
        self.bracket_legs(view, oco).map_err(placed)
    }

    /// Cancels the bracket the legs of `oco` are, once; both legs' final states.
    fn cancel_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        let view = self.find(&oco.stop)?.ok_or_else(|| ExchangeError {
            class: ErrorClass::Permanent,
            code: Some("UNKNOWN_CANCEL_ORDER".into()),
            message: format!("Coinbase has no order {}", oco.stop.client_order_id),
        })?;
        if view.bracket().is_none() {
            return Ok(vec![self.cancel(&oco.stop, market)?, self.cancel(&oco.take_profit, market)?]);
        }
        let view = self.cancel_view(&view, &oco.stop.client_order_id)?;
        self.bracket_legs(view, oco)
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        _market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        match self.find_leg(order)? {
            Some(view) => self.venue_order(view, order).map(Some),
            None => Ok(None),
        }
    }

    /// `GET /orders/historical/fills` of the product from the trade time after `after_seq`
    /// (Coinbase's fills carry no numeric id: the sequence is the trade time in milliseconds),
    /// oldest first.
    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        let product = self.product(symbol)?;
        // Coinbase lists newest first: every fill since the cursor must be read, or the oldest
        // would be skipped when the cursor moves past the newest.
        let pages = if after_seq.is_some() { CURSOR_PAGES } else { 1 };
        let mut trades = Vec::new();
        let mut cursor = String::new();
        let mut complete = after_seq.is_none();
        for _ in 0..pages {
            let mut params = vec![("product_ids", product.product_id.clone()), ("limit", PAGE.to_string())];
            if let Some(after) = after_seq {
                params.push(("start_sequence_timestamp", format_ms(after + 1)));
            }
            if !cursor.is_empty() {
                params.push(("cursor", cursor.clone()));
            }
            let page: FillList = self.request(
                Method::Get,
                &format!("{BROKERAGE}/orders/historical/fills"),
                &params,
                None,
                true,
            )?;
            for fill in page.fills {
                let take_leg = self.brackets.get(&fill.order_id).is_some_and(|b| {
                    if b.sells {
                        fill.price >= b.limit_price
                    } else {
                        fill.price <= b.limit_price
                    }
                });
                let mut trade = fill.into_venue_trade(symbol, &product.quote_currency_id);
                if take_leg {
                    trade.venue_order_id.push_str(TAKE_PROFIT_LEG);
                }
                if after_seq.is_none_or(|after| trade.seq > after) {
                    trades.push(trade);
                }
            }
            cursor = page.cursor;
            if cursor.is_empty() {
                complete = true;
                break;
            }
        }
        if !complete {
            return Err(ExchangeError::new(
                ErrorClass::Retryable,
                format!(
                    "more than {} fills since the cursor: not all readable in one sync",
                    CURSOR_PAGES * PAGE as usize
                ),
            ));
        }
        trades.sort_by_key(|t| t.seq);
        Ok(trades)
    }

    /// `GET /orders/historical/{order_id}`: the `client_order_id` the order was created with (a
    /// bracket's take profit leg answers the bracket's, its stop leg's).
    fn client_order_id_of(
        &mut self,
        _symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        let order_id = venue_order_id.strip_suffix(TAKE_PROFIT_LEG).unwrap_or(venue_order_id);
        Ok(self.order(order_id)?.map(|o| o.client_order_id))
    }
}
