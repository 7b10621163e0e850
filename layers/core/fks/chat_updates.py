"""The part of Telegram's Update (https://core.telegram.org/bots/api#update) the bot reads: a
Message's text, its chat and its sender. Telegram adds fields to these objects over time, so
unknown fields are ignored here rather than refused: the contract is Telegram's, not ours."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _TelegramObject(BaseModel):
    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, defer_build=True)


class TelegramChat(_TelegramObject):
    id: int
    type: str


class TelegramUser(_TelegramObject):
    id: int
    is_bot: bool = False
    username: str | None = None


class TelegramMessage(_TelegramObject):
    message_id: int
    date: int
    chat: TelegramChat
    sender: TelegramUser | None = Field(default=None, alias="from")
    text: str | None = None


class TelegramUpdate(_TelegramObject):
    update_id: int
    message: TelegramMessage | None = None
