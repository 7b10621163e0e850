//! Where and as whom the client trades.

use std::time::Duration;

/// Kraken's spot REST endpoint (Kraken has no spot testnet).
pub const MAINNET_URL: &str = "https://api.kraken.com";

/// Connection settings of a [`crate::KrakenClient`].
#[derive(Clone)]
pub struct KrakenConfig {
    /// Base URL without a trailing slash: [`MAINNET_URL`] or the simulator's URL.
    pub base_url: String,
    /// API key, sent as `API-Key`.
    pub api_key: String,
    /// API secret, base64 as Kraken shows it; the HMAC-SHA512 key once decoded. Never logged.
    pub api_secret: String,
    /// Most the REST call counter may reach (Kraken's Starter tier: 15).
    pub counter_max: u32,
    /// How much the counter decays per second, in hundredths (Starter: 0.33/s = 33).
    pub counter_decay_centi_per_s: u32,
    /// Timeout of one whole request.
    pub timeout: Duration,
}

impl KrakenConfig {
    /// Settings for `base_url` with the Starter tier's counter and a 10 s timeout.
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
            counter_max: 15,
            counter_decay_centi_per_s: 33,
            timeout: Duration::from_secs(10),
        }
    }

    /// Settings for production.
    #[must_use]
    pub fn mainnet(api_key: impl Into<String>, api_secret: impl Into<String>) -> Self {
        Self::new(MAINNET_URL, api_key, api_secret)
    }
}

// The secret must not reach logs through `{:?}`.
impl std::fmt::Debug for KrakenConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KrakenConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("api_secret", &"<redacted>")
            .field("counter_max", &self.counter_max)
            .field("counter_decay_centi_per_s", &self.counter_decay_centi_per_s)
            .field("timeout", &self.timeout)
            .finish()
    }
}
