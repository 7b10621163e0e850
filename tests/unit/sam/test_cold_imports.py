"""What a cold import loads: the heavy libraries wait for the invocation that needs them.

Each case imports in a fresh interpreter (the test process has long imported everything) and
lists which of boto3 (or botocore's session or config), ccxt, the X-Ray SDK, PyJWT and the
dataframe libraries ended up in ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[3]
PATHS = [ROOT / "layers" / "core", ROOT / "layers" / "adapters", ROOT / "layers" / "strategies"]
sys.path.insert(0, str(ROOT / "infra" / "sam"))
from function_env import environment_of_folder  # noqa: E402

HEAVY = ("boto3", "botocore.session", "botocore.config", "ccxt", "aws_xray_sdk", "jwt", "pandas", "numpy", "pyarrow")
# API functions whose routes read candles, price or trade only on some calls: those calls import
# pandas, boto3 or ccxt; a cold start that serves another route does not.
LIGHT_API_FUNCTIONS = (
    "accounts",
    "assets",
    "authorizer",
    "execution",
    "market_data",
    "monitor",
    "ninja_reports",
    "openapi",
    "portfolio",
    "settings",
    "signals",
    "telegram_webhook",
    "web",
)
# API functions whose request models are checked against the strategy registry, whose strategies
# are NumPy code: NumPy at import, but the candles' pandas and pyarrow wait for a route that reads
# them (running a backtest, a search by market likeness), as the AWS SDK and ccxt do.
NUMPY_API_FUNCTIONS = ("ai", "backtests", "strategies")


def loaded_after(code: str, *, path: Path | None = None, env: dict[str, str] | None = None) -> list[str]:
    """The heavy modules loaded once ``code`` has run in a fresh interpreter."""
    paths = [str(p) for p in ([path] if path else []) + PATHS]
    report = f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    probe = f"import sys, json\nsys.path[:0] = {paths!r}\n{code}\n{report}"
    environment = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", **(env or {})}
    answer = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=environment, check=False)
    assert answer.returncode == 0, answer.stderr
    return list(json.loads(answer.stdout.strip().splitlines()[-1]))


def test_observability_exchanges_and_auth_import_nothing_heavy() -> None:
    code = "import fks.observability, fks.auth, fks_adapters.exchanges, fks_adapters.aws.api_key_store"
    assert loaded_after(code) == []


@pytest.mark.parametrize("function", LIGHT_API_FUNCTIONS)
def test_an_api_function_imports_no_aws_sdk_exchange_library_dataframe_or_tracer(function: str) -> None:
    # The function reads its settings on import: it gets the variables the template gives it.
    env = environment_of_folder(yaml_parse((ROOT / "template.yaml").read_text()), f"functions/{function}/")
    assert loaded_after("import app", path=ROOT / "functions" / function, env=env) == []


@pytest.mark.parametrize("function", NUMPY_API_FUNCTIONS)
def test_a_strategy_api_function_imports_numpy_but_no_dataframe_aws_sdk_or_exchange_library(function: str) -> None:
    env = environment_of_folder(yaml_parse((ROOT / "template.yaml").read_text()), f"functions/{function}/")
    assert loaded_after("import app", path=ROOT / "functions" / function, env=env) == ["numpy"]


def test_a_traced_handler_runs_without_the_xray_sdk_when_tracing_is_off() -> None:
    code = """
from aws_lambda_powertools import Logger
from fks.observability import observed, tracer

@tracer.capture_method
def double(x):
    return 2 * x

@observed(Logger())
def lambda_handler(event, context):
    return double(event["x"])

class Context:
    function_name, memory_limit_in_mb, invoked_function_arn, aws_request_id = "f", 128, "arn", "id"

assert lambda_handler({"x": 21}, Context()) == 42
"""
    assert loaded_after(code, env={"POWERTOOLS_TRACE_DISABLED": "true"}) == []


def test_with_tracing_on_the_tracer_is_built_at_the_first_invocation() -> None:
    code = """
from aws_lambda_powertools import Logger
from fks.observability import observed

@observed(Logger())
def lambda_handler(event, context):
    return "ok"

class Context:
    function_name, memory_limit_in_mb, invoked_function_arn, aws_request_id = "f", 128, "arn", "id"

assert "aws_xray_sdk" not in sys.modules
assert lambda_handler({}, Context()) == "ok"
"""
    env = {"POWERTOOLS_TRACE_DISABLED": "false", "POWERTOOLS_METRICS_NAMESPACE": "FKS"}
    assert "aws_xray_sdk" in loaded_after(code, env=env)


def test_a_traced_library_is_patched_when_first_imported_not_when_the_tracer_is_built() -> None:
    # Inside Lambda (LAMBDA_TASK_ROOT) the X-Ray SDK samples locally and needs no botocore itself.
    code = """
from aws_lambda_powertools import Logger
from fks.observability import observed

@observed(Logger())
def lambda_handler(event, context):
    if event["calls_aws"]:
        import botocore.client
    return "botocore.client" in sys.modules

class Context:
    function_name, memory_limit_in_mb, invoked_function_arn, aws_request_id = "f", 128, "arn", "id"

assert lambda_handler({"calls_aws": False}, Context()) is False, "a call that makes no AWS call imported botocore"
assert lambda_handler({"calls_aws": True}, Context()) is True
import botocore.client
assert getattr(botocore.client, "_xray_enabled", False), "botocore imported later is patched"
"""
    env = {
        "POWERTOOLS_TRACE_DISABLED": "false",
        "POWERTOOLS_METRICS_NAMESPACE": "FKS",
        "LAMBDA_TASK_ROOT": str(ROOT),
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    }
    assert "aws_xray_sdk" in loaded_after(code, env=env)
