"""Every environment variable name the platform reads, in one place.

Each function reads its own once, at cold start, through its settings class
(``fks.function_settings``) and hands the values to the adapters it builds.
"""

from __future__ import annotations

import os

# AWS: the endpoint is the only thing that tells the local stack from AWS.
AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL"

# Resources, injected by template.yaml into each function that uses them.
DATA_BUCKET = "FKS_DATA_BUCKET"
ASSETS_TABLE = "FKS_ASSETS_TABLE"
SIGNALS_TABLE = "FKS_SIGNALS_TABLE"
STRATEGIES_TABLE = "FKS_STRATEGIES_TABLE"
ORDERS_TABLE = "FKS_ORDERS_TABLE"
POSITIONS_TABLE = "FKS_POSITIONS_TABLE"
# The NinjaTrader bridge's own orders and positions, apart from the engine's (issue 17): neither
# writer can touch the other's items, whatever ids they carry.
NINJA_ORDERS_TABLE = "FKS_NINJA_ORDERS_TABLE"
NINJA_POSITIONS_TABLE = "FKS_NINJA_POSITIONS_TABLE"
RISK_STATE_TABLE = "FKS_RISK_STATE_TABLE"
# Execution: the Rust function that alone holds the trading key, and the account it trades.
EXECUTE_ORDER_FUNCTION = "FKS_EXECUTE_ORDER_FUNCTION"
TRADING_ACCOUNT = "FKS_ACCOUNT"
TRADING_MODE = "FKS_TRADING_MODE"  # paper (fills simulated against market data, no key) or live
IDEMPOTENCY_TABLE = "FKS_IDEMPOTENCY_TABLE"
# The signal pipeline and the portfolio (issue 6).
PORTFOLIO_TABLE = "FKS_PORTFOLIO_TABLE"
INITIAL_CAPITAL = "FKS_INITIAL_CAPITAL"  # an account's cash before its first fill, in its quote currency
PORTFOLIO_LIMITS = "FKS_PORTFOLIO_LIMITS"  # JSON of fks.pipeline.risk.PortfolioLimits fields
APPROVAL_WINDOW_S = "FKS_APPROVAL_WINDOW_S"  # how long a manual signal waits when its strategy sets none
NOTIFY_TOPIC_ARN = "FKS_NOTIFY_TOPIC_ARN"
NOTIFY_WEBHOOK_URL = "FKS_NOTIFY_WEBHOOK_URL"  # Slack or Discord incoming webhook; empty: SNS only
CORS_ORIGIN = "FKS_CORS_ORIGIN"  # the dashboard's origin, the only one the API answers CORS for
LIVE_FEED_URL = "FKS_LIVE_FEED_URL"  # the WebSocket API's wss:// address, for the dashboard's pages
PROP_FIRM_ACCOUNTS = "FKS_PROP_FIRM_ACCOUNTS"  # JSON: signal account -> fks.prop_firm.PropFirmAccount
# Settings without a redeploy (fks.settings): the SSM parameter path they live under (one
# parameter per setting, e.g. /fks/dev/settings/portfolio_limits), how long a function may use a
# value it read, and the table of their changes. Without the prefix the env JSON above is used.
SETTINGS_PREFIX = "FKS_SETTINGS_PREFIX"
SETTINGS_MAX_AGE_S = "FKS_SETTINGS_MAX_AGE_S"
SETTINGS_AUDIT_TABLE = "FKS_SETTINGS_AUDIT_TABLE"
EXECUTION_RISK_LIMITS = "FKS_RISK_LIMITS"  # JSON of fks.settings.ExecutionRiskLimits (execute_order's initial limits)
RECONCILE_SECRET_ARN = "FKS_RECONCILE_SECRET_ARN"  # noqa: S105 - a read-only exchange key: balances, never orders
SIGNAL_STATE_MACHINE_ARN = "FKS_SIGNAL_STATE_MACHINE_ARN"
OPTIMIZATION_STATE_MACHINE_ARN = "FKS_OPTIMIZATION_STATE_MACHINE_ARN"
INLINE_GRID_CELLS = "FKS_INLINE_GRID_CELLS"  # a larger grid runs on the optimisation state machine
TIMESTREAM_ENABLED = "FKS_TIMESTREAM_ENABLED"
TIMESTREAM_DATABASE = "FKS_TIMESTREAM_DATABASE"
TIMESTREAM_TABLE = "FKS_TIMESTREAM_TABLE"
# Market data: the function collection and enabling hand gaps to, and the default history depth.
BACKFILL_FUNCTION = "FKS_BACKFILL_FUNCTION"
# Started by collect_ohlcv once it has stored new candles (strategies judge a bar as soon as it is in).
GENERATE_SIGNALS_FUNCTION = "FKS_GENERATE_SIGNALS_FUNCTION"
HISTORY_DAYS = "FKS_HISTORY_DAYS"
# The gap scan: what it left unrepaired (read by the monitor), and how old an unrepaired gap may get.
DATA_GAPS_TABLE = "FKS_DATA_GAPS_TABLE"
GAP_MAX_AGE_MIN = "FKS_GAP_MAX_AGE_MIN"
# Live feed: the WebSocket connections table, and the API's @connections management endpoint
# (https://{api}.execute-api.{region}.amazonaws.com/{stage}) collection pushes candles through.
LIVE_FEED_TABLE = "FKS_LIVE_FEED_TABLE"
LIVE_FEED_ENDPOINT = "FKS_LIVE_FEED_ENDPOINT"
# Models: where trained regime/forecast models live in the data bucket.
MODELS_PREFIX = "FKS_MODELS_PREFIX"
# The AI function's models: "packaged" (WordLlama) or a Bedrock embedding model id; "none" or a
# Bedrock Claude model id for a briefing's written version.
AI_TEXT_MODEL = "FKS_AI_TEXT_MODEL"
AI_SUMMARY_MODEL = "FKS_AI_SUMMARY_MODEL"

# The monitor: what it checks, all set by template.yaml.
STAGE = "FKS_STAGE"
STACK_NAME = "FKS_STACK_NAME"
TABLE_NAMES = "FKS_TABLE_NAMES"
DLQ_URLS = "FKS_DLQ_URLS"
STATE_MACHINE_ARNS = "FKS_STATE_MACHINE_ARNS"
BRIDGE_NAMES = "FKS_BRIDGE_NAMES"
BRIDGE_HEARTBEAT_MAX_AGE_S = "FKS_BRIDGE_HEARTBEAT_MAX_AGE_S"

# Exchanges: a base URL override points ccxt (and the Rust client) at the local simulator
# or a testnet; nothing else changes between them.
EXCHANGE_BASE_URL = "FKS_EXCHANGE_BASE_URL"
# The other venues' base URLs (empty: production), as FKS_EXCHANGE_BASE_URL is Binance's.
KRAKEN_BASE_URL = "FKS_KRAKEN_BASE_URL"
COINBASE_BASE_URL = "FKS_COINBASE_BASE_URL"
# Trading accounts (venue, mode, key secret, limits) and the rate budget every function shares
# per venue and key.
ACCOUNTS_TABLE = "FKS_ACCOUNTS_TABLE"
RATE_BUDGET_TABLE = "FKS_RATE_BUDGET_TABLE"

# The authorizer: API keys, JWTs (HS256 with a rotating secret or RS256 with a public key), and
# the per-subject usage-plan keys of JWT callers.
API_KEYS_TABLE = "FKS_API_KEYS_TABLE"
JWT_SECRET_ARN = "FKS_JWT_SECRET_ARN"  # noqa: S105 - the variable name, not a secret
JWT_SECRET_MAX_AGE_S = "FKS_JWT_SECRET_MAX_AGE_S"  # noqa: S105 - the variable name, not a secret
JWT_PUBLIC_KEY = "FKS_JWT_PUBLIC_KEY"
JWT_ISSUER = "FKS_JWT_ISSUER"
JWT_AUDIENCE = "FKS_JWT_AUDIENCE"
JWT_CALLERS_TABLE = "FKS_JWT_CALLERS_TABLE"
SHARED_USAGE_KEY_NAME = "FKS_SHARED_USAGE_KEY_NAME"
JWT_USAGE_KEY_PREFIX = "FKS_JWT_USAGE_KEY_PREFIX"

# The Telegram bot (issue 24): its secret {bot_token, webhook_secret}, the allowed chats with their
# scopes (JSON chat id -> scopes), and the Bot API's base URL (a test's fake, or a self-hosted server).
TELEGRAM_SECRET_ARN = "FKS_TELEGRAM_SECRET_ARN"  # noqa: S105 - the variable name, not a secret
TELEGRAM_CHATS = "FKS_TELEGRAM_CHATS"
TELEGRAM_API_URL = "FKS_TELEGRAM_API_URL"


def get(name: str, default: str | None = None) -> str | None:
    """For the adapters that still read a variable themselves (a venue's base URL, the rate budget
    table): a function's own variables come from its settings (``fks.function_settings``)."""
    return os.environ.get(name, default)
