"""Faults a test injects into the Binance endpoints: errors, late answers, lost answers, timeouts.

Each fault matches one path, or every one (``"*"``), and optionally one method; it fires
``times`` times, optionally only after letting ``skip`` matching requests through and only with
``probability`` drawn from a seeded generator, so a schedule replays identically for the same
seed and request sequence.

Kinds, and whether the request is carried out (``apply``) before the fault answers:

- ``error``: answer ``status`` (with a Binance ``code``/``msg`` body, or a bare HTML page as a
  proxy sends) instead of serving; not applied unless ``apply`` is true. 429/418 answers carry
  ``Retry-After`` (``retry_after_s``, default 1).
- ``delay``: applied, and the real answer is sent ``delay_ms`` later.
- ``lose_answer``: applied, then the answer is lost: the connection is closed without one, or,
  with ``status``, that error is answered instead (e.g. 503, or 500 with code -1007, Binance's
  "execution status unknown").
- ``timeout``: the connection is held ``delay_ms`` and closed without an answer; not applied
  unless ``apply`` is true.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

from fks_exchange_sim import errors

API_PREFIX = "/api/v3/"
# ``"path": "*"`` matches every Binance endpoint (a chaos schedule over the whole API).
ANY_PATH = "*"
KINDS = ("error", "delay", "lose_answer", "timeout")
_APPLIED_BY_DEFAULT = {"error": False, "delay": True, "lose_answer": True, "timeout": False}
METHODS = ("GET", "POST", "DELETE", "PUT")
MAX_DELAY_MS = 300_000
_FIELDS = {
    "path",
    "method",
    "kind",
    "times",
    "probability",
    "skip",
    "delay_ms",
    "apply",
    "status",
    "code",
    "msg",
    "retry_after_s",
}


@dataclass
class Fault:
    path: str
    method: str | None
    kind: str
    times: int = 1
    probability: float = 1.0
    skip: int = 0
    delay_ms: int = 0
    apply: bool = False
    status: int | None = None
    code: int | None = None
    msg: str | None = None
    retry_after_s: int | None = None
    fault_id: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.path in (path, ANY_PATH) and self.method in (None, method)

    @property
    def drops(self) -> bool:
        """Whether the connection is closed without an answer."""
        return self.kind == "timeout" or (self.kind == "lose_answer" and self.status is None)

    def error_answer(self) -> errors.BinanceError | tuple[int, str] | None:
        """The error to answer instead of the real one (None: the real answer, or none at all)."""
        if self.kind == "delay" or self.status is None:
            return None
        if self.code is None:
            # No Binance code: the bare page a gateway answers, or the text given (Binance's 503
            # "Service Unavailable." says the request was not processed).
            return self.status, self.msg or f"<html><body><h1>{self.status}</h1></body></html>"
        retry = self.retry_after_s if self.retry_after_s is not None else 1 if self.status in (418, 429) else None
        headers = {"Retry-After": str(retry)} if retry is not None else None
        msg = self.msg or errors.MESSAGE_BY_CODE.get(self.code, "Injected error.")
        return errors.BinanceError(self.code, msg, self.status, headers)


def _public(fault: Fault) -> dict[str, object]:
    data = asdict(fault)
    data["id"] = data.pop("fault_id")
    return data


def full_path(path: str) -> str:
    return path if path.startswith("/") or path == ANY_PATH else API_PREFIX + path


def error_fault(
    path: str, *, code: int | None, http_status: int | None, msg: str | None, method: str | None, times: int
) -> Fault:
    """What ``ExchangeSimulator.inject_error`` adds: an error answered instead of serving."""
    if code is None and http_status is None:
        raise ValueError("inject_error needs a code, an http_status or both")
    status = http_status or errors.HTTP_STATUS_BY_CODE.get(code or 0, 400)
    return Fault(full_path(path), method, "error", times=times, status=status, code=code, msg=msg)


def parse_fault(raw: object) -> Fault:
    """A fault from the JSON of ``POST /sim/faults``; ValueError names what is wrong."""
    if not isinstance(raw, Mapping):
        raise ValueError("each fault must be a JSON object")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise ValueError(f"unknown fault field(s) {unknown}; allowed: {sorted(_FIELDS)}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ValueError(f"fault kind must be one of {list(KINDS)}, not {kind!r}")
    path = raw.get("path")
    if not isinstance(path, str) or not path.strip("/"):
        raise ValueError('fault path is required, e.g. "/api/v3/order", "order" or "*" for every endpoint')
    method = raw.get("method")
    if method is not None and method not in METHODS:
        raise ValueError(f"fault method must be one of {list(METHODS)} or null, not {method!r}")
    fault = Fault(
        full_path(path),
        method,
        kind,
        times=_integer(raw, "times", 1, minimum=1, maximum=1_000_000),
        probability=_probability(raw),
        skip=_integer(raw, "skip", 0, minimum=0, maximum=1_000_000),
        delay_ms=_integer(raw, "delay_ms", 0, minimum=0, maximum=MAX_DELAY_MS),
        apply=_boolean(raw, "apply", _APPLIED_BY_DEFAULT[kind]),
        status=_optional_integer(raw, "status", 100, 599),
        code=_optional_integer(raw, "code", -99_999, -1),
        msg=_optional_text(raw, "msg"),
        retry_after_s=_optional_integer(raw, "retry_after_s", 0, 3600),
    )
    _check_kind(fault)
    return fault


def _check_kind(fault: Fault) -> None:
    if fault.kind == "error" and fault.status is None and fault.code is None:
        raise ValueError("an error fault needs a status, a code or both")
    if fault.kind == "error" and fault.status is None:
        fault.status = errors.HTTP_STATUS_BY_CODE.get(fault.code or 0, 400)
    if fault.kind in ("delay", "timeout") and fault.delay_ms <= 0:
        raise ValueError(f"a {fault.kind} fault needs delay_ms > 0")
    if fault.kind == "delay" and not fault.apply:
        raise ValueError("a delay fault sends the real answer late: it cannot leave the request unapplied")
    if fault.kind in ("delay", "timeout") and (fault.status is not None or fault.code is not None):
        raise ValueError(f"a {fault.kind} fault answers no error: drop status and code")
    if fault.kind == "lose_answer" and fault.code is not None and fault.status is None:
        raise ValueError("a lose_answer fault with a code needs the status to answer it with")


def _integer(raw: Mapping[str, object], name: str, default: int, *, minimum: int, maximum: int) -> int:
    value = raw.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        raise ValueError(f"fault {name} must be an integer in [{minimum}, {maximum}], not {value!r}")
    return value


def _optional_integer(raw: Mapping[str, object], name: str, minimum: int, maximum: int) -> int | None:
    return None if raw.get(name) is None else _integer(raw, name, 0, minimum=minimum, maximum=maximum)


def _optional_text(raw: Mapping[str, object], name: str) -> str | None:
    value = raw.get(name)
    if value is not None and (not isinstance(value, str) or not 0 < len(value) <= 500):
        raise ValueError(f"fault {name} must be a string of 1 to 500 characters")
    return value


def _boolean(raw: Mapping[str, object], name: str, default: bool) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise ValueError(f"fault {name} must be true or false, not {value!r}")
    return value


def _probability(raw: Mapping[str, object]) -> float:
    value = raw.get("probability", "1")
    try:
        probability = Decimal(str(value)) if not isinstance(value, bool) else Decimal("NaN")
    except InvalidOperation:
        probability = Decimal("NaN")
    if not probability.is_finite() or not 0 < probability <= 1:
        raise ValueError(f"fault probability must be a number in (0, 1], not {value!r}")
    return float(probability)


class FaultInjector:
    """The active faults, in the order added; the first one matching a request may fire."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._spent: list[Fault] = []
        self._next_id = 1
        self.seed = seed
        self._random = random.Random(seed)  # noqa: S311 - a replayable schedule, not a secret

    def reseed(self, seed: int) -> None:
        with self._lock:
            self.seed = seed
            self._random = random.Random(seed)  # noqa: S311 - a replayable schedule, not a secret

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.fault_id = self._next_id
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._spent.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The fault that fires on this request, if any (a firing uses up one of its ``times``)."""
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                if fault.skip:
                    fault.skip -= 1
                    continue
                if fault.probability < 1 and self._random.random() >= fault.probability:
                    continue
                fault.times -= 1
                fault.fired += 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                    self._spent.append(fault)
                return fault
        return None

    def report(self) -> dict[str, object]:
        with self._lock:
            return {
                "seed": self.seed,
                "active": [_public(f) for f in self._faults],
                "spent": [_public(f) for f in self._spent],
                "fired": sum(f.fired for f in self._faults + self._spent),
            }
