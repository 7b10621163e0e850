"""On its schedule, for the trading account and then each enabled account of the accounts table
(on its venue): sync the orders, then compare the engine's positions with
the exchange's balances (read-only key) — in paper trading with the portfolio's books, no key
needed — and with the NinjaTrader bridge's reports. A mismatch halts that account (the engine's
HALTED state, reason ``reconciliation_mismatch``: nothing trades until someone looks and resumes
it), raises the alarm's metric and tells people; a trade the platform never placed, found by the
sync, halts it with the reason ``foreign_fill``. ``{"rebaseline": true}`` adopts the venue's
current holdings after such a review, for the deployment's account, or with ``"rebaseline_account"`` for any
live or testnet account of the accounts table (read with its read-only key); the others are
checked as on any run."""

from __future__ import annotations

import time
from decimal import Decimal
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.accounts import DEFAULT_ACCOUNT, ENGINE_VENUE, Account
from fks.errors import BadRequest, FksError
from fks.function_settings import OrderSyncSettings, variable
from fks.invocations import ReconcileRun, parse_event
from fks.observability import metrics, observed
from fks.pipeline.reconciliation import Mismatch
from fks_adapters.exchanges import make_exchange
from fks_adapters.exchanges.clients import keyed_client
from fks_adapters.ninja.reads import NinjaReads
from fks_adapters.pipeline.notifier import Notice
from fks_app.order_sync import OrderSyncParts, report_outcome
from fks_app.reconciliation import PaperReconciler, SpotCheck, SpotReconciler, ninjatrader_mismatches

logger = Logger()
EXCHANGE = ENGINE_VENUE
MISMATCH = "reconciliation_mismatch"  # the halt reason a disagreement stores


class Settings(OrderSyncSettings):
    ninja_positions_table: str = variable(env.NINJA_POSITIONS_TABLE)
    trading_mode: str = variable(env.TRADING_MODE, default="live")
    # The deployment account's read-only exchange key (balances, never orders); live mode only.
    reconcile_secret_arn: str | None = variable(env.RECONCILE_SECRET_ARN, default=None)
    exchange_base_url: str | None = variable(env.EXCHANGE_BASE_URL, default=None)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
PARTS = OrderSyncParts(SETTINGS)  # the sync's adapters, built on first use, kept for the container


@cache
def _ninja_reads() -> NinjaReads:
    return NinjaReads("", SETTINGS.ninja_positions_table)  # the positions only


def _spot_check(account: str, *, rebaseline: bool, tolerance: Decimal) -> SpotCheck:
    tables, portfolio, sync = PARTS.tables, PARTS.portfolio, PARTS.order_sync()
    if SETTINGS.trading_mode == "paper":
        return PaperReconciler(tables, portfolio, sync, EXCHANGE).run(account)
    if SETTINGS.reconcile_secret_arn is None:
        raise RuntimeError(f"{env.RECONCILE_SECRET_ARN} is not set")  # a deployment error (live mode needs it)
    key: Any = parameters.get_secret(SETTINGS.reconcile_secret_arn, transform="json", max_age=300)
    exchange = make_exchange(
        EXCHANGE, base_url=SETTINGS.exchange_base_url, api_key=key["api_key"], secret=key["api_secret"]
    )
    return SpotReconciler(tables, portfolio, sync, exchange, EXCHANGE).run(
        account, rebaseline=rebaseline, tolerance=tolerance
    )


def _account_check(account: Account, *, tolerance: Decimal, rebaseline: bool = False) -> SpotCheck:
    """An accounts-table account on its own venue: paper against its books; testnet and live
    against the venue's balances read with its read-only key (none: synced, not compared), or
    adopting them (``rebaseline``)."""
    tables, portfolio = PARTS.tables, PARTS.portfolio
    sync = PARTS.order_sync().on_venue(account.venue)
    if account.mode == "paper":
        return PaperReconciler(tables, portfolio, sync, account.venue).run(account.account)
    if account.readonly_secret_id is None:
        outcome = sync.run(account.account)
        return SpotCheck([outcome], skipped="no read-only key: give the account a readonly_secret_id")
    key: Any = parameters.get_secret(account.readonly_secret_id, transform="json", max_age=300)
    exchange = keyed_client(account.venue, account.account, account.mode, key, account.base_url)
    return SpotReconciler(tables, portfolio, sync, exchange, account.venue).run(
        account.account, rebaseline=rebaseline, tolerance=tolerance
    )


def _rebaselined(run: ReconcileRun, default: str) -> str | None:
    """The account whose holdings this run adopts, if any; a paper account, one without a
    read-only key or a disabled one has none to adopt (BadRequest naming why)."""
    if not run.rebaseline:
        return None
    account = PARTS.routing.viewed_account(run.rebaseline_account or DEFAULT_ACCOUNT)[0]
    store = PARTS.routing.store
    configured = store.get(account) if store is not None and account != default else None
    if configured is not None:
        if configured.mode == "paper":
            raise BadRequest(f"{account} is a paper account: its books are the record, nothing to adopt")
        if configured.readonly_secret_id is None:
            raise BadRequest(f"{account} has no read-only key to read its venue's holdings: set readonly_secret_id")
        if not configured.enabled:
            raise BadRequest(f"{account} is disabled: enable it before rebaselining it")
    return account


def _other_accounts(
    default: str, tolerance: Decimal, rebaselined: str | None = None
) -> tuple[list[SpotCheck], list[dict[str, Any]]]:
    """Every other enabled account of the accounts table, one failing not stopping the rest."""
    store = PARTS.routing.store
    checks: list[SpotCheck] = []
    reports: list[dict[str, Any]] = []
    for account in store.list_accounts() if store is not None else []:
        if account.account == default or not account.enabled:
            continue
        try:
            check = _account_check(account, tolerance=tolerance, rebaseline=account.account == rebaselined)
        except Exception as error:  # one account failing (its venue, its key) must not stop the others
            logger.exception("reconciliation failed", extra={"account": account.account, "venue": account.venue})
            message = error.message if isinstance(error, FksError) else str(error)
            reports.append({"account": account.account, "failed": f"{type(error).__name__}: {message}"})
            continue
        checks.append(check)
        reports.append({"account": account.account, "mismatches": len(check.mismatches), "skipped": check.skipped})
    return checks, reports


def _halt(mismatches: list[Mismatch]) -> list[str]:
    tables = PARTS.tables
    halted = sorted({m.account for m in mismatches})
    for account in halted:
        tables.set_trading_state(account, "halted", reason=MISMATCH)
    text = "; ".join(m.describe() for m in mismatches)
    logger.error("positions disagree: accounts halted", extra={"accounts": halted, "mismatches": text})
    for notifier in PARTS.notifiers:
        try:
            notifier.send(Notice(f"FKS reconciliation halted {', '.join(halted)}", text, {"kind": "reconciliation"}))
        except Exception:  # the halt stands whether or not the message got out
            logger.exception("reconciliation notice not sent")
    return halted


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    account = SETTINGS.trading_account
    run = parse_event(ReconcileRun, event, "Reconcile")
    rebaselined = _rebaselined(run, account)
    spot = _spot_check(account, rebaseline=rebaselined == account, tolerance=run.tolerance)
    # The accounts table's other accounts, the one named rebaselined.
    others, other_reports = _other_accounts(account, run.tolerance, rebaselined)
    for check in [spot, *others]:
        for outcome in check.syncs:
            report_outcome(outcome, logger, PARTS.notifiers)
        if check.skipped:
            logger.warning("spot positions not compared", extra={"why": check.skipped})
    mismatches = [m for check in (spot, *others) for m in check.mismatches] + ninjatrader_mismatches(_ninja_reads())
    metrics.add_metric(name="ReconciliationMismatches", unit=MetricUnit.Count, value=len(mismatches))
    halted = set(_halt(mismatches) if mismatches else [])
    halted |= {outcome.account for check in (spot, *others) for outcome in check.syncs if outcome.foreign_fills}
    if not mismatches:
        logger.info("positions agree", extra={"account": account})
    return {
        "checked_at_ms": int(time.time() * 1000),
        "mismatches": [m.as_dict() for m in mismatches],
        "foreign_fills": [f.model_dump(mode="json") for outcome in spot.syncs for f in outcome.foreign_fills],
        "halted": sorted(halted),
        "skipped": spot.skipped,
        "accounts": other_reports,
        "rebaselined": rebaselined,
    }
