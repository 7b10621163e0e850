"""Market regimes and forecasting (the plan's fks_ai): features, a Gaussian HMM, walk-forward
direction forecasts, honest evaluation, and strategies that use them.

>>> model = fit_regimes(train_candles)                 # four named regimes, JSON-serialisable
>>> model.regimes(candles)                             # causal label per bar
>>> evaluate(*astuple(walk_forward(candles))[:2])      # out-of-sample scores vs baselines

Everything here is NumPy (the forecaster's gradient boosting is ``fks.ml.boosting``, which
trains the trees scikit-learn's HistGradientBoostingClassifier would), so every function fits.
"""

from fks.ml.evaluation import Evaluation, Scores, evaluate
from fks.ml.features import FEATURE_NAMES, FEATURE_WARMUP, FeatureFrame, build_features, next_direction
from fks.ml.hmm import GaussianHMM, fit_hmm
from fks.ml.regimes import REGIMES, RegimeModel, fit_regimes, min_regime_bars
from fks.ml.transitions import RegimeStats, regime_stats

__all__ = [
    "FEATURE_NAMES",
    "FEATURE_WARMUP",
    "REGIMES",
    "Evaluation",
    "FeatureFrame",
    "GaussianHMM",
    "RegimeModel",
    "RegimeStats",
    "Scores",
    "build_features",
    "evaluate",
    "fit_hmm",
    "fit_regimes",
    "min_regime_bars",
    "next_direction",
    "regime_stats",
]
