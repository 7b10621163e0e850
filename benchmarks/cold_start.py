"""Cold imports of every built Python function: the handler module imported in a fresh Python 3.12
with only the function's folder, its layers and the runtime's boto3, as a Lambda cold start does
it after the runtime itself is up. Prints per function the median import time over ``--runs``
fresh processes, the unzipped size (code + layers) and whether an API function is under the
150 ms target of issue 18; asserts nothing.

Run after ``make sam-build sam-imports`` (which installs the runtime's boto3 and the AWS SDK for
pandas stand-in into .venv-sam):

    .venv/bin/python benchmarks/cold_start.py [--runs 5] [--api-only] [--baseline OTHER_BUILD_DIR]

``--baseline`` times each function in another build folder too (an older commit's layers and
functions), alternating the two import by import so that both see the same load, and prints
both medians side by side: a before/after that a busy machine does not skew.

The figures are the import alone (Lambda's own init before it, about 85 ms for Python 3.12 by
published measurements, comes on top) on this machine, which is usually busier than Lambda's;
the ``x boto3`` column divides by ``import boto3`` measured in the same run, which a busy machine
slows as much, so it compares runs made under different loads. Each import runs with the
function's literal environment variables from the template (Globals and its own), as Lambda sets
them before init: some change what an import does (``PYDANTIC_DISABLE_PLUGINS``).

Two yardsticks head the table: ``import boto3`` alone, and the floor every validated API function
pays before any FKS code, Powertools' REST resolver with its OpenAPI validation and pydantic
(``aws_lambda_powertools.event_handler.openapi.params``, from the deps layer).
"""

from __future__ import annotations

import argparse
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
POWERTOOLS_FLOOR_MODULE = "aws_lambda_powertools.event_handler.openapi.params"


def api_functions(build_dir: Path) -> set[str]:
    """Functions behind the REST API: an Api event, or the authorizer every call passes first."""
    resources = yaml_parse((build_dir / "template.yaml").read_text())["Resources"]
    found = {"AuthorizerFunction"}
    for name, resource in resources.items():
        events = (resource.get("Properties") or {}).get("Events") or {}
        if any(event.get("Type") == "Api" for event in events.values()):
            found.add(name)
    return found


def function_environments(build_dir: Path) -> dict[str, dict[str, str]]:
    """Per function, the environment variables the template gives it as literals (a !Ref or
    !GetAtt names a deployed resource: left out)."""
    template = yaml_parse((build_dir / "template.yaml").read_text())
    variables = (((template.get("Globals") or {}).get("Function") or {}).get("Environment") or {}).get("Variables")
    common = _literals(variables or {})
    found = {}
    for name, resource in template["Resources"].items():
        if resource.get("Type") == "AWS::Serverless::Function":
            own = ((resource.get("Properties") or {}).get("Environment") or {}).get("Variables") or {}
            found[name] = {**common, **_literals(own)}
    return found


def _literals(variables: dict[str, object]) -> dict[str, str]:
    return {k: str(v) for k, v in variables.items() if isinstance(v, str | int | float | bool)}


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / ".aws-sam" / "build")
    parser.add_argument("--baseline", type=Path, help="another build folder, timed alternately for comparison")
    parser.add_argument("--api-only", action="store_true", help="the API functions and the authorizer only")
    parser.add_argument("--runtime", type=Path, default=ROOT / ".venv-sam" / "lambda-runtime")
    parser.add_argument("--pandas-layer", type=Path, default=ROOT / ".venv-sam" / "aws-sdk-pandas-standin")
    parser.add_argument("--python", default=None, help="default: the one infra/sam/python312.sh finds")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    args.python = args.python or python312()
    sizes = {s.name: s.total for s in function_sizes(args.build_dir, int(PANDAS_LAYER_MIB * 1024 * 1024))}
    api = api_functions(args.build_dir)
    builds = [args.build_dir, *([args.baseline] if args.baseline else [])]
    found = [function_paths(build, args.pandas_layer) for build in builds]
    environments = [function_environments(build) for build in builds]
    rows: list[tuple[str, list[float | None], float]] = []
    for name, spec in found[0].items():
        if spec is None or (args.api_only and name not in api):
            continue
        specs = []
        for paths_of, environment_of in zip(found, environments, strict=True):
            other = paths_of.get(name)
            if other is not None:
                specs.append((other[0], [*other[1], args.runtime], environment_of.get(name, {})))
        rows.append((name, interleaved_ms(args.python, specs, args.runs), sizes[name] / 1e6))
    # The yardstick on this machine: the runtime's boto3 alone, which most functions import anyway.
    boto3_ms = cold_import_ms(args.python, "boto3", [args.runtime], args.runs)
    # The framework's floor: what a validated API function imports before any FKS code.
    floor_env = environments[0].get("AuthorizerFunction", {})
    deps_layer = args.build_dir / "DepsLayer" / "python"
    floor_ms = cold_import_ms(args.python, POWERTOOLS_FLOOR_MODULE, [deps_layer, args.runtime], args.runs, floor_env)
    baseline = f" {'baseline ms':>11}" if args.baseline else ""
    print(
        f"{'function':32} {'API':>4} {'import ms':>10} {'x boto3':>8}{baseline} {'unzipped MB':>12}"
        f"  (median of {args.runs} cold imports)"
    )
    print(f"{'(import boto3 alone)':32} {'':>4} {boto3_ms or 0:10.0f} {1:8.2f}")
    if floor_ms is not None and boto3_ms:
        print(f"{'(Powertools resolver + pydantic)':32} {'':>4} {floor_ms:10.0f} {floor_ms / boto3_ms:8.2f}")
    for name, measured, mb in sorted(rows, key=lambda row: -(row[1][0] or 1e9)):
        ms = measured[0]
        shown = "fails" if ms is None else f"{ms:.0f}"
        # The ratio to `import boto3` on the same machine at the same time: comparable between a
        # quiet and a loaded machine, where the milliseconds are not.
        ratio = f"{ms / boto3_ms:.2f}" if ms is not None and boto3_ms else ""
        before = ""
        if args.baseline:
            old = measured[1] if len(measured) > 1 else None
            before = f" {'fails' if old is None else f'{old:.0f}':>11}"
        verdict = ""
        if name in api and ms is not None:
            verdict = "  under target" if ms < API_TARGET_MS else f"  over the {API_TARGET_MS} ms target"
        print(f"{name:32} {'yes' if name in api else '':>4} {shown:>10} {ratio:>8}{before} {mb:12.1f}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
