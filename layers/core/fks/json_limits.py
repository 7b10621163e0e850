"""JSON from outside (API bodies, WebSocket messages) read with limits, before any model sees it.

Python's ``json`` parser recurses once per nesting level, so a body of a few thousand ``[`` ends
in a ``RecursionError`` (a 5xx) before pydantic runs; it also reads ``NaN`` and ``Infinity``,
which are not JSON. The body's size and nesting are measured first with a flat scan (no
recursion, strings skipped), and only a body inside both limits is parsed. No request this API
takes comes near either limit: the largest (a strategy with its parameter grid) is a few KiB and
four levels deep.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fks.errors import BadRequest, PayloadTooLarge

MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 32
# A JSON string (escapes included) or one bracket: strings are skipped whole, brackets counted.
# (The string alternative is written "unrolled", which runs over long strings in one step each.)
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def check_size(raw: str | bytes) -> None:
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > MAX_BODY_BYTES:
        raise PayloadTooLarge(
            f"request body is {size} bytes; the limit is {MAX_BODY_BYTES} bytes",
            details={"limit_bytes": MAX_BODY_BYTES},
        )


def nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting in ``text``, counted without recursion."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        piece = match.group()
        if piece in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif piece in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise BadRequest(f"request body is not valid JSON: {name} is not a JSON number")


def read_json(raw: str) -> Any:
    """``raw`` parsed, or a 413 (too large) / 400 (too deep, not JSON) naming the limit it broke."""
    check_size(raw)
    # Too few brackets to nest past the limit (most bodies): no scan needed.
    depth = nesting_depth(raw) if raw.count("[") + raw.count("{") > MAX_DEPTH else 0
    if depth > MAX_DEPTH:
        raise BadRequest(
            f"request body is nested {depth} levels deep; the limit is {MAX_DEPTH}",
            details={"limit_depth": MAX_DEPTH},
        )
    return json.loads(raw, parse_constant=_refuse_constant)
