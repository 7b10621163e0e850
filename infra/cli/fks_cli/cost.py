"""The monthly AWS bill of the stack for a reference load, with its arithmetic (``fks cost``).

What the template decides comes from it (``cost_stack``): memory, schedules, the pipeline's path,
alarms, dashboards, secrets, tracing, what the monitor checks, the authorizer's cache. What the
load decides is ``Load`` (issue 18's reference: 10 assets collected every minute, 5 strategies
evaluated every minute, 20 signals a day, 10,000 API calls a month, a year of 1m candles stored).
What neither says (how long an invocation runs, how many request units it uses) is in
``ASSUMED``, each figure named in the output as an assumption. Prices: ``cost_prices``.

Custom metrics are counted as the code publishes them (``fks.observability``,
``fks_adapters.aws.health_metrics``, the Rust function's EMF line); ``legacy_metrics=True`` counts
them as published before they were cut to what alarms and the dashboard read (every figure,
zeros included, one series per asset, a health series per monitored part).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fks_cli.cost_prices import DAYS_PER_MONTH, FREE, HOURS_PER_MONTH, PRICES, FreeTier, Prices
from fks_cli.cost_stack import StackShape


@dataclass(frozen=True)
class Load:
    assets: int = 10
    strategies: int = 5
    signals_per_day: float = 20
    api_calls: int = 10_000
    candle_years: float = 1.0


@dataclass(frozen=True)
class Assumed:
    """Figures a month is multiplied by that neither the template nor the load fixes."""

    collect_ms_per_asset: float = 250  # one kline request, a listing of the day and one write of a part
    generate_ms_per_strategy: float = 200  # a strategy's lookback read from S3 and evaluated
    scheduled_ms: float = 1500  # monitor, reconcile, gap scan, snapshot, order sync (each run)
    event_ms: float = 250  # a pipeline state, a queue or stream consumer, an API route
    rust_execute_ms: float = 150  # ExecuteOrderFunction (Rust) placing an order
    training_ms: float = 60_000  # the models' daily training
    init_s_light: float = 0.6  # a cold start's billed init without the pandas layer (benchmarks/cold_start.py)
    init_s_pandas: float = 2.0  # with numpy/pandas/pyarrow imported
    api_cold_share: float = 0.25  # API calls finding no warm instance
    authorizer_cache_hit_share: float = 0.8  # with a TTL, calls answered from API Gateway's cache
    log_kb_per_invocation: float = 1.2  # START/END/REPORT lines, powertools' JSON lines, the EMF line
    log_kb_per_api_call: float = 0.4  # the access log line
    log_compression: float = 0.15  # stored (compressed) over ingested
    stream_invocations_per_signal: float = 6  # record changes of a signal's path, to the live feed
    parquet_bytes_per_candle: float = 40
    # A day of folded parts (1,440 x 2.3 kB) and superseded folds (95 x 47 kB) per asset, as kB a minute
    day_file_versions_kb: float = 5.4


ASSUMED = Assumed()
# DynamoDB request units per invocation (eventually consistent reads of small items).
READ_UNITS = {"collect": 2, "generate_per_strategy": 2, "scheduled": 4, "signal": 30, "api_call": 3}
WRITE_UNITS = {"generate_per_strategy": 1, "scheduled": 0.5, "signal": 40, "api_call": 0.2}


@dataclass(frozen=True)
class Line:
    service: str
    item: str
    arithmetic: str
    usd: float


def _n(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Invocations:
    function: str
    count: float
    seconds: float
    memory_gb: float
    why: str


def invocations(stack: StackShape, load: Load, assumed: Assumed = ASSUMED) -> list[Invocations]:
    """Per function, the invocations of a month, their billed duration and memory."""
    f = stack.functions
    signals = load.signals_per_day * DAYS_PER_MONTH
    rows: list[Invocations] = []

    def add(name: str, count: float, ms: float, why: str) -> None:
        if name in f and count:
            rows.append(Invocations(name, count, ms / 1000, f[name].memory_gb, why))

    collect_runs = f["CollectOhlcvFunction"].runs_per_month if "CollectOhlcvFunction" in f else 0
    per_asset = assumed.collect_ms_per_asset * load.assets
    add("CollectOhlcvFunction", collect_runs, 300 + per_asset, f"schedule, {load.assets} assets each")
    # Run by its schedule and by each collection that stored new candles (both, every minute).
    generate_runs = f["GenerateSignalsFunction"].runs_per_month + collect_runs if "GenerateSignalsFunction" in f else 0
    add(
        "GenerateSignalsFunction",
        generate_runs,
        300 + assumed.generate_ms_per_strategy * load.strategies,
        f"schedule + after each collection, {load.strategies} strategies each",
    )
    for name, shape in f.items():
        if name in ("CollectOhlcvFunction", "GenerateSignalsFunction") or not shape.runs_per_month:
            continue
        ms = assumed.training_ms if name == "ModelsFunction" else assumed.scheduled_ms
        add(name, shape.runs_per_month, ms, "schedule")
    for name in stack.pipeline.task_functions:
        ms = assumed.rust_execute_ms if name == "ExecuteOrderFunction" else assumed.event_ms
        add(name, signals, ms, "a state of each signal's pipeline")
    for name, shape in f.items():
        if "SQS" in shape.triggers:
            add(name, signals, assumed.event_ms, "a signal's queue message")
        if "DynamoDB" in shape.triggers:
            add(name, signals * assumed.stream_invocations_per_signal, assumed.event_ms, "record changes of signals")
        if "SNS" in shape.triggers:
            add(name, signals, assumed.event_ms, "a signal notice")
    authorizer_share = 1.0 if not stack.authorizer_ttl_s else 1 - assumed.authorizer_cache_hit_share
    add("AuthorizerFunction", load.api_calls * authorizer_share, 100, "API calls the cache does not answer")
    api = [s for s in f.values() if "Api" in s.triggers]
    if api:
        memory = sum(s.memory_gb for s in api) / len(api)
        rows.append(Invocations("API routes", load.api_calls, assumed.event_ms / 1000, memory, "API calls"))
    return rows


def _cold_starts(stack: StackShape, rows: list[Invocations], assumed: Assumed) -> list[tuple[str, float, float, float]]:
    """(function, cold starts, init seconds, memory GB): a function run at least every 5 minutes
    keeps an instance (one new one an hour); a sparser one starts cold each time; API calls at
    ``api_cold_share``. Lambda bills the init of managed runtimes since August 2025."""
    starts = []
    for row in rows:
        shape = stack.functions.get(row.function)
        pandas = shape is not None and "AwsSdkPandas" in shape.layers
        init = assumed.init_s_pandas if pandas else assumed.init_s_light
        if row.function == "API routes":
            starts.append((row.function, row.count * assumed.api_cold_share, assumed.init_s_light, row.memory_gb))
        elif row.function == "ExecuteOrderFunction":
            continue  # a Rust binary on provided.al2023: its init is milliseconds
        else:
            every_min = HOURS_PER_MONTH * 60 / row.count
            cold = min(row.count, HOURS_PER_MONTH) if every_min <= 5 else row.count
            if row.function == "AuthorizerFunction":
                cold = row.count * assumed.api_cold_share
            starts.append((row.function, cold, init, row.memory_gb))
    return starts


def lambda_lines(stack: StackShape, load: Load, p: Prices, assumed: Assumed) -> list[Line]:
    rows = invocations(stack, load, assumed)
    lines = []
    total_requests = sum(r.count for r in rows)
    lines.append(
        Line(
            "Lambda",
            "requests",
            f"{_n(total_requests)} invocations x ${p.lambda_request * 1e6:.2f}/M",
            total_requests * p.lambda_request,
        )
    )
    for r in sorted(rows, key=lambda r: -r.count * r.seconds * r.memory_gb):
        gbs = r.count * r.seconds * r.memory_gb
        lines.append(
            Line(
                "Lambda",
                f"{r.function} ({r.why})",
                f"{_n(r.count)} x {r.seconds:g} s x {r.memory_gb:g} GB = {_n(gbs)} GB-s x ${p.lambda_gb_second:.10f}",
                gbs * p.lambda_gb_second,
            )
        )
    init_gbs = sum(cold * init * memory for _, cold, init, memory in _cold_starts(stack, rows, assumed))
    cold_total = sum(cold for _, cold, _, _ in _cold_starts(stack, rows, assumed))
    lines.append(
        Line(
            "Lambda",
            "cold-start init (billed)",
            f"{_n(cold_total)} cold starts x {assumed.init_s_light:g} s (light) or {assumed.init_s_pandas:g} s "
            f"(pandas layer) x memory = {_n(init_gbs)} GB-s",
            init_gbs * p.lambda_gb_second,
        )
    )
    return lines


def metric_hours(stack: StackShape, load: Load, *, legacy_metrics: bool = False) -> list[tuple[str, float, float]]:
    """(series, how many, hours a month each receives data). A series sent every hour costs a
    full metric-month; one sent only when a signal flows, only the hours one does."""
    per_day = load.signals_per_day
    signal_hours = HOURS_PER_MONTH * (1 - (1 - 1 / 24) ** per_day)  # hours with at least one signal
    full = float(HOURS_PER_MONTH)
    rust = [("ExecuteOrder Orders, Fills, ExecutionLatencyMs (per State and in total)", 6, signal_hours)]
    if not legacy_metrics:
        return [
            ("CandlesCollected (collection, every minute)", 1, full),
            ("PortfolioEquity (snapshot, every 15 minutes)", 1, full),
            ("UnhealthyParts (monitor, every 5 minutes; its alarm needs it)", 1, full),
            ("SignalsGenerated, SignalsCompleted (hours with a signal)", 2, signal_hours),
            *rust,
        ]
    parts = {**stack.monitored, "data": load.assets, "trading": 1}
    parts_with_figure = stack.monitored["dlq"] + stack.monitored["state_machine"] + load.assets
    return [
        ("collection: 6 figures per asset + CollectionFailures", 6 * load.assets + 1, full),
        ("order sync: 5 figures, in SyncOrders and Reconcile", 10, full),
        ("ReconciliationMismatches, SignalsGenerated, CandlesMissing, PortfolioEquity", 4, full),
        (f"monitor: Healthy per part ({sum(parts.values())} parts)", sum(parts.values()), full),
        ("monitor: PartFigure per part with a figure", parts_with_figure, full),
        ("monitor: UnhealthyPartsByKind per kind + UnhealthyParts", len(parts) + 1, full),
        ("pipeline: PipelinesStarted .. SignalsCompleted (hours with a signal)", 6, signal_hours),
        *rust,
    ]


def lines(
    stack: StackShape,
    load: Load = Load(),
    *,
    prices: Prices = PRICES,
    assumed: Assumed = ASSUMED,
    legacy_metrics: bool = False,
) -> list[Line]:
    p, signals = prices, load.signals_per_day * DAYS_PER_MONTH
    out = lambda_lines(stack, load, p, assumed)
    rows = invocations(stack, load, assumed)
    invoked = sum(r.count for r in rows)

    out.append(
        Line(
            "API Gateway",
            "REST requests",
            f"{_n(load.api_calls)} x ${p.api_rest_request * 1e6:.2f}/M",
            load.api_calls * p.api_rest_request,
        )
    )
    transitions = signals * stack.pipeline.transitions
    out.append(
        Line(
            "Step Functions",
            "signal pipeline (Standard)",
            f"{_n(signals)} signals x {stack.pipeline.transitions} transitions = {_n(transitions)} x "
            f"${p.sfn_transition * 1000:.3f}/1000",
            transitions * p.sfn_transition,
        )
    )

    collect = next((r for r in rows if r.function == "CollectOhlcvFunction"), None)
    generate = next((r for r in rows if r.function == "GenerateSignalsFunction"), None)
    scheduled = sum(r.count for r in rows if r.why == "schedule")
    reads = (
        (collect.count if collect else 0) * READ_UNITS["collect"]
        + (generate.count if generate else 0) * READ_UNITS["generate_per_strategy"] * load.strategies
        + scheduled * READ_UNITS["scheduled"]
        + signals * READ_UNITS["signal"]
        + load.api_calls * READ_UNITS["api_call"]
    )
    writes = (
        (generate.count if generate else 0) * WRITE_UNITS["generate_per_strategy"] * load.strategies
        + scheduled * WRITE_UNITS["scheduled"]
        + signals * WRITE_UNITS["signal"]
        + load.api_calls * WRITE_UNITS["api_call"]
    )
    out.append(
        Line(
            "DynamoDB",
            "reads (on-demand, assumed units per run)",
            f"{_n(reads)} RRU x ${p.dynamodb_read_unit * 1e6:.3f}/M",
            reads * p.dynamodb_read_unit,
        )
    )
    out.append(
        Line(
            "DynamoDB",
            "writes (on-demand, assumed units per run)",
            f"{_n(writes)} WRU x ${p.dynamodb_write_unit * 1e6:.3f}/M",
            writes * p.dynamodb_write_unit,
        )
    )

    collect_runs = collect.count if collect else 0
    compact = next((r for r in rows if r.function == "CompactCandlesFunction"), None)
    compact_runs = compact.count if compact else 0
    # Collection: one LIST of today (the newest candle from the part names) and one PUT of its
    # part per asset; compaction: a LIST and a PUT of the folded day per asset. LIST is priced as PUT.
    puts = 2 * (collect_runs + compact_runs) * load.assets
    # Parts never change, so warm readers fetch only new ones: per asset, each part once per reader
    # (collection's none), and a fold's inputs once per compaction.
    parts_per_fold = collect_runs / compact_runs if compact_runs else 0
    gets = (generate.count if generate else 0) * load.strategies + compact_runs * load.assets * (1 + parts_per_fold)
    candles_gb = load.assets * load.candle_years * 525_600 * assumed.parquet_bytes_per_candle / 1e9
    versions_gb = load.assets * 1440 * assumed.day_file_versions_kb / 1e6
    out.append(
        Line(
            "S3",
            "PUT + LIST: each asset's new candles as a part every minute, folded every 15 minutes",
            f"{_n(puts)} x ${p.s3_put * 1000:.4f}/1000",
            puts * p.s3_put,
        )
    )
    out.append(
        Line(
            "S3",
            "GET: each new part once per strategy evaluation, the compaction's inputs",
            f"{_n(gets)} x ${p.s3_get * 1000:.4f}/1000",
            gets * p.s3_get,
        )
    )
    out.append(
        Line(
            "S3",
            "storage: 1m candles + a day of noncurrent versions",
            f"({candles_gb:.2f} + {versions_gb:.2f}) GB x ${p.s3_gb_month}",
            (candles_gb + versions_gb) * p.s3_gb_month,
        )
    )

    series = metric_hours(stack, load, legacy_metrics=legacy_metrics)
    count = sum(n for _, n, _ in series)
    metric_months = sum(n * hours for _, n, hours in series) / HOURS_PER_MONTH
    detail = "; ".join(f"{n} x {hours:.0f} h {what}" for what, n, hours in series)
    out.append(
        Line(
            "CloudWatch",
            f"custom metrics: {count} series = {metric_months:.1f} metric-months",
            f"{metric_months:.1f} x ${p.metric_month:.2f} [{detail}]",
            metric_months * p.metric_month,
        )
    )
    out.append(
        Line(
            "CloudWatch",
            f"alarms: {stack.alarm_metrics} alarm metrics",
            f"{stack.alarm_metrics} x ${p.alarm_metric_month:.2f}",
            stack.alarm_metrics * p.alarm_metric_month,
        )
    )
    out.append(
        Line(
            "CloudWatch",
            f"dashboards: {stack.dashboards}",
            f"{stack.dashboards} x ${p.dashboard_month:.2f}",
            stack.dashboards * p.dashboard_month,
        )
    )
    log_gb = (invoked * assumed.log_kb_per_invocation + load.api_calls * assumed.log_kb_per_api_call) / 1e6
    out.append(
        Line("CloudWatch", "logs ingested", f"{log_gb:.2f} GB x ${p.log_ingest_gb:.2f}", log_gb * p.log_ingest_gb)
    )
    stored = log_gb * assumed.log_compression
    out.append(
        Line(
            "CloudWatch",
            "logs stored (a month's, compressed)",
            f"{stored:.3f} GB x ${p.log_store_gb_month:.2f}",
            stored * p.log_store_gb_month,
        )
    )

    if stack.tracing:
        traces = invoked - sum(r.count for r in rows if r.function == "AuthorizerFunction")
        out.append(
            Line(
                "X-Ray",
                "traces recorded (Tracing: Active, all sampled at these rates)",
                f"{_n(traces)} x ${p.xray_trace * 1e6:.2f}/M",
                traces * p.xray_trace,
            )
        )
    out.append(
        Line(
            "Secrets Manager",
            f"{stack.secrets} secrets",
            f"{stack.secrets} x ${p.secret_month:.2f}",
            stack.secrets * p.secret_month,
        )
    )
    cold = sum(c for _, c, _, _ in _cold_starts(stack, rows, assumed))
    out.append(
        Line(
            "Secrets Manager",
            "reads (one per cold start, at most)",
            f"{_n(cold)} x ${p.secret_api_call * 1e4:.2f}/10k",
            cold * p.secret_api_call,
        )
    )
    # Lambda's SQS pollers long-poll (20 s) even when the queue is empty: 5 pollers per source.
    polls = stack.sqs_event_sources * 5 * 3 * HOURS_PER_MONTH * 60
    out.append(
        Line(
            "SQS",
            f"Lambda's idle long polls of {stack.sqs_event_sources} queue(s) + messages",
            f"({_n(polls)} + {_n(signals)}) x ${p.sqs_request * 1e6:.2f}/M",
            (polls + signals) * p.sqs_request,
        )
    )
    return out


def free_tier_lines(
    items: Iterable[Line],
    stack: StackShape,
    load: Load,
    free: FreeTier = FREE,
    prices: Prices = PRICES,
    assumed: Assumed = ASSUMED,
) -> list[Line]:
    """What the always-free tiers take off the list price."""
    items = list(items)
    by_service: dict[str, float] = {}
    for line in items:
        by_service[line.service] = by_service.get(line.service, 0) + line.usd
    p = prices
    rows = invocations(stack, load, assumed)
    requests = sum(r.count for r in rows)
    gbs = sum(line.usd for line in items if line.service == "Lambda" and "GB-s" in line.arithmetic) / p.lambda_gb_second
    out = [
        Line(
            "Lambda",
            "free tier",
            f"-min({_n(requests)}, 1M) requests, -min({_n(gbs)}, 400,000) GB-s",
            -min(requests, free.lambda_requests) * p.lambda_request
            - min(gbs, free.lambda_gb_seconds) * p.lambda_gb_second,
        ),
    ]
    metric_line = next(line for line in items if line.item.startswith("custom metrics"))
    out.append(
        Line(
            "CloudWatch",
            "free tier: 10 metrics, 10 alarm metrics, 3 dashboards, 5 GB of logs",
            "",
            -min(metric_line.usd, free.metrics * p.metric_month)
            - min(stack.alarm_metrics, free.alarm_metrics) * p.alarm_metric_month
            - min(stack.dashboards, free.dashboards) * p.dashboard_month
            - min(sum(line.usd for line in items if line.item.startswith("logs")), free.log_gb * p.log_ingest_gb),
        )
    )
    if "X-Ray" in by_service:
        out.append(
            Line("X-Ray", "free tier: 100,000 traces", "", -min(by_service["X-Ray"], free.xray_traces * p.xray_trace))
        )
    out.append(
        Line(
            "Step Functions",
            "free tier: 4,000 transitions",
            "",
            -min(by_service.get("Step Functions", 0), free.sfn_transitions * p.sfn_transition),
        )
    )
    out.append(
        Line("SQS", "free tier: 1M requests", "", -min(by_service.get("SQS", 0), free.sqs_requests * p.sqs_request))
    )
    return out
