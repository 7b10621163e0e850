//! FKS execution core: the pure, I/O-free heart of order execution.
//!
//! Instruments and their filters, the order status machine, positions built from fills, the
//! pre-trade risk engine with its circuit breaker, a deterministic paper exchange, the
//! backtest's bar loop ([`simulation`]) on the same fill and position arithmetic, and the
//! [`Engine`] that ties them together behind the [`ExchangeClient`] trait. No pyo3, no AWS SDK,
//! no HTTP: the native Lambda (`execute_order`) and the Python bindings (`fks_execution_py`) are
//! thin wrappers that deserialise an [`OrderCommand`], call [`Engine::submit`] and serialise the
//! [`ExecutionReport`] or [`Denial`].
//!
//! Every price, quantity and amount is a [`Decimal`]; in JSON they are strings.
#![forbid(unsafe_code)]

pub mod circuit_breaker;
pub mod command;
pub mod decimal;
pub mod engine;
pub mod errors;
pub mod exchange;
pub mod fast_hash;
pub mod fill;
pub mod instrument;
pub mod order;
pub mod order_status;
pub mod paper;
pub mod position;
pub mod report;
pub mod risk;
pub mod simulation;
pub mod throttle;

#[cfg(test)]
mod test_support;

pub use circuit_breaker::{CircuitBreaker, HaltReason, TradingState};
pub use command::{
    validate_client_order_id, AmendAction, AmendCommand, CancelAction, CancelCommand, OrderCommand,
    Protection, SyncAction, SyncCommand,
};
pub use decimal::Decimal;
pub use engine::{Engine, Gate};
pub use errors::{
    Denial, DenialReason, ErrorClass, ExchangeError, InstrumentError, InvalidTransition, OrderDenial,
    OrderError,
};
pub use exchange::{ExchangeClient, MarketContext, OcoCommand, Remainder, VenueOrder, VenueTrade};
pub use fill::Fill;
pub use instrument::Instrument;
pub use order::{Order, OrderType, Side, TimeInForce};
pub use order_status::{transition, FillKind, OrderEvent, OrderStatus};
pub use paper::{PaperConfig, PaperExchange};
pub use position::{Holding, Position, PositionSide};
pub use report::{ExecutionReport, ExitKind, ExitOrder, ForeignFill, PositionReport, SyncReport};
pub use risk::{PositionLimit, RiskDenial, RiskEngine, RiskLimits, RiskRequest, RiskRule};
pub use simulation::{simulate, ExitReason, SimConfig, SimError, SimTrade, Simulation, Sizing};
pub use throttle::{OrderThrottle, RateLimit};
