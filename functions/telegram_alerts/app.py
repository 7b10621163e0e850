"""Forwards the alarm and signal-notice topics' SNS messages to every chat on the bot's
allow-list, through Telegram's sendMessage. A chat that cannot be reached does not stop the
others; a Telegram outage (TemporaryError) fails the invocation so SNS retries it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import SNSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.auth.principal import Scope
from fks.chat_control import alert_text, parse_allowed_chats
from fks.errors import FksError, PermanentError, TemporaryError
from fks.function_settings import FunctionSettings, variable
from fks.observability import observed
from fks_adapters.telegram.bot_api import TelegramBotApi
from fks_adapters.telegram.secret import load_bot_secret

logger = Logger()


class Settings(FunctionSettings):
    telegram_secret_arn: str = variable(env.TELEGRAM_SECRET_ARN)
    # JSON chat id -> scopes (empty: no chat is told anything).
    allowed_chats: dict[int, frozenset[Scope]] = variable(env.TELEGRAM_CHATS, parse_allowed_chats, default_factory=dict)
    telegram_api_url: str | None = variable(env.TELEGRAM_API_URL, default=None)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    chats = sorted(SETTINGS.allowed_chats)
    try:
        # Read on each message: a secret put after the deploy (or rotated) applies from the next one.
        api = TelegramBotApi(load_bot_secret(SETTINGS.telegram_secret_arn).bot_token, SETTINGS.telegram_api_url)
    except PermanentError as error:
        logger.warning("alert not forwarded: the bot is not configured", extra={"error": error.message})
        return {"sent": 0, "failed": 0}
    sent = failed = 0
    for record in SNSEvent(event).records:
        text = alert_text(record.sns.subject, record.sns.message)
        for chat_id in chats:
            try:
                api.send_message(chat_id, text)
                sent += 1
            except TemporaryError:
                raise
            except FksError as error:  # e.g. the bot was removed from that chat
                logger.warning("alert not delivered to a chat", extra={"chat_id": chat_id, "error": error.message})
                failed += 1
    logger.info("alerts forwarded", extra={"sent": sent, "failed": failed, "chats": len(chats)})
    return {"sent": sent, "failed": failed}
