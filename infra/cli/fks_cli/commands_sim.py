"""``fks sim``: serve an exchange simulator, or drive a running one (its ``/sim/`` endpoints).

fks sim --venue kraken --port 0         serve one (binance, kraken, coinbase): URL on the first line, until SIGTERM
fks sim price BTCUSDT                  the last price
fks sim price BTCUSDT --set 41000.50   move it there now (resting orders see the move)
fks sim price BTCUSDT --move -2.5      move it by a percentage
fks sim faults [--add JSON|@file] [--seed N] [--clear]
fks sim orders [--symbol BTCUSDT] [--client-order-id ID]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from fks_exchange_sim.__main__ import add_serve_arguments, serve
from fks_exchange_sim.admin_client import SimulatorAdmin, SimulatorAdminError


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sim = commands.add_parser(
        "sim", help="an exchange simulator: serve one (--venue), or set a running one's price, faults, count orders"
    )
    add_serve_arguments(sim)
    sim.add_argument("--url", help="simulator base URL for the subcommands (default: the running local stack's)")
    actions = sim.add_subparsers(dest="sim_command")
    price = actions.add_parser("price", help="read or move a symbol's price")
    price.add_argument("symbol", help="venue symbol, e.g. BTCUSDT")
    move = price.add_mutually_exclusive_group()
    move.add_argument("--set", dest="set_to", metavar="PRICE", help="new price (on the symbol's tick)")
    move.add_argument("--move", metavar="PCT", help="change in percent, e.g. -2.5")
    faults = actions.add_parser("faults", help="list, add (seeded) or clear injected faults")
    faults.add_argument("--add", metavar="JSON", help="a fault object or list (or @file holding it); see the README")
    faults.add_argument("--seed", type=int, help="reseed the schedule's random draws")
    faults.add_argument("--clear", action="store_true", help="remove every fault")
    orders = actions.add_parser("orders", help="every order the venue holds, with counts by client order id")
    orders.add_argument("--symbol")
    orders.add_argument("--client-order-id")


def _url(args: argparse.Namespace) -> str:
    if args.url:
        return str(args.url)
    from fks_cli.commands_local import read_state

    state = read_state()
    if not state or not state.get("exchange_url"):
        raise SimulatorAdminError("no running local stack with a simulator: start one (fks local up) or pass --url")
    return str(state["exchange_url"])


def _faults(text: str) -> list[dict[str, Any]]:
    raw = json.loads(Path(text[1:]).read_text() if text.startswith("@") else text)
    return raw if isinstance(raw, list) else [raw]


def _answer(args: argparse.Namespace, admin: SimulatorAdmin) -> dict[str, Any]:
    if args.sim_command == "price":
        if args.set_to is not None:
            return admin.set_price(args.symbol, args.set_to)
        if args.move is not None:
            return admin.move_price(args.symbol, args.move)
        return {"symbol": args.symbol, "price": str(admin.price(args.symbol))}
    if args.sim_command == "faults":
        if args.clear:
            admin.clear_faults()
        if args.add:
            return admin.add_faults(_faults(args.add), seed=args.seed)
        return admin.faults()
    return admin.orders(symbol=args.symbol, client_order_id=args.client_order_id)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    if args.sim_command is None:
        from fks_exchange_sim import ExchangeSimulator

        try:
            return serve(ExchangeSimulator(args.port, args.host, venue=args.venue), out)
        except (ValueError, OSError) as error:  # a non-loopback host, a taken port
            print(f"fks sim: {error}", file=err)
            return 2
    try:
        answer = _answer(args, SimulatorAdmin(_url(args)))
    except (SimulatorAdminError, ValueError, OSError) as error:
        print(f"fks sim: {error}", file=err)
        return 1
    print(json.dumps(answer, indent=2), file=out)
    return 0
