"""The strategy execution settings as command-line options, shared by ``fks backtest`` and
``fks replay`` so both take what a stored strategy carries (``fks.strategies.execution_settings``):
the same names, defaults and checks as ``PUT /strategies`` and the dashboard's backtest form."""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from fks.errors import BadRequest
from fks.strategies.execution_settings import ExecutionSettings

# option -> ExecutionSettings field; absent options keep the settings' defaults.
_VALUED = ("quantity", "quote_amount", "fraction", "maker_fee_bps", "taker_fee_bps", "slippage_bps",
           "stop_loss_pct", "take_profit_pct", "trailing_stop_pct")  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("execution settings (as a stored strategy's)")
    group.add_argument("--sizing", choices=("quantity", "quote", "fraction"), help="default quantity")
    group.add_argument("--quantity", help="base units per unit of target (default 0.001)")
    group.add_argument("--quote-amount", help="quote currency per unit of target, with --sizing quote")
    group.add_argument("--fraction", help="share of equity per unit of target (0-1], with --sizing fraction")
    group.add_argument("--maker-fee-bps", help="default: the venue's schedule")
    group.add_argument("--taker-fee-bps", help="default: the venue's schedule")
    group.add_argument("--slippage-bps", help="adverse move of a taker fill (default 5, the paper venue's)")
    group.add_argument("--allow-short", action="store_true", help="trade the short leg (default long-only)")
    group.add_argument("--stop-loss-pct", help="percent below (long) the entry fill")
    group.add_argument("--take-profit-pct", help="percent above (long) the entry fill")
    group.add_argument("--trailing-stop-pct", help="percent below (long) the best price since entry")


def settings_from(args: argparse.Namespace) -> ExecutionSettings:
    """The settings the options name, or BadRequest naming the first bad option."""
    fields: dict[str, object] = {name: getattr(args, name) for name in _VALUED if getattr(args, name) is not None}
    if args.sizing is not None:
        fields["sizing"] = args.sizing
    fields["allow_short"] = bool(args.allow_short)
    try:
        return ExecutionSettings.model_validate(fields)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        name = str(problem["loc"][0]) if problem["loc"] else "sizing"
        raise BadRequest(f"--{name.replace('_', '-')}: {problem['msg']}") from None
