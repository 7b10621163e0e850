"""The strategy interface: declared parameters in, desired exposure per bar out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

import numpy as np

from fks.errors import BadRequest
from fks.strategies.candles import Candles, CandlesLike, FloatArray, as_candles
from fks.strategies.parameters import Parameter, ParamValue

if TYPE_CHECKING:
    from fks.strategies.informative import Informative
    from fks.strategies.models import ModelNeed

T = TypeVar("T")
Params = dict[str, ParamValue]


class IndicatorCache:
    """Indicator arrays computed once per distinct argument set for one candle set.

    A parameter grid over ``fast x slow`` windows needs each SMA once, not once per combination;
    the key names the indicator and its arguments, e.g. ``("sma", "close", 10)``.
    """

    def __init__(self, candles: Candles) -> None:
        self.candles = candles
        self._values: dict[Hashable, object] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if key not in self._values:
            self._values[key] = compute()
        return cast(T, self._values[key])

    @property
    def keys(self) -> list[Hashable]:
        # No __len__: an empty cache must not be falsy, or `cache or IndicatorCache(...)` drops it.
        return list(self._values)


class Strategy(ABC):
    """Turns candles into the exposure it wants to hold after each bar.

    ``target_positions(...)[t]`` is the exposure (-1 short .. 0 flat .. +1 long, fractions
    allowed) desired once bar t has closed, so it may use data up to and including bar t and
    nothing later. The backtest fills it at bar t + 1's open; ``fks.strategies.causality`` checks
    a strategy for peeking.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    parameters: ClassVar[tuple[Parameter, ...]]

    def validate_params(self, params: Mapping[str, object] | None = None) -> Params:
        """Defaults filled in, types coerced, bounds and cross-parameter rules checked."""
        given = dict(params or {})
        for name in sorted(given):
            self.parameter(name)  # unknown names fail first, whatever their values
        values = {
            parameter.name: parameter.coerce(given[parameter.name]) if parameter.name in given else parameter.default
            for parameter in self.parameters
        }
        self.check_relations(values)
        return values

    def parameter(self, name: str) -> Parameter:
        """The declared parameter, or BadRequest naming the unknown one and the known ones."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise BadRequest(
            f"unknown parameter {name!r} for strategy {self.name}; "
            f"known parameters: {', '.join(p.name for p in self.parameters)}",
            details={"parameter": name},
        )

    def check_relations(self, params: Params) -> None:
        """Rules between parameters (fast < slow); raise BadRequest. None by default."""
        return None

    @abstractmethod
    def warmup_bars(self, params: Params) -> int:
        """Index of the first bar at which the target can be non-zero."""

    def settle_bars(self, params: Params) -> int:
        """Bars of history after which the targets no longer depend on where the history starts.

        The warm-up for window indicators (an SMA forgets everything older than its window). A
        recursive one (an EMA) remembers its seed forever, fading: such a strategy says how many
        bars its seed needs to fade below any price difference, so a live evaluation on a window
        of history computes what the backtest computes from the series' start."""
        return self.warmup_bars(params)

    def informative(self, params: Params) -> Sequence[Informative]:
        """Other timeframes and symbols this strategy reads (``fks.strategies.informative``); none by default.

        Whatever evaluates the strategy supplies them on ``candles.informative_series(timeframe, symbol)``.
        """
        return ()

    def models(self, params: Params) -> Sequence[ModelNeed]:
        """Stored models this strategy evaluates with (``fks.strategies.models``); none by default."""
        return ()

    def min_bars(self, params: Mapping[str, object] | None = None) -> int:
        """Bars a backtest needs: the warm-up, one bar to signal and one to fill at its open."""
        return self.warmup_bars(self.validate_params(params)) + 2

    def target_positions(
        self,
        candles: CandlesLike,
        params: Mapping[str, object] | None = None,
        cache: IndicatorCache | None = None,
    ) -> FloatArray:
        """Desired exposure per bar, NaN-free and within [-1, 1] (the strategy's own array when it
        already is: read it, do not write into it)."""
        data = as_candles(candles)
        if cache is None:
            cache = IndicatorCache(data)
        elif cache.candles is not data:
            raise ValueError("the indicator cache belongs to a different candle set")
        values = self.validate_params(params)
        missing = [str(spec) for spec in self.informative(values) if spec.key not in data.informative]
        missing += [f"{need.kind} model" for need in self.models(values) if need.kind not in data.models]
        if missing:
            raise BadRequest(
                f"strategy {self.name} reads inputs that were not supplied: {', '.join(missing)}",
                details={"missing_informative": missing},
            )
        raw = np.asarray(self.compute_targets(data, values, cache), dtype=np.float64)
        if raw.shape != (len(data),):
            raise ValueError(f"{self.name} returned shape {raw.shape} for {len(data)} candles")
        # Two reductions without a temporary say whether anything needs fixing (a NaN fails both
        # comparisons); most strategies' targets need nothing, and a grid asks a hundred times.
        if raw.min(initial=0.0) >= -1.0 and raw.max(initial=0.0) <= 1.0:
            return raw
        # NaN is "no opinion yet" (warm-up): flat. Exposure beyond one sized position is capped
        # rather than rejected, so a strategy cannot lever up past the backtest's sizing.
        return np.clip(np.nan_to_num(raw, nan=0.0, posinf=1.0, neginf=-1.0), -1.0, 1.0)

    @abstractmethod
    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        """The strategy's rule, on validated parameters; see ``target_positions``."""
