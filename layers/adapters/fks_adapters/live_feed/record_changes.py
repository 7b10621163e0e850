"""A table's change-stream record as the live feed's ``update`` frames: which topic a table
feeds, and what of a changed item a dashboard may see."""

from __future__ import annotations

import json
from typing import Any

from fks.live_topics import update_frame
from fks_adapters.aws.lazy import dynamodb_deserializer


def image(raw: dict[str, Any] | None) -> dict[str, Any]:
    return {key: dynamodb_deserializer().deserialize(value) for key, value in (raw or {}).items()}


def table_of(event_source_arn: str) -> str:
    """``arn:aws:dynamodb:region:account:table/NAME/stream/LABEL`` -> ``NAME``."""
    resource = event_source_arn.split(":", 5)[-1]
    parts = resource.split("/")
    return parts[1] if len(parts) > 1 else ""


def _order_view(item: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An order as GET /orders lists it (its last report, else its command), and its fills."""
    source = item.get("report") or item.get("command") or "{}"
    try:
        report = json.loads(source) if isinstance(source, str) else {}
    except json.JSONDecodeError:
        report = {}
    fills = report.pop("fills", None) or []
    report.pop("duplicate", None)
    view = {**report, "client_order_id": item.get("client_order_id"), "account": item.get("account")}
    view.setdefault("status", item.get("status"))
    view.setdefault("created_ms", item.get("created_ms"))
    return view, list(fills) if isinstance(fills, list) else []


def order_frames(change: str, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's new state, and a ``fills`` frame per fill the change added."""
    view, fills = _order_view(new or old)
    frames = [update_frame("orders", change, view)]
    _, old_fills = _order_view(old) if old else ({}, [])
    known = {json.dumps(f, sort_keys=True, default=str) for f in old_fills}
    for fill in fills:
        if json.dumps(fill, sort_keys=True, default=str) not in known:
            record = {**fill, "client_order_id": view["client_order_id"], "account": view.get("account")}
            record.setdefault("symbol", view.get("symbol"))
            frames.append(update_frame("fills", "INSERT", record))
    return frames


def frames_for(topic: str, change: str, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    if topic == "orders":
        return order_frames(change, old, new)
    record = new or old
    if topic == "health":  # the risk-state table: an account's trading state as its health part
        record = {"part": f"trading:{record.get('account')}", **record}
    return [update_frame(topic, change, record)]
