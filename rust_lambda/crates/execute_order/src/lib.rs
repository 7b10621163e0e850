//! The `execute_order` Lambda: an [`OrderCommand`] in, an [`ExecutionReport`] out, orders and
//! positions persisted in DynamoDB with conditional writes, idempotent by client order id.
//!
//! [`handler::Handler`] holds the logic and is generic over the [`store::Store`], the exchange
//! and the [`market::MarketData`], so tests and the benchmark run it in-process with the paper
//! exchange and an in-memory store. `main.rs` wires it to DynamoDB, Secrets Manager and Binance
//! (or the paper exchange) under the Lambda runtime.
//!
//! [`OrderCommand`]: fks_execution_core::OrderCommand
//! [`ExecutionReport`]: fks_execution_core::ExecutionReport
#![forbid(unsafe_code)]

pub mod aws;
pub mod clock;
pub mod config;
pub mod dynamo;
pub mod emf;
pub mod handler;
pub mod market;
pub mod paper_venue;
pub mod rate_budget;
pub mod settings;
pub mod sigv4;
pub mod store;
pub mod venue_call;
pub mod venues;
