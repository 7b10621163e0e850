//! The function's configuration: its environment, validated at cold start, and the accounts it
//! trades, each on its own venue.
//!
//! One function serves every account. A command names its `account`; the account's settings
//! (venue, mode, key, risk limits) come from the accounts table (`FKS_ACCOUNTS_TABLE`, one item
//! per account, read once per warm instance and again after [`ACCOUNT_MAX_AGE_MS`]), or, for
//! the function's own account `FKS_ACCOUNT`, from the environment as before accounts had a
//! table. Each account gets its own [`Handler`] over its venue's client, built on its first
//! command: Binance, Kraken or Coinbase with the key in the account's secret (live, testnet),
//! or the paper venue over that venue's public market data (paper).
//!
//! A command may also name its `venue` (the Python side sets it from the account): it must be
//! the account's, and is removed before the handler reads the command, whose shape has no venue.

use std::collections::HashMap;
use std::time::Duration;

use fks_binance::{BinanceClient, BinanceConfig};
use fks_coinbase::{CoinbaseClient, CoinbaseConfig};
use fks_execution_core::{Decimal, DenialReason, RiskLimits};
use fks_kraken::{KrakenClient, KrakenConfig};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::aws::{AwsError, AwsJsonClient};
use crate::dynamo::DynamoStore;
use crate::handler::{Failure, Handler};
use crate::paper_venue::{PaperCosts, PaperVenue};
use crate::rate_budget::{Pace, SharedBudget};
use crate::settings::{parse_limits, StoredLimits};
use crate::store::Store;
pub use crate::venues::{Market, Venue};

/// Names of the environment variables this function reads (template.yaml sets them).
pub mod env {
    /// DynamoDB table of orders, key `client_order_id`.
    pub const ORDERS_TABLE: &str = "FKS_ORDERS_TABLE";
    /// DynamoDB table of positions, keys `account`, `symbol`.
    pub const POSITIONS_TABLE: &str = "FKS_POSITIONS_TABLE";
    /// DynamoDB table of trading states (circuit breaker), key `account`.
    pub const RISK_STATE_TABLE: &str = "FKS_RISK_STATE_TABLE";
    /// DynamoDB table of accounts, key `account` (optional: without it only `FKS_ACCOUNT`).
    pub const ACCOUNTS_TABLE: &str = "FKS_ACCOUNTS_TABLE";
    /// DynamoDB table of the rate budgets every caller of a venue shares, key `bucket`
    /// (optional: without it each client paces itself only).
    pub const RATE_BUDGET_TABLE: &str = "FKS_RATE_BUDGET_TABLE";
    /// Binance REST base URL (Binance, its testnet or the local simulator); empty = production.
    pub const EXCHANGE_BASE_URL: &str = "FKS_EXCHANGE_BASE_URL";
    /// Kraken REST base URL (or the local simulator); empty = production.
    pub const KRAKEN_BASE_URL: &str = "FKS_KRAKEN_BASE_URL";
    /// Coinbase Advanced Trade REST base URL (or the local simulator); empty = production.
    pub const COINBASE_BASE_URL: &str = "FKS_COINBASE_BASE_URL";
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
    /// The function's own account, configured by this environment (Binance).
    pub const ACCOUNT: &str = "FKS_ACCOUNT";
    /// Risk limits as JSON (`RiskLimits`), `{}` for none; used when no parameter is configured.
    pub const RISK_LIMITS: &str = "FKS_RISK_LIMITS";
    /// SSM parameter holding the risk limits (the settings store), re-read every max age.
    pub const RISK_LIMITS_PARAMETER: &str = "FKS_RISK_LIMITS_PARAMETER";
    /// Seconds the limits read from the parameter are trusted (default 30).
    pub const SETTINGS_MAX_AGE_S: &str = "FKS_SETTINGS_MAX_AGE_S";
}

/// How long an account's settings are trusted before its item is read again (a disabled
/// account stops taking orders within this bound; a changed key or venue gets a new client).
pub const ACCOUNT_MAX_AGE_MS: u64 = 60_000;

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
pub type DeployedPaper = PaperVenue<DynamoStore, Market>;

/// One account's handler as deployed.
pub type AccountHandler = Handler<DynamoStore, Venue<DynamoStore>, Market>;

/// The function as deployed: the accounts it trades, one handler each.
pub type LambdaHandler = Accounts;

/// The exchanges an account can trade on, as the commands and the accounts table name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueId {
    /// Binance spot.
    Binance,
    /// Kraken spot.
    Kraken,
    /// Coinbase Advanced Trade.
    Coinbase,
}

impl VenueId {
    /// The venue named `name` (ccxt's ids, lower case).
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "binance" => Some(Self::Binance),
            "kraken" => Some(Self::Kraken),
            "coinbase" => Some(Self::Coinbase),
            _ => None,
        }
    }

    /// The venue's name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Binance => "binance",
            Self::Kraken => "kraken",
            Self::Coinbase => "coinbase",
        }
    }

    /// The environment variable holding the venue's base URL.
    #[must_use]
    pub const fn base_url_var(self) -> &'static str {
        match self {
            Self::Binance => env::EXCHANGE_BASE_URL,
            Self::Kraken => env::KRAKEN_BASE_URL,
            Self::Coinbase => env::COINBASE_BASE_URL,
        }
    }

    const fn production_url(self) -> &'static str {
        match self {
            Self::Binance => fks_binance::MAINNET_URL,
            Self::Kraken => fks_kraken::MAINNET_URL,
            Self::Coinbase => fks_coinbase::MAINNET_URL,
        }
    }

    const fn testnet_url(self) -> Option<&'static str> {
        match self {
            Self::Binance => Some(fks_binance::TESTNET_URL),
            // Kraken has no spot testnet.
            Self::Kraken => None,
            Self::Coinbase => Some(fks_coinbase::SANDBOX_URL),
        }
    }
}

/// How an account trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Fills simulated against the venue's public market data; no key.
    Paper,
    /// Live orders on the venue's testnet (sandbox).
    Testnet,
    /// Live orders on the venue.
    Live,
}

impl Mode {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "paper" => Some(Self::Paper),
            "testnet" => Some(Self::Testnet),
            "live" => Some(Self::Live),
            _ => None,
        }
    }
}

/// One account's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountConfig {
    /// The account's id, e.g. `kraken-main`.
    pub account: String,
    /// Where it trades.
    pub venue: VenueId,
    /// How it trades.
    pub mode: Mode,
    /// Secrets Manager id of its key (live and testnet).
    pub secret_id: Option<String>,
    /// Its venue's base URL, when not the one its mode implies.
    pub base_url: Option<String>,
    /// Its own risk limits; `None` = the function's (the settings store's, or the environment's).
    pub risk_limits: Option<RiskLimits>,
    /// A disabled account takes no new orders (cancels and syncs still run).
    pub enabled: bool,
}

fn string_attribute<'a>(item: &'a Value, name: &str) -> Option<&'a str> {
    item.get(name).and_then(|a| a.get("S")).and_then(Value::as_str).filter(|s| !s.is_empty())
}

impl AccountConfig {
    /// The settings of `account` from its accounts-table item (DynamoDB's typed JSON).
    ///
    /// # Errors
    /// What is wrong with the item, naming the attribute.
    pub fn from_item(account: &str, item: &Value) -> Result<Self, String> {
        let text = |name: &str| string_attribute(item, name);
        let venue = text("venue")
            .and_then(VenueId::parse)
            .ok_or_else(|| format!("account {account}: venue must be binance, kraken or coinbase"))?;
        let mode = text("mode")
            .and_then(Mode::parse)
            .ok_or_else(|| format!("account {account}: mode must be paper, testnet or live"))?;
        let risk_limits = text("risk_limits")
            .map(|json| parse_limits(json, &format!("account {account} risk_limits")).map_err(|e| e.message))
            .transpose()?;
        let enabled = match item.get("enabled") {
            None => true,
            Some(flag) => flag
                .get("BOOL")
                .and_then(Value::as_bool)
                .ok_or_else(|| format!("account {account}: enabled must be a boolean"))?,
        };
        let secret_id = text("secret_id").map(str::to_owned);
        if mode != Mode::Paper && secret_id.is_none() {
            return Err(format!(
                "account {account}: a {} account needs a secret_id",
                text("mode").unwrap_or("")
            ));
        }
        Ok(Self {
            account: account.to_owned(),
            venue,
            mode,
            secret_id,
            base_url: text("base_url").map(str::to_owned),
            risk_limits,
            enabled,
        })
    }

    /// The function's own account as the environment configures it (Binance; the mode from
    /// `FKS_TRADING_MODE`, the key from `FKS_TRADING_SECRET_ARN`).
    ///
    /// # Errors
    /// `MissingConfiguration` naming the bad setting.
    pub fn from_env(account: &str) -> Result<Self, AwsError> {
        let mode =
            std::env::var(env::TRADING_MODE).ok().filter(|m| !m.is_empty()).unwrap_or_else(|| "paper".into());
        let mode = match mode.as_str() {
            "paper" => Mode::Paper,
            "live" => Mode::Live,
            other => {
                return Err(config_error(format!("{} must be live or paper, not {other}", env::TRADING_MODE)))
            }
        };
        let secret_id = if mode == Mode::Paper { None } else { Some(var(env::TRADING_SECRET_ARN)?) };
        Ok(Self {
            account: account.to_owned(),
            venue: VenueId::Binance,
            mode,
            secret_id,
            base_url: None,
            risk_limits: None,
            enabled: true,
        })
    }

    /// The REST base URL, as the Python side chooses it: the account's own, else `env_url` (the
    /// venue's variable: the local simulator, or a deployment's override), else the venue's
    /// testnet for a testnet account, else production.
    ///
    /// # Errors
    /// A testnet account of a venue without a testnet and without any URL given: it must never
    /// reach production by default.
    pub fn base_url(&self, env_url: Option<&str>) -> Result<String, String> {
        if let Some(url) = self.base_url.as_deref().or(env_url).filter(|u| !u.is_empty()) {
            return Ok(url.to_owned());
        }
        if self.mode == Mode::Testnet {
            return self.venue.testnet_url().map(str::to_owned).ok_or_else(|| {
                format!(
                    "account {}: {} has no testnet; give the account a base_url",
                    self.account,
                    self.venue.name()
                )
            });
        }
        Ok(self.venue.production_url().to_owned())
    }
}

/// An account's key as its secret holds it: Binance and Kraken key and secret; Coinbase the CDP
/// key's name and its EC private key PEM.
#[derive(Clone, Deserialize)]
pub struct TradingSecret {
    /// API key (Coinbase: the key name `organizations/.../apiKeys/...`).
    pub api_key: String,
    /// API secret (Kraken: base64; Coinbase: PEM).
    pub api_secret: String,
}

impl std::fmt::Debug for TradingSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TradingSecret")
            .field("api_key", &self.api_key)
            .field("api_secret", &"<redacted>")
            .finish()
    }
}

/// Pays a venue call's cost into the shared rate budget (the same type for every venue's client).
pub type Pay = fks_kraken::Pay;

/// Where the calls made with a key (`public` for market data, else the account) are paid.
pub type Budgets<'a> = &'a dyn Fn(&str) -> Option<Pay>;

/// The budget key of keyless market-data calls, as the Python side names it.
pub const PUBLIC_KEY: &str = "public";

/// How long a call waits for its turn in the shared budget before it is `RateLimited` (well
/// inside the function's 15 s timeout).
const BUDGET_MAX_WAIT: Duration = Duration::from_secs(5);

/// Each venue's pace in ccxt's cost units, as `fks_adapters.exchanges.venues` sets it: Binance
/// 20 a second (6000 weight a minute), Kraken one a second, Coinbase 29 a second.
#[must_use]
pub fn pace(venue: VenueId) -> Pace {
    let (rate, burst) = match venue {
        VenueId::Binance => (20, 40),
        // Kraken's Starter call counter: 15 points at once, a point being 3 units (45 units).
        VenueId::Kraken => (1, 45),
        VenueId::Coinbase => (29, 30),
    };
    Pace { rate_per_s: Decimal::from(rate), burst: Decimal::from(burst) }
}

/// The keyless market-data client of `venue` at `base_url`, paying into `pay` if given.
#[must_use]
pub fn public_market(venue: VenueId, base_url: &str, pay: Option<Pay>) -> Market {
    match venue {
        VenueId::Binance => {
            let client = BinanceClient::new(BinanceConfig::new(base_url, "", ""));
            Market::Binance(Box::new(match pay {
                Some(pay) => client.with_rate_budget(pay),
                None => client,
            }))
        }
        VenueId::Kraken => {
            let client = KrakenClient::new(KrakenConfig::new(base_url, "", ""));
            Market::Kraken(Box::new(match pay {
                Some(pay) => client.with_rate_budget(pay),
                None => client,
            }))
        }
        VenueId::Coinbase => {
            let client = CoinbaseClient::new(CoinbaseConfig::new(base_url, "", ""));
            Market::Coinbase(Box::new(match pay {
                Some(pay) => client.with_rate_budget(pay),
                None => client,
            }))
        }
    }
}

/// The venue `config` trades on at `base_url`: its client with `secret`, or, for a paper
/// account, the paper venue keeping its book in `paper_book` over the venue's public data; each
/// paying its calls into `budgets` (under the account's key, or `public`).
///
/// # Errors
/// A live account without a secret, a paper account without a book.
pub fn venue_for<S: Store>(
    config: &AccountConfig,
    base_url: &str,
    secret: Option<&TradingSecret>,
    paper_book: Option<(S, PaperCosts)>,
    budgets: Budgets<'_>,
) -> Result<Venue<S>, String> {
    if config.mode == Mode::Paper {
        let (book, costs) = paper_book.ok_or_else(|| format!("account {}: no paper book", config.account))?;
        let market = public_market(config.venue, base_url, budgets(PUBLIC_KEY));
        return Ok(Venue::Paper(Box::new(PaperVenue::new(book, market, config.account.clone(), costs))));
    }
    let secret = secret.ok_or_else(|| format!("account {}: a live account needs its key", config.account))?;
    let (key, private) = (secret.api_key.clone(), secret.api_secret.clone());
    let pay = budgets(&config.account);
    Ok(match config.venue {
        VenueId::Binance => {
            let client = BinanceClient::new(BinanceConfig::new(base_url, key, private));
            Venue::Binance(Box::new(match pay {
                Some(pay) => client.with_rate_budget(pay),
                None => client,
            }))
        }
        VenueId::Kraken => {
            let client = KrakenClient::new(KrakenConfig::new(base_url, key, private));
            Venue::Kraken(Box::new(match pay {
                Some(pay) => client.with_rate_budget(pay),
                None => client,
            }))
        }
        VenueId::Coinbase => {
            // A stop + take profit is one Coinbase bracket under the stop leg's id: the take profit
            // leg is found through it.
            let client = CoinbaseClient::new(CoinbaseConfig::new(base_url, key, private))
                .with_sibling_names(Box::new(crate::handler::exits::sibling_of));
            Venue::Coinbase(Box::new(match pay {
                Some(pay) => client.with_rate_budget(pay),
                None => client,
            }))
        }
    })
}

/// A command as routed: the account it names, the venue it names (if any), and the command
/// without `venue`, as the handler reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    /// The command's `account`.
    pub account: String,
    /// The command's `venue`, if it names one.
    pub venue: Option<VenueId>,
    /// Whether it places a new order (no `action`): refused for a disabled account.
    pub places: bool,
    /// The command without `venue`.
    pub command: Value,
}

fn bad_request(message: impl Into<String>) -> Failure {
    Failure { error_type: "BadRequest".into(), message: message.into() }
}

/// Reads a command's routing fields.
///
/// # Errors
/// `BadRequest` for a command that is not a JSON object, names no account, or names an unknown
/// venue.
pub fn route(event: &str) -> Result<Routed, Failure> {
    let value: Value =
        serde_json::from_str(event).map_err(|e| bad_request(format!("invalid command: {e}")))?;
    let Value::Object(mut fields) = value else {
        return Err(bad_request("a command is a JSON object"));
    };
    let account = match fields.get("account") {
        Some(Value::String(account)) if !account.is_empty() => account.clone(),
        _ => return Err(bad_request("the command names no account (\"account\": \"...\")")),
    };
    let venue =
        match fields.remove("venue") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(VenueId::parse(&name).ok_or_else(|| {
                bad_request(format!("venue must be binance, kraken or coinbase, not {name}"))
            })?),
            Some(other) => return Err(bad_request(format!("venue must be a string, not {other}"))),
        };
    let places = !fields.contains_key("action");
    Ok(Routed { account, venue, places, command: Value::Object(fields) })
}

/// Whether `routed` may go to `config`'s handler.
///
/// # Errors
/// `BadRequest` for a venue other than the account's; `PermanentError` for a new order of a
/// disabled account.
pub fn admit(config: &AccountConfig, routed: &Routed) -> Result<(), Failure> {
    if let Some(venue) = routed.venue.filter(|v| *v != config.venue) {
        return Err(bad_request(format!(
            "account {} trades on {}, not {}",
            config.account,
            config.venue.name(),
            venue.name()
        )));
    }
    if routed.places && !config.enabled {
        return Err(Failure {
            error_type: "PermanentError".into(),
            message: format!("account {} is disabled: it takes no new orders", config.account),
        });
    }
    Ok(())
}

/// An account's handler and the settings it was built from.
#[derive(Debug)]
struct Built {
    config: AccountConfig,
    read_ms: u64,
    handler: AccountHandler,
}

/// The accounts this function trades: their settings, read when first needed, and a handler
/// per account.
#[derive(Debug)]
pub struct Accounts {
    aws: AwsJsonClient,
    tables: (String, String, String),
    settings_table: Option<String>,
    budget_table: Option<String>,
    own_account: String,
    limits: RiskLimits,
    built: HashMap<String, Built>,
}

impl Accounts {
    /// The function's limits (the settings store's, refreshed by the caller), for every account
    /// without limits of its own.
    pub fn set_limits(&mut self, limits: RiskLimits) {
        for built in self.built.values_mut().filter(|b| b.config.risk_limits.is_none()) {
            built.handler.set_limits(limits.clone());
        }
        self.limits = limits;
    }

    /// Routes `event` to its account's handler (see the module docs) and executes it.
    ///
    /// # Errors
    /// [`Failure`]: a bad route or an account that cannot be built, or the handler's failure.
    pub fn handle_event(&mut self, event: &str, now_ms: u64) -> Result<Value, Failure> {
        let routed = route(event)?;
        let built = self.built(&routed.account, now_ms)?;
        admit(&built.config, &routed)?;
        built.handler.handle_event(&routed.command.to_string(), now_ms)
    }

    fn built(&mut self, account: &str, now_ms: u64) -> Result<&mut Built, Failure> {
        let fresh =
            self.built.get(account).is_some_and(|b| now_ms.saturating_sub(b.read_ms) < ACCOUNT_MAX_AGE_MS);
        if !fresh {
            let config = match self.settings(account) {
                Ok(config) => config,
                // A failed re-read (the table throttled, say) keeps the account trading on the
                // settings it has; only an account never read fails.
                Err(failure)
                    if failure.error_type == "TemporaryError" && self.built.contains_key(account) =>
                {
                    eprintln!("account {account}: settings not re-read, kept: {failure}");
                    return self
                        .built
                        .get_mut(account)
                        .ok_or_else(|| bad_request(format!("no account {account}")));
                }
                Err(failure) => return Err(failure),
            };
            match self.built.get_mut(account) {
                // Only `enabled` changed (or nothing): keep the warm handler and its clients.
                Some(built)
                    if AccountConfig { enabled: built.config.enabled, ..config.clone() } == built.config =>
                {
                    built.config = config;
                    built.read_ms = now_ms;
                }
                _ => {
                    let handler = self.handler(&config)?;
                    self.built.insert(account.to_owned(), Built { config, read_ms: now_ms, handler });
                }
            }
        }
        self.built.get_mut(account).ok_or_else(|| bad_request(format!("no account {account}")))
    }

    /// The account's settings: its table item, else the environment's for the own account.
    fn settings(&self, account: &str) -> Result<AccountConfig, Failure> {
        if let Some(table) = &self.settings_table {
            let answer = self.aws.call(
                "dynamodb",
                "1.0",
                "DynamoDB_20120810.GetItem",
                &json!({"TableName": table, "Key": {"account": {"S": account}}, "ConsistentRead": true}),
            )?;
            if let Some(item) = answer.get("Item") {
                return AccountConfig::from_item(account, item)
                    .map_err(|message| Failure { error_type: "PermanentError".into(), message });
            }
        }
        if account == self.own_account {
            return Ok(AccountConfig::from_env(account)?);
        }
        Err(Failure {
            error_type: "BadRequest".into(),
            message: format!(
                "{:?}: this function trades no account {account} (its own is {})",
                DenialReason::WrongAccount,
                self.own_account
            ),
        })
    }

    fn handler(&self, config: &AccountConfig) -> Result<AccountHandler, Failure> {
        let permanent = |message: String| Failure { error_type: "PermanentError".into(), message };
        let (orders, positions, risk) = self.tables.clone();
        let store = DynamoStore::new(self.aws.clone(), orders, positions, risk);
        let env_url = std::env::var(config.venue.base_url_var()).ok();
        let base_url = config.base_url(env_url.as_deref()).map_err(permanent)?;
        let secret = match &config.secret_id {
            Some(id) if config.mode != Mode::Paper => Some(trading_secret(&self.aws, id)?),
            _ => None,
        };
        let paper = (config.mode == Mode::Paper).then(|| paper_costs().map(|costs| (store.clone(), costs)));
        let budgets = |key: &str| -> Option<Pay> {
            let table = self.budget_table.clone()?;
            let venue = config.venue;
            let mut budget =
                SharedBudget::new(self.aws.clone(), table, venue.name(), key, pace(venue), BUDGET_MAX_WAIT);
            Some(Box::new(move |cost| budget.take(cost)))
        };
        let venue =
            match venue_for(config, &base_url, secret.as_ref(), paper.transpose()?, &budgets)
                .map_err(permanent)?
            {
                Venue::Kraken(client) => Venue::Kraken(Box::new(client.with_owner_lookup(
                    kraken_owner_lookup(self.aws.clone(), self.tables.0.clone(), config.account.clone()),
                ))),
                other => other,
            };
        let limits = config.risk_limits.clone().unwrap_or_else(|| self.limits.clone());
        let market = public_market(config.venue, &base_url, budgets(PUBLIC_KEY));
        let handler = Handler::new(store, venue, market, config.account.clone(), limits);
        if config.mode == Mode::Paper {
            return Ok(handler.with_paper_balances(&paper_balances()?)?);
        }
        Ok(handler)
    }
}

/// How far back the orders table is read to find the order a derived Kraken `cl_ord_id` names:
/// the sync asks only about trades since its cursor, of orders placed shortly before them.
const OWNER_LOOKBACK_MS: u64 = 7 * 86_400_000;

/// The platform's order whose derived `cl_ord_id` Kraken reports, from the account's orders of
/// the last week in the orders table (its `ByAccount` index), each id derived as the Kraken
/// client derives it; what was read is kept for the next lookups.
#[must_use]
pub fn kraken_owner_lookup(
    aws: AwsJsonClient,
    orders_table: String,
    account: String,
) -> fks_kraken::OwnerLookup {
    let mut known: HashMap<String, String> = HashMap::new();
    Box::new(move |cl_ord_id: &str| {
        if let Some(id) = known.get(cl_ord_id) {
            return Ok(Some(id.clone()));
        }
        let unreadable = |e: AwsError| {
            fks_execution_core::ExchangeError::new(
                fks_execution_core::ErrorClass::Retryable,
                format!("orders table unreadable: {e}"),
            )
        };
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut request = json!({
            "TableName": orders_table,
            "IndexName": "ByAccount",
            "KeyConditionExpression": "account = :account AND created_ms >= :since",
            "ExpressionAttributeValues": {
                ":account": {"S": account},
                ":since": {"N": now_ms.saturating_sub(OWNER_LOOKBACK_MS).to_string()},
            },
            "ProjectionExpression": "client_order_id",
        });
        loop {
            let page =
                aws.call("dynamodb", "1.0", "DynamoDB_20120810.Query", &request).map_err(unreadable)?;
            let items = page.get("Items").and_then(Value::as_array).into_iter().flatten();
            for id in items.filter_map(|item| string_attribute(item, "client_order_id")) {
                known.insert(fks_kraken::ids::cl_ord_id(id), id.to_owned());
            }
            match page.get("LastEvaluatedKey") {
                Some(next) => request["ExclusiveStartKey"] = next.clone(),
                None => break,
            }
        }
        Ok(known.get(cl_ord_id).cloned())
    })
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
    let answer = aws
        .call("secretsmanager", "1.1", "secretsmanager.GetSecretValue", &json!({ "SecretId": secret_id }))
        .map_err(|e| {
            // A secret that does not exist will not appear by retrying: the account is misconfigured.
            if e.kind == "ResourceNotFoundException" {
                config_error(format!("secret {secret_id} does not exist: {}", e.message))
            } else {
                e
            }
        })?;
    let text = answer.get("SecretString").and_then(|v| v.as_str()).unwrap_or_default();
    serde_json::from_str(text)
        .map_err(|e| config_error(format!("secret {secret_id} is not {{\"api_key\", \"api_secret\"}}: {e}")))
}

/// The accounts from the environment: the tables, the accounts table if any, the own account
/// and the function's risk limits (`FKS_RISK_LIMITS`, until the settings store's replace them).
/// No account's settings or key are read until its first command.
///
/// # Errors
/// [`AwsError`] naming the missing or invalid setting.
pub fn from_env() -> Result<LambdaHandler, AwsError> {
    let aws = AwsJsonClient::from_env()?;
    let limits: RiskLimits = match std::env::var(env::RISK_LIMITS) {
        Ok(text) if !text.trim().is_empty() => parse_limits(&text, env::RISK_LIMITS)?,
        _ => RiskLimits::default(),
    };
    // Checked now, so a bad setting fails the first invocation, whichever account it names.
    paper_costs()?;
    paper_balances()?;
    Ok(Accounts {
        aws,
        tables: (var(env::ORDERS_TABLE)?, var(env::POSITIONS_TABLE)?, var(env::RISK_STATE_TABLE)?),
        settings_table: var(env::ACCOUNTS_TABLE).ok(),
        budget_table: var(env::RATE_BUDGET_TABLE).ok(),
        own_account: std::env::var(env::ACCOUNT)
            .ok()
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "binance-spot".into()),
        limits,
        built: HashMap::new(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn item(fields: &[(&str, Value)]) -> Value {
        Value::Object(fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect::<Map<_, _>>())
    }

    fn s(text: &str) -> Value {
        json!({ "S": text })
    }

    #[test]
    fn an_account_item_names_venue_mode_key_url_and_limits() {
        let kraken = item(&[
            ("account", s("kraken-main")),
            ("venue", s("kraken")),
            ("mode", s("live")),
            ("secret_id", s("fks/kraken-main")),
            ("base_url", s("http://127.0.0.1:9999")),
            ("risk_limits", s("{\"max_open_orders\": 3}")),
            ("enabled", json!({"BOOL": false})),
        ]);

        let config = AccountConfig::from_item("kraken-main", &kraken).unwrap();

        assert_eq!((config.venue, config.mode), (VenueId::Kraken, Mode::Live));
        assert_eq!(config.secret_id.as_deref(), Some("fks/kraken-main"));
        assert_eq!(config.base_url(Some("http://elsewhere")).unwrap(), "http://127.0.0.1:9999");
        assert_eq!(config.risk_limits.as_ref().and_then(|l| l.max_open_orders), Some(3));
        assert!(!config.enabled);
    }

    #[test]
    fn a_bad_item_is_refused_naming_the_attribute() {
        let no_venue = item(&[("mode", s("paper"))]);
        let live_without_key = item(&[("venue", s("coinbase")), ("mode", s("live"))]);
        let bad_limits = item(&[("venue", s("binance")), ("mode", s("paper")), ("risk_limits", s("[1]"))]);

        assert!(AccountConfig::from_item("a", &no_venue).unwrap_err().contains("venue"));
        assert!(AccountConfig::from_item("a", &live_without_key).unwrap_err().contains("secret_id"));
        assert!(AccountConfig::from_item("a", &bad_limits).unwrap_err().contains("risk_limits"));
    }

    #[test]
    fn the_base_url_follows_the_mode_then_the_environment() {
        let config = |venue, mode| AccountConfig {
            account: "a".into(),
            venue,
            mode,
            secret_id: Some("s".into()),
            base_url: None,
            risk_limits: None,
            enabled: true,
        };

        assert_eq!(config(VenueId::Binance, Mode::Testnet).base_url(None).unwrap(), fks_binance::TESTNET_URL);
        assert_eq!(
            config(VenueId::Coinbase, Mode::Testnet).base_url(None).unwrap(),
            fks_coinbase::SANDBOX_URL
        );
        assert!(config(VenueId::Kraken, Mode::Testnet).base_url(None).unwrap_err().contains("no testnet"));
        assert_eq!(config(VenueId::Kraken, Mode::Live).base_url(Some("http://sim")).unwrap(), "http://sim");
        assert_eq!(
            config(VenueId::Kraken, Mode::Testnet).base_url(Some("http://sim")).unwrap(),
            "http://sim"
        );
        assert_eq!(config(VenueId::Kraken, Mode::Paper).base_url(Some("")).unwrap(), fks_kraken::MAINNET_URL);
    }

    #[test]
    fn route_takes_the_venue_out_and_admit_checks_it() {
        let routed = route(
            r#"{"client_order_id": "o-1", "account": "kraken-main", "venue": "kraken", "symbol": "BTCUSDT"}"#,
        )
        .unwrap();
        let config = AccountConfig {
            account: "kraken-main".into(),
            venue: VenueId::Kraken,
            mode: Mode::Live,
            secret_id: Some("s".into()),
            base_url: None,
            risk_limits: None,
            enabled: true,
        };
        let elsewhere = Routed { venue: Some(VenueId::Coinbase), ..routed.clone() };
        let cancel =
            route(r#"{"action": "cancel", "client_order_id": "o-1", "account": "kraken-main"}"#).unwrap();
        let disabled = AccountConfig { enabled: false, ..config.clone() };

        assert_eq!(
            (routed.account.as_str(), routed.venue, routed.places),
            ("kraken-main", Some(VenueId::Kraken), true)
        );
        assert!(routed.command.get("venue").is_none(), "the handler never sees the venue");
        assert!(admit(&config, &routed).is_ok());
        assert_eq!(admit(&config, &elsewhere).unwrap_err().error_type, "BadRequest");
        assert_eq!(admit(&disabled, &routed).unwrap_err().error_type, "PermanentError");
        assert!(admit(&disabled, &cancel).is_ok(), "a disabled account still cancels");
        assert_eq!(route(r#"{"client_order_id": "o"}"#).unwrap_err().error_type, "BadRequest");
        assert_eq!(route(r#"{"account": "a", "venue": "ftx"}"#).unwrap_err().error_type, "BadRequest");
    }
}
