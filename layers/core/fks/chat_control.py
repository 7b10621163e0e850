"""Steering the platform from a chat (the Telegram bot): which commands exist, which API route
each stands for (so a chat needs exactly the scope the API would ask of a key), the allow-list
of chats, and how an alarm or notice reads as a chat message. Pure: no I/O."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from fks.auth.principal import Scope, parse_scopes
from fks.auth.route_scopes import required_scope

# Each command acts as the API route named here: its scope is that route's (fks.auth.route_scopes).
COMMAND_ROUTES: dict[str, tuple[str, str]] = {
    "status": ("GET", "/health"),
    "balance": ("GET", "/portfolio"),
    "positions": ("GET", "/positions"),
    "signals": ("GET", "/signals"),
    "halt": ("POST", "/risk/halt"),
    "resume": ("POST", "/risk/resume"),
    "approve": ("POST", "/signals/{id}/approve"),
    "reject": ("POST", "/signals/{id}/reject"),
}
NEEDS_ARGUMENT = {"approve", "reject"}
# "/approve@FksBot 123": Telegram appends the bot's name to a command picked in a group chat.
_COMMAND = re.compile(r"^/(?P<name>[a-z_]+)(?:@[A-Za-z0-9_]+)?(?:\s+(?P<argument>\S.*))?$", re.DOTALL)
_SIGNAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")  # as the API's /signals/{signal_id}
MAX_MESSAGE_CHARS = 4096  # sendMessage's limit on text, after entities parsing


@dataclass(frozen=True)
class ChatCommand:
    name: str
    argument: str | None = None

    @property
    def scope(self) -> Scope:
        method, resource = COMMAND_ROUTES[self.name]
        return required_scope(method, resource)


class CommandError(ValueError):
    """The text is not a command the bot knows, or lacks its argument: the reply says which."""


def help_text() -> str:
    names = " ".join(f"/{name} ID" if name in NEEDS_ARGUMENT else f"/{name}" for name in COMMAND_ROUTES)
    return f"Commands: {names}"


def parse_command(text: str) -> ChatCommand:
    match = _COMMAND.match(text.strip())
    if match is None or match["name"] not in COMMAND_ROUTES:
        raise CommandError(f"unknown command {text.strip()[:40]!r}. {help_text()}")
    name, argument = match["name"], (match["argument"] or "").strip() or None
    if name in NEEDS_ARGUMENT:
        if argument is None or not _SIGNAL_ID.match(argument):
            raise CommandError(f"/{name} needs a signal id: /{name} <signal_id>")
    elif argument is not None:
        raise CommandError(f"/{name} takes no argument")
    return ChatCommand(name, argument)


def parse_allowed_chats(text: str) -> dict[int, frozenset[Scope]]:
    """The allow-list: JSON object of chat id -> scopes, as an API key carries them
    (``{"123456": "admin", "-100200": "read"}``). Anything malformed is a ValueError naming it."""
    try:
        raw = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        raise ValueError(f"the Telegram chat allow-list is not JSON: {error.msg}") from None
    if not isinstance(raw, dict):
        raise ValueError("the Telegram chat allow-list must be a JSON object of chat id -> scopes")
    chats: dict[int, frozenset[Scope]] = {}
    for chat_id, scopes in raw.items():
        if not re.fullmatch(r"-?\d{1,20}", str(chat_id)):
            raise ValueError(f"Telegram chat id {chat_id!r} is not an integer")
        if not isinstance(scopes, (str, list)):
            raise ValueError(f"chat {chat_id}: scopes must be a string or a list")
        chats[int(chat_id)] = parse_scopes(scopes)
    return chats


def alert_text(subject: str | None, message: str) -> str:
    """An SNS message as a chat message: a CloudWatch alarm's JSON becomes its state, name and
    reason; any other notice is its subject and text."""
    try:
        alarm = json.loads(message)
    except json.JSONDecodeError:
        alarm = None
    if isinstance(alarm, dict) and "AlarmName" in alarm:
        state = alarm.get("NewStateValue", "?")
        text = f"[{state}] {alarm['AlarmName']}\n{alarm.get('NewStateReason', '')}".rstrip()
        if alarm.get("AlarmDescription"):
            text += f"\n{alarm['AlarmDescription']}"
        text += "\nRunbook: docs/runbook.md"
    else:
        text = f"{subject}\n{message}" if subject else message
    return text[:MAX_MESSAGE_CHARS]
