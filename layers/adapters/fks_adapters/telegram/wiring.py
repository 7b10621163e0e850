"""The bot's configuration from the environment template.yaml sets, read once per container."""

from __future__ import annotations

from functools import cache

from fks import env
from fks.auth.principal import Scope
from fks.chat_control import parse_allowed_chats
from fks_adapters.telegram.bot_api import TelegramBotApi
from fks_adapters.telegram.secret import BotSecret, load_bot_secret


@cache
def allowed_chats() -> dict[int, frozenset[Scope]]:
    return parse_allowed_chats(env.get(env.TELEGRAM_CHATS) or "{}")


def bot_secret() -> BotSecret:
    # Not cached: a secret put after the deploy (or rotated) applies from the next message.
    return load_bot_secret(env.require(env.TELEGRAM_SECRET_ARN))


def bot_api(secret: BotSecret) -> TelegramBotApi:
    return TelegramBotApi(secret.bot_token, env.get(env.TELEGRAM_API_URL))
