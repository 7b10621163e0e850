"""The one client for Telegram's Bot API (https://core.telegram.org/bots/api#making-requests):
``POST {base_url}/bot<token>/<method>`` with a JSON body, answered by ``{"ok": true, "result":
...}`` or ``{"ok": false, "error_code": ..., "description": ...}``. The base URL is configurable
so the tests (and a self-hosted Bot API server) point it elsewhere; the token is never logged.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlparse

from fks.errors import BadRequest, PermanentError, RateLimited, TemporaryError

DEFAULT_BASE_URL = "https://api.telegram.org"


class TelegramBotApi:
    def __init__(self, token: str, base_url: str | None = None, *, timeout_s: float = 5) -> None:
        base = (base_url or DEFAULT_BASE_URL).rstrip("/")
        if urlparse(base).scheme not in ("http", "https"):
            raise BadRequest(f"the Telegram Bot API URL must be http(s): {base!r}")
        if not token:
            raise PermanentError("the Telegram bot token is empty: put it in the bot's secret")
        self._base, self._token, self.timeout_s = base, token, timeout_s

    def send_message(self, chat_id: int, text: str) -> dict[str, Any]:
        """The sent Message. Plain text (no parse_mode): a reason with '_' or '*' cannot break it."""
        result: dict[str, Any] = self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return result

    def set_webhook(self, url: str, secret_token: str) -> bool:
        """Point Telegram at the webhook route; it then sends secret_token in every request's
        X-Telegram-Bot-Api-Secret-Token header."""
        return bool(self.call("setWebhook", {"url": url, "secret_token": secret_token, "allowed_updates": ["message"]}))

    def call(self, method: str, params: dict[str, Any]) -> Any:
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            f"{self._base}/bot{self._token}/{method}",
            data=json.dumps(params).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            answer = _error_body(error)
            _raise_for(method, error.code, answer)
        except (urllib.error.URLError, TimeoutError) as error:
            raise TemporaryError(f"Telegram {method} unreachable: {getattr(error, 'reason', error)}") from None
        if not isinstance(answer, dict) or answer.get("ok") is not True:
            _raise_for(method, int(answer.get("error_code", 500)) if isinstance(answer, dict) else 500, answer)
        return answer["result"]


def _error_body(error: urllib.error.HTTPError) -> dict[str, Any]:
    try:
        body = json.loads(error.read())
    except (json.JSONDecodeError, OSError):
        return {}
    return body if isinstance(body, dict) else {}


def _raise_for(method: str, code: int, answer: Any) -> None:
    description = str(answer.get("description", "")) if isinstance(answer, dict) else ""
    message = f"Telegram {method} answered {code}: {description}"
    if code == 429:
        # "parameters": {"retry_after": N} says how long Telegram wants us to wait.
        raise RateLimited(message, details={"retry_after": (answer.get("parameters") or {}).get("retry_after")})
    if code >= 500:
        raise TemporaryError(message)
    raise PermanentError(message)
