//! The function's configuration from its environment, validated at cold start.

use fks_binance::{BinanceClient, BinanceConfig, MAINNET_URL};
use fks_execution_core::{
    ExchangeClient, ExchangeError, MarketContext, OrderCommand, PaperConfig, PaperExchange, RiskLimits,
    VenueOrder, VenueTrade,
};
use serde::Deserialize;
use serde_json::json;

use crate::aws::{AwsError, AwsJsonClient};
use crate::dynamo::DynamoStore;
use crate::handler::Handler;

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
    /// `live` (default) or `paper`: paper fills in-process at the exchange's last price.
    pub const TRADING_MODE: &str = "FKS_TRADING_MODE";
    /// Secrets Manager id of `{"api_key": ..., "api_secret": ...}`; live mode only.
    pub const TRADING_SECRET_ARN: &str = "FKS_TRADING_SECRET_ARN";
    /// The trading account commands must name.
    pub const ACCOUNT: &str = "FKS_ACCOUNT";
    /// Risk limits as JSON (`RiskLimits`), `{}` for none.
    pub const RISK_LIMITS: &str = "FKS_RISK_LIMITS";
}

/// The venue orders go to: the first branch is paper trading, not an `if` further down.
#[derive(Debug)]
pub enum Venue {
    /// In-process fills (dry run).
    Paper(PaperExchange),
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
        Ok(text) if !text.trim().is_empty() => serde_json::from_str(&text)
            .map_err(|e| config_error(format!("{} is not valid risk limits: {e}", env::RISK_LIMITS)))?,
        _ => RiskLimits::default(),
    };
    let mode = std::env::var(env::TRADING_MODE).unwrap_or_else(|_| "live".into());
    let venue = match mode.as_str() {
        "paper" => Venue::Paper(PaperExchange::new(PaperConfig::default())),
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
    let store = DynamoStore::new(
        aws,
        var(env::ORDERS_TABLE)?,
        var(env::POSITIONS_TABLE)?,
        var(env::RISK_STATE_TABLE)?,
    );
    let account = std::env::var(env::ACCOUNT).unwrap_or_else(|_| "binance-spot".into());
    Ok(Handler::new(store, venue, market, account, limits))
}
