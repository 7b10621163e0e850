//! Error and denial types.
//!
//! Errors are named by what the caller should do next, and [`Denial::error_name`] returns the
//! same names as the Python `fks.errors` classes, so the Lambda and the pyo3 wrappers map them
//! without an `isinstance` ladder and Step Functions `Retry`/`Catch` can match on them.

use serde::Serialize;
use thiserror::Error;

use crate::decimal::Decimal;
use crate::order_status::{OrderEvent, OrderStatus};
use crate::risk::{RiskDenial, RiskRule};

/// How an exchange failure should be handled by whoever called the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// Timeout, 5xx, connection reset: the outcome is unknown, retry (after reconciling).
    Retryable,
    /// The exchange refused for good (bad symbol, filter failure): do not retry.
    Permanent,
    /// Not enough balance or margin: do not retry until funds change.
    InsufficientFunds,
    /// Throttled by the exchange: back off, then retry.
    RateLimited,
    /// The exchange answered that it did not process the request (Binance's 503 "Service
    /// Unavailable." or "Internal error; unable to process your request."): nothing was placed,
    /// so the request may be sent again at once. Unlike [`Self::Retryable`] the outcome is known.
    Unavailable,
}

impl ErrorClass {
    /// The matching Python error class name (`fks.errors`).
    #[must_use]
    pub const fn error_name(self) -> &'static str {
        match self {
            Self::Retryable | Self::Unavailable => "TemporaryError",
            Self::Permanent => "PermanentError",
            Self::InsufficientFunds => "InsufficientFunds",
            Self::RateLimited => "RateLimited",
        }
    }

    /// Whether the same request may succeed later without any change.
    #[must_use]
    pub const fn is_retryable(self) -> bool {
        matches!(self, Self::Retryable | Self::RateLimited | Self::Unavailable)
    }
}

/// A failure reported by an [`crate::exchange::ExchangeClient`], already classified once, in
/// the adapter, so nothing downstream inspects exchange-specific codes.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("{class:?} exchange error: {message}")]
pub struct ExchangeError {
    /// What to do next.
    pub class: ErrorClass,
    /// The exchange's own code, kept for the audit trail (e.g. Binance `-2010`).
    pub code: Option<String>,
    /// Human-readable detail.
    pub message: String,
}

impl ExchangeError {
    /// A new error of `class` without an exchange code.
    #[must_use]
    pub fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Self { class, code: None, message: message.into() }
    }
}

/// The order status machine refused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize)]
#[error("order event {event:?} is not allowed in status {from:?}")]
pub struct InvalidTransition {
    /// Status the order was in.
    pub from: OrderStatus,
    /// Event that was refused.
    pub event: OrderEvent,
}

/// Applying an event or a fill to an order failed; the order is left unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrderError {
    /// The status machine refused the event.
    #[error(transparent)]
    InvalidTransition(#[from] InvalidTransition),
    /// The fill would take the filled quantity above the order quantity.
    #[error("fill of {fill_qty} would overfill order: {filled_qty} of {quantity} already filled")]
    Overfill {
        /// Order quantity.
        quantity: Decimal,
        /// Quantity filled before this fill.
        filled_qty: Decimal,
        /// Quantity of the refused fill.
        fill_qty: Decimal,
    },
    /// The fill belongs to another order, symbol or side.
    #[error("fill does not match the order: {message}")]
    FillMismatch {
        /// Which field differs.
        message: String,
    },
}

/// Why a command was refused before reaching risk or the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DenialReason {
    /// Client order id is not 1–36 characters of `[A-Za-z0-9_-]`.
    InvalidClientOrderId,
    /// Client order id already names an order with different content.
    ClientOrderIdReused,
    /// No order with this client order id.
    UnknownOrder,
    /// The order is closed and cannot be canceled.
    OrderClosed,
    /// Command addressed to another account than this engine's.
    WrongAccount,
    /// Symbol has no registered instrument.
    UnknownInstrument,
    /// Quantity is zero or negative.
    NonPositiveQuantity,
    /// Quantity is below the instrument's minimum.
    QuantityBelowMinimum,
    /// Quantity is not a multiple of the lot step.
    QuantityOffStep,
    /// Limit or stop-limit order without a limit price.
    MissingPrice,
    /// Market or stop-market order carrying a limit price.
    UnexpectedPrice,
    /// Price (limit or stop) is zero or negative.
    NonPositivePrice,
    /// Price (limit or stop) is not on the tick grid.
    PriceOffTick,
    /// Stop order without a stop price.
    MissingStopPrice,
    /// Non-stop order carrying a stop price.
    UnexpectedStopPrice,
    /// Quantity × price is below the instrument's minimum notional.
    NotionalBelowMinimum,
    /// A protective exit's percentage is out of range, or exits were asked of an order that
    /// opens nothing.
    InvalidProtection,
}

/// A named refusal of a command's content.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("{reason:?}: {message}")]
pub struct OrderDenial {
    /// Which check refused.
    pub reason: DenialReason,
    /// Human-readable detail.
    pub message: String,
}

impl OrderDenial {
    /// A denial for `reason`.
    #[must_use]
    pub fn new(reason: DenialReason, message: impl Into<String>) -> Self {
        Self { reason, message: message.into() }
    }
}

/// Everything [`crate::engine::Engine`] can answer instead of an execution report.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Denial {
    /// The command itself is wrong.
    #[error(transparent)]
    Invalid(OrderDenial),
    /// A risk rule refused it.
    #[error(transparent)]
    Risk(RiskDenial),
    /// The exchange could not be reached or throttled us; the order stays `Submitted` and a
    /// repeat of the same command reconciles it by query instead of placing it again.
    #[error(transparent)]
    Exchange(ExchangeError),
    /// The exchange reported something the order cannot accept (e.g. an overfill).
    #[error(transparent)]
    Inconsistent(OrderError),
}

impl Denial {
    /// The Python error class name the wrappers raise (`fks.errors`).
    #[must_use]
    pub fn error_name(&self) -> &'static str {
        match self {
            Self::Invalid(d) => match d.reason {
                DenialReason::ClientOrderIdReused | DenialReason::OrderClosed => "Conflict",
                DenialReason::UnknownOrder => "NotFound",
                _ => "BadRequest",
            },
            // A throttle clears by itself, so the caller should back off and retry.
            Self::Risk(d) if d.rule == RiskRule::OrderRate => "RateLimited",
            Self::Risk(_) => "RiskDenied",
            Self::Exchange(e) => e.class.error_name(),
            Self::Inconsistent(_) => "PermanentError",
        }
    }
}

impl From<OrderDenial> for Denial {
    fn from(d: OrderDenial) -> Self {
        Self::Invalid(d)
    }
}

impl From<RiskDenial> for Denial {
    fn from(d: RiskDenial) -> Self {
        Self::Risk(d)
    }
}

/// An instrument definition that cannot be used to validate orders.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid instrument {symbol}: {message}")]
pub struct InstrumentError {
    /// Instrument symbol.
    pub symbol: String,
    /// What is wrong.
    pub message: String,
}
