"""``python -m fks_exchange_sim --venue kraken --port 0``: serve until SIGTERM or Ctrl-C, print the URL first."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType
from typing import TextIO

from fks_exchange_sim.config import SimulatorConfig
from fks_exchange_sim.server import ExchangeSimulator
from fks_exchange_sim.venues import VENUES


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of serving a simulator, shared by ``python -m`` and ``fks sim``."""
    parser.add_argument(
        "--venue", choices=VENUES, default="binance", help="which exchange to simulate (default binance)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback only (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")


def serve(simulator: ExchangeSimulator, out: TextIO | None = None) -> int:
    """Start ``simulator``, print its URL as the first line, serve until SIGTERM or SIGINT."""
    stopping = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with simulator:
        print(simulator.url, file=out or sys.stdout, flush=True)
        stopping.wait()
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m fks_exchange_sim", description=__doc__)
    add_serve_arguments(parser)
    parser.add_argument(
        "--weight-limit",
        type=int,
        default=SimulatorConfig.weight_limit_1m,
        help="binance: request weight allowed per minute before 429 (default %(default)s)",
    )
    parser.add_argument("--spread-bps", type=int, default=0, help="bid-ask spread in basis points")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    config = SimulatorConfig(weight_limit_1m=args.weight_limit, spread_bps=args.spread_bps)
    return serve(ExchangeSimulator(args.port, args.host, config=config, venue=args.venue))


if __name__ == "__main__":
    raise SystemExit(main())
