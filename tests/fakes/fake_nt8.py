"""A fake NinjaTrader 8 for tests and demos: the ATI file interface only.

It reads ``incoming/oif*.txt`` like NT8 (deleting each file once read), checks every line against
the documented grammar on its own, without the bridge's models, so the two cannot drift together,
and writes ``outgoing`` order state and position files in NT8's formats with scripted behaviour:
fill, partial fill then fill, reject, or stay working. Given an ``account_values`` folder it also
plays FKSStatusIndicator: after each step it writes every account's realised and unrealised P&L
at ``prices`` and its net liquidation (``<account>_Account.txt``, see ``account_values.py``).
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

# Required (R) fields per command, from the NT8 help guide's "Commands and Valid Parameters" table
# (indexes into the 13 fields; 0 is the command itself).
_REQUIRED = {
    "CANCEL": {10},
    "CANCELALLORDERS": set(),
    "CHANGE": {10},
    "CLOSEPOSITION": {1, 2},
    "CLOSESTRATEGY": {12},
    "FLATTENEVERYTHING": set(),
    "PLACE": {1, 2, 3, 4, 5, 8},
    "REVERSEPOSITION": {1, 2, 3, 4, 5, 8},
}
_ORDER_TYPES = {"MARKET", "LIMIT", "STOPMARKET", "STOPLIMIT"}
_PRICE = re.compile(r"^\d+(\.\d+)?$")


class Behaviour(StrEnum):
    FILL = "fill"
    PARTIAL_FILL = "partial"  # half first, the rest on the next step
    REJECT = "reject"
    WORK = "work"  # accepted and left working until cancelled


@dataclass
class _Order:
    order_id: str
    account: str
    instrument: str
    signed_quantity: int
    price: Decimal
    pending: deque[str] = field(default_factory=deque)


class AtiGrammarError(ValueError):
    pass


def check_line(line: str) -> list[str]:
    """The fields of one OIF line, or ``AtiGrammarError`` saying why NT8 would reject it."""
    fields = line.split(";")
    if len(fields) != 13:
        raise AtiGrammarError(f"expected 13 fields, got {len(fields)}")
    command = fields[0]
    if command not in _REQUIRED:
        raise AtiGrammarError(f"unknown command {command!r}")
    missing = [i for i in sorted(_REQUIRED[command]) if not fields[i]]
    if missing:
        raise AtiGrammarError(f"{command} is missing required field(s) {missing}")
    if command in ("PLACE", "REVERSEPOSITION"):
        _check_entry(fields)
    return fields


def _check_entry(fields: list[str]) -> None:
    action, qty, order_type, limit, stop, tif = fields[3], fields[4], fields[5], fields[6], fields[7], fields[8]
    if action not in ("BUY", "SELL"):
        raise AtiGrammarError(f"ACTION {action!r} is not BUY or SELL")
    if not qty.isdigit() or int(qty) == 0:
        raise AtiGrammarError(f"QTY {qty!r} is not a positive integer")
    if order_type not in _ORDER_TYPES:
        raise AtiGrammarError(f"ORDER TYPE {order_type!r} is not one of {sorted(_ORDER_TYPES)}")
    if tif not in ("DAY", "GTC"):
        raise AtiGrammarError(f"TIF {tif!r} is not DAY or GTC")
    for name, value, needed in (
        ("LIMIT PRICE", limit, order_type in ("LIMIT", "STOPLIMIT")),
        ("STOP PRICE", stop, order_type in ("STOPMARKET", "STOPLIMIT")),
    ):
        if needed and not _PRICE.match(value):
            raise AtiGrammarError(f"{order_type} needs {name} in US decimal format, got {value!r}")


class FakeNt8:
    def __init__(
        self,
        incoming: Path,
        outgoing: Path,
        *,
        accounts: set[str],
        prices: dict[str, Decimal] | None = None,
        exchange: str = "Globex",
        account_values: Path | None = None,
        point_values: dict[str, Decimal] | None = None,
        starting_balance: Decimal = Decimal(50000),
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.incoming = incoming
        self.outgoing = outgoing
        self.accounts = accounts
        self.prices = prices or {}
        self.exchange = exchange
        self.behaviours: deque[Behaviour] = deque()  # consumed by PLACE lines, FILL when empty
        self.lines: list[str] = []
        self.rejections: list[tuple[str, str]] = []
        self.positions: dict[tuple[str, str], int] = {}
        self.account_values = account_values
        self.point_values = point_values or {}  # by contract root: "ES" -> 50
        self.starting_balance = starting_balance
        self.clock_ms = clock_ms
        self._averages: dict[tuple[str, str], Decimal] = {}
        self._realized: dict[str, Decimal] = {}
        self._orders: dict[str, _Order] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        incoming.mkdir(parents=True, exist_ok=True)
        outgoing.mkdir(parents=True, exist_ok=True)

    def step(self) -> None:
        """Read new OIF files, then write the next outgoing update of every order."""
        for path in sorted(self.incoming.glob("oif*.txt")):
            text = path.read_text(encoding="ascii")
            path.unlink()
            for line in filter(None, text.splitlines()):
                self._execute(line)
        for order in self._orders.values():
            if order.pending:
                self._apply(order, order.pending.popleft())
        if self.account_values is not None:
            self._write_account_values(self.account_values)

    def unrealized(self, account: str) -> Decimal:
        """The account's open P&L at ``prices``, as NT8 marks it."""
        total = Decimal(0)
        for (owner, instrument), quantity in self.positions.items():
            if owner == account and quantity:
                mark = self.prices.get(instrument, self._averages[(owner, instrument)])
                total += (mark - self._averages[(owner, instrument)]) * quantity * self._point_value(instrument)
        return total

    def _write_account_values(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for account in sorted(self.accounts):
            realized, unrealized = self._realized.get(account, Decimal(0)), self.unrealized(account)
            net = self.starting_balance + realized + unrealized
            line = f"{realized};{unrealized};{net};{self.clock_ms()}"
            temp = folder / f".{account}.tmp"
            temp.write_text(line, encoding="utf-8")
            temp.replace(folder / f"{account}_Account.txt")  # atomic, as the indicator's File.Replace

    def _point_value(self, instrument: str) -> Decimal:
        return self.point_values.get(instrument.split(" ")[0], Decimal(1))

    def start(self, interval: float = 0.05) -> None:
        def loop() -> None:
            while not self._stop.wait(interval):
                self.step()

        self._thread = threading.Thread(target=loop, name="fake-nt8", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _execute(self, line: str) -> None:
        self.lines.append(line)
        try:
            fields = check_line(line)
            if fields[1] and fields[1] not in self.accounts:
                raise AtiGrammarError(f"unknown account {fields[1]!r}")
            if fields[0] == "PLACE":
                self._place(fields)
            elif fields[0] == "CLOSEPOSITION":
                self._close(fields[1], fields[2])
        except AtiGrammarError as exc:
            self.rejections.append((line, str(exc)))
            order_id = line.split(";")[10] if line.count(";") >= 10 else ""
            if order_id and order_id not in self._orders:
                (self.outgoing / f"{order_id}.txt").write_text("REJECTED;0;0")

    def _place(self, fields: list[str]) -> None:
        order_id = fields[10]
        if order_id in self._orders:
            raise AtiGrammarError(f"ORDER ID {order_id!r} is not unique")
        quantity = int(fields[4]) * (1 if fields[3] == "BUY" else -1)
        price = Decimal(fields[6]) if fields[6] else self.prices.get(fields[2], Decimal(100))
        order = _Order(order_id, fields[1], fields[2], quantity, price)
        self._orders[order_id] = order
        behaviour = self.behaviours.popleft() if self.behaviours else Behaviour.FILL
        order.pending.extend(
            {
                Behaviour.FILL: ["ACCEPTED", "FILLED"],
                Behaviour.PARTIAL_FILL: ["ACCEPTED", "PARTFILLED", "FILLED"],
                Behaviour.REJECT: ["REJECTED"],
                Behaviour.WORK: ["ACCEPTED", "WORKING"],
            }[behaviour]
        )

    def _apply(self, order: _Order, state: str) -> None:
        total = abs(order.signed_quantity)
        filled = {"FILLED": total, "PARTFILLED": max(1, total // 2)}.get(state, 0)
        before = int(self._read_filled(order.order_id))
        (self.outgoing / f"{order.order_id}.txt").write_text(f"{state};{filled};{order.price if filled else 0}")
        if filled > before:
            direction = 1 if order.signed_quantity > 0 else -1
            self._move_position(order.account, order.instrument, direction * (filled - before), order.price)

    def _read_filled(self, order_id: str) -> str:
        path = self.outgoing / f"{order_id}.txt"
        return path.read_text().split(";")[1] if path.exists() else "0"

    def _close(self, account: str, instrument: str) -> None:
        instrument = instrument.removesuffix(f" {self.exchange}")
        for order in self._orders.values():
            if order.account == account and order.instrument == instrument and order.pending:
                order.pending.clear()
                (self.outgoing / f"{order.order_id}.txt").write_text("CANCELLED;0;0")
        held = self.positions.get((account, instrument), 0)
        if held:
            self._move_position(account, instrument, -held, self.prices.get(instrument, Decimal(100)))

    def _move_position(self, account: str, instrument: str, delta: int, price: Decimal) -> None:
        held = self.positions.get((account, instrument), 0)
        quantity = held + delta
        average = self._averages.get((account, instrument), Decimal(0))
        if held and (held > 0) != (delta > 0):  # closing some or all: realise on what closes
            closed = min(abs(delta), abs(held))
            realized = (price - average) * closed * (1 if held > 0 else -1) * self._point_value(instrument)
            self._realized[account] = self._realized.get(account, Decimal(0)) + realized
        if quantity == 0:
            average = Decimal(0)
        elif held == 0 or (held > 0) != (quantity > 0):
            average = price
        elif abs(quantity) > abs(held):
            average = (average * abs(held) + price * abs(delta)) / abs(quantity)
        self._averages[(account, instrument)] = average
        self.positions[(account, instrument)] = quantity
        side = "FLAT" if quantity == 0 else ("LONG" if quantity > 0 else "SHORT")
        name = f"{instrument} {self.exchange}_{account}_Position.txt"
        (self.outgoing / name).write_text(f"{side};{abs(quantity)};{price if quantity else 0}")
