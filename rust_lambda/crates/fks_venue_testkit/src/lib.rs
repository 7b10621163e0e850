//! Test support shared by the venue clients (`fks_binance`, `fks_kraken`, `fks_coinbase`) and the
//! handler's venue tests: a dev-dependency only, never part of a build that ships.
//!
//! * [`Simulator`]: the project's exchange simulator (`python -m fks_exchange_sim`) for one
//!   venue as a child process, its URL, its published keys, and its price to read or move;
//! * [`contract`]: the venue contract, one suite of calls and expectations that each client runs
//!   against its simulator and, when keys are in the environment, against the venue's test
//!   environment ([`testnet`]).
#![forbid(unsafe_code)]

pub mod contract;
mod simulator;
pub mod testnet;

pub use simulator::{
    Simulator, BINANCE_API_KEY, BINANCE_API_SECRET, COINBASE_KEY_NAME, COINBASE_PRIVATE_KEY, KRAKEN_API_KEY,
    KRAKEN_API_SECRET,
};
