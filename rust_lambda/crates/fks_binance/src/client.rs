//! The blocking Binance spot client.

use std::time::{SystemTime, UNIX_EPOCH};

use fks_execution_core::{
    Decimal, ErrorClass, ExchangeClient, ExchangeError, Instrument, MarketContext, OcoCommand, OrderCommand,
    OrderType, Side, TimeInForce, VenueOrder, VenueTrade,
};
use fks_venue_kit::{decimal, placed, transport_error};
use serde::de::DeserializeOwned;

use crate::config::BinanceConfig;
use crate::errors::{exchange_error, DUPLICATE_ORDER};
use crate::market::{ExchangeInfo, TickerPrice};
use crate::rate_limit::WeightTracker;
use crate::signing::{query_string, sign};
use crate::wire::{CancelReplaceAnswer, ErrorBody, OcoAnswer, OrderState, ServerTime, Trade};

/// Request weights of the endpoints used, as Binance publishes them.
const WEIGHT_TIME: u32 = 1;
const WEIGHT_EXCHANGE_INFO: u32 = 20;
const WEIGHT_TICKER_PRICE: u32 = 2;
const WEIGHT_KLINES: u32 = 2;
const WEIGHT_NEW_ORDER: u32 = 1;
const WEIGHT_QUERY_ORDER: u32 = 4;
const WEIGHT_CANCEL_ORDER: u32 = 1;
const WEIGHT_MY_TRADES: u32 = 20;
/// Binance's "timestamp outside recvWindow" code: the client resyncs its clock and retries once.
const CLOCK_DRIFT: i64 = -1021;
const ORDER_DOES_NOT_EXIST: i64 = -2013;
/// Largest page `myTrades` answers.
const MY_TRADES_LIMIT: u32 = 1000;

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Delete,
}

/// Pays a request's weight, in ccxt's units for Binance (a unit is 5 weight, 20 units a second),
/// into a budget shared with the platform's other callers of the same key, waiting for its turn.
pub use fks_venue_kit::Pay;

/// A Binance spot REST client. Blocking: one order is a few sequential requests, and the engine's
/// [`ExchangeClient`] is synchronous.
///
/// Signed timestamps come from the system clock corrected by the offset to the server's clock,
/// not from [`MarketContext::now_ms`], which a replay may set to any time.
pub struct BinanceClient {
    config: BinanceConfig,
    agent: ureq::Agent,
    offset_ms: Option<i64>,
    weights: WeightTracker,
    pay: Option<Pay>,
}

impl std::fmt::Debug for BinanceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BinanceClient")
            .field("config", &self.config)
            .field("offset_ms", &self.offset_ms)
            .field("weights", &self.weights)
            .finish_non_exhaustive()
    }
}

fn local_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

const fn side(side: Side) -> &'static str {
    match side {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

const fn time_in_force(tif: TimeInForce) -> &'static str {
    match tif {
        TimeInForce::Gtc => "GTC",
        TimeInForce::Ioc => "IOC",
        TimeInForce::Fok => "FOK",
    }
}

fn malformed(err: &serde_json::Error) -> ExchangeError {
    // A success status with an unreadable body: the request was processed, its outcome unknown.
    ExchangeError::new(ErrorClass::Retryable, format!("unreadable Binance answer: {err}"))
}

impl BinanceClient {
    /// A client for `config`. No request is sent until the first call.
    #[must_use]
    pub fn new(config: BinanceConfig) -> Self {
        let agent = fks_venue_kit::agent(config.timeout);
        let weights = WeightTracker::new(config.weight_limit);
        Self { config, agent, offset_ms: None, weights, pay: None }
    }

    /// The same client paying every request's weight into `pay` before sending it.
    #[must_use]
    pub fn with_rate_budget(mut self, pay: Pay) -> Self {
        self.pay = Some(pay);
        self
    }

    /// The offset to the server's clock in milliseconds, once measured.
    #[must_use]
    pub const fn clock_offset_ms(&self) -> Option<i64> {
        self.offset_ms
    }

    /// Request weight the server reported for the current minute.
    #[must_use]
    pub const fn used_weight(&self) -> u32 {
        self.weights.used()
    }

    /// Measures the offset to the server's clock with `GET /api/v3/time` (midpoint of the
    /// round trip).
    ///
    /// # Errors
    /// [`ExchangeError`] if the server cannot be reached or answers with an error.
    pub fn sync_time(&mut self) -> Result<i64, ExchangeError> {
        let sent = local_now_ms();
        let time: ServerTime = self.json(Method::Get, "/api/v3/time", &[], WEIGHT_TIME, false)?;
        let received = local_now_ms();
        let server = i64::try_from(time.server_time).unwrap_or(i64::MAX);
        let offset = server - i64::midpoint(sent, received);
        self.offset_ms = Some(offset);
        Ok(offset)
    }

    /// The instrument definition of `symbol` from `GET /api/v3/exchangeInfo`.
    ///
    /// # Errors
    /// [`ExchangeError`]; `Permanent` (`-1121`) for an unknown symbol.
    pub fn instrument(&mut self, symbol: &str) -> Result<Instrument, ExchangeError> {
        let params = [("symbol", symbol.to_owned())];
        let info: ExchangeInfo =
            self.json(Method::Get, "/api/v3/exchangeInfo", &params, WEIGHT_EXCHANGE_INFO, false)?;
        let found = info.symbols.into_iter().find(|s| s.symbol == symbol);
        found
            .ok_or_else(|| {
                ExchangeError::new(ErrorClass::Permanent, format!("exchangeInfo has no {symbol}"))
            })?
            .into_instrument()
    }

    /// The last traded price of `symbol` (`GET /api/v3/ticker/price`).
    ///
    /// # Errors
    /// [`ExchangeError`] if the server cannot answer.
    pub fn last_price(&mut self, symbol: &str) -> Result<Decimal, ExchangeError> {
        let params = [("symbol", symbol.to_owned())];
        let ticker: TickerPrice =
            self.json(Method::Get, "/api/v3/ticker/price", &params, WEIGHT_TICKER_PRICE, false)?;
        Ok(ticker.price)
    }

    /// The high and low of each 1-minute candle of `symbol` opening from `start_ms` to
    /// `end_ms` (`GET /api/v3/klines`, at most 1000), oldest first, as
    /// `(open time, high, low)`.
    ///
    /// # Errors
    /// [`ExchangeError`] if the server cannot answer or the rows are unreadable.
    pub fn minute_ranges(
        &mut self,
        symbol: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> Result<Vec<(u64, Decimal, Decimal)>, ExchangeError> {
        let params = [
            ("symbol", symbol.to_owned()),
            ("interval", "1m".to_owned()),
            ("startTime", start_ms.to_string()),
            ("endTime", end_ms.to_string()),
            ("limit", "1000".to_owned()),
        ];
        let rows: Vec<Vec<serde_json::Value>> =
            self.json(Method::Get, "/api/v3/klines", &params, WEIGHT_KLINES, false)?;
        rows.iter()
            .map(|row| {
                let open = row.first().and_then(serde_json::Value::as_u64);
                let price =
                    |i: usize| row.get(i).and_then(|v| v.as_str()).and_then(|v| v.parse::<Decimal>().ok());
                match (open, price(2), price(3)) {
                    (Some(open), Some(high), Some(low)) => Ok((open, high, low)),
                    _ => Err(ExchangeError::new(ErrorClass::Retryable, "unreadable kline row")),
                }
            })
            .collect()
    }

    fn server_now_ms(&self) -> u64 {
        u64::try_from(local_now_ms() + self.offset_ms.unwrap_or(0)).unwrap_or(0)
    }

    fn json<T: DeserializeOwned>(
        &mut self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
        weight: u32,
        signed: bool,
    ) -> Result<T, ExchangeError> {
        let body = match self.send(method, path, params, weight, signed) {
            Err(err) if signed && err.code.as_deref() == Some(&CLOCK_DRIFT.to_string()) => {
                self.sync_time()?;
                self.send(method, path, params, weight, signed)?
            }
            other => other?,
        };
        serde_json::from_str(&body).map_err(|e| malformed(&e))
    }

    fn send(
        &mut self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
        weight: u32,
        signed: bool,
    ) -> Result<String, ExchangeError> {
        if signed && self.offset_ms.is_none() {
            self.sync_time()?;
        }
        let now = self.server_now_ms();
        if let Err(wait_ms) = self.weights.admit(weight, now) {
            return Err(ExchangeError::new(
                ErrorClass::RateLimited,
                format!("request weight budget exhausted; retry in {wait_ms} ms"),
            ));
        }
        if let Some(pay) = self.pay.as_mut() {
            pay(Decimal::from(weight) / Decimal::from(5))?;
        }
        let mut query = query_string(params);
        if signed {
            let timing = format!("recvWindow={}&timestamp={now}", self.config.recv_window_ms);
            query = if query.is_empty() { timing } else { format!("{query}&{timing}") };
            let signature = sign(&self.config.api_secret, &query);
            query = format!("{query}&signature={signature}");
        }
        let url = if query.is_empty() {
            format!("{}{path}", self.config.base_url)
        } else {
            format!("{}{path}?{query}", self.config.base_url)
        };
        let key = self.config.api_key.as_str();
        let result = match method {
            Method::Get => self.agent.get(&url).header("X-MBX-APIKEY", key).call(),
            Method::Delete => self.agent.delete(&url).header("X-MBX-APIKEY", key).call(),
            Method::Post => self.agent.post(&url).header("X-MBX-APIKEY", key).send_empty(),
        };
        let mut response = result.map_err(|e| transport_error(&e))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let used = header("x-mbx-used-weight-1m");
        let retry_after = header("retry-after");
        let received = self.server_now_ms();
        if let Some(used) = used {
            self.weights.observe_used(u32::try_from(used).unwrap_or(u32::MAX), received);
        }
        if let Some(seconds) = retry_after {
            self.weights.observe_retry_after(seconds, received);
        }
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().map_err(|e| transport_error(&e))?;
        if status < 400 {
            return Ok(body);
        }
        Err(match serde_json::from_str::<ErrorBody>(&body) {
            Ok(err) => exchange_error(status, Some(err.code), &err.msg),
            Err(_) => exchange_error(status, None, body.trim()),
        })
    }

    fn order_trades(&mut self, command: &OrderCommand, order_id: i64) -> Result<Vec<Trade>, ExchangeError> {
        let params = vec![("symbol", command.symbol.clone()), ("orderId", order_id.to_string())];
        self.json(Method::Get, "/api/v3/myTrades", &params, WEIGHT_MY_TRADES, true)
    }

    fn venue_order(
        &mut self,
        state: OrderState,
        command: &OrderCommand,
    ) -> Result<VenueOrder, ExchangeError> {
        let has_fills = state.fills.as_ref().is_some_and(|f| !f.is_empty());
        let trades = if !has_fills && state.executed_qty > Decimal::ZERO {
            self.order_trades(command, state.order_id)?
        } else {
            Vec::new()
        };
        Ok(state.into_venue_order(command, &trades))
    }

    fn new_order_params(command: &OrderCommand) -> Vec<(&'static str, String)> {
        let kind = match command.order_type {
            OrderType::Market => "MARKET",
            OrderType::Limit => "LIMIT",
            OrderType::StopMarket => "STOP_LOSS",
            OrderType::StopLimit => "STOP_LOSS_LIMIT",
            OrderType::TakeProfitLimit => "TAKE_PROFIT_LIMIT",
        };
        let mut params = vec![
            ("symbol", command.symbol.clone()),
            ("side", side(command.side).to_owned()),
            ("type", kind.to_owned()),
            ("quantity", decimal(command.quantity)),
        ];
        if command.order_type.has_limit_price() {
            params.push(("timeInForce", time_in_force(command.time_in_force).to_owned()));
        }
        if let Some(price) = command.price {
            params.push(("price", decimal(price)));
        }
        if let Some(stop) = command.stop_price {
            params.push(("stopPrice", decimal(stop)));
        }
        // Spot has no reduce-only flag; the engine's risk check enforces it before this call.
        params.push(("newClientOrderId", command.client_order_id.clone()));
        params.push(("newOrderRespType", "FULL".to_owned()));
        params
    }
}

impl ExchangeClient for BinanceClient {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        let params = Self::new_order_params(order);
        match self.json::<OrderState>(Method::Post, "/api/v3/order", &params, WEIGHT_NEW_ORDER, true) {
            Ok(state) => self.venue_order(state, order).map_err(placed),
            // The id names an open order: an earlier attempt landed, so report that order. Reads
            // lag the book, so "not found" here means "not readable yet": the order exists, its
            // state is unknown, which is a retryable outcome and never a rejection.
            Err(err) if err.code.as_deref() == Some("-2010") && err.message.contains(DUPLICATE_ORDER) => {
                self.query(order, market).map_err(placed)?.ok_or_else(|| ExchangeError {
                    class: ErrorClass::Retryable,
                    code: err.code.clone(),
                    message: format!("{}; the open order is not readable yet", err.message),
                })
            }
            Err(err) => Err(err),
        }
    }

    /// `POST /api/v3/orderList/oco`: for a sell (closing a long) the take profit is the
    /// `LIMIT_MAKER` above the price and the stop the `STOP_LOSS_LIMIT` below; mirrored for a buy.
    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        _market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        let (stop, take) = (&oco.stop, &oco.take_profit);
        let (above, below) = match stop.side {
            Side::Sell => ("above", "below"),
            Side::Buy => ("below", "above"),
        };
        let params: Vec<(String, String)> = vec![
            ("symbol".into(), stop.symbol.clone()),
            ("side".into(), side(stop.side).to_owned()),
            ("quantity".into(), decimal(stop.quantity)),
            ("listClientOrderId".into(), oco.list_client_order_id.clone()),
            (format!("{above}Type"), "LIMIT_MAKER".into()),
            (format!("{above}ClientOrderId"), take.client_order_id.clone()),
            (format!("{above}Price"), take.price.map(decimal).unwrap_or_default()),
            (format!("{below}Type"), "STOP_LOSS_LIMIT".into()),
            (format!("{below}ClientOrderId"), stop.client_order_id.clone()),
            (format!("{below}StopPrice"), stop.stop_price.map(decimal).unwrap_or_default()),
            (format!("{below}Price"), stop.price.map(decimal).unwrap_or_default()),
            (format!("{below}TimeInForce"), "GTC".into()),
            ("newOrderRespType".into(), "FULL".into()),
        ];
        let borrowed: Vec<(&str, String)> = params.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let mut answer: OcoAnswer =
            self.json(Method::Post, "/api/v3/orderList/oco", &borrowed, WEIGHT_NEW_ORDER, true)?;
        let mut legs = Vec::with_capacity(2);
        for leg in [stop, take] {
            let report = answer
                .order_reports
                .iter()
                .position(|r| r.client_order_id.as_deref() == Some(leg.client_order_id.as_str()))
                .ok_or_else(|| {
                    ExchangeError::new(ErrorClass::Retryable, "order list answer without a leg")
                })?;
            let state = answer.order_reports.swap_remove(report);
            legs.push(self.venue_order(state, leg).map_err(placed)?);
        }
        Ok(legs)
    }

    /// `POST /api/v3/order/cancelReplace` with `cancelReplaceMode=STOP_ON_FAILURE`: the new
    /// order is placed only if the old one was canceled.
    fn cancel_replace(
        &mut self,
        old: &OrderCommand,
        new: &OrderCommand,
        _market: &MarketContext,
    ) -> Result<(VenueOrder, VenueOrder), ExchangeError> {
        let mut params = Self::new_order_params(new);
        params.push(("cancelReplaceMode", "STOP_ON_FAILURE".to_owned()));
        params.push(("cancelOrigClientOrderId", old.client_order_id.clone()));
        let answer: CancelReplaceAnswer =
            self.json(Method::Post, "/api/v3/order/cancelReplace", &params, WEIGHT_NEW_ORDER, true)?;
        let canceled = self.venue_order(answer.cancel_response, old).map_err(placed)?;
        Ok((canceled, self.venue_order(answer.new_order_response, new).map_err(placed)?))
    }

    /// Binance cancels a whole order list when one of its legs is canceled: the stop leg is
    /// canceled by its client order id and the take-profit leg read back (canceled too, should
    /// it still work).
    fn cancel_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        let stop = self.cancel(&oco.stop, market)?;
        let take = match self.query(&oco.take_profit, market)? {
            Some(take) if take.remainder == fks_execution_core::Remainder::Working => {
                self.cancel(&oco.take_profit, market)?
            }
            Some(take) => take,
            None => {
                return Err(ExchangeError::new(
                    ErrorClass::Retryable,
                    "the list's other leg is not readable yet",
                ))
            }
        };
        Ok(vec![stop, take])
    }

    fn cancel(&mut self, order: &OrderCommand, _market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        let params =
            vec![("symbol", order.symbol.clone()), ("origClientOrderId", order.client_order_id.clone())];
        let state: OrderState =
            self.json(Method::Delete, "/api/v3/order", &params, WEIGHT_CANCEL_ORDER, true)?;
        self.venue_order(state, order)
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        _market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        let params =
            vec![("symbol", order.symbol.clone()), ("origClientOrderId", order.client_order_id.clone())];
        match self.json::<OrderState>(Method::Get, "/api/v3/order", &params, WEIGHT_QUERY_ORDER, true) {
            Ok(state) => self.venue_order(state, order).map(Some),
            Err(err) if err.code.as_deref() == Some(&ORDER_DOES_NOT_EXIST.to_string()) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// `GET /api/v3/myTrades` from `fromId` = the trade after `after_seq` (the most recent
    /// page when `None`), oldest first.
    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        let mut params = vec![("symbol", symbol.to_owned()), ("limit", MY_TRADES_LIMIT.to_string())];
        if let Some(after) = after_seq {
            params.push(("fromId", (after + 1).to_string()));
        }
        let trades: Vec<Trade> =
            self.json(Method::Get, "/api/v3/myTrades", &params, WEIGHT_MY_TRADES, true)?;
        let mut trades: Vec<VenueTrade> =
            trades.into_iter().map(|t| Trade { symbol: symbol.to_owned(), ..t }.into_venue_trade()).collect();
        trades.sort_by_key(|t| t.seq);
        Ok(trades)
    }

    /// `GET /api/v3/order` by `orderId`: the client order id the order was placed with.
    fn client_order_id_of(
        &mut self,
        symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        let params = vec![("symbol", symbol.to_owned()), ("orderId", venue_order_id.to_owned())];
        match self.json::<OrderState>(Method::Get, "/api/v3/order", &params, WEIGHT_QUERY_ORDER, true) {
            Ok(state) => Ok(state.client_order_id),
            Err(err) if err.code.as_deref() == Some(&ORDER_DOES_NOT_EXIST.to_string()) => Ok(None),
            Err(err) => Err(err),
        }
    }
}
