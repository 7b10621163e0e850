//! The blocking Kraken spot client.

use std::collections::HashMap;

use fks_execution_core::{
    Decimal, ErrorClass, ExchangeClient, ExchangeError, Instrument, MarketContext, OcoCommand, OrderCommand,
    OrderType, Side, TimeInForce, VenueOrder, VenueTrade,
};
use fks_venue_kit::{decimal, not_readable_yet, now_ms, now_us, placed, transport_error};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::KrakenConfig;
use crate::errors::{exchange_error, first_error, DUPLICATE_CL_ORD_ID, INVALID_ORDER, UNKNOWN_ORDER};
use crate::ids::cl_ord_id;
use crate::limits::CallCounter;
use crate::pairs::{AssetPair, Pair, Pairs};
use crate::signing::{api_sign, form};
use crate::wire::{seconds_to_ms, Added, Canceled, Closed, Envelope, History, Open, OrderView, TradeView};

/// What a private call adds to Kraken's REST call counter (trading calls are on the separate
/// trading counter and add nothing here).
const COST_QUERY: u32 = 1;
const COST_HISTORY: u32 = 2;
const COST_TRADING: u32 = 0;
/// Pages of trade history (50 trades each) read to find an order's fills.
const HISTORY_PAGES: u64 = 4;
const HISTORY_PAGE: u64 = 50;
/// Pages read back to a sync's cursor at most (newest first, so all of them are needed).
const CURSOR_PAGES: u64 = 20;

/// Finds the platform's client order id whose derived `cl_ord_id` Kraken reports (see
/// [`crate::ids`]), in the caller's own records; `None` if no order of the platform has it.
pub type OwnerLookup = Box<dyn FnMut(&str) -> Result<Option<String>, ExchangeError> + Send>;

/// Pays a call's cost, in ccxt's units for Kraken (one a second; a call counter point is 3), into
/// a budget shared with the platform's other callers of the same key, waiting for its turn.
pub use fks_venue_kit::Pay;

/// A Kraken spot REST client. Blocking, like the engine's [`ExchangeClient`].
pub struct KrakenClient {
    config: KrakenConfig,
    agent: ureq::Agent,
    last_nonce: u64,
    counter: CallCounter,
    pairs: Option<Pairs>,
    // cl_ord_id -> the platform's id, for the ids this instance sent (a derived UUID cannot be
    // read back otherwise).
    sent_ids: HashMap<String, String>,
    owner_lookup: Option<OwnerLookup>,
    pay: Option<Pay>,
}

impl std::fmt::Debug for KrakenClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KrakenClient")
            .field("config", &self.config)
            .field("last_nonce", &self.last_nonce)
            .field("counter", &self.counter)
            .finish_non_exhaustive()
    }
}

fn malformed(what: &str, err: &dyn std::fmt::Display) -> ExchangeError {
    // A success status with an unreadable body: the request was processed, its outcome unknown.
    ExchangeError::new(ErrorClass::Retryable, format!("unreadable Kraken {what} answer: {err}"))
}

const fn side(side: Side) -> &'static str {
    match side {
        Side::Buy => "buy",
        Side::Sell => "sell",
    }
}

impl KrakenClient {
    /// A client for `config`. No request is sent until the first call.
    #[must_use]
    pub fn new(config: KrakenConfig) -> Self {
        let agent = fks_venue_kit::agent(config.timeout);
        let counter = CallCounter::new(config.counter_max, config.counter_decay_centi_per_s);
        Self {
            config,
            agent,
            last_nonce: 0,
            counter,
            pairs: None,
            sent_ids: HashMap::new(),
            owner_lookup: None,
            pay: None,
        }
    }

    /// The same client reading a derived `cl_ord_id` back through `lookup` when this instance did
    /// not send it (another process placed the order, or this one started since).
    #[must_use]
    pub fn with_owner_lookup(mut self, lookup: OwnerLookup) -> Self {
        self.owner_lookup = Some(lookup);
        self
    }

    /// The same client paying every call into `pay` before sending it.
    #[must_use]
    pub fn with_rate_budget(mut self, pay: Pay) -> Self {
        self.pay = Some(pay);
        self
    }

    fn pay(&mut self, units: u32) -> Result<(), ExchangeError> {
        self.pay.as_mut().map_or(Ok(()), |pay| pay(Decimal::from(units)))
    }

    /// The platform's id of Kraken's `cl_ord_id`: as sent, or read back.
    fn platform_id(&mut self, cl_ord_id: String) -> Result<String, ExchangeError> {
        if let Some(id) = self.sent_ids.get(&cl_ord_id) {
            return Ok(id.clone());
        }
        if crate::ids::is_uuid(&cl_ord_id) {
            if let Some(lookup) = self.owner_lookup.as_mut() {
                if let Some(id) = lookup(&cl_ord_id)? {
                    self.sent_ids.insert(cl_ord_id, id.clone());
                    return Ok(id);
                }
            }
        }
        Ok(cl_ord_id)
    }

    /// The local mirror of the REST call counter, in calls.
    #[must_use]
    pub fn call_counter(&self) -> u64 {
        self.counter.level(now_ms())
    }

    fn pairs(&mut self) -> Result<&Pairs, ExchangeError> {
        if self.pairs.is_none() {
            let listed: HashMap<String, AssetPair> = self.public("AssetPairs", &[])?;
            self.pairs = Some(Pairs::new(listed));
        }
        Ok(self.pairs.get_or_insert_with(Pairs::default))
    }

    fn pair(&mut self, symbol: &str) -> Result<Pair, ExchangeError> {
        self.pairs()?.get(symbol).cloned()
    }

    /// The instrument definition of the engine's `symbol` from `AssetPairs`.
    ///
    /// # Errors
    /// [`ExchangeError`]; `Permanent` for a pair Kraken does not list.
    pub fn instrument(&mut self, symbol: &str) -> Result<Instrument, ExchangeError> {
        Ok(self.pair(symbol)?.instrument())
    }

    /// 1-minute candles of `symbol` after `since_s` as `(open time ms, high, low, close)`,
    /// oldest first (`GET /0/public/OHLC`, the last one still open).
    fn candles(
        &mut self,
        symbol: &str,
        since_s: u64,
    ) -> Result<Vec<(u64, Decimal, Decimal, Decimal)>, ExchangeError> {
        let pair = self.pair(symbol)?;
        let params =
            [("pair", pair.altname.clone()), ("interval", "1".to_owned()), ("since", since_s.to_string())];
        let result: HashMap<String, Value> = self.public("OHLC", &params)?;
        let rows = result
            .iter()
            .find(|(name, _)| name.as_str() != "last")
            .and_then(|(_, rows)| rows.as_array())
            .ok_or_else(|| malformed("OHLC", &"no rows"))?;
        rows.iter()
            .map(|row| {
                let open = row.get(0).and_then(Value::as_u64);
                let price =
                    |i: usize| row.get(i).and_then(Value::as_str).and_then(|v| v.parse::<Decimal>().ok());
                match (open, price(2), price(3), price(4)) {
                    (Some(open), Some(high), Some(low), Some(close)) => Ok((open * 1000, high, low, close)),
                    _ => Err(malformed("OHLC", &"a row is not [time, open, high, low, close, ...]")),
                }
            })
            .collect()
    }

    /// The last traded price of `symbol`: the close of the newest 1-minute candle.
    ///
    /// # Errors
    /// [`ExchangeError`] if Kraken cannot answer or has no recent candle.
    pub fn last_price(&mut self, symbol: &str) -> Result<Decimal, ExchangeError> {
        let since = (now_ms() / 1000).saturating_sub(300);
        let candles = self.candles(symbol, since)?;
        candles.last().map(|c| c.3).ok_or_else(|| not_readable_yet(&format!("a recent candle of {symbol}")))
    }

    /// The high and low of each 1-minute candle of `symbol` opening from `start_ms` to `end_ms`
    /// (Kraken keeps the newest 720), oldest first, as `(open time, high, low)`.
    ///
    /// # Errors
    /// [`ExchangeError`] if the candles cannot be read.
    pub fn minute_ranges(
        &mut self,
        symbol: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> Result<Vec<(u64, Decimal, Decimal)>, ExchangeError> {
        let since = (start_ms / 1000).saturating_sub(60);
        let candles = self.candles(symbol, since)?;
        Ok(candles
            .into_iter()
            .filter(|c| c.0 >= start_ms && c.0 <= end_ms)
            .map(|(open, high, low, _)| (open, high, low))
            .collect())
    }

    fn public<T: DeserializeOwned>(
        &mut self,
        method: &str,
        params: &[(&str, String)],
    ) -> Result<T, ExchangeError> {
        self.pay(1)?;
        let query = form(params);
        let url = if query.is_empty() {
            format!("{}/0/public/{method}", self.config.base_url)
        } else {
            format!("{}/0/public/{method}?{query}", self.config.base_url)
        };
        let response = self.agent.get(&url).call();
        Self::answer(method, response)
    }

    /// A signed `POST /0/private/<method>`; a refused nonce (another process of the same key
    /// sent a larger one) is retried once with a fresh one, as Kraken carried nothing out.
    fn private<T: DeserializeOwned>(
        &mut self,
        method: &str,
        params: &[(&str, String)],
        cost: u32,
    ) -> Result<T, ExchangeError> {
        match self.private_once(method, params, cost) {
            Err(err) if err.class == ErrorClass::Unavailable => self.private_once(method, params, cost),
            other => other,
        }
    }

    fn private_once<T: DeserializeOwned>(
        &mut self,
        method: &str,
        params: &[(&str, String)],
        cost: u32,
    ) -> Result<T, ExchangeError> {
        if let Err(wait_ms) = self.counter.charge(cost, now_ms()) {
            return Err(ExchangeError::new(
                ErrorClass::RateLimited,
                format!("Kraken call counter full; retry in {wait_ms} ms"),
            ));
        }
        // ccxt prices a call counter point at 3 units of Kraken's one-a-second budget.
        self.pay(cost * 3)?;
        // Microseconds: a key's nonce must grow across every client that signs with it, so all
        // of the platform's agree on this scale (its ccxt clients are set to microseconds too);
        // calls in the same millisecond from two processes then rarely collide.
        let nonce = now_us().max(self.last_nonce + 1);
        self.last_nonce = nonce;
        let mut all = vec![("nonce", nonce.to_string())];
        all.extend(params.iter().cloned());
        let body = form(&all);
        let path = format!("/0/private/{method}");
        let signature = api_sign(&self.config.api_secret, &path, &nonce.to_string(), &body)
            .map_err(|_| ExchangeError::new(ErrorClass::Permanent, "the Kraken API secret is not base64"))?;
        let response = self
            .agent
            .post(&format!("{}{path}", self.config.base_url))
            .header("API-Key", &self.config.api_key)
            .header("API-Sign", &signature)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(&body);
        Self::answer(method, response)
    }

    fn answer<T: DeserializeOwned>(
        method: &str,
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<T, ExchangeError> {
        let mut response = response.map_err(|e| transport_error(&e))?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().map_err(|e| transport_error(&e))?;
        // The result is read only once the error list is empty: a refusal answers `{}` in it.
        let envelope: Envelope<Value> = match serde_json::from_str(&body) {
            Ok(envelope) => envelope,
            Err(_) if status >= 400 => return Err(exchange_error(status, body.trim())),
            Err(e) => return Err(malformed(method, &e)),
        };
        if let Some(text) = first_error(&envelope.error) {
            return Err(exchange_error(status, text));
        }
        if status >= 400 {
            return Err(exchange_error(status, &format!("{method} answered HTTP {status}")));
        }
        let result = envelope.result.ok_or_else(|| malformed(method, &"no result"))?;
        serde_json::from_value(result).map_err(|e| malformed(method, &e))
    }

    fn add_order_params(
        &mut self,
        order: &OrderCommand,
    ) -> Result<Vec<(&'static str, String)>, ExchangeError> {
        let pair = self.pair(&order.symbol)?;
        let (kind, price, price2) = match order.order_type {
            OrderType::Market => ("market", None, None),
            OrderType::Limit => ("limit", order.price, None),
            OrderType::StopMarket => ("stop-loss", order.stop_price, None),
            OrderType::StopLimit => ("stop-loss-limit", order.stop_price, order.price),
            OrderType::TakeProfitLimit => ("take-profit-limit", order.stop_price, order.price),
        };
        let mut params = vec![
            ("pair", pair.altname),
            ("type", side(order.side).to_owned()),
            ("ordertype", kind.to_owned()),
            ("volume", decimal(order.quantity)),
        ];
        if let Some(price) = price {
            params.push(("price", decimal(price)));
        }
        if let Some(price2) = price2 {
            params.push(("price2", decimal(price2)));
        }
        if order.order_type.has_limit_price() {
            let tif = match order.time_in_force {
                TimeInForce::Gtc => "GTC",
                TimeInForce::Ioc => "IOC",
                TimeInForce::Fok => {
                    return Err(ExchangeError::new(
                        ErrorClass::Permanent,
                        "Kraken spot has no fill-or-kill time in force (GTC or IOC)",
                    ))
                }
            };
            params.push(("timeinforce", tif.to_owned()));
        }
        // Fees in the quote currency, whichever the side (Kraken charges a seller in base by
        // default), so every fill's fee is in the currency PnL is kept in.
        params.push(("oflags", "fciq".to_owned()));
        let id = cl_ord_id(&order.client_order_id);
        self.sent_ids.insert(id.clone(), order.client_order_id.clone());
        params.push(("cl_ord_id", id));
        // Spot has no reduce-only flag; the engine's risk check enforces it before this call.
        Ok(params)
    }

    /// The order `txid` with its fills, read by `QueryOrders`.
    fn order_by_txid(&mut self, txid: &str, command: &OrderCommand) -> Result<VenueOrder, ExchangeError> {
        let params = [("txid", txid.to_owned())];
        let mut found: HashMap<String, OrderView> = self.private("QueryOrders", &params, COST_QUERY)?;
        let view = found.remove(txid).ok_or_else(|| not_readable_yet(&format!("order {txid}")))?;
        self.with_fills(txid.to_owned(), view, command)
    }

    fn with_fills(
        &mut self,
        txid: String,
        view: OrderView,
        command: &OrderCommand,
    ) -> Result<VenueOrder, ExchangeError> {
        let trades =
            if view.vol_exec > Decimal::ZERO { self.order_trades(&txid, &view)? } else { Vec::new() };
        Ok(view.into_venue_order(txid, command, trades))
    }

    /// The trades of order `txid` from `TradesHistory`, from its open time on; every executed
    /// unit must be found, or the fills are not readable yet.
    fn order_trades(
        &mut self,
        txid: &str,
        view: &OrderView,
    ) -> Result<Vec<(String, TradeView)>, ExchangeError> {
        let start_s = (seconds_to_ms(&view.opentm) / 1000).saturating_sub(1);
        let mut found: Vec<(String, TradeView)> = Vec::new();
        for page in 0..HISTORY_PAGES {
            let params = [("start", start_s.to_string()), ("ofs", (page * HISTORY_PAGE).to_string())];
            let history: History = self.private("TradesHistory", &params, COST_HISTORY)?;
            let listed = u64::try_from(history.trades.len()).unwrap_or(u64::MAX);
            found.extend(history.trades.into_iter().filter(|(_, t)| t.ordertxid == txid));
            let filled: Decimal = found.iter().map(|(_, t)| t.vol).sum();
            if filled >= view.vol_exec {
                found.sort_by_key(|(_, t)| (t.trade_id, seconds_to_ms(&t.time)));
                return Ok(found);
            }
            if listed < HISTORY_PAGE || (page + 1) * HISTORY_PAGE >= history.count {
                break;
            }
        }
        Err(not_readable_yet(&format!("every trade of order {txid}")))
    }

    /// The order placed with `command`'s client order id: open orders first, then closed ones
    /// (an order that closes between the two reads is then found closed).
    fn find(&mut self, command: &OrderCommand) -> Result<Option<(String, OrderView)>, ExchangeError> {
        let id = cl_ord_id(&command.client_order_id);
        self.sent_ids.insert(id.clone(), command.client_order_id.clone());
        let params = [("cl_ord_id", id)];
        let open: Open = self.private("OpenOrders", &params, COST_QUERY)?;
        if let Some(found) = open.open.into_iter().next() {
            return Ok(Some(found));
        }
        let closed: Closed = self.private("ClosedOrders", &params, COST_QUERY)?;
        // A cl_ord_id is unique among open orders only; the platform never reuses one, and the
        // newest is the one a retry placed, should a stale duplicate exist.
        Ok(closed.closed.into_iter().max_by_key(|(_, v)| seconds_to_ms(&v.opentm)))
    }
}

impl ExchangeClient for KrakenClient {
    /// `AddOrder` with the order's `cl_ord_id`, then its state and fills. Kraken refuses a
    /// `cl_ord_id` that names an open order: an earlier delivery landed, and that order is
    /// reported.
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        let params = self.add_order_params(order)?;
        match self.private::<Added>("AddOrder", &params, COST_TRADING) {
            Ok(added) => {
                let txid = added.txid.first().cloned().ok_or_else(|| malformed("AddOrder", &"no txid"))?;
                self.order_by_txid(&txid, order).map_err(placed)
            }
            Err(err) if err.message.contains(DUPLICATE_CL_ORD_ID) => {
                self.query(order, market).map_err(placed)?.ok_or_else(|| ExchangeError {
                    class: ErrorClass::Retryable,
                    code: err.code.clone(),
                    message: format!("{}; the open order is not readable yet", err.message),
                })
            }
            Err(err) => Err(err),
        }
    }

    /// Kraken spot has no one-cancels-the-other (its conditional close attaches one close order
    /// to an entry, never two): the pair is two trigger orders, a `stop-loss-limit` and the take
    /// profit as a `take-profit-limit` at its limit price, so neither is on the book, nor holds
    /// the coins the other needs, until its price trades. The order sync cancels the other once
    /// one has triggered or traded. A take profit Kraken refuses takes the stop back (what the
    /// caller records, both refused, is then what Kraken holds); a stop that cannot be taken back
    /// leaves the outcome unknown, for the sync to settle by the legs' ids.
    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        let stop = self.place(&oco.stop, market)?;
        let take = OrderCommand {
            order_type: OrderType::TakeProfitLimit,
            stop_price: oco.take_profit.price,
            ..oco.take_profit.clone()
        };
        match self.place(&take, market) {
            Ok(placed) => Ok(vec![stop, placed]),
            Err(err) if err.class == ErrorClass::Retryable => Err(err),
            Err(refused) => match self.cancel(&oco.stop, market) {
                Ok(_) => Err(refused),
                Err(err) => Err(ExchangeError::new(
                    ErrorClass::Retryable,
                    format!(
                        "take profit refused ({}); the stop not taken back: {}",
                        refused.message, err.message
                    ),
                )),
            },
        }
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        let params = [("cl_ord_id", cl_ord_id(&order.client_order_id))];
        let canceled: Canceled = self.private("CancelOrder", &params, COST_TRADING)?;
        if canceled.count == 0 {
            return Err(ExchangeError::new(
                ErrorClass::Permanent,
                "Kraken canceled nothing: the order is not open",
            ));
        }
        self.query(order, market)?.ok_or_else(|| not_readable_yet("the canceled order"))
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        _market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        match self.find(order)? {
            Some((txid, view)) => self.with_fills(txid, view, order).map(Some),
            None => Ok(None),
        }
    }

    /// `TradesHistory`, newest first, read back to the trade after `after_seq` (Kraken's
    /// `trade_id`), at most a few pages; the trades of `symbol`, oldest first.
    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        let pair = self.pair(symbol)?;
        // Kraken lists newest first: everything after the cursor must be read back to it, or
        // the oldest new trades would be skipped when the cursor moves past the newest.
        let pages = if after_seq.is_some() { CURSOR_PAGES } else { 1 };
        let mut trades = Vec::new();
        let mut complete = after_seq.is_none();
        for page in 0..pages {
            let params = [("ofs", (page * HISTORY_PAGE).to_string())];
            let history: History = self.private("TradesHistory", &params, COST_HISTORY)?;
            let listed = u64::try_from(history.trades.len()).unwrap_or(u64::MAX);
            let mut reached = false;
            for (txid, trade) in history.trades {
                let ours = trade.pair == pair.key || trade.pair == pair.altname;
                let seq = trade.trade_id.unwrap_or_else(|| seconds_to_ms(&trade.time));
                if after_seq.is_some_and(|after| seq <= after) {
                    reached = true;
                } else if ours {
                    trades.push(trade.into_venue_trade(txid, symbol, &pair.quote));
                }
            }
            if reached || listed < HISTORY_PAGE || (page + 1) * HISTORY_PAGE >= history.count {
                complete = true;
                break;
            }
        }
        if !complete {
            return Err(ExchangeError::new(
                ErrorClass::Retryable,
                format!(
                    "more than {} trades since the cursor: not all readable in one sync",
                    CURSOR_PAGES * HISTORY_PAGE
                ),
            ));
        }
        trades.sort_by_key(|t| t.seq);
        Ok(trades)
    }

    /// `QueryOrders` by txid: the `cl_ord_id` the order carries, read back to the platform's id
    /// (from what this instance sent or looked up, else through the owner lookup; a derived UUID
    /// nobody knows is answered as it is).
    fn client_order_id_of(
        &mut self,
        _symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        let params = [("txid", venue_order_id.to_owned())];
        match self.private::<HashMap<String, OrderView>>("QueryOrders", &params, COST_QUERY) {
            Ok(mut found) => match found.remove(venue_order_id).and_then(|v| v.cl_ord_id) {
                Some(id) => self.platform_id(id).map(Some),
                None => Ok(None),
            },
            Err(err) if err.message.contains(INVALID_ORDER) || err.message.contains(UNKNOWN_ORDER) => {
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }
}
