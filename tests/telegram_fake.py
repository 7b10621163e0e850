"""A fake Telegram Bot API server on 127.0.0.1, for tests only (Telegram is unreachable here).

It answers the methods the bot calls as https://core.telegram.org/bots/api documents them:
``POST /bot<token>/<method>`` with a JSON body; ``{"ok": true, "result": ...}`` on success and
``{"ok": false, "error_code": N, "description": "..."}`` with the same HTTP status on failure
(401 for a wrong token, 400 "Bad Request: chat not found" for a chat the bot is not in, 400 for
an empty text or a secret_token outside ``[A-Za-z0-9_-]{1,256}``, 404 for an unknown method).
tests/unit/telegram/test_bot_api_contract.py holds it (and, with a real token, Telegram) to that.
It also plays Telegram's side of the webhook: ``deliver`` POSTs an Update to the URL setWebhook
registered, with the X-Telegram-Bot-Api-Secret-Token header setWebhook was given.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)$")


class TelegramFake:
    def __init__(self, token: str, chats: dict[int, str]) -> None:
        self.token = token
        self.chats = dict(chats)  # chat id -> type ("private", "group", ...): the chats the bot is in
        self.sent: list[dict[str, Any]] = []  # every Message sendMessage made, oldest first
        self.webhook: dict[str, Any] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> TelegramFake:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def messages_to(self, chat_id: int) -> list[str]:
        with self._lock:
            return [m["text"] for m in self.sent if m["chat"]["id"] == chat_id]

    def wait_for_message(self, chat_id: int, contains: str, timeout_s: float = 60) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [text for text in self.messages_to(chat_id) if contains in text]
            if found:
                return found[-1]
            time.sleep(0.2)
        raise AssertionError(f"no message containing {contains!r} reached chat {chat_id}: {self.messages_to(chat_id)}")

    def update(self, chat_id: int, text: str, user_id: int = 4242, username: str = "operator") -> dict[str, Any]:
        """An Update carrying a text Message, as Telegram sends one to a webhook."""
        chat_type = self.chats.get(chat_id, "private")
        return {
            "update_id": next(self._ids),
            "message": {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": chat_type},
                "from": {"id": user_id, "is_bot": False, "first_name": "Op", "username": username},
                "text": text,
                "entities": [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}],
            },
        }

    def deliver(self, chat_id: int, text: str, secret_token: str | None = None) -> requests.Response:
        """Telegram's side of the webhook: POST the Update to the registered URL."""
        headers = {"Content-Type": "application/json"}
        token = self.webhook.get("secret_token") if secret_token is None else secret_token
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        return requests.post(self.webhook["url"], json=self.update(chat_id, text), headers=headers, timeout=60)

    # ---------------------------------------------------------------- the Bot API side
    def answer(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if token != self.token:
            return _error(401, "Unauthorized")
        if method == "sendMessage":
            return self._send_message(params)
        if method == "setWebhook":
            return self._set_webhook(params)
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "FKS", "username": "fks_bot"}}
        return _error(404, "Not Found")

    def _send_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id, text = params.get("chat_id"), params.get("text")
        if chat_id is None:
            return _error(400, "Bad Request: chat_id is empty")
        if not isinstance(text, str) or not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return _error(400, "Bad Request: message is too long")
        try:
            chat_type = self.chats[int(chat_id)]
        except (KeyError, ValueError):
            return _error(400, "Bad Request: chat not found")
        message = {
            "message_id": next(self._ids),
            "from": {"id": 1, "is_bot": True, "first_name": "FKS", "username": "fks_bot"},
            "chat": {"id": int(chat_id), "type": chat_type},
            "date": int(time.time()),
            "text": text,
        }
        with self._lock:
            self.sent.append(message)
        return 200, {"ok": True, "result": message}

    def _set_webhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str):
            return _error(400, "Bad Request: url is empty")
        if secret is not None and not (isinstance(secret, str) and _SECRET_TOKEN.match(secret)):
            return _error(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret}
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                match = _PATH.match(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    params = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    status, body = _error(400, "Bad Request: can't parse JSON")
                else:
                    status, body = (
                        fake.answer(match["token"], match["method"], params) if match else _error(404, "Not Found")
                    )
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def _error(code: int, description: str) -> tuple[int, dict[str, Any]]:
    return code, {"ok": False, "error_code": code, "description": description}
