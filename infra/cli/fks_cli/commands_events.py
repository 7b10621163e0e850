"""``fks events``: print, rewrite (``--write``) or check (``--check``) the sample events in events/,
and write the ``--env-vars`` file ``sam local invoke``/``start-api`` need (``--env-vars PATH``)
from the running local stack's functions.

SAM applies only the variables the template declares for a function, so the file holds exactly
those: the function's own and the Globals', as the local stack deployed them, with
``AWS_ENDPOINT_URL`` (declared empty in Globals, which AWS's SDKs ignore) pointing at the local
stack, and every local URL at the address a container reaches the host by."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from fks_cli.sample_events import MissingSample, SampleEvent, build_samples
from fks_local.stack import PROJECT_ROOT
from fks_local.template import load

EVENTS_DIR = PROJECT_ROOT / "events"
TEMPLATE = PROJECT_ROOT / "template.yaml"
# A sam container reaches the host's emulator here, not at 127.0.0.1.
DOCKER_HOST = "host.docker.internal"
# Where every SDK client in a function goes (boto3 and the Rust core); template.yaml's Globals
# declare it empty.
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser("events", help="sample events for every function (events/), and sam's --env-vars file")
    mode = sub.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite events/<Function>[.<Source>].json")
    mode.add_argument("--check", action="store_true", help="exit 1 when a committed event is stale or missing")
    mode.add_argument(
        "--env-vars",
        type=Path,
        metavar="PATH",
        help="write sam local's --env-vars JSON from the running local stack ('fks local up')",
    )
    sub.add_argument("--template", type=Path, default=TEMPLATE, help="SAM template (default: template.yaml)")


def rendered(template: Path) -> dict[str, str]:
    """File name -> text of every sample event, each checked against its model."""
    files: dict[str, str] = {}
    for sample in build_samples(template):
        sample.validate()
        files.setdefault(sample.file_name, sample.text())
    return files


def stale(files: dict[str, str], directory: Path = EVENTS_DIR) -> list[str]:
    """The files that differ from, are missing from, or are left over in ``directory``."""
    wrong = [name for name, text in files.items() if _read(directory / name) != text]
    extra = [p.name for p in sorted(directory.glob("*.json")) if p.name not in files and p.name != "env.json"]
    return wrong + extra


def _read(path: Path) -> str | None:
    return path.read_text() if path.exists() else None


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    if args.env_vars:
        return _write_env_vars(args.env_vars, args.template, out)
    try:
        files = rendered(args.template)
    except (MissingSample, ValidationError) as error:
        print(f"fks events: {error}", file=err)
        return 1
    if args.check:
        names = stale(files)
        if names:
            print(f"stale sample events in {EVENTS_DIR}: {', '.join(names)}; run `fks events --write`", file=err)
            return 1
        print(f"{len(files)} sample events in {EVENTS_DIR} are up to date", file=out)
    elif args.write:
        EVENTS_DIR.mkdir(exist_ok=True)
        for name in stale(files):
            path = EVENTS_DIR / name
            if name in files:
                path.write_text(files[name])
                print(f"wrote {path}", file=out)
            else:
                path.unlink()
                print(f"removed {path} (no such function or event source)", file=out)
        print(f"{len(files)} sample events in {EVENTS_DIR}", file=out)
    else:
        for name in sorted(files):
            print(name, file=out)
    return 0


def declared_variables(template: dict[str, Any]) -> dict[str, set[str]]:
    """Per function of the template, the environment variables it declares (Globals' included):
    the only ones ``sam local`` lets an ``--env-vars`` file set."""
    shared = set(
        (((template.get("Globals") or {}).get("Function") or {}).get("Environment") or {}).get("Variables") or {}
    )
    declared = {}
    for name, resource in template["Resources"].items():
        if resource.get("Type") == "AWS::Serverless::Function":
            own = ((resource.get("Properties") or {}).get("Environment") or {}).get("Variables") or {}
            declared[name] = shared | set(own)
    return declared


def env_vars(
    state: dict[str, Any], configurations: dict[str, dict[str, str]], declared: dict[str, set[str]]
) -> dict[str, dict[str, str]]:
    """sam's --env-vars document: per logical id, the declared variables as deployed, the
    endpoint pointing at the local stack, and every local URL where a container reaches the host."""
    local_host = state["endpoint_url"].split("//", 1)[1].split(":", 1)[0]
    document = {}
    for logical_id, variables in sorted(configurations.items()):
        values = {**variables, ENDPOINT_VARIABLE: state["endpoint_url"]}
        document[logical_id] = {
            name: value.replace(f"//{local_host}:", f"//{DOCKER_HOST}:")
            for name, value in sorted(values.items())
            if name in declared[logical_id]
        }
    return document


def deployed_env_vars(
    endpoint_url: str, functions: dict[str, str], template: Path = TEMPLATE
) -> dict[str, dict[str, str]]:
    """sam's --env-vars document for the stack at ``endpoint_url`` (logical id -> function name)."""
    from fks_local.aws_session import client_factory

    lambda_client = client_factory(endpoint_url)("lambda")
    configurations = {
        logical_id: lambda_client.get_function_configuration(FunctionName=name)
        .get("Environment", {})
        .get("Variables", {})
        for logical_id, name in functions.items()
    }
    return env_vars({"endpoint_url": endpoint_url}, configurations, declared_variables(load(template)))


def _write_env_vars(path: Path, template: Path, out: TextIO) -> int:
    from fks_cli.commands_local import require_state

    state = require_state()
    document = deployed_env_vars(state["endpoint_url"], state["functions"], template)
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {path} ({len(document)} functions)", file=out)
    return 0


__all__ = [
    "SampleEvent",
    "add_parser",
    "declared_variables",
    "deployed_env_vars",
    "env_vars",
    "rendered",
    "run",
    "stale",
]
