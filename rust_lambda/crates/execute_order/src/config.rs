//! The function's configuration from its environment, validated at cold start.

use fks_binance::{BinanceClient, BinanceConfig, MAINNET_URL};
use fks_execution_core::{
    Decimal, ExchangeClient, ExchangeError, MarketContext, OcoCommand, OrderCommand, RiskLimits, VenueOrder,
    VenueTrade,
};
use serde::Deserialize;
use serde_json::json;

use crate::aws::{AwsError, AwsJsonClient};
use crate::dynamo::DynamoStore;
use crate::handler::Handler;
use crate::paper_venue::{PaperCosts, PaperVenue};
use crate::settings::{parse_limits, StoredLimits};
use std::time::Duration;

/// Names of the environment variables this function reads (template.yaml sets them).
pub mod env {
    /// DynamoDB table of orders, key `client_order_id`.
    pub const ORDERS_TABLE: &str = "FKS_ORDERS_TABLE";
    /// DynamoDB table of positions, keys `account`, `symbol`.
    pub const POSITIONS_TABLE: &str = "FKS_POSITIONS_TABLE";
    /// DynamoDB table of trading states (circuit breaker), key `account`.
    pub const RISK_STATE_TABLE: &str = "FKS_RISK_STATE_TABLE";
    /// Exchange REST base URL (Binance, its testnet or the local simulator).
    pub const EXCHANGE_BASE_URL: &str = "FKS_EXCHANGE_BASE_URL";
    /// `paper` (default) or `live`: paper fills against the venue's public market data, its
    /// book in the tables; live trades with the key in `FKS_TRADING_SECRET_ARN`.
    pub const TRADING_MODE: &str = "FKS_TRADING_MODE";
    /// Paper fee, basis points of the notional (default 10).
    pub const PAPER_FEE_BPS: &str = "FKS_PAPER_FEE_BPS";
    /// Paper slippage of a taker fill, basis points (default 5).
    pub const PAPER_SLIPPAGE_BPS: &str = "FKS_PAPER_SLIPPAGE_BPS";
    /// Starting paper balances as JSON, `{"USDT": "10000"}`.
    pub const PAPER_BALANCES: &str = "FKS_PAPER_BALANCES";
    /// Secrets Manager id of `{"api_key": ..., "api_secret": ...}`; live mode only.
    pub const TRADING_SECRET_ARN: &str = "FKS_TRADING_SECRET_ARN";
    /// The trading account commands must name.
    pub const ACCOUNT: &str = "FKS_ACCOUNT";
    /// Risk limits as JSON (`RiskLimits`), `{}` for none; used when no parameter is configured.
    pub const RISK_LIMITS: &str = "FKS_RISK_LIMITS";
    /// SSM parameter holding the risk limits (the settings store), re-read every max age.
    pub const RISK_LIMITS_PARAMETER: &str = "FKS_RISK_LIMITS_PARAMETER";
    /// Seconds the limits read from the parameter are trusted (default 30).
    pub const SETTINGS_MAX_AGE_S: &str = "FKS_SETTINGS_MAX_AGE_S";
}

/// The stored limits' source when `FKS_RISK_LIMITS_PARAMETER` names one.
///
/// # Errors
/// [`AwsError`] when the AWS client cannot be configured or the max age is not whole seconds.
pub fn stored_limits() -> Result<Option<StoredLimits>, AwsError> {
    let Ok(parameter) = var(env::RISK_LIMITS_PARAMETER) else {
        return Ok(None);
    };
    let max_age_s = match std::env::var(env::SETTINGS_MAX_AGE_S) {
        Ok(text) if !text.trim().is_empty() => text.trim().parse::<u64>().map_err(|_| {
            config_error(format!("{} must be whole seconds, not {text}", env::SETTINGS_MAX_AGE_S))
        })?,
        _ => 30,
    };
    Ok(Some(StoredLimits::new(AwsJsonClient::from_env()?, parameter, Duration::from_secs(max_age_s))))
}

/// The paper venue as deployed: its book in the tables, prices from the venue's public API.
pub type DeployedPaper = PaperVenue<DynamoStore, BinanceClient>;

/// The venue orders go to: the first branch is paper trading, not an `if` further down.
#[derive(Debug)]
pub enum Venue {
    /// Paper trading against the venue's market data (no key).
    Paper(Box<DeployedPaper>),
    /// Binance spot REST.
    Binance(Box<BinanceClient>),
}

impl ExchangeClient for Venue {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        match self {
            Self::Paper(paper) => paper.place(order, market),
            Self::Binance(client) => client.place(order, market),
        }
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        match self {
            Self::Paper(paper) => paper.cancel(order, market),
            Self::Binance(client) => client.cancel(order, market),
        }
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        match self {
            Self::Paper(paper) => paper.query(order, market),
            Self::Binance(client) => client.query(order, market),
        }
    }

    fn place_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        match self {
            Self::Paper(paper) => paper.place_oco(oco, market),
            Self::Binance(client) => client.place_oco(oco, market),
        }
    }

    fn cancel_replace(
        &mut self,
        old: &OrderCommand,
        new: &OrderCommand,
        market: &MarketContext,
    ) -> Result<(VenueOrder, VenueOrder), ExchangeError> {
        match self {
            Self::Paper(paper) => paper.cancel_replace(old, new, market),
            Self::Binance(client) => client.cancel_replace(old, new, market),
        }
    }

    fn cancel_oco(
        &mut self,
        oco: &OcoCommand,
        market: &MarketContext,
    ) -> Result<Vec<VenueOrder>, ExchangeError> {
        match self {
            Self::Paper(paper) => paper.cancel_oco(oco, market),
            Self::Binance(client) => client.cancel_oco(oco, market),
        }
    }

    fn trades(&mut self, symbol: &str, after_seq: Option<u64>) -> Result<Vec<VenueTrade>, ExchangeError> {
        match self {
            Self::Paper(paper) => paper.trades(symbol, after_seq),
            Self::Binance(client) => client.trades(symbol, after_seq),
        }
    }

    fn client_order_id_of(
        &mut self,
        symbol: &str,
        venue_order_id: &str,
    ) -> Result<Option<String>, ExchangeError> {
        match self {
            Self::Paper(paper) => paper.client_order_id_of(symbol, venue_order_id),
            Self::Binance(client) => client.client_order_id_of(symbol, venue_order_id),
        }
    }
}

/// The handler as deployed.
pub type LambdaHandler = Handler<DynamoStore, Venue, BinanceClient>;

#[derive(Deserialize)]
struct TradingSecret {
    api_key: String,
    api_secret: String,
}

fn var(name: &str) -> Result<String, AwsError> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).ok_or_else(|| AwsError {
        kind: "MissingConfiguration".into(),
        message: format!("{name} is not set"),
    })
}

fn config_error(message: String) -> AwsError {
    AwsError { kind: "MissingConfiguration".into(), message }
}

fn trading_secret(aws: &AwsJsonClient, secret_id: &str) -> Result<TradingSecret, AwsError> {
    let answer = aws.call(
        "secretsmanager",
        "1.1",
        "secretsmanager.GetSecretValue",
        &json!({ "SecretId": secret_id }),
    )?;
    let text = answer.get("SecretString").and_then(|v| v.as_str()).unwrap_or_default();
    serde_json::from_str(text)
        .map_err(|e| config_error(format!("secret {secret_id} is not {{\"api_key\", \"api_secret\"}}: {e}")))
}

/// Builds the handler from the environment; in live mode reads the trading secret.
///
/// # Errors
/// [`AwsError`] naming the missing or invalid setting, or the failed AWS call.
pub fn from_env() -> Result<LambdaHandler, AwsError> {
    let aws = AwsJsonClient::from_env()?;
    // Empty means the exchange's production URL, as the template's ExchangeBaseUrl says.
    let base_url = var(env::EXCHANGE_BASE_URL).unwrap_or_else(|_| MAINNET_URL.to_owned());
    let limits: RiskLimits = match std::env::var(env::RISK_LIMITS) {
        Ok(text) if !text.trim().is_empty() => parse_limits(&text, env::RISK_LIMITS)?,
        _ => RiskLimits::default(),
    };
    let mode =
        std::env::var(env::TRADING_MODE).ok().filter(|m| !m.is_empty()).unwrap_or_else(|| "paper".into());
    let store = DynamoStore::new(
        aws.clone(),
        var(env::ORDERS_TABLE)?,
        var(env::POSITIONS_TABLE)?,
        var(env::RISK_STATE_TABLE)?,
    );
    let account = std::env::var(env::ACCOUNT).unwrap_or_else(|_| "binance-spot".into());
    let venue = match mode.as_str() {
        // No trading secret is read: paper needs only the public market data.
        "paper" => {
            let public = BinanceClient::new(BinanceConfig::new(&base_url, "", ""));
            Venue::Paper(Box::new(PaperVenue::new(store.clone(), public, account.clone(), paper_costs()?)))
        }
        "live" => {
            let secret = trading_secret(&aws, &var(env::TRADING_SECRET_ARN)?)?;
            Venue::Binance(Box::new(BinanceClient::new(BinanceConfig::new(
                &base_url,
                secret.api_key,
                secret.api_secret,
            ))))
        }
        other => {
            return Err(config_error(format!("{} must be live or paper, not {other}", env::TRADING_MODE)))
        }
    };
    // Public market data needs no key.
    let market = BinanceClient::new(BinanceConfig::new(&base_url, "", ""));
    let paper = matches!(venue, Venue::Paper(_));
    let handler = Handler::new(store, venue, market, account, limits);
    if paper {
        return handler.with_paper_balances(&paper_balances()?);
    }
    Ok(handler)
}

fn bps(name: &str, default: u32) -> Result<Decimal, AwsError> {
    match std::env::var(name) {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse::<Decimal>()
            .ok()
            .filter(|v| *v >= Decimal::ZERO && *v < Decimal::from(10_000))
            .ok_or_else(|| config_error(format!("{name} must be basis points from 0 to 9999, not {text}"))),
        _ => Ok(Decimal::from(default)),
    }
}

fn paper_costs() -> Result<PaperCosts, AwsError> {
    Ok(PaperCosts { fee_bps: bps(env::PAPER_FEE_BPS, 10)?, slippage_bps: bps(env::PAPER_SLIPPAGE_BPS, 5)? })
}

/// The starting paper balances (`{"USDT": "10000"}`); none configured means none.
fn paper_balances() -> Result<Vec<(String, Decimal)>, AwsError> {
    let text = std::env::var(env::PAPER_BALANCES).unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let parsed: std::collections::BTreeMap<String, Decimal> = serde_json::from_str(&text).map_err(|e| {
        config_error(format!("{} must be JSON like {{\"USDT\": \"10000\"}}: {e}", env::PAPER_BALANCES))
    })?;
    if parsed.values().any(|v| *v < Decimal::ZERO) {
        return Err(config_error(format!("{} must not be negative", env::PAPER_BALANCES)));
    }
    Ok(parsed.into_iter().collect())
}
