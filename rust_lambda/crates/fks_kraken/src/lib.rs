//! Kraken spot REST client implementing [`fks_execution_core::ExchangeClient`].
//!
//! Private calls are `POST /0/private/<Method>` with a form body carrying an ever-increasing
//! `nonce`, signed in `API-Sign` (HMAC-SHA512 of the path and SHA-256 of nonce + body, under the
//! base64-decoded secret); the REST call counter is mirrored locally so the client backs off
//! before Kraken answers `EAPI:Rate limit exceeded`; and every Kraken error text is classified
//! once, here, into an [`ErrorClass`].
//!
//! The engine's symbols are the concatenated spelling (`BTCUSDT`); the client maps them to
//! Kraken's pairs (`XBTUSDT`) from `AssetPairs`, and the platform's client order ids to Kraken's
//! `cl_ord_id` (see [`ids`]).
//!
//! [`ErrorClass`]: fks_execution_core::ErrorClass
#![forbid(unsafe_code)]

mod client;
mod config;
pub mod errors;
pub mod ids;
mod limits;
mod pairs;
pub mod signing;
mod wire;

pub use client::{KrakenClient, OwnerLookup, Pay};
pub use config::{KrakenConfig, MAINNET_URL};
pub use limits::CallCounter;
