"""What the pipeline tells people, and through which channels (the function's settings name them)."""

from __future__ import annotations

from typing import Any, Protocol

from fks_adapters.pipeline.notifier import Notice, SnsNotifier, WebhookNotifier


class Notifier(Protocol):
    def send(self, notice: Notice) -> object: ...


def notifiers(topic: str | None, webhook: str | None) -> list[Notifier]:
    """The SNS topic and the Slack/Discord webhook, each when the deployment has it."""
    channels: list[Notifier] = []
    if topic:
        channels.append(SnsNotifier(topic))
    if webhook:
        channels.append(WebhookNotifier(webhook))
    return channels


def _describe(signal: dict[str, Any]) -> str:
    parts = [signal.get("side"), signal.get("quantity"), signal.get("symbol")]
    text = " ".join(str(p) for p in parts if p)
    strategy = signal.get("strategy_id")
    return f"{text} from {strategy}" if strategy else text


def approval_needed(signal_id: str, signal: dict[str, Any], window_s: int) -> Notice:
    text = f"Signal {signal_id}: {_describe(signal)} waits for approval"
    if window_s:
        text += f" (expires in {window_s} s)"
    return Notice(
        subject=f"FKS: approve or reject {signal_id}",
        text=text + f". POST /signals/{signal_id}/approve or /reject.",
        attributes={"kind": "approval_needed", "signal_id": signal_id},
    )


def outcome_notice(signal_id: str, record: dict[str, Any]) -> Notice:
    status = str(record.get("status") or "unknown")
    stored = record.get("signal")
    signal: dict[str, Any] = stored if isinstance(stored, dict) else record
    text = f"Signal {signal_id} ({_describe(signal)}): {status}"
    if record.get("reason"):
        text += f" - {record['reason']}"
    report = record.get("report")
    if isinstance(report, dict) and report.get("filled_qty"):
        text += f"; filled {report['filled_qty']} at {report.get('avg_fill_price')}"
    return Notice(
        subject=f"FKS signal {status}: {signal_id}",
        text=text,
        attributes={"kind": "signal_outcome", "signal_id": signal_id, "status": status},
    )
