"""From a platform signal to an NT8 account, contract and order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fks.errors import BadRequest
from fks.signals import AssetClass, Side, Signal
from fks_ninja.config import AccountConfig, BridgeConfig, InstrumentConfig
from fks_ninja.errors import UnknownAccount, UnknownInstrument
from fks_ninja.instruments import Contract, resolve_contract
from fks_ninja.oif import Action, OrderType


@dataclass(frozen=True)
class OrderIntent:
    signal_id: str
    account_key: str
    nt8_account: str
    contract: Contract
    action: Action
    contracts: int
    order_type: OrderType
    limit_price: Decimal | None
    point_value: Decimal
    exchange: str | None

    @property
    def instrument(self) -> str:
        return self.contract.nt8_name

    @property
    def instrument_with_exchange(self) -> str:
        return f"{self.instrument} {self.exchange}" if self.exchange else self.instrument

    @property
    def signed_contracts(self) -> int:
        return self.contracts if self.action is Action.BUY else -self.contracts


def map_signal(signal: Signal, config: BridgeConfig, today: date) -> OrderIntent:
    if signal.asset_class is not AssetClass.FUTURES:
        raise BadRequest(f"signal {signal.signal_id} is {signal.asset_class}, the bridge trades futures only")
    account = config.accounts.get(signal.account)
    if account is None:
        raise UnknownAccount(
            f"signal {signal.signal_id}: no NT8 account configured for {signal.account!r}",
            details={"account": signal.account},
        )
    root, _, _ = signal.symbol.partition(" ")
    instrument = config.instruments.get(root)
    if instrument is None:
        raise UnknownInstrument(
            f"signal {signal.signal_id}: no instrument configured for {root!r}", details={"symbol": signal.symbol}
        )
    try:
        contract = resolve_contract(signal.symbol, today, instrument.roll_days)
    except ValueError as exc:
        raise UnknownInstrument(f"signal {signal.signal_id}: {exc}", details={"symbol": signal.symbol}) from exc
    return OrderIntent(
        signal_id=signal.signal_id,
        account_key=signal.account,
        nt8_account=account.nt8_account,
        contract=_nt8_contract(contract, instrument),
        action=Action.BUY if signal.side is Side.BUY else Action.SELL,
        contracts=_contracts(signal, account),
        order_type=OrderType.LIMIT if signal.limit_price is not None else OrderType.MARKET,
        limit_price=signal.limit_price,
        point_value=instrument.point_value,
        exchange=instrument.exchange,
    )


def _nt8_contract(contract: Contract, instrument: InstrumentConfig) -> Contract:
    if instrument.nt8_root is None:
        return contract
    return Contract(instrument.nt8_root, contract.year, contract.month)


def _contracts(signal: Signal, account: AccountConfig) -> int:
    # Futures trade in whole contracts: a fractional result is a sizing bug upstream, not
    # something to round silently into more or less risk.
    contracts = signal.quantity * account.contracts_per_unit
    if contracts != contracts.to_integral_value() or contracts < 1:
        raise BadRequest(
            f"signal {signal.signal_id}: quantity {signal.quantity} x {account.contracts_per_unit} "
            f"is {contracts} contracts; it must be a whole number of at least 1"
        )
    return int(contracts)
