//! Coinbase Advanced Trade REST client implementing [`fks_execution_core::ExchangeClient`].
//!
//! Every private request carries its own ES256 JWT (`Authorization: Bearer`), signed with the
//! CDP key's EC P-256 private key and naming the request's method, host and path; public market
//! data (`/market/products`) is unsigned. Coinbase's error answers (HTTP errors, and create-order
//! failures answered 200 with `success: false`) are classified once, here, into an
//! [`ErrorClass`].
//!
//! The engine's symbols are the concatenated spelling (`BTCUSDT`); the client maps them to
//! Coinbase's product ids (`BTC-USDT`) from the product list. The platform's client order id is
//! sent as Coinbase's `client_order_id` unchanged.
//!
//! [`ErrorClass`]: fks_execution_core::ErrorClass
#![forbid(unsafe_code)]

mod client;
mod config;
pub mod errors;
pub mod jwt;
mod products;
pub mod time;
mod wire;

pub use client::{CoinbaseClient, Pay, SiblingOf, TAKE_PROFIT_LEG};
pub use config::{CoinbaseConfig, MAINNET_URL, SANDBOX_URL};
