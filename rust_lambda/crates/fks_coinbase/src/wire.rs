//! Coinbase's JSON answers and their translation into the core's types.

use fks_execution_core::{Decimal, Fill, OrderCommand, Remainder, Side, VenueOrder, VenueTrade};
use serde::Deserialize;

use crate::time::parse_ms;

/// An HTTP error body: `{"error": "NOT_FOUND", "message": "..."}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

/// `POST /api/v3/brokerage/orders`.
#[derive(Debug, Deserialize)]
pub struct Created {
    pub success: bool,
    #[serde(default)]
    pub success_response: Option<CreatedOrder>,
    #[serde(default)]
    pub error_response: Option<CreateFailure>,
}

/// The order a successful create made (or, for a known `client_order_id`, made before).
#[derive(Debug, Deserialize)]
pub struct CreatedOrder {
    pub order_id: String,
}

/// Why a create failed.
#[derive(Debug, Default, Deserialize)]
pub struct CreateFailure {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub preview_failure_reason: String,
}

/// `POST /api/v3/brokerage/orders/batch_cancel`.
#[derive(Debug, Deserialize)]
pub struct CancelResults {
    pub results: Vec<CancelResult>,
}

/// One order's cancel.
#[derive(Debug, Deserialize)]
pub struct CancelResult {
    pub success: bool,
    #[serde(default)]
    pub failure_reason: String,
}

/// `GET /api/v3/brokerage/orders/historical/{order_id}`.
#[derive(Debug, Deserialize)]
pub struct OrderAnswer {
    pub order: OrderView,
}

/// An order as Coinbase lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderView {
    pub order_id: String,
    pub client_order_id: String,
    pub status: String,
    pub filled_size: Decimal,
    #[serde(default)]
    pub trigger_status: String,
    #[serde(default)]
    pub order_configuration: Option<serde_json::Value>,
    /// `BUY` or `SELL`.
    #[serde(default)]
    pub side: String,
}

/// What the client needs of a bracket (`trigger_bracket_gtc`) to tell its two legs apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bracket {
    /// The take profit's limit price: a fill at it or better is the take profit's.
    pub limit_price: Decimal,
    /// Whether the bracket sells (closes a long).
    pub sells: bool,
}

/// `GET /api/v3/brokerage/orders/historical/batch`, newest first.
#[derive(Debug, Deserialize)]
pub struct OrderList {
    pub orders: Vec<OrderView>,
    #[serde(default)]
    pub has_next: bool,
    #[serde(default)]
    pub cursor: String,
}

/// One fill of `GET /api/v3/brokerage/orders/historical/fills`.
#[derive(Debug, Clone, Deserialize)]
pub struct FillView {
    pub trade_id: String,
    pub order_id: String,
    pub trade_time: String,
    pub price: Decimal,
    pub size: Decimal,
    pub commission: Decimal,
    pub side: String,
    #[serde(default)]
    pub size_in_quote: bool,
}

/// A page of fills, newest first.
#[derive(Debug, Deserialize)]
pub struct FillList {
    pub fills: Vec<FillView>,
    #[serde(default)]
    pub cursor: String,
}

/// What becomes of the unfilled quantity for a Coinbase order status.
#[must_use]
pub fn remainder(status: &str) -> Remainder {
    match status {
        "FILLED" => Remainder::None,
        "CANCELLED" | "CANCEL_QUEUED" => Remainder::Canceled,
        "EXPIRED" | "FAILED" => Remainder::Expired,
        // PENDING, OPEN, QUEUED, EDIT_QUEUED, UNKNOWN_ORDER_STATUS
        _ => Remainder::Working,
    }
}

impl FillView {
    /// The base quantity of the fill (a fill sized in quote is converted at its price).
    #[must_use]
    pub fn quantity(&self) -> Decimal {
        if self.size_in_quote && self.price > Decimal::ZERO {
            self.size / self.price
        } else {
            self.size
        }
    }

    /// The fill as the account's trade; Coinbase charges spot commissions in the quote currency.
    /// The sequence is the trade time (Coinbase's fills have no numeric id).
    #[must_use]
    pub fn into_venue_trade(self, symbol: &str, quote: &str) -> VenueTrade {
        let ts_ms = parse_ms(&self.trade_time).unwrap_or_default();
        VenueTrade {
            quantity: self.quantity(),
            trade_id: self.trade_id,
            seq: ts_ms,
            venue_order_id: self.order_id,
            symbol: symbol.to_owned(),
            side: if self.side == "SELL" { Side::Sell } else { Side::Buy },
            price: self.price,
            fee: self.commission,
            fee_asset: quote.to_owned(),
            fee_in_quote: self.commission,
            ts_ms,
        }
    }
}

impl OrderView {
    /// The bracket this order is, if it is one.
    #[must_use]
    pub fn bracket(&self) -> Option<Bracket> {
        let fields = self.order_configuration.as_ref()?.get("trigger_bracket_gtc")?;
        let limit_price = fields.get("limit_price")?.as_str()?.parse().ok()?;
        Some(Bracket { limit_price, sells: self.side == "SELL" })
    }

    /// One leg of the bracket `bracket` this order is, as the venue order of `command` (the stop
    /// leg when `stop`). Fills at the take profit's limit or better are the take profit's, the
    /// rest the stop's. Once the stop triggers, Coinbase replaces the resting limit by the
    /// stop's limit order: the take profit leg is then canceled; a leg the order ended without
    /// completing was ended by its sibling (as a Binance OCO leg expires).
    #[must_use]
    pub fn into_bracket_leg(
        self,
        bracket: Bracket,
        stop: bool,
        command: &OrderCommand,
        fills: &[FillView],
    ) -> VenueOrder {
        let take_side = |f: &FillView| {
            if bracket.sells {
                f.price >= bracket.limit_price
            } else {
                f.price <= bracket.limit_price
            }
        };
        let mine: Vec<FillView> = fills.iter().filter(|f| take_side(f) != stop).cloned().collect();
        let filled: Decimal = mine.iter().map(FillView::quantity).sum();
        let stop_triggered = self.trigger_status == "STOP_TRIGGERED";
        // The stop waits while the take profit rests; once triggered it is all that is left.
        let working = stop || !stop_triggered;
        let remainder = match remainder(&self.status) {
            _ if filled >= command.quantity => Remainder::None,
            Remainder::Working if working => Remainder::Working,
            Remainder::Expired if stop == stop_triggered => Remainder::Expired,
            _ => Remainder::Canceled,
        };
        let mut venue = self.into_venue_order(command, &mine);
        venue.triggered = !stop || stop_triggered || filled > Decimal::ZERO;
        venue.remainder = remainder;
        venue
    }

    /// The venue order with its `fills`.
    #[must_use]
    pub fn into_venue_order(self, command: &OrderCommand, fills: &[FillView]) -> VenueOrder {
        let fills = fills
            .iter()
            .map(|f| Fill {
                trade_id: f.trade_id.clone(),
                client_order_id: command.client_order_id.clone(),
                symbol: command.symbol.clone(),
                side: command.side,
                quantity: f.quantity(),
                price: f.price,
                fee: f.commission,
                ts_ms: parse_ms(&f.trade_time).unwrap_or_default(),
            })
            .collect();
        VenueOrder {
            client_order_id: command.client_order_id.clone(),
            venue_order_id: self.order_id,
            triggered: self.trigger_status != "STOP_PENDING",
            fills,
            remainder: remainder(&self.status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remainder_maps_coinbase_statuses() {
        assert_eq!(remainder("OPEN"), Remainder::Working);
        assert_eq!(remainder("PENDING"), Remainder::Working);
        assert_eq!(remainder("FILLED"), Remainder::None);
        assert_eq!(remainder("CANCELLED"), Remainder::Canceled);
        assert_eq!(remainder("EXPIRED"), Remainder::Expired);
    }
}
