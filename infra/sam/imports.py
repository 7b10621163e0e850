"""Import each built Python function as Lambda would: Python 3.12, its folder, its layers, nothing else.

    python3.12 infra/sam/imports.py [.aws-sam/build] --runtime DIR [--pandas-layer DIR]

After ``sam build``, every Python function's handler module is imported in a fresh isolated
interpreter (``-I -S``: no site-packages, no user or environment paths) whose ``sys.path`` is what
Lambda gives it: the function's folder, each attached layer's ``python/`` folder in order, then
the runtime's own packages (``--runtime``: a folder holding boto3, as the python3.12 runtime
does). The AWS SDK for pandas layer is stood in by ``--pandas-layer`` (a folder of its packages);
without it, the functions that carry that layer are skipped. Prints the import time per function
and exits 1 naming each function whose import fails (AWS would answer Runtime.ImportModuleError).

A function's heavy paths import inside a call (optuna for a Bayesian optimisation, matplotlib for
a plot), which importing the handler does not reach; ``DEFERRED_IMPORTS`` names them and they are
imported in the same interpreter, so a layer that lacks one fails here and not on that call in
AWS. ``KNOWN_MISSING`` lists the ones no layer brings yet: printed on every run, not a failure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from function_env import function_environment
from samtranslator.yaml_helper import yaml_parse
from sizes import PANDAS_LAYER_NAME, layer_entries

PROBE = """
import sys, time
sys.path[:0] = {paths!r}
started = time.perf_counter()
import {module}
print(f"{{(time.perf_counter() - started) * 1000:.0f}}")
"""
# No environment or user paths (-I) and no site-packages of the interpreter (-S): what a function
# imports comes from its folder, its layers and --runtime, whatever else the interpreter has.
ISOLATED = ("-I", "-S")
# Imported inside a call on a function's heavy paths (see the module's docstring).
DEFERRED_IMPORTS: dict[str, tuple[str, ...]] = {
    "BacktestsFunction": ("optuna", "matplotlib.figure", "matplotlib.backends.backend_agg"),
    # The text model and the vector index load on the first embedding or index read (AiLayer).
    "AiFunction": ("wordllama.inference", "tokenizers", "safetensors", "usearch.index"),
    # Training (fks.ml.boosting, NumPy alone: scikit-learn and SciPy would not fit beside the
    # pandas layer) is imported when a training runs.
    "ModelsFunction": ("fks.ml.boosting", "fks.ml.training"),
}
# Heavy paths whose library is in no layer yet, with why: reported, not failed. None left.
KNOWN_MISSING: dict[str, tuple[str, str]] = {}


def probe(module: str, paths: list[str], deferred: tuple[str, ...] = ()) -> str:
    """The probe's source: time the handler's import, then import its deferred modules."""
    return PROBE.format(paths=paths, module=module) + "".join(f"import {name}\n" for name in deferred)


def function_paths(
    build_dir: Path, pandas_layer: Path | None
) -> dict[str, tuple[str, list[Path], dict[str, str]] | None]:
    """Per Python function: its handler module, its sys.path entries and the environment its
    settings are read from on import (``function_env``); None when not checkable."""
    template = yaml_parse((build_dir / "template.yaml").read_text())
    resources = template["Resources"]
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    layer_dirs = {
        name: build_dir / str(r["Properties"]["ContentUri"]) / "python"
        for name, r in resources.items()
        if r.get("Type") == "AWS::Serverless::LayerVersion"
    }
    found: dict[str, tuple[str, list[Path], dict[str, str]] | None] = {}
    for name, resource in sorted(resources.items()):
        props = resource.get("Properties") or {}
        runtime = props.get("Runtime") or globals_.get("Runtime", "")
        if resource.get("Type") != "AWS::Serverless::Function" or not str(runtime).startswith("python"):
            continue
        layers = layer_entries([*(globals_.get("Layers") or []), *(props.get("Layers") or [])], set(layer_dirs))
        if PANDAS_LAYER_NAME in layers and pandas_layer is None:
            found[name] = None
            continue
        paths = [build_dir / str(props["CodeUri"])]
        paths += [pandas_layer if layer == PANDAS_LAYER_NAME else layer_dirs[layer] for layer in layers]  # type: ignore[misc]
        module = str(props.get("Handler") or globals_.get("Handler", "")).rsplit(".", 1)[0]
        found[name] = (module, paths, function_environment(template, name))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("build_dir", nargs="?", default=".aws-sam/build", type=Path)
    parser.add_argument("--runtime", required=True, type=Path, help="the runtime's packages (boto3)")
    parser.add_argument("--pandas-layer", type=Path, help="a stand-in of the AWS SDK for pandas layer")
    parser.add_argument("--python", default="python3.12")
    args = parser.parse_args(argv)
    failed: list[str] = []
    for name, spec in function_paths(args.build_dir, args.pandas_layer).items():
        if spec is None:
            print(f"{name:32} skipped (carries the AWS SDK for pandas layer; pass --pandas-layer)")
            continue
        module, paths, environment = spec
        deferred = DEFERRED_IMPORTS.get(name, ())
        source = probe(module, [str(p.resolve()) for p in [*paths, args.runtime]], deferred)
        answer = subprocess.run(
            [args.python, *ISOLATED, "-c", source],
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": os.environ.get("PATH", ""), **environment},
        )
        if answer.returncode == 0:
            also = f"  (and {', '.join(deferred)})" if deferred else ""
            print(f"{name:32} {answer.stdout.strip():>6} ms{also}")
        else:
            failed.append(name)
            last = (answer.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{name:32} Runtime.ImportModuleError: {last}")
    for name, (module, why) in KNOWN_MISSING.items():
        print(f"{name:32} known gap: {module} is in no layer ({why})")
    if failed:
        print(f"import fails in: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
