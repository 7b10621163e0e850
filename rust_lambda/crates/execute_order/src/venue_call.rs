//! The exchange as the engine sees it during one invocation.

use fks_execution_core::{
    ExchangeClient, ExchangeError, Fill, MarketContext, OcoCommand, OrderCommand, VenueOrder, VenueTrade,
};

/// Wraps the function's exchange for one invocation: the venue's answer about an order placed
/// by an earlier, interrupted invocation is replayed instead of placing again, and what the
/// venue answered is kept, because the engine folds it into the order and the handler still
/// needs the fills (to book them) and a refusal (to name it as the invocation's error).
pub struct VenueCall<'a, X> {
    inner: &'a mut X,
    known: Option<VenueOrder>,
    answers: Vec<VenueOrder>,
    refusal: Option<ExchangeError>,
}

impl<'a, X: ExchangeClient> VenueCall<'a, X> {
    /// A call to `inner` that answers a placement with `known` if the venue already has it.
    pub fn new(inner: &'a mut X, known: Option<VenueOrder>) -> Self {
        Self { inner, known, answers: Vec::new(), refusal: None }
    }

    /// The error with which the venue refused the placement, if it did.
    #[must_use]
    pub fn refusal(&self) -> Option<&ExchangeError> {
        self.refusal.as_ref()
    }

    /// The fill with `trade_id` among everything the venue answered.
    #[must_use]
    pub fn fill(&self, trade_id: &str) -> Option<&Fill> {
        self.answers.iter().flat_map(|a| &a.fills).find(|f| f.trade_id == trade_id)
    }

    fn keep(&mut self, answer: Result<VenueOrder, ExchangeError>) -> Result<VenueOrder, ExchangeError> {
        if let Ok(venue) = &answer {
            self.answers.push(venue.clone());
        }
        answer
    }
}

impl<X: ExchangeClient> ExchangeClient for VenueCall<'_, X> {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        let answer = match self.known.take() {
            Some(venue) => Ok(venue),
            None => self.inner.place(order, market),
        };
        if let Err(error) = &answer {
            self.refusal = Some(error.clone());
        }
        self.keep(answer)
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        let answer = self.inner.cancel(order, market);
        self.keep(answer)
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        let answer = self.inner.query(order, market)?;
        if let Some(venue) = &answer {
            self.answers.push(venue.clone());
        }
        Ok(answer)
    }

    fn cancel_replace(
        &mut self,
        old: &OrderCommand,
        new: &OrderCommand,
        market: &MarketContext,
    ) -> Result<(VenueOrder, VenueOrder), ExchangeError> {
        self.inner.cancel_replace(old, new, market)
    }

    fn cancel_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        self.inner.cancel_oco(oco, market)
    }

    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        self.inner.place_oco(oco, market)
    }

    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        self.inner.trades(symbol, after_seq)
    }

    fn client_order_id_of(
        &mut self,
        symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        self.inner.client_order_id_of(symbol, venue_order_id)
    }
}
