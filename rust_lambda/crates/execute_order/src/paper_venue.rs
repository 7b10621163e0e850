//! Paper trading that survives cold starts: the venue's book is the orders table itself.
//!
//! The in-process `PaperExchange` of the core keeps its book in one instance's memory, so a
//! resting order placed by one invocation is unknown to the next. Here every order's state is
//! already stored by the handler (the orders table, the positions table, the paper balances in
//! the risk-state item), so the paper venue needs no book of its own:
//!
//! * a placement fills against the venue's **real public market data** (the last price the
//!   handler read, no key needed) with the backtester's cost model: `fee_bps` on the notional,
//!   `slippage_bps` against a taker; a limit order that does not cross rests;
//! * a query of a resting order reads the stored order and the 1-minute candles since its last
//!   change: a candle whose low (buy) or high (sell) reached the limit fills it at the limit, a
//!   stop triggers when a candle reached the stop; fills are named `P-<client id>-<n>`, so two
//!   syncs that see the same candle produce the same trade and book it once;
//! * balances (`paper_balance_<ASSET>` on the account's risk-state item) start at the
//!   configured amounts and move with every committed fill; as on Binance, what a resting order
//!   may still need is locked (a sell's base quantity, a buy's quote notional and fee; an OCO's
//!   two legs lock their quantity once), and a buy beyond the free quote balance or a sell beyond
//!   the free base balance is refused as insufficient funds, so a paper balance never goes
//!   negative when resting exits fill after the position was sold.

use fks_execution_core::decimal::bps_of;
use fks_execution_core::{
    Decimal, ErrorClass, ExchangeClient, ExchangeError, Fill, MarketContext, OcoCommand, OrderCommand,
    OrderStatus, OrderType, Remainder, Side, TimeInForce, VenueOrder, VenueTrade,
};

use crate::handler::exits::sibling_of;
use crate::market::{MarketData, PriceRange};
use crate::store::Store;

const MINUTE_MS: u64 = 60_000;

/// The paper venue's costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaperCosts {
    /// Fee on each fill's notional, basis points (10 = 0.1 %, Binance spot taker).
    pub fee_bps: Decimal,
    /// Adverse move of a taker fill's price, basis points.
    pub slippage_bps: Decimal,
}

impl Default for PaperCosts {
    fn default() -> Self {
        Self { fee_bps: Decimal::TEN, slippage_bps: Decimal::from(5) }
    }
}

/// A paper venue over the handler's store and the venue's public market data.
#[derive(Debug)]
pub struct PaperVenue<S, M> {
    book: S,
    market: M,
    account: String,
    costs: PaperCosts,
}

fn venue_order_id(client_order_id: &str) -> String {
    format!("P-{client_order_id}")
}

fn refused(class: ErrorClass, code: &str, message: impl Into<String>) -> ExchangeError {
    ExchangeError { class, code: Some(code.to_owned()), message: message.into() }
}

fn unreadable(error: &crate::aws::AwsError) -> ExchangeError {
    ExchangeError::new(ErrorClass::Retryable, format!("paper book unreadable: {error}"))
}

impl<S: Store, M: MarketData> PaperVenue<S, M> {
    /// A paper venue trading `account`, its book in `book`, prices from `market`.
    pub fn new(book: S, market: M, account: impl Into<String>, costs: PaperCosts) -> Self {
        Self { book, market, account: account.into(), costs }
    }

    /// The market data, e.g. to add candles in a test.
    pub fn market_mut(&mut self) -> &mut M {
        &mut self.market
    }

    fn taker_price(&self, side: Side, price: Decimal, limit: Option<Decimal>) -> Decimal {
        let slip = bps_of(price, self.costs.slippage_bps);
        match side {
            Side::Buy => limit.map_or(price + slip, |limit| (price + slip).min(limit)),
            Side::Sell => limit.map_or(price - slip, |limit| (price - slip).max(limit)),
        }
    }

    fn fill(
        &self,
        order: &OrderCommand,
        number: usize,
        quantity: Decimal,
        price: Decimal,
        ts_ms: u64,
    ) -> Fill {
        Fill {
            trade_id: format!("P-{}-{number}", order.client_order_id),
            client_order_id: order.client_order_id.clone(),
            symbol: order.symbol.clone(),
            side: order.side,
            quantity,
            price,
            fee: bps_of(quantity * price, self.costs.fee_bps),
            ts_ms,
        }
    }

    /// Refuses an order the paper balances cannot pay for once the resting orders' locks are
    /// taken out (none configured: no check). `replaced` is an order this request cancels
    /// first (a cancel-replace), whose lock it frees.
    fn check_funds(
        &mut self,
        order: &OrderCommand,
        price: Decimal,
        replaced: Option<&str>,
    ) -> Result<(), ExchangeError> {
        let state = self.book.load_risk_state(&self.account).map_err(|e| unreadable(&e))?;
        if state.paper_balances.is_empty() {
            return Ok(());
        }
        let instrument = self.market.instrument(&order.symbol)?;
        let (asset, needed) = match order.side {
            Side::Buy => (instrument.quote.clone(), self.quote_needed(order, order.quantity, price)),
            Side::Sell => (instrument.base.clone(), order.quantity),
        };
        let balance =
            state.paper_balances.iter().find(|(a, _)| *a == asset).map_or(Decimal::ZERO, |(_, v)| *v);
        let locked = self.locked(order, replaced, &asset)?;
        if balance - locked < needed {
            let message = format!(
                "Account has insufficient balance for requested action. ({asset} {needed}, free {})",
                balance - locked
            );
            return Err(refused(ErrorClass::InsufficientFunds, "-2010", message));
        }
        Ok(())
    }

    /// The quote a buy of `quantity` needs at its limit (or `price`), fee included.
    fn quote_needed(&self, order: &OrderCommand, quantity: Decimal, price: Decimal) -> Decimal {
        let notional = quantity * order.price.or(order.stop_price).unwrap_or(price);
        notional + bps_of(notional, self.costs.fee_bps)
    }

    /// What the account's resting orders lock of `asset`: their unfilled quantity (a sell, in
    /// the base) or notional and fee (a buy, in the quote). Not counted: `order` itself and its
    /// OCO sibling (placed in the same request), the `replaced` order, orders the venue never
    /// answered (a claim without a report), and an OCO's second leg (one quantity for both).
    fn locked(
        &mut self,
        order: &OrderCommand,
        replaced: Option<&str>,
        asset: &str,
    ) -> Result<Decimal, ExchangeError> {
        let own_sibling = sibling_of(&order.client_order_id);
        let working = self.book.working_orders(&self.account).map_err(|e| unreadable(&e))?;
        let mut counted: Vec<String> = Vec::new();
        let mut locked = Decimal::ZERO;
        for stored in working {
            let resting = &stored.command;
            let id = &resting.client_order_id;
            let Some(report) = stored.report.as_ref().filter(|r| r.status.is_open()) else { continue };
            let skip = *id == order.client_order_id
                || own_sibling.as_ref() == Some(id)
                || replaced == Some(id.as_str())
                || sibling_of(id).is_some_and(|s| counted.contains(&s));
            if skip {
                continue;
            }
            let (base, quote) = self.market.instrument(&resting.symbol).map(|i| (i.base, i.quote))?;
            let leaves = resting.quantity - report.filled_qty;
            let lock = match resting.side {
                Side::Sell if base == asset => leaves,
                Side::Buy if quote == asset => self.quote_needed(resting, leaves, Decimal::ZERO),
                _ => continue,
            };
            locked += lock;
            counted.push(id.clone());
        }
        Ok(locked)
    }

    /// Matches a resting `order` (already `filled` so far, `triggered` or not) against the
    /// minutes since `since_ms`: the fill it gets, if any, and whether its stop triggered.
    fn match_resting(
        &mut self,
        order: &OrderCommand,
        filled: (Decimal, usize),
        mut triggered: bool,
        since_ms: u64,
        now_ms: u64,
    ) -> Result<(bool, Option<Fill>), ExchangeError> {
        let start = since_ms - since_ms % MINUTE_MS;
        let ranges = self.market.minute_ranges(&order.symbol, start, now_ms)?;
        for PriceRange { open_ms, high, low } in ranges {
            let mut triggered_now = false;
            if let (Some(stop), false) = (order.stop_price, triggered) {
                // Whichever end of the minute sets the order off.
                triggered =
                    [low, high].into_iter().any(|p| order.order_type.triggered_by(order.side, stop, p));
                if !triggered {
                    continue;
                }
                triggered_now = true;
            }
            let leaves = order.quantity - filled.0;
            let price = match (order.order_type, order.price, order.stop_price) {
                // Triggered with a limit the market at the trigger crosses (a sell's at or below
                // the stop): it executes at once at the stop as a taker, as on the venue (and
                // the simulator), not at its worse limit; the limit only bounds a gap.
                (OrderType::StopLimit | OrderType::TakeProfitLimit, Some(limit), Some(stop))
                    if triggered_now
                        && match order.side {
                            Side::Buy => limit >= stop,
                            Side::Sell => limit <= stop,
                        } =>
                {
                    self.taker_price(order.side, stop, Some(limit))
                }
                (OrderType::Limit | OrderType::StopLimit | OrderType::TakeProfitLimit, Some(limit), _) => {
                    let reached = match order.side {
                        Side::Buy => low <= limit,
                        Side::Sell => high >= limit,
                    };
                    if !reached {
                        continue;
                    }
                    limit
                }
                // A triggered stop-market executes at the stop as a taker.
                _ => self.taker_price(order.side, order.stop_price.unwrap_or(low), None),
            };
            let ts = open_ms.max(since_ms);
            return Ok((triggered, Some(self.fill(order, filled.1 + 1, leaves, price, ts))));
        }
        Ok((triggered, None))
    }
}

impl<S: Store, M: MarketData> PaperVenue<S, M> {
    /// Places `order` at `market`, after the funds check with `replaced`'s lock freed.
    fn place_freeing(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
        replaced: Option<&str>,
    ) -> Result<VenueOrder, ExchangeError> {
        let price = market.mark_price;
        if price <= Decimal::ZERO {
            return Err(refused(ErrorClass::Retryable, "no_price", "paper venue has no price yet"));
        }
        self.check_funds(order, price, replaced)?;
        let triggered =
            order.stop_price.is_none_or(|stop| order.order_type.triggered_by(order.side, stop, price));
        let limit = if order.order_type.has_limit_price() { order.price } else { None };
        let crosses = limit.is_none_or(|limit| match order.side {
            Side::Buy => price <= limit,
            Side::Sell => price >= limit,
        });
        let mut venue = VenueOrder {
            client_order_id: order.client_order_id.clone(),
            venue_order_id: venue_order_id(&order.client_order_id),
            triggered,
            fills: Vec::new(),
            remainder: Remainder::Working,
        };
        if triggered && crosses {
            let fill_price = self.taker_price(order.side, price, limit);
            venue.fills.push(self.fill(order, 1, order.quantity, fill_price, market.now_ms));
            venue.remainder = Remainder::None;
        } else if matches!(order.time_in_force, TimeInForce::Ioc | TimeInForce::Fok) {
            venue.remainder = Remainder::Expired;
        }
        Ok(venue)
    }
}

impl<S: Store, M: MarketData> ExchangeClient for PaperVenue<S, M> {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        self.place_freeing(order, market, None)
    }

    /// The old order is canceled first, so its lock pays for the new one (the handler commits
    /// the cancel after this call).
    fn cancel_replace(
        &mut self,
        old: &OrderCommand,
        new: &OrderCommand,
        market: &MarketContext,
    ) -> Result<(VenueOrder, VenueOrder), ExchangeError> {
        let canceled = self.cancel(old, market)?;
        Ok((canceled, self.place_freeing(new, market, Some(&old.client_order_id))?))
    }

    /// Both legs rest as separate paper orders; the sync cancels the one left when the other
    /// fills, as the venue would.
    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        Ok(vec![self.place(&oco.stop, market)?, self.place(&oco.take_profit, market)?])
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        match self.query(order, market)? {
            Some(venue) if venue.remainder == Remainder::Working => {
                Ok(VenueOrder { remainder: Remainder::Canceled, ..venue })
            }
            _ => Err(refused(ErrorClass::Permanent, "-2011", "Unknown order sent.")),
        }
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        let stored = self.book.load_order(&order.client_order_id).map_err(|e| unreadable(&e))?;
        // Claimed but never answered: the paper venue answers within the call, so it never
        // received the order.
        let Some((report, trade_ids)) = stored.and_then(|s| s.report.map(|r| (r, s.trade_ids))) else {
            return Ok(None);
        };
        let remainder = match report.status {
            OrderStatus::Rejected | OrderStatus::Denied | OrderStatus::Initialized => return Ok(None),
            OrderStatus::Filled => Remainder::None,
            OrderStatus::Canceled => Remainder::Canceled,
            OrderStatus::Expired => Remainder::Expired,
            _ => Remainder::Working,
        };
        let mut venue = VenueOrder {
            client_order_id: order.client_order_id.clone(),
            venue_order_id: report
                .venue_order_id
                .clone()
                .unwrap_or_else(|| venue_order_id(&order.client_order_id)),
            triggered: report.status == OrderStatus::Triggered,
            fills: Vec::new(),
            remainder,
        };
        if remainder == Remainder::Working {
            let filled = (report.filled_qty, trade_ids.len());
            let (triggered, fill) =
                self.match_resting(order, filled, venue.triggered, report.ts_ms, market.now_ms)?;
            venue.triggered = triggered;
            if let Some(fill) = fill {
                venue.fills.push(fill);
                venue.remainder = Remainder::None;
            }
        }
        Ok(Some(venue))
    }

    /// A paper account has no trades but the platform's own, which queries report.
    fn trades(&mut self, _symbol: &str, _after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        Ok(Vec::new())
    }

    fn client_order_id_of(
        &mut self,
        _symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        Ok(venue_order_id.strip_prefix("P-").map(str::to_owned))
    }
}
