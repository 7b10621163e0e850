"""Cold imports of every built Python function: the handler module imported in a fresh Python 3.12
with only the function's folder, its layers and the runtime's boto3, as a Lambda cold start does
it after the runtime itself is up. Prints per function the median import time over ``--runs``
fresh processes, the unzipped size (code + layers) and whether an API function is under the
150 ms target of issue 18; asserts nothing.

Run after ``make sam-build sam-imports`` (which installs the runtime's boto3 and the AWS SDK for
pandas stand-in into .venv-sam):

    .venv/bin/python benchmarks/cold_start.py [--runs 5] [--api-only] [--baseline OTHER_BUILD_DIR]
    .venv/bin/python benchmarks/cold_start.py --floor-parts [--runs 11]

``--baseline`` times each function in another build folder too (an older commit's layers and
functions), alternating the two import by import so that both see the same load, and prints
both medians side by side: a before/after that a busy machine does not skew.

The figures are the import alone (Lambda's own init before it, about 85 ms for Python 3.12 by
published measurements, comes on top) on this machine, which is usually busier than Lambda's;
the ``x boto3`` column divides by ``import boto3`` measured in the same run, which a busy machine
slows as much, so it compares runs made under different loads. Each import runs with every
environment variable the template gives the function (Globals and its own), as Lambda sets them
before init: the literals (some change what an import does: ``PYDANTIC_DISABLE_PLUGINS``), a
parameter's default, and a stand-in name for a table or bucket (a function reads its settings
when imported and refuses to start without them).

Two yardsticks head the table: ``import boto3`` alone, and the floor every validated API function
pays before any FKS code, Powertools' REST resolver with its OpenAPI validation and pydantic
(``aws_lambda_powertools.event_handler.openapi.params``, from the deps layer). ``--floor-parts``
prints that floor taken apart instead: its pieces imported one after another in one process, each
with the median of what it adds to the ones before it.

An import is only half a cold start: what a handler leaves for its first call (boto3, a route's
modules, pydantic models built on first use) is paid by the first request. The ``import+1st``
column times the import and then one request in the same process: the function's first GET
sample of ``events/`` (its ``List...`` or ``Get...`` route; the authorizer's own sample), with
every AWS call refused at once (``AWS_ENDPOINT_URL`` on a closed local port, one attempt), so the
figure holds everything the request imports and builds but no network time; ``answer`` says how
the request ended (a status, or the exception), since a refused AWS call ends most of them early.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra" / "sam"))

from imports import PROBE, function_paths  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402
from sizes import PANDAS_LAYER_MIB, function_sizes  # noqa: E402

API_TARGET_MS = 150
EVENTS = ROOT / "events"
# The first request's AWS calls go here and are refused at once: no network time in the figure.
REFUSING_ENDPOINT = "http://127.0.0.1:9"
FIRST_REQUEST_PROBE = """
import json, sys, time
sys.path[:0] = {paths!r}
started = time.perf_counter()
import {module} as function
imported = time.perf_counter()
event = json.loads(open({event!r}).read())


class Context:
    function_name = "bench"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self):
        return 30000


try:
    answer = function.{handler}(event, Context())
    outcome = str(answer.get("statusCode", "ok")) if isinstance(answer, dict) else "ok"
except Exception as exc:
    outcome = type(exc).__name__
done = time.perf_counter()
print("BENCH", json.dumps([(imported - started) * 1000, (done - started) * 1000, outcome]))
"""
POWERTOOLS_FLOOR_MODULE = "aws_lambda_powertools.event_handler.openapi.params"
# The floor's pieces in the order a validated route function meets them; each line adds what the
# ones before it have not imported yet.
FLOOR_PARTS = (
    ("pydantic (the package)", "import pydantic"),
    ("pydantic BaseModel, Field, TypeAdapter", "from pydantic import BaseModel, Field, TypeAdapter"),
    ("powertools Logger", "from aws_lambda_powertools import Logger"),
    ("asyncio (event_handler's AppSync)", "import asyncio"),
    ("event_handler package (resolvers)", "from aws_lambda_powertools.event_handler import APIGatewayRestResolver"),
    ("openapi params (Body, Path, Query)", "import aws_lambda_powertools.event_handler.openapi.params"),
    ("openapi validation middleware", "import aws_lambda_powertools.event_handler.middlewares.openapi_validation"),
)
FLOOR_PARTS_PROBE = """
import sys, time
sys.path[:0] = {paths!r}
marks = [time.perf_counter()]
{imports}
print(" ".join(f"{{(b - a) * 1000:.2f}}" for a, b in zip(marks, marks[1:])))
"""


def api_functions(build_dir: Path) -> set[str]:
    """Functions behind the REST API: an Api event, or the authorizer every call passes first."""
    resources = yaml_parse((build_dir / "template.yaml").read_text())["Resources"]
    found = {"AuthorizerFunction"}
    for name, resource in resources.items():
        events = (resource.get("Properties") or {}).get("Events") or {}
        if any(event.get("Type") == "Api" for event in events.values()):
            found.add(name)
    return found


def _literals(variables: dict[str, object]) -> dict[str, str]:
    return {k: str(v) for k, v in variables.items() if isinstance(v, str | int | float | bool)}


def request_environments(build_dir: Path) -> dict[str, dict[str, str]]:
    """Per function, every variable the template gives it: the literals, a parameter's default for
    a !Ref to a parameter, and a stand-in name for any other !Ref, !GetAtt or !Sub (a table, a
    bucket), so a first request gets as far as its AWS call."""
    template = yaml_parse((build_dir / "template.yaml").read_text())
    defaults = {k: str(v.get("Default", "")) for k, v in (template.get("Parameters") or {}).items()}
    variables = (((template.get("Globals") or {}).get("Function") or {}).get("Environment") or {}).get("Variables")
    common = _with_stand_ins(variables or {}, defaults)
    found = {}
    for name, resource in template["Resources"].items():
        if resource.get("Type") == "AWS::Serverless::Function":
            own = ((resource.get("Properties") or {}).get("Environment") or {}).get("Variables") or {}
            found[name] = {**common, **_with_stand_ins(own, defaults)}
    return found


def _with_stand_ins(variables: dict[str, object], defaults: dict[str, str]) -> dict[str, str]:
    found = {}
    for key, value in variables.items():
        if isinstance(value, str | int | float | bool):
            found[key] = str(value)
        elif isinstance(value, dict) and value.get("Ref") in defaults:
            found[key] = defaults[value["Ref"]]
        else:
            found[key] = f"bench-{key.lower().replace('_', '-')}"
    return found


def cold_import_ms(
    python: str, module: str, paths: list[Path], runs: int, environment: dict[str, str] | None = None
) -> float | None:
    probe = PROBE.format(paths=[str(p.resolve()) for p in paths], module=module)
    # What Lambda's process has: the function's variables, not this shell's.
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **(environment or {})}
    times: list[float] = []
    for _ in range(runs):
        answer = subprocess.run([python, "-I", "-c", probe], capture_output=True, text=True, check=False, env=env)
        if answer.returncode != 0:
            return None
        times.append(float(answer.stdout.strip()))
    return statistics.median(times)


def function_handlers(build_dir: Path) -> dict[str, str]:
    """Per function, the handler's function name (``lambda_handler`` of ``app.lambda_handler``)."""
    template = yaml_parse((build_dir / "template.yaml").read_text())
    default = str(((template.get("Globals") or {}).get("Function") or {}).get("Handler", ""))
    return {
        name: str((r.get("Properties") or {}).get("Handler") or default).rsplit(".", 1)[-1]
        for name, r in template["Resources"].items()
        if r.get("Type") == "AWS::Serverless::Function"
    }


def first_request_event(name: str) -> Path | None:
    """The sample a first request sends: the function's first listing, else its first read, else
    its first GET, else its only sample (the authorizer's)."""
    samples = sorted(EVENTS.glob(f"{name}.*.json"))
    gets = [p for p in samples if '"httpMethod": "GET"' in p.read_text()]
    for prefix in (".List", ".Get", "."):
        chosen = [p for p in gets if p.name.startswith(name + prefix)]
        if chosen:
            return chosen[0]
    plain = EVENTS / f"{name}.json"
    return plain if plain.exists() else None


def first_request_ms(
    python: str, module: str, handler: str, event: Path, paths: list[Path], runs: int, environment: dict[str, str]
) -> tuple[float, str] | None:
    """Median of import + one request in a fresh process, and how the last request ended."""
    probe = FIRST_REQUEST_PROBE.format(
        paths=[str(p.resolve()) for p in paths], module=module, handler=handler, event=str(event)
    )
    # What Lambda's runtime sets (the X-Ray SDK, for one, samples differently inside Lambda), with
    # an invocation's trace header as active tracing hands it.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "LAMBDA_TASK_ROOT": str(paths[0].resolve()),
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
        **environment,
        "AWS_ENDPOINT_URL": REFUSING_ENDPOINT,
    }
    times: list[float] = []
    outcome = ""
    for _ in range(runs):
        answer = subprocess.run([python, "-I", "-c", probe], capture_output=True, text=True, check=False, env=env)
        marked = [line for line in answer.stdout.splitlines() if line.startswith("BENCH ")]
        if answer.returncode != 0 or not marked:
            return None
        _, total, outcome = json.loads(marked[-1].removeprefix("BENCH "))
        times.append(float(total))
    return statistics.median(times), outcome


def interleaved_first_requests(
    python: str, handler: str, event: Path, specs: list[tuple[str, list[Path], dict[str, str]]], runs: int
) -> list[tuple[float, str] | None]:
    """Median import + first request of each build's spec, the builds timed in turn run after run
    (as ``interleaved_ms``), so that a load changing during the run weighs on both alike."""
    times: list[list[float]] = [[] for _ in specs]
    outcomes = ["" for _ in specs]
    failed = [False for _ in specs]
    for _ in range(runs):
        for index, (module, paths, environment) in enumerate(specs):
            if failed[index]:
                continue
            measured = first_request_ms(python, module, handler, event, paths, 1, environment)
            if measured is None:
                failed[index] = True
            else:
                times[index].append(measured[0])
                outcomes[index] = measured[1]
    return [None if failed[i] else (statistics.median(times[i]), outcomes[i]) for i in range(len(specs))]


def python312() -> str:
    """The python3.12 `make sam-build` uses (infra/sam/python312.sh: PATH, pyenv, uv)."""
    finder = ROOT / "infra" / "sam" / "python312.sh"
    found = subprocess.run([str(finder), str(ROOT / ".venv-sam")], capture_output=True, text=True, check=False)
    folder = found.stdout.strip()
    return str(Path(folder) / "python3.12") if found.returncode == 0 and folder else "python3.12"


def interleaved_ms(python: str, specs: list[tuple[str, list[Path], dict[str, str]]], runs: int) -> list[float | None]:
    """Median cold import of each (module, paths, environment), the specs timed in turn run after run."""
    times: list[list[float]] = [[] for _ in specs]
    failed = [False for _ in specs]
    for _ in range(runs):
        for index, (module, paths, environment) in enumerate(specs):
            if failed[index]:
                continue
            ms = cold_import_ms(python, module, paths, 1, environment)
            if ms is None:
                failed[index] = True
            else:
                times[index].append(ms)
    return [None if failed[i] else statistics.median(times[i]) for i in range(len(specs))]


def floor_parts_ms(python: str, paths: list[Path], runs: int, environment: dict[str, str]) -> list[float] | None:
    """Per ``FLOOR_PARTS`` piece, the median time it adds after the pieces before it."""
    imports = "".join(f"{statement}\nmarks.append(time.perf_counter())\n" for _, statement in FLOOR_PARTS)
    probe = FLOOR_PARTS_PROBE.format(paths=[str(p.resolve()) for p in paths], imports=imports)
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **environment}
    samples: list[list[float]] = []
    for _ in range(runs):
        answer = subprocess.run([python, "-I", "-c", probe], capture_output=True, text=True, check=False, env=env)
        if answer.returncode != 0:
            return None
        samples.append([float(ms) for ms in answer.stdout.split()])
    return [statistics.median(sample[i] for sample in samples) for i in range(len(FLOOR_PARTS))]


def print_floor_parts(args: argparse.Namespace) -> int:
    environment = request_environments(args.build_dir).get("AuthorizerFunction", {})
    paths = [args.build_dir / "DepsLayer" / "python", args.runtime]
    parts = floor_parts_ms(args.python, paths, args.runs, environment)
    boto3_ms = cold_import_ms(args.python, "boto3", [args.runtime], args.runs)
    if parts is None:
        print("the floor's imports failed: run make sam-build sam-imports first", file=sys.stderr)
        return 1
    print(f"{'piece of the floor':40} {'adds ms':>8} {'total ms':>9}  (medians of {args.runs} cold processes)")
    total = 0.0
    for (name, _), ms in zip(FLOOR_PARTS, parts, strict=True):
        total += ms
        print(f"{name:40} {ms:8.1f} {total:9.1f}")
    print(f"{'(import boto3 alone)':40} {boto3_ms or 0:8.1f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / ".aws-sam" / "build")
    parser.add_argument("--baseline", type=Path, help="another build folder, timed alternately for comparison")
    parser.add_argument("--api-only", action="store_true", help="the API functions and the authorizer only")
    parser.add_argument("--runtime", type=Path, default=ROOT / ".venv-sam" / "lambda-runtime")
    parser.add_argument("--pandas-layer", type=Path, default=ROOT / ".venv-sam" / "aws-sdk-pandas-standin")
    parser.add_argument("--python", default=None, help="default: the one infra/sam/python312.sh finds")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--floor-parts", action="store_true", help="the framework floor taken apart, then exit")
    args = parser.parse_args()
    args.python = args.python or python312()
    if args.floor_parts:
        return print_floor_parts(args)
    sizes = {s.name: s.total for s in function_sizes(args.build_dir, int(PANDAS_LAYER_MIB * 1024 * 1024))}
    api = api_functions(args.build_dir)
    builds = [args.build_dir, *([args.baseline] if args.baseline else [])]
    found = [function_paths(build, args.pandas_layer) for build in builds]
    environments = [request_environments(build) for build in builds]
    handlers = function_handlers(args.build_dir)
    rows: list[tuple[str, list[float | None], list[tuple[float, str] | None], float]] = []
    for name, spec in found[0].items():
        if spec is None or (args.api_only and name not in api):
            continue
        specs = []
        firsts: list[tuple[float, str] | None] = []
        event = first_request_event(name) if name in api else None
        for paths_of, environment_of in zip(found, environments, strict=True):
            other = paths_of.get(name)
            if other is None:
                continue
            paths = [*other[1], args.runtime]
            specs.append((other[0], paths, environment_of.get(name, {})))
        if event is not None:
            firsts = interleaved_first_requests(args.python, handlers[name], event, specs, args.runs)
        rows.append((name, interleaved_ms(args.python, specs, args.runs), firsts, sizes[name] / 1e6))
    # The yardstick on this machine: the runtime's boto3 alone, which most functions import anyway.
    boto3_ms = cold_import_ms(args.python, "boto3", [args.runtime], args.runs)
    # The framework's floor: what a validated API function imports before any FKS code.
    floor_env = environments[0].get("AuthorizerFunction", {})
    deps_layer = args.build_dir / "DepsLayer" / "python"
    floor_ms = cold_import_ms(args.python, POWERTOOLS_FLOOR_MODULE, [deps_layer, args.runtime], args.runs, floor_env)
    baseline = f" {'baseline ms':>11} {'base+1st':>9}" if args.baseline else ""
    print(
        f"{'function':32} {'API':>4} {'import ms':>10} {'x boto3':>8} {'import+1st':>10} {'answer':>22}{baseline}"
        f" {'unzipped MB':>12}  (medians of {args.runs} cold processes)"
    )
    print(f"{'(import boto3 alone)':32} {'':>4} {boto3_ms or 0:10.0f} {1:8.2f}")
    if floor_ms is not None and boto3_ms:
        print(f"{'(Powertools resolver + pydantic)':32} {'':>4} {floor_ms:10.0f} {floor_ms / boto3_ms:8.2f}")
    for name, measured, firsts, mb in sorted(rows, key=lambda row: -(row[1][0] or 1e9)):
        ms = measured[0]
        shown = "fails" if ms is None else f"{ms:.0f}"
        # The ratio to `import boto3` on the same machine at the same time: comparable between a
        # quiet and a loaded machine, where the milliseconds are not.
        ratio = f"{ms / boto3_ms:.2f}" if ms is not None and boto3_ms else ""
        first = firsts[0] if firsts else None
        first_shown = f"{first[0]:.0f}" if first else ("fails" if firsts else "")
        answer = first[1][:22] if first else ""
        before = ""
        if args.baseline:
            old = measured[1] if len(measured) > 1 else None
            old_first = firsts[1] if len(firsts) > 1 else None
            before = f" {'fails' if old is None else f'{old:.0f}':>11} {f'{old_first[0]:.0f}' if old_first else '':>9}"
        verdict = ""
        if name in api and ms is not None:
            verdict = "  under target" if ms < API_TARGET_MS else f"  over the {API_TARGET_MS} ms target"
        print(
            f"{name:32} {'yes' if name in api else '':>4} {shown:>10} {ratio:>8} {first_shown:>10} {answer:>22}{before}"
            f" {mb:12.1f}{verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
