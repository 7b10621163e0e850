//! Binance spot REST client implementing [`fks_execution_core::ExchangeClient`].
//!
//! Requests are signed with HMAC-SHA256 and carry `recvWindow`; timestamps are corrected by the
//! offset to the server's clock (`GET /api/v3/time`); the request weight the server reports in
//! `X-MBX-USED-WEIGHT-1M` is tracked so the client backs off locally before Binance answers 429;
//! and every Binance error code is classified once, here, into an [`ErrorClass`].
//!
//! The base URL is configuration: [`BinanceConfig::testnet`], [`BinanceConfig::mainnet`], or the
//! local exchange simulator's URL.
//!
//! [`ErrorClass`]: fks_execution_core::ErrorClass
#![forbid(unsafe_code)]

mod client;
mod config;
pub mod errors;
mod market;
mod rate_limit;
pub mod signing;
mod wire;

pub use client::{BinanceClient, Pay};
pub use config::{BinanceConfig, MAINNET_URL, TESTNET_URL};
pub use rate_limit::WeightTracker;
