//! Where and as whom the client trades.

use std::time::Duration;

/// Binance spot production REST endpoint.
pub const MAINNET_URL: &str = "https://api.binance.com";
/// Binance spot testnet REST endpoint.
pub const TESTNET_URL: &str = "https://testnet.binance.vision";

/// Connection settings of a [`crate::BinanceClient`].
#[derive(Clone)]
pub struct BinanceConfig {
    /// Base URL without a trailing slash, e.g. [`TESTNET_URL`] or the simulator's URL.
    pub base_url: String,
    /// API key, sent as `X-MBX-APIKEY`.
    pub api_key: String,
    /// API secret, the HMAC-SHA256 key. Never logged.
    pub api_secret: String,
    /// `recvWindow` in milliseconds (Binance allows at most 60 000).
    pub recv_window_ms: u64,
    /// Request weight per minute the client allows itself; Binance's spot limit is 6000.
    pub weight_limit: u32,
    /// Timeout of one whole request.
    pub timeout: Duration,
}

impl BinanceConfig {
    /// Settings for `base_url` with the defaults: recvWindow 5000 ms, 6000 weight per minute,
    /// 10 s timeout.
    #[must_use]
    pub fn new(
        base_url: impl Into<String>,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Self {
        let base_url: String = base_url.into();
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key: api_key.into(),
            api_secret: api_secret.into(),
            recv_window_ms: 5_000,
            weight_limit: 6_000,
            timeout: Duration::from_secs(10),
        }
    }

    /// Settings for the spot testnet.
    #[must_use]
    pub fn testnet(api_key: impl Into<String>, api_secret: impl Into<String>) -> Self {
        Self::new(TESTNET_URL, api_key, api_secret)
    }

    /// Settings for production.
    #[must_use]
    pub fn mainnet(api_key: impl Into<String>, api_secret: impl Into<String>) -> Self {
        Self::new(MAINNET_URL, api_key, api_secret)
    }
}

// The secret must not reach logs through `{:?}`.
impl std::fmt::Debug for BinanceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BinanceConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("api_secret", &"<redacted>")
            .field("recv_window_ms", &self.recv_window_ms)
            .field("weight_limit", &self.weight_limit)
            .field("timeout", &self.timeout)
            .finish()
    }
}
