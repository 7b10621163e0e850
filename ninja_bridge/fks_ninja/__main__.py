"""``python -m fks_ninja --config bridge.yaml``: run the bridge beside NinjaTrader 8."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from types import FrameType

from fks.errors import FksError
from fks_ninja.bridge import Bridge
from fks_ninja.config import BridgeConfig, load_config
from fks_ninja.heartbeat import Heartbeat
from fks_ninja.reporter import FillReporter, HttpFillReporter
from fks_ninja.routes import BridgeRoutes
from fks_ninja.service import BridgeService

log = logging.getLogger("fks_ninja")


class _LogOnlyReporter:
    """Used when no API is configured (dry runs, first set-up): reports become log lines."""

    def report_fill(self, fill: object) -> None:
        log.info("fill: %s", fill)

    def report_order_state(self, change: object) -> None:
        log.info("order state: %s", change)

    def report_position(self, position: object) -> None:
        log.info("position: %s", position)

    def report_refusal(self, signal_id: str, reason: str, rule: str | None) -> None:
        log.info("refused %s (%s): %s", signal_id, rule, reason)


def build_reporter(config: BridgeConfig) -> FillReporter:
    if config.api is None:
        return _LogOnlyReporter()
    return HttpFillReporter(
        config.api.base_url, config.api.api_key, timeout=config.api.timeout_seconds, attempts=config.api.attempts
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fks_ninja", description=__doc__)
    parser.add_argument("--config", type=Path, required=True, help="bridge config (YAML or JSON)")
    parser.add_argument("--batches", type=int, default=None, help="stop after N polls (default: run until stopped)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(args.config)
    except (OSError, FksError) as exc:
        log.error("%s", exc)
        return 2
    import boto3  # imported late so --help and config errors answer fast

    sqs = boto3.client("sqs", region_name=config.region, endpoint_url=config.endpoint_url)
    if config.routes_table is not None:
        dynamodb = boto3.client("dynamodb", region_name=config.region, endpoint_url=config.endpoint_url)
        try:
            BridgeRoutes(dynamodb, config.routes_table, config.bridge_name, config.queue_url).claim(config.accounts)
        except FksError as exc:
            log.error("%s", exc)
            return 2
    cloudwatch = boto3.client("cloudwatch", region_name=config.region, endpoint_url=config.endpoint_url)
    service = BridgeService(
        Bridge(config, build_reporter(config)),
        sqs,
        config.queue_url,
        wait_seconds=config.wait_seconds,
        heartbeat=Heartbeat(cloudwatch, config.stage, config.bridge_name),
    )

    def _stop(signum: int, frame: FrameType | None) -> None:
        log.info("stopping after the current poll")
        service.stop_event.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    log.info("bridge started: mode=%s queue=%s incoming=%s", config.mode, config.queue_url, config.incoming)
    service.run(max_batches=args.batches)
    log.info("bridge stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
