//! The command the execution Lambda receives, and its stateless validation.
//!
//! The JSON shape is the contract with the Python side (a frozen pydantic model with
//! `extra="forbid"`): `snake_case` fields, decimals as strings, unknown fields refused.

use serde::{Deserialize, Serialize};

use crate::decimal::{strict, Decimal};
use crate::errors::{DenialReason, OrderDenial};
use crate::instrument::Instrument;
use crate::order::{OrderType, Side, TimeInForce};

/// Longest client order id Binance accepts (`newClientOrderId`).
pub const MAX_CLIENT_ORDER_ID_LEN: usize = 36;

/// A request to place one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderCommand {
    /// Caller-chosen id, the idempotency key: a repeat returns the existing order.
    pub client_order_id: String,
    /// The signal this order executes, for the audit trail.
    #[serde(default)]
    pub signal_id: Option<String>,
    /// Trading account the order is for.
    pub account: String,
    /// Instrument symbol.
    pub symbol: String,
    /// Buy or sell.
    pub side: Side,
    /// Market, limit, stop-market or stop-limit.
    #[serde(rename = "type")]
    pub order_type: OrderType,
    /// Quantity in base units.
    #[serde(deserialize_with = "strict::decimal")]
    pub quantity: Decimal,
    /// Limit price (limit and stop-limit only).
    #[serde(default, deserialize_with = "strict::option")]
    pub price: Option<Decimal>,
    /// Stop (trigger) price (stop orders only).
    #[serde(default, deserialize_with = "strict::option")]
    pub stop_price: Option<Decimal>,
    /// How long the order works.
    #[serde(default)]
    pub time_in_force: TimeInForce,
    /// Only reduce an existing position, never open or increase one.
    #[serde(default)]
    pub reduce_only: bool,
    /// Exits protecting the position this order opens or increases, placed when it fills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection: Option<Protection>,
}

/// Protective exits of the position an order opens, in percent of the entry's fill price
/// (`"2"` = 2 %), as the backtester's `stop_loss_pct` / `take_profit_pct`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protection {
    /// Stop this far against the entry (below it for a long).
    #[serde(default, deserialize_with = "strict::option")]
    pub stop_loss_pct: Option<Decimal>,
    /// Take profit this far in favour of the entry (above it for a long).
    #[serde(default, deserialize_with = "strict::option")]
    pub take_profit_pct: Option<Decimal>,
    /// A stop trailing the best price since the entry by this much.
    #[serde(default, deserialize_with = "strict::option")]
    pub trailing_stop_pct: Option<Decimal>,
}

impl Protection {
    /// Whether it asks for no exit at all.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.stop_loss_pct.is_none() && self.take_profit_pct.is_none() && self.trailing_stop_pct.is_none()
    }

    /// Checks each percentage: above zero, and a stop below 100 %.
    ///
    /// # Errors
    /// [`OrderDenial`] (`InvalidProtection`) naming the field.
    pub fn validate(&self) -> Result<(), OrderDenial> {
        let checks = [
            ("stop_loss_pct", self.stop_loss_pct, true),
            ("take_profit_pct", self.take_profit_pct, false),
            ("trailing_stop_pct", self.trailing_stop_pct, true),
        ];
        for (name, value, below_hundred) in checks {
            let Some(pct) = value else { continue };
            let hundred = Decimal::ONE_HUNDRED;
            if pct <= Decimal::ZERO || (below_hundred && pct >= hundred) || pct > Decimal::from(10_000) {
                let range = if below_hundred { "above 0 and below 100" } else { "above 0, at most 10000" };
                return Err(OrderDenial::new(
                    DenialReason::InvalidProtection,
                    format!("protection.{name} {pct} must be a percentage {range}"),
                ));
            }
        }
        Ok(())
    }
}

/// The one value of [`CancelCommand::action`]: it is what tells a cancel from an
/// [`OrderCommand`], which has no `action` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelAction {
    /// Cancel the order.
    Cancel,
}

/// A request to cancel one order: `{"action": "cancel", "client_order_id": ..., "account": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelCommand {
    /// Always `cancel`.
    pub action: CancelAction,
    /// The order to cancel.
    pub client_order_id: String,
    /// Trading account the order belongs to.
    pub account: String,
}

/// The one value of [`AmendCommand::action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmendAction {
    /// Replace a working order.
    Amend,
}

/// A request to replace a working order by a new one (cancel-replace): `{"action": "amend",
/// "client_order_id", "account", "new_client_order_id", "quantity"?, "price"?, "stop_price"?}`;
/// idempotent by `new_client_order_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendCommand {
    /// Always `amend`.
    pub action: AmendAction,
    /// The working order to replace.
    pub client_order_id: String,
    /// Trading account the order belongs to.
    pub account: String,
    /// The replacement's client order id.
    pub new_client_order_id: String,
    /// New quantity (else the old one).
    #[serde(default, deserialize_with = "strict::option")]
    pub quantity: Option<Decimal>,
    /// New limit price (else the old one).
    #[serde(default, deserialize_with = "strict::option")]
    pub price: Option<Decimal>,
    /// New stop price (else the old one).
    #[serde(default, deserialize_with = "strict::option")]
    pub stop_price: Option<Decimal>,
}

impl AmendCommand {
    /// The replacement of `old` this amend asks for.
    #[must_use]
    pub fn replacement(&self, old: &OrderCommand) -> OrderCommand {
        OrderCommand {
            client_order_id: self.new_client_order_id.clone(),
            quantity: self.quantity.unwrap_or(old.quantity),
            price: self.price.or(old.price),
            stop_price: self.stop_price.or(old.stop_price),
            ..old.clone()
        }
    }
}

/// The one value of [`SyncCommand::action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncAction {
    /// Learn from the venue what became of the account's working orders.
    Sync,
}

/// A request to sync an account with the venue: `{"action": "sync", "account": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncCommand {
    /// Always `sync`.
    pub action: SyncAction,
    /// The trading account to sync.
    pub account: String,
}

/// Checks a client order id: 1–36 characters of `[A-Za-z0-9_-]`.
///
/// # Errors
/// [`OrderDenial`] with `InvalidClientOrderId`.
pub fn validate_client_order_id(id: &str) -> Result<(), OrderDenial> {
    let well_formed = !id.is_empty()
        && id.len() <= MAX_CLIENT_ORDER_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if well_formed {
        Ok(())
    } else {
        Err(OrderDenial::new(
            DenialReason::InvalidClientOrderId,
            format!("client_order_id {id:?} must be 1-36 characters of [A-Za-z0-9_-]"),
        ))
    }
}

impl OrderCommand {
    /// Checks what needs no instrument: id, quantity sign, which prices are present.
    ///
    /// # Errors
    /// [`OrderDenial`] naming the first failed check.
    pub fn validate(&self) -> Result<(), OrderDenial> {
        validate_client_order_id(&self.client_order_id)?;
        if let Some(protection) = &self.protection {
            protection.validate()?;
            // On a reduce-only stop-limit, a trailing percentage is the stop's own trail.
            let own_trail = protection.stop_loss_pct.is_none()
                && protection.take_profit_pct.is_none()
                && self.order_type == OrderType::StopLimit;
            if self.reduce_only && !protection.is_empty() && !own_trail {
                return Err(OrderDenial::new(
                    DenialReason::InvalidProtection,
                    "a reduce-only order opens no position to protect (only a stop_limit may trail)",
                ));
            }
        }
        if self.quantity <= Decimal::ZERO {
            return Err(OrderDenial::new(
                DenialReason::NonPositiveQuantity,
                format!("quantity {} must be positive", self.quantity),
            ));
        }
        let kind = self.order_type;
        match (kind.has_limit_price(), self.price) {
            (true, None) => return Err(denial(DenialReason::MissingPrice, kind, "needs a price")),
            (false, Some(_)) => {
                return Err(denial(DenialReason::UnexpectedPrice, kind, "takes no price"));
            }
            _ => {}
        }
        match (kind.has_stop_price(), self.stop_price) {
            (true, None) => Err(denial(DenialReason::MissingStopPrice, kind, "needs a stop_price")),
            (false, Some(_)) => Err(denial(DenialReason::UnexpectedStopPrice, kind, "takes no stop_price")),
            _ => Ok(()),
        }
    }

    /// Full validation against the instrument's filters. `mark_price` stands in for the
    /// execution price of a market order in the notional check.
    ///
    /// # Errors
    /// [`OrderDenial`] naming the first failed check.
    pub fn validate_for(&self, instrument: &Instrument, mark_price: Decimal) -> Result<(), OrderDenial> {
        self.validate()?;
        instrument.check_quantity(self.quantity)?;
        for price in [self.price, self.stop_price].into_iter().flatten() {
            instrument.check_price(price)?;
        }
        instrument.check_notional(self.quantity, self.reference_price(mark_price))
    }

    /// The price the order is expected to execute at, for notional checks: the limit price,
    /// else the stop price, else the mark.
    #[must_use]
    pub fn reference_price(&self, mark_price: Decimal) -> Decimal {
        self.price.or(self.stop_price).unwrap_or(mark_price)
    }

    /// Signed position change if the whole quantity fills.
    #[must_use]
    pub fn signed_quantity(&self) -> Decimal {
        self.side.sign() * self.quantity
    }
}

fn denial(reason: DenialReason, kind: OrderType, what: &str) -> OrderDenial {
    OrderDenial::new(reason, format!("{kind:?} order {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_command_parses_the_explicit_shape_and_refuses_order_fields() {
        let cancel: CancelCommand =
            serde_json::from_str(r#"{"action":"cancel","client_order_id":"o-1","account":"a"}"#).unwrap();
        assert_eq!(cancel.action, CancelAction::Cancel);
        let with_side = r#"{"action":"cancel","client_order_id":"o-1","account":"a","side":"buy"}"#;
        assert!(serde_json::from_str::<CancelCommand>(with_side).is_err());
        let other_action = r#"{"action":"amend","client_order_id":"o-1","account":"a"}"#;
        assert!(serde_json::from_str::<CancelCommand>(other_action).is_err());
    }
    use crate::test_support::{btcusdt, d, limit_buy, market_buy};

    fn reason(command: &OrderCommand) -> DenialReason {
        command.validate_for(&btcusdt(), d("65000")).expect_err("expected a denial").reason
    }

    #[test]
    fn validate_client_order_id_accepts_36_allowed_characters() {
        assert!(validate_client_order_id("abcDEF012_-abcDEF012_-abcDEF012_-abc").is_ok());
    }

    #[test]
    fn validate_client_order_id_refuses_37_characters() {
        assert!(validate_client_order_id(&"a".repeat(37)).is_err());
    }

    #[test]
    fn validate_client_order_id_refuses_empty() {
        assert!(validate_client_order_id("").is_err());
    }

    #[test]
    fn validate_client_order_id_refuses_space_and_non_ascii() {
        assert!(validate_client_order_id("a b").is_err());
        assert!(validate_client_order_id("ordré").is_err());
    }

    #[test]
    fn validate_for_valid_limit_order_passes() {
        assert_eq!(limit_buy("o-1", "0.001", "65000.00").validate_for(&btcusdt(), d("1")), Ok(()));
    }

    #[test]
    fn validate_for_limit_without_price_is_missing_price() {
        let command = OrderCommand { price: None, ..limit_buy("o-1", "0.001", "65000") };
        assert_eq!(reason(&command), DenialReason::MissingPrice);
    }

    #[test]
    fn validate_for_market_with_price_is_unexpected_price() {
        let command = OrderCommand { price: Some(d("1")), ..market_buy("o-1", "0.001") };
        assert_eq!(reason(&command), DenialReason::UnexpectedPrice);
    }

    #[test]
    fn validate_for_stop_market_without_stop_is_missing_stop_price() {
        let command = OrderCommand { order_type: OrderType::StopMarket, ..market_buy("o-1", "0.001") };
        assert_eq!(reason(&command), DenialReason::MissingStopPrice);
    }

    #[test]
    fn validate_for_limit_with_stop_is_unexpected_stop_price() {
        let command = OrderCommand { stop_price: Some(d("1")), ..limit_buy("o-1", "0.001", "65000") };
        assert_eq!(reason(&command), DenialReason::UnexpectedStopPrice);
    }

    #[test]
    fn validate_for_stop_price_off_tick_is_denied() {
        let command = OrderCommand {
            order_type: OrderType::StopLimit,
            stop_price: Some(d("64000.001")),
            ..limit_buy("o-1", "0.001", "65000")
        };
        assert_eq!(reason(&command), DenialReason::PriceOffTick);
    }

    #[test]
    fn validate_for_negative_quantity_is_non_positive() {
        assert_eq!(reason(&market_buy("o-1", "-1")), DenialReason::NonPositiveQuantity);
    }

    #[test]
    fn validate_for_market_notional_uses_mark_price() {
        // 0.00007 × 65 000 = 4.55 < 5 minimum notional
        assert_eq!(reason(&market_buy("o-1", "0.00007")), DenialReason::NotionalBelowMinimum);
    }

    #[test]
    fn validate_for_bad_client_order_id_is_named() {
        assert_eq!(reason(&market_buy("bad id!", "0.001")), DenialReason::InvalidClientOrderId);
    }
}
