"""The settings there are: name, meaning, model, and the template parameter giving the first value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError

from fks import env
from fks.errors import BadRequest, NotFound
from fks.pipeline.risk import PortfolioLimits
from fks.prop_firm import PropFirmAccount
from fks.settings.execution_limits import ExecutionRiskLimits

# SSM Parameter Store's standard tier holds at most 4 KB per parameter.
MAX_VALUE_BYTES = 4096


class PropFirmAccountSetting(PropFirmAccount):
    """A prop-firm account as the settings store keeps it: the bridge's config file may carry keys
    of its own, but a key the settings API does not know is a typo, refused."""

    # defer_build: validators are built on first use, not at import: an API function's cold start
    # imports these models for one route and should not build every model of the module.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


@dataclass(frozen=True)
class Setting:
    name: str
    description: str
    model: TypeAdapter[Any]
    initial_env: str  # the environment variable the template's initial value reaches a function by
    template_parameter: str

    def parse(self, value: Any) -> Any:
        """The value as the functions use it; ``ValidationError`` when it breaks the model."""
        return self.model.validate_python(value)

    def effective(self, value: Any) -> Any:
        """The value with every default filled in, as JSON: what the functions enforce."""
        return self.model.dump_python(self.parse(value), mode="json")


SETTINGS: dict[str, Setting] = {
    item.name: item
    for item in (
        Setting(
            "portfolio_limits",
            "The signal pipeline's risk check: gross exposure, symbol weight, open positions, correlation.",
            TypeAdapter(PortfolioLimits),
            env.PORTFOLIO_LIMITS,
            "PortfolioLimits",
        ),
        Setting(
            "execution_risk_limits",
            "execute_order's limits per order: notional, position caps, open orders, order rate, daily loss, "
            "exchange errors before a halt.",
            TypeAdapter(ExecutionRiskLimits),
            env.EXECUTION_RISK_LIMITS,
            "ExecutionRiskLimits",
        ),
        Setting(
            "prop_firm_accounts",
            "Futures prop-firm accounts by the signals' account name: NT8 account, profile, rule overrides.",
            TypeAdapter(dict[str, PropFirmAccountSetting]),
            env.PROP_FIRM_ACCOUNTS,
            "PropFirmAccounts",
        ),
    )
}


def setting(name: str) -> Setting:
    known = SETTINGS.get(name)
    if known is None:
        raise NotFound(
            f"no setting {name!r}; the settings are {', '.join(sorted(SETTINGS))}",
            details={"setting": name, "known": sorted(SETTINGS)},
        )
    return known


def validate_setting(name: str, value: Any) -> Any:
    """``value`` checked against the setting's model; a ``BadRequest`` names every wrong or unknown key."""
    try:
        return setting(name).parse(value)
    except ValidationError as error:
        problems = [
            {"field": ".".join(["value", *(str(part) for part in item["loc"])]), "problem": item["msg"]}
            for item in error.errors(include_url=False)
        ]
        unknown = [
            p["field"] for p, item in zip(problems, error.errors(), strict=True) if item["type"] == "extra_forbidden"
        ]
        lead = f"unknown keys {', '.join(unknown)}; " if unknown else ""
        summary = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
        raise BadRequest(
            f"invalid {name}: {lead}{summary}", details={"setting": name, "problems": problems, "unknown": unknown}
        ) from None
