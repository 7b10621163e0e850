"""The ``fks`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from fks_cli import (
    commands_ai,
    commands_backtest,
    commands_cost,
    commands_data,
    commands_events,
    commands_keys,
    commands_local,
    commands_ml,
    commands_openapi,
    commands_replay,
    commands_sim,
    commands_strategy,
)


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fks", description="FKS trading platform: local stack and tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    local = commands.add_parser("local", help="the local AWS stack (emulator, functions, API, schedules)")
    local_commands = local.add_subparsers(dest="local_command", required=True)
    up = local_commands.add_parser("up", help="start the local stack in the background and deploy template.yaml")
    serve = local_commands.add_parser("serve", help="run the local stack in the foreground until interrupted")
    for sub in (up, serve):
        sub.add_argument("--port", type=int, default=0, help="emulator port on 127.0.0.1 (default: a free one)")
        sub.add_argument("--template", default=None, help="SAM template (default: the project's template.yaml)")
        sub.add_argument(
            "--param",
            type=_key_value,
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="template parameter override; repeatable",
        )
        sub.add_argument("--no-simulator", action="store_true", help="do not start the local exchange simulator")
        sub.add_argument("--no-schedules", action="store_true", help="do not fire schedules on time (use 'tick')")
    local_commands.add_parser("down", help="stop everything 'up' started")
    local_commands.add_parser("status", help="show what is running and where")
    local_commands.add_parser("tick", help="fire every enabled schedule once, now, and show the answers")
    invoke = local_commands.add_parser("invoke", help="invoke a deployed function through the Lambda API")
    invoke.add_argument("function", help="logical id in template.yaml (e.g. MonitorFunction) or function name")
    invoke.add_argument("--event", default="{}", help="event JSON, or @path to a file holding it")

    commands_keys.add_parser(commands)
    commands.add_parser("status", help="health of each part, alarms and latest metrics of the running local stack")
    commands.add_parser("demo", help="the main job on the embedded default: local stack + exchange simulator")
    commands_ai.add_parser(commands)
    commands_backtest.add_parser(commands)
    commands_cost.add_parser(commands)
    commands_data.add_parser(commands)
    commands_replay.add_parser(commands)
    commands_events.add_parser(commands)
    commands_ml.add_parser(commands)
    commands_openapi.add_parser(commands)
    commands_sim.add_parser(commands)
    commands_strategy.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "up": commands_local.up,
        "serve": commands_local.serve,
        "down": commands_local.down,
        "status": commands_local.status,
        "tick": commands_local.tick,
        "invoke": commands_local.invoke,
    }
    if args.command == "local":
        return handlers[args.local_command](args)
    if args.command == "status":
        from fks_cli import commands_status

        return commands_status.status(args)
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "keys": commands_keys.run,
        "ai": commands_ai.run,
        "backtest": commands_backtest.run,
        "data": commands_data.run,
        "replay": commands_replay.run,
        "cost": commands_cost.run,
        "events": commands_events.run,
        "strategy": commands_strategy.run,
        "ml": commands_ml.run,
        "openapi": commands_openapi.run,
        "sim": commands_sim.run,
    }
    if args.command in commands:
        return commands[args.command](args)
    from fks_cli import demo

    return demo.run()


if __name__ == "__main__":
    sys.exit(main())
