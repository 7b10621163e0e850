"""Strategies: declared parameters and a rule turning candles into target positions.

>>> strategy = get_strategy("sma_cross")
>>> params = strategy.validate_params({"fast": 10, "slow": 30})
>>> targets = strategy.target_positions(candles, params)   # -1 / 0 / +1 per bar
"""

from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.breakouts import BollingerBreakout, DonchianBreakout
from fks.strategies.candles import Candles, CandlesLike, as_candles
from fks.strategies.causality import LookaheadDetected, check_causal
from fks.strategies.crossovers import EmaCross, MacdCross, SmaCross
from fks.strategies.informative import Informative, InformativeSeries
from fks.strategies.parameters import Parameter, ParamValue
from fks.strategies.registry import get_strategy, strategy_names
from fks.strategies.reversion import RsiReversion

__all__ = [
    "BollingerBreakout",
    "Candles",
    "CandlesLike",
    "DonchianBreakout",
    "EmaCross",
    "IndicatorCache",
    "Informative",
    "InformativeSeries",
    "LookaheadDetected",
    "MacdCross",
    "ParamValue",
    "Parameter",
    "Params",
    "RsiReversion",
    "SmaCross",
    "Strategy",
    "as_candles",
    "check_causal",
    "get_strategy",
    "strategy_names",
]
