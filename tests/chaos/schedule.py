"""The seeded fault schedule: which simulator faults are active in each phase of the chaos window,
and whether the other fault kinds (instance kills, signal redeliveries, S3 write failures) fire.

One ``random.Random(seed)`` decides everything the test decides, so a seed names a schedule. The
simulator draws its own probabilistic firings from the same seed (``inject_faults(seed=...)``).

Faults whose outcome the engine cannot know (a lost answer, a timeout, a killed instance) leave an
order claim that only lapses after the claim lease (75 s, ``execute_order``'s ``claim.rs``); they
stop after the first third of the window: the pipeline retries such an order for up to
~2 minutes (2 s doubling, 7 attempts), so the settle phase after the window stays short.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

ORDER = "/api/v3/order"
KLINES = "/api/v3/klines"
PHASE_SECONDS = 15.0
UNKNOWN_OUTCOME_SHARE = 1 / 3


def _menu(rng: random.Random) -> list[dict[str, Any]]:
    """Every venue fault the schedule may pick, with a probability drawn for this schedule."""

    def p(low: float, high: float) -> float:
        return round(rng.uniform(low, high), 3)

    return [
        {"path": ORDER, "method": "POST", "kind": "error", "status": 503, "probability": p(0.05, 0.2)},
        {"path": ORDER, "method": "POST", "kind": "error", "status": 429, "code": -1003, "probability": p(0.05, 0.2)},
        {
            "path": ORDER,
            "method": "POST",
            "kind": "delay",
            "delay_ms": rng.randint(500, 3000),
            "probability": p(0.1, 0.3),
        },
        {"path": ORDER, "method": "GET", "kind": "error", "status": 400, "code": -2013, "probability": p(0.1, 0.3)},
        {"path": ORDER, "method": "GET", "kind": "error", "status": 503, "probability": p(0.05, 0.2)},
        {"path": KLINES, "method": "GET", "kind": "error", "status": 503, "probability": p(0.1, 0.4)},
        {"path": KLINES, "method": "GET", "kind": "error", "status": 429, "code": -1003, "probability": p(0.1, 0.3)},
        {
            "path": KLINES,
            "method": "GET",
            "kind": "delay",
            "delay_ms": rng.randint(500, 3000),
            "probability": p(0.1, 0.3),
        },
        {
            "path": KLINES,
            "method": "GET",
            "kind": "timeout",
            "delay_ms": rng.randint(1000, 3000),
            "probability": p(0.05, 0.2),
        },
    ]


def _unknown_outcome_menu(rng: random.Random) -> list[dict[str, Any]]:
    return [
        {"path": ORDER, "method": "POST", "kind": "lose_answer", "probability": round(rng.uniform(0.05, 0.2), 3)},
        {
            "path": ORDER,
            "method": "POST",
            "kind": "lose_answer",
            "status": 500,
            "code": -1007,
            "probability": round(rng.uniform(0.05, 0.15), 3),
        },
        {
            "path": ORDER,
            "method": "POST",
            "kind": "timeout",
            "delay_ms": rng.randint(1000, 3000),
            "probability": round(rng.uniform(0.05, 0.15), 3),
        },
    ]


def fault_label(fault: dict[str, Any]) -> str:
    """``kind status code method path``, as the printed counts name a fault."""
    parts = [
        fault["kind"],
        str(fault.get("status") or ""),
        str(fault.get("code") or ""),
        fault["method"],
        fault["path"],
    ]
    return " ".join(part for part in parts if part)


@dataclass
class ChaosSchedule:
    seed: int
    seconds: float
    rng: random.Random = field(init=False)
    injected: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # a replayable schedule, not a secret

    @property
    def phases(self) -> int:
        return max(1, round(self.seconds / PHASE_SECONDS))

    def unknown_outcomes_allowed(self, elapsed_s: float) -> bool:
        return elapsed_s < self.seconds * UNKNOWN_OUTCOME_SHARE

    def venue_faults(self, elapsed_s: float) -> list[dict[str, Any]]:
        """The simulator faults of the phase starting at ``elapsed_s``: a random half of the menu."""
        menu = _menu(self.rng)
        if self.unknown_outcomes_allowed(elapsed_s):
            menu += _unknown_outcome_menu(self.rng)
        chosen = [fault for fault in menu if self.rng.random() < 0.5]
        # Unbounded within the phase: the probability, not a count, limits them.
        return [{**fault, "times": 1_000_000} for fault in chosen]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def phase_seed(self) -> int:
        return self.rng.randrange(2**31)
