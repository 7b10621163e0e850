"""``POST /telegram/webhook``: Telegram's updates for the bot, answered in its chat.

Telegram proves each request with the ``X-Telegram-Bot-Api-Secret-Token`` header set by
setWebhook; anything else is a 403. A chat not on the allow-list gets no answer and changes
nothing (it is logged). An allowed chat's command needs the scope its API route needs, and runs
through the same adapters as the API. Every verified update is answered 200, even a failed
command (its reply says why): Telegram re-sends on anything else, and a command must not run twice
because its reply could not be sent.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.auth.principal import Principal, Scope
from fks.chat_control import CommandError, parse_allowed_chats, parse_command
from fks.chat_updates import TelegramMessage, TelegramUpdate
from fks.errors import FksError, PermanentError
from fks.function_settings import (
    ApiSettings,
    ExecutionTablesSettings,
    PortfolioSettings,
    TradingAccountSettings,
    variable,
)
from fks.observability import API, observed
from fks_adapters.api import make_resolver
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.approvals import ApprovalGate
from fks_adapters.pipeline.prices import CandlePrices
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_adapters.telegram.bot_api import TelegramBotApi
from fks_adapters.telegram.secret import BotSecret, load_bot_secret
from fks_app.chat_commands import ChatCommands

if TYPE_CHECKING:
    from fks.market_data.series import CandleSeriesReader

logger = Logger()
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name


class Settings(TradingAccountSettings, ExecutionTablesSettings, PortfolioSettings, ApiSettings):
    telegram_secret_arn: str = variable(env.TELEGRAM_SECRET_ARN)
    # JSON chat id -> scopes (empty: every chat is ignored).
    allowed_chats: dict[int, frozenset[Scope]] = variable(env.TELEGRAM_CHATS, parse_allowed_chats, default_factory=dict)
    telegram_api_url: str | None = variable(env.TELEGRAM_API_URL, default=None)
    signals_table: str = variable(env.SIGNALS_TABLE)
    data_bucket: str = variable(env.DATA_BUCKET)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)


def _bot_secret() -> BotSecret:
    # Not cached: a secret put after the deploy (or rotated) applies from the next message.
    return load_bot_secret(SETTINGS.telegram_secret_arn)


@cache
def _candles() -> CandleSeriesReader:
    from fks.market_data.series import CandleSeriesReader
    from fks_adapters.market_data.candle_reader import candle_store  # pandas: /balance only

    return CandleSeriesReader(candle_store(SETTINGS.data_bucket))


@cache
def _commands() -> ChatCommands:
    return ChatCommands(
        account=SETTINGS.trading_account,
        tables=ExecutionTables(SETTINGS.orders_table, SETTINGS.positions_table, SETTINGS.risk_state_table),
        history=SignalHistory(SETTINGS.signals_table),
        portfolio=PortfolioStore(SETTINGS.portfolio_table, SETTINGS.initial_capital),
        prices=lambda: CandlePrices(_candles()),
        gate=ApprovalGate(),
    )


def _forbidden(message: str) -> Response[dict[str, Any]]:
    return Response(status_code=403, content_type="application/json", body={"error": "Forbidden", "message": message})


def _answer(message: TelegramMessage) -> str:
    """The reply to an allowed chat's message: the command's answer, or why it did not run."""
    chat = Principal(f"telegram:{message.chat.id}", "telegram_chat", SETTINGS.allowed_chats[message.chat.id])
    try:
        command = parse_command(message.text or "")
    except CommandError as error:
        return str(error)
    if not chat.allows(command.scope):
        granted = " ".join(sorted(s.value for s in chat.effective_scopes()))
        logger.warning("chat command refused", extra={"chat_id": message.chat.id, "command": command.name})
        return f"/{command.name} needs the '{command.scope.value}' scope; this chat has: {granted}"
    sender = message.sender.username if message.sender and message.sender.username else None
    who = chat.subject + (f"/{sender}" if sender else "")
    try:
        reply = _commands().run(command, who)
    except FksError as error:
        return f"/{command.name} failed: {error.message}"
    logger.info("chat command run", extra={"chat_id": message.chat.id, "command": command.name, "by": who})
    return reply


@app.post(
    "/telegram/webhook",
    responses={200: {"description": "Update handled (or ignored)"}, 403: {"description": "Not from Telegram"}},
)
def webhook(update: Annotated[TelegramUpdate, Body()]) -> Response[dict[str, Any]]:
    """Telegram's webhook for the bot (public: proven by the secret_token header, not an API key)."""
    try:
        secret = _bot_secret()
    except PermanentError as error:
        logger.warning("telegram update while the bot is not configured", extra={"error": error.message})
        return _forbidden("the bot is not configured")
    if not secret.accepts(app.current_event.get_header_value(SECRET_HEADER)):
        logger.warning("telegram webhook call without the right secret token")
        return _forbidden(f"missing or wrong {SECRET_HEADER}")
    message = update.message
    if message is None or message.text is None:
        return Response(200, "application/json", {"update_id": update.update_id, "handled": False})
    if message.chat.id not in SETTINGS.allowed_chats:
        logger.warning("message from a chat not on the allow-list", extra={"chat_id": message.chat.id})
        return Response(200, "application/json", {"update_id": update.update_id, "handled": False})
    reply = _answer(message)
    try:
        TelegramBotApi(secret.bot_token, SETTINGS.telegram_api_url).send_message(message.chat.id, reply)
    except FksError as error:
        logger.warning("reply not sent", extra={"chat_id": message.chat.id, "error": error.message})
    return Response(200, "application/json", {"update_id": update.update_id, "handled": True})


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
