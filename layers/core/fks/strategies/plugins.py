"""User strategies found at cold start, beside the built-ins, without touching the platform.

A plugin is a Python module holding one or more concrete ``Strategy`` subclasses (see
``fks.strategies.base``). Two places are searched, in this order:

- the package ``fks_user_strategies`` (``layers/strategies/``, deployed as its own Lambda layer and
  installed in the development virtualenv): each of its modules;
- every folder named in ``FKS_STRATEGY_PLUGINS_PATH`` (``os.pathsep``-separated): each ``*.py``
  file not starting with ``_`` or ``test_``, so a strategy can be developed in a folder of its own.

A module that fails to import, a class whose declaration is wrong (no name, bad parameters,
defaults its own rules refuse) or whose name is already taken is a ``BrokenPlugin``: reported by
name with the reason, logged, and left out, while the built-ins and every other plugin load.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
import os
import pkgutil
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from fks.strategies.base import Strategy
from fks.strategies.informative import Informative
from fks.strategies.parameters import Parameter

PLUGIN_PACKAGE = "fks_user_strategies"
PLUGINS_PATH_ENV = "FKS_STRATEGY_PLUGINS_PATH"
# What a strategy name can be: it is stored in deployed configs, URLs and signal ids.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")

logger = logging.getLogger(__name__)
_Loader = Callable[[], ModuleType]


@dataclass(frozen=True, slots=True)
class BrokenPlugin:
    """A plugin module or class that was left out, and why."""

    name: str  # the strategy's name when it declared one, else its module
    module: str
    reason: str


@dataclass(frozen=True, slots=True)
class Discovery:
    strategies: dict[str, Strategy]
    modules: dict[str, str]  # strategy name -> the module that defines it
    broken: tuple[BrokenPlugin, ...]


def discover(taken: set[str]) -> Discovery:
    """Every plugin strategy whose name is not in ``taken`` (the built-ins), and the broken ones."""
    strategies: dict[str, Strategy] = {}
    modules: dict[str, str] = {}
    broken: list[BrokenPlugin] = []
    for module_name, load in _plugin_modules():
        try:
            module = load()
        except Exception as error:
            broken.append(BrokenPlugin(module_name, module_name, f"import failed: {type(error).__name__}: {error}"))
            continue
        for cls in _strategy_classes(module):
            declared = getattr(cls, "name", None)
            label = declared if isinstance(declared, str) and declared else f"{module_name}.{cls.__name__}"
            try:
                strategy = _checked(cls)
            except Exception as error:
                broken.append(BrokenPlugin(label, module_name, f"bad declaration: {error}"))
                continue
            if strategy.name in taken or strategy.name in strategies:
                other = "a built-in strategy" if strategy.name in taken else f"module {modules[strategy.name]}"
                broken.append(BrokenPlugin(label, module_name, f"name {strategy.name!r} is already used by {other}"))
                continue
            strategies[strategy.name] = strategy
            modules[strategy.name] = module_name
    for entry in broken:
        logger.error("strategy plugin %s (%s) left out: %s", entry.name, entry.module, entry.reason)
    return Discovery(strategies, modules, tuple(broken))


def _plugin_modules() -> Iterator[tuple[str, _Loader]]:
    try:
        package = importlib.import_module(PLUGIN_PACKAGE)
    except ModuleNotFoundError as error:
        if error.name != PLUGIN_PACKAGE:
            yield PLUGIN_PACKAGE, _raiser(error)
        package = None
    except Exception as error:
        yield PLUGIN_PACKAGE, _raiser(error)
        package = None
    if package is not None:
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if not info.name.startswith(("_", "test_")):
                full = f"{PLUGIN_PACKAGE}.{info.name}"
                yield full, _importer(full)
    for folder in plugin_folders():
        for path in sorted(folder.glob("*.py")):
            if not path.name.startswith(("_", "test_")):
                yield path.stem, _file_importer(path)


def plugin_folders() -> list[Path]:
    return [Path(part) for part in os.environ.get(PLUGINS_PATH_ENV, "").split(os.pathsep) if part]


def _raiser(error: Exception) -> _Loader:
    def load() -> ModuleType:
        raise error

    return load


def _importer(name: str) -> _Loader:
    return lambda: importlib.import_module(name)


def _file_importer(path: Path) -> _Loader:
    def load() -> ModuleType:
        # A private module name per folder file: two folders may both hold a ``trend.py``.
        name = f"_fks_plugin_{abs(hash(str(path.resolve()))):x}_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses and pickling look the module up by name
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        return module

    return load


def _strategy_classes(module: ModuleType) -> list[type[Strategy]]:
    """Strategies the module defines itself (an imported built-in is not a plugin)."""
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Strategy) and cls.__module__ == module.__name__ and not inspect.isabstract(cls)
    ]


def _checked(cls: type[Strategy]) -> Strategy:
    """One instance, its declaration checked the way the API will use it."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ValueError(f"name must match {NAME_PATTERN.pattern}, got {name!r}")
    if not isinstance(getattr(cls, "description", None), str) or not cls.description.strip():
        raise ValueError("description must be a non-empty string")
    parameters = getattr(cls, "parameters", None)
    if not isinstance(parameters, tuple) or not all(isinstance(p, Parameter) for p in parameters):
        raise ValueError("parameters must be a tuple of fks.strategies.Parameter")
    names = [p.name for p in parameters]
    if len(set(names)) != len(names):
        raise ValueError(f"parameter names repeat: {', '.join(names)}")
    strategy = cls()
    defaults = strategy.validate_params({})  # the defaults must pass the strategy's own rules
    warmup = strategy.warmup_bars(defaults)
    if not isinstance(warmup, int) or isinstance(warmup, bool) or warmup < 0:
        raise ValueError(f"warmup_bars must be a non-negative int, got {warmup!r}")
    informative = strategy.informative(defaults)
    if not all(isinstance(spec, Informative) for spec in informative):
        raise ValueError("informative must return fks.strategies.Informative values (Informative.of('1d', 'BTC/USDT'))")
    return strategy
