"""Forwards the alarm and signal-notice topics' SNS messages to every chat on the bot's
allow-list, through Telegram's sendMessage. A chat that cannot be reached does not stop the
others; a Telegram outage (TemporaryError) fails the invocation so SNS retries it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import SNSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.chat_control import alert_text
from fks.errors import FksError, PermanentError, TemporaryError
from fks.observability import observed
from fks_adapters.telegram import wiring

logger = Logger()


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    chats = sorted(wiring.allowed_chats())
    try:
        api = wiring.bot_api(wiring.bot_secret())
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
