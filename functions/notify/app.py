"""Pipeline state: tell people how a signal ended (SNS, and a Slack/Discord webhook if configured)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import NoticeSettings, variable
from fks.observability import SIGNAL, observed
from fks.pipeline.task_inputs import NotifyInput, parse_task_input
from fks.pipeline.task_outputs import NotifyResult
from fks_adapters.pipeline.notices import Notifier, notifiers, outcome_notice
from fks_adapters.pipeline.signal_history import SignalHistory

logger = Logger()


class Settings(NoticeSettings):
    signals_table: str = variable(env.SIGNALS_TABLE)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _history() -> SignalHistory:
    return SignalHistory(SETTINGS.signals_table)


@cache
def _notifiers() -> list[Notifier]:
    return notifiers(SETTINGS.notify_topic_arn, SETTINGS.notify_webhook_url)


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = parse_task_input(NotifyInput, event, "Notify")
    signal_id = task.signal_id
    record = _history().get(signal_id) or {"status": task.status, "reason": task.reason}
    notice = outcome_notice(signal_id, record)
    sent: dict[str, str] = {}
    for notifier in _notifiers():
        # A TemporaryError is retried by the state; the outcome is already recorded either way.
        sent[type(notifier).__name__] = str(notifier.send(notice) or "sent")
    logger.info("signal outcome notified", extra={"channels": sorted(sent)})
    return NotifyResult(notified=sent, subject=notice.subject).state_result()
