"""The bridge's configuration file (YAML or JSON), validated once at start-up."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fks.errors import BadRequest
from fks.prop_firm import PropFirmAccount
from fks_ninja.oif import Tif


class Mode(StrEnum):
    AUTOMATIC = "automatic"  # write OIF files into NT8's incoming folder
    MANUAL = "manual"  # record and show the signal; the trader places the order
    DRY_RUN = "dry-run"  # write OIF files into a folder NT8 does not watch


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InstrumentConfig(_Frozen):
    nt8_root: str | None = None  # when NT8 names the root differently from the strategy
    point_value: Decimal = Field(gt=0)  # dollars per point per contract (ES 50, NQ 20, MES 5)
    roll_days: int = Field(default=8, ge=0, le=60)
    # NT8's CLOSEPOSITION wants "the name of the NinjaTrader instrument including the exchange
    # name" (help guide, Commands and Valid Parameters): "ES 12-25 Globex". None sends the bare name.
    exchange: str | None = "Globex"


class AccountConfig(PropFirmAccount):
    """The platform's view of the account (NT8 name, firm profile and overrides, contracts per
    signal unit) plus what only the bridge needs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tif: Tif = Tif.DAY


class ApiConfig(_Frozen):
    base_url: str
    api_key: str = Field(min_length=1)
    timeout_seconds: float = Field(default=10, gt=0)
    attempts: int = Field(default=5, ge=1)


class BridgeConfig(_Frozen):
    mode: Mode = Mode.AUTOMATIC
    incoming: Path
    outgoing: Path
    dry_run_folder: Path | None = None
    state_dir: Path | None = None  # remembers reported positions across restarts
    # Where FKSStatusIndicator writes each account's NT8 values (realised, unrealised, net
    # liquidation): the prop-firm rules then run on open equity. None: on realised fills only.
    account_values: Path | None = None
    # Values older than this stop opening orders: the rules cannot see the open loss any more.
    account_values_max_age_s: int = Field(default=60, ge=1, le=3600)
    queue_url: str
    region: str = "us-east-1"
    endpoint_url: str | None = None  # the local AWS emulator; None in AWS
    # SQS allows up to 20; outgoing is read between polls, so this is also the worst fill latency.
    wait_seconds: int = Field(default=5, ge=0, le=20)
    api: ApiConfig | None = None
    # Several bridges (one per NT8 instance): the stack's NinjaBridgeRoutesTableName, where this
    # bridge claims its accounts for queue_url (its own queue, fks-ninjatrader-<stage>-<name>).
    # None: the one bridge, on the stack's NinjaTraderQueue.
    routes_table: str | None = Field(default=None, min_length=3, max_length=255)
    # The heartbeat metric the platform's monitor watches: Stage and Bridge name its dimensions.
    stage: str = "dev"
    bridge_name: str = Field(default="ninja-bridge", min_length=1, max_length=64)
    accounts: dict[str, AccountConfig]
    instruments: dict[str, InstrumentConfig]

    @model_validator(mode="after")
    def _dry_run_has_folder(self) -> BridgeConfig:
        if self.mode is Mode.DRY_RUN and self.dry_run_folder is None:
            raise ValueError("dry-run mode needs dry_run_folder")
        return self

    @model_validator(mode="after")
    def _automation_where_allowed(self) -> BridgeConfig:
        if self.mode is not Mode.AUTOMATIC:
            return self
        forbidden = sorted(key for key, acct in self.accounts.items() if not acct.effective_rules().automation_allowed)
        if forbidden:
            raise ValueError(
                f"account(s) {', '.join(forbidden)} belong to a firm that forbids automated trading: "
                "run this bridge in manual mode (or set rules.automation_allowed if the plan allows it)"
            )
        return self


def load_config(path: Path) -> BridgeConfig:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml  # only YAML configs need PyYAML on the Windows host

        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    try:
        return BridgeConfig.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()]
        raise BadRequest(f"invalid bridge config {path}: " + "; ".join(problems)) from exc
