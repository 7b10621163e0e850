"""The Bot API contract the bot relies on (https://core.telegram.org/bots/api), run against the
fake on 127.0.0.1 always, and against Telegram itself when asked (-m live, with
FKS_TELEGRAM_LIVE_TOKEN and FKS_TELEGRAM_LIVE_CHAT: a bot token and a chat that bot is in). The
fake can thus not drift from what Telegram answers without this suite saying so."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from fks.chat_updates import TelegramMessage, TelegramUpdate
from fks.errors import PermanentError
from fks_adapters.telegram.bot_api import TelegramBotApi
from tests.telegram_fake import TelegramFake

FAKE_TOKEN = "123456:fake-token"
FAKE_CHAT = 777


@dataclass
class Endpoint:
    base_url: str | None  # None: api.telegram.org
    token: str
    chat_id: int


def _live() -> Endpoint:
    token, chat = os.environ.get("FKS_TELEGRAM_LIVE_TOKEN"), os.environ.get("FKS_TELEGRAM_LIVE_CHAT")
    if not token or not chat:
        pytest.skip("set FKS_TELEGRAM_LIVE_TOKEN and FKS_TELEGRAM_LIVE_CHAT to run the contract against Telegram")
    return Endpoint(None, token, int(chat))


@pytest.fixture(params=["fake", pytest.param("telegram", marks=pytest.mark.live)])
def endpoint(request: pytest.FixtureRequest) -> Iterator[Endpoint]:
    if request.param == "telegram":
        yield _live()
        return
    with TelegramFake(FAKE_TOKEN, {FAKE_CHAT: "private"}) as fake:
        yield Endpoint(fake.url, FAKE_TOKEN, FAKE_CHAT)


def test_send_message_answers_the_sent_message(endpoint: Endpoint) -> None:
    api = TelegramBotApi(endpoint.token, endpoint.base_url)

    result = api.send_message(endpoint.chat_id, "FKS contract test: [ALARM] a_b*c")

    message = TelegramMessage.model_validate(result)  # the documented Message, as the bot parses one
    assert message.chat.id == endpoint.chat_id
    assert message.text == "FKS contract test: [ALARM] a_b*c"  # plain text: no entity parsing
    assert message.message_id > 0
    assert message.date > 0


def test_send_message_to_a_chat_the_bot_is_not_in_is_a_permanent_error(endpoint: Endpoint) -> None:
    api = TelegramBotApi(endpoint.token, endpoint.base_url)

    with pytest.raises(PermanentError, match="400: Bad Request: chat not found"):
        api.send_message(1, "nobody")


def test_send_message_with_empty_text_is_a_permanent_error(endpoint: Endpoint) -> None:
    api = TelegramBotApi(endpoint.token, endpoint.base_url)

    with pytest.raises(PermanentError, match="400: Bad Request: message text is empty"):
        api.send_message(endpoint.chat_id, "")


def test_a_wrong_token_is_unauthorized(endpoint: Endpoint) -> None:
    api = TelegramBotApi("1:wrong", endpoint.base_url)

    with pytest.raises(PermanentError, match="401: Unauthorized"):
        api.send_message(endpoint.chat_id, "never sent")


def test_set_webhook_refuses_a_secret_token_outside_its_alphabet(endpoint: Endpoint) -> None:
    api = TelegramBotApi(endpoint.token, endpoint.base_url)

    with pytest.raises(PermanentError, match="400: Bad Request: secret token contains unallowed characters"):
        api.set_webhook("https://example.com/v1/telegram/webhook", "not allowed!")


def test_fake_webhook_update_is_the_documented_update() -> None:
    with TelegramFake(FAKE_TOKEN, {FAKE_CHAT: "group"}) as fake:
        update = TelegramUpdate.model_validate(fake.update(FAKE_CHAT, "/status"))

    assert update.message is not None
    assert update.message.chat.type == "group"
    assert update.message.text == "/status"
    assert update.message.sender is not None
    assert update.message.sender.username == "operator"
