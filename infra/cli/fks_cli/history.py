"""Where the ``fks`` commands read and write candle history: a folder, a bucket, or the samples.

``--data`` names a folder (``fks data download``'s default, ``fks-data``, or ``FKS_DATA``) or
``s3://BUCKET`` (the stack's data bucket); ``--sample`` reads the exchange simulator's bundled
sample candles instead, and only then. Every command reads through a ``CandleSeriesReader`` over
the store, so bars of any timeframe are built from the stored 1m base as the functions build them.
"""

from __future__ import annotations

import argparse
import os

from fks.errors import BadRequest
from fks.market_data.series import CandleHistory, CandleSeriesReader
from fks.market_data.storage import CandleStore, SeriesKey
from fks.strategies.models import ModelSource

DEFAULT_DATA = os.environ.get("FKS_DATA", "fks-data")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", default=DEFAULT_DATA, help=f"stored history: a folder or s3://BUCKET (default {DEFAULT_DATA})"
    )
    parser.add_argument(
        "--sample", action="store_true", help="use the simulator's bundled sample candles instead of stored history"
    )
    parser.add_argument(
        "--models",
        default=None,
        help="s3://BUCKET whose models/ the model strategies (ml_forecast, regime_gate) evaluate with",
    )


def open_store(location: str) -> CandleStore:
    if location.startswith("s3://"):
        from fks_adapters.market_data.s3_store import S3CandleStore

        bucket = location.removeprefix("s3://").strip("/")
        if not bucket or "/" in bucket:
            raise BadRequest(f"expected s3://BUCKET, got {location!r}")
        return S3CandleStore(bucket)
    from fks_cli.folder_store import FolderCandleStore

    return FolderCandleStore(location)


def history(args: argparse.Namespace, history: CandleHistory | None = None) -> CandleSeriesReader:
    """The reader the command uses: ``history`` if given (tests), the samples with ``--sample``, else ``--data``."""
    if history is not None:
        return CandleSeriesReader(history)
    if args.sample:
        from fks_cli.bundled_candles import BundledCandleStore

        return CandleSeriesReader(BundledCandleStore())
    return CandleSeriesReader(open_store(args.data))


def model_source(args: argparse.Namespace) -> ModelSource | None:
    """The stack's stored models (``POST /models/{asset}/train``), when ``--models`` names its bucket."""
    if not args.models:
        return None
    bucket = args.models.removeprefix("s3://").strip("/")
    if not args.models.startswith("s3://") or not bucket or "/" in bucket:
        raise BadRequest(f"--models expects s3://BUCKET (the stack's data bucket), got {args.models!r}")
    from fks_adapters.ml.model_store import ModelStore

    return ModelStore(bucket)


def require_bars(count: int, key: SeriesKey, args: argparse.Namespace) -> None:
    """No bars in the range: say where was looked and how to fill it."""
    if count:
        return
    if args.sample:
        raise BadRequest(f"no sample candles of {key.symbol} in the range")
    raise BadRequest(
        f"no stored {key.timeframe.value} bars of {key} in {args.data} for the range: download them with "
        f"`fks data download --exchange {key.exchange} --symbol {key.symbol} --since ... --to {args.data}` "
        "or use the bundled sample candles with --sample"
    )
