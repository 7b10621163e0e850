"""The chat webhook adapter against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from fks.errors import BadRequest, TemporaryError
from fks_adapters.pipeline.notifier import Notice, WebhookNotifier

NOTICE = Notice("FKS signal completed: s-1", "Signal s-1 (buy 0.1 BTC/USDT): completed", {"kind": "x"})


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 204

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"received": [], "status": 204})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_slack_style_webhook_gets_text(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver

    WebhookNotifier(url + "/services/T000/B000/XXX").send(NOTICE)

    assert handler.received == [{"text": "*FKS signal completed: s-1*\nSignal s-1 (buy 0.1 BTC/USDT): completed"}]


def test_discord_webhook_gets_content() -> None:
    assert WebhookNotifier("https://discord.com/api/webhooks/1/abc").field == "content"


def test_server_error_is_temporary_and_client_error_is_permanent(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    handler.status = 503
    with pytest.raises(TemporaryError):
        WebhookNotifier(url).send(NOTICE)
    handler.status = 404
    with pytest.raises(BadRequest, match="404"):
        WebhookNotifier(url).send(NOTICE)


def test_non_http_url_is_refused_naming_it() -> None:
    with pytest.raises(BadRequest, match="file:///etc/passwd"):
        WebhookNotifier("file:///etc/passwd")
