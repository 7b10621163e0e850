"""``GET /settings``, ``GET /settings/history``, ``GET /settings/{name}``, ``PUT /settings/{name}``:
risk limits, portfolio limits and prop-firm accounts, changed without a redeploy.

A value is checked by the same model the enforcing functions read it with (an unknown or wrong key
is a 400 naming it) and stored only if the setting is still at the version the edit was made from
(else a 409 naming the current one). Every change is audited (who, what, from, to, when); the
enforcing functions see it within ``max_age_s`` (their settings cache).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from fks import env
from fks.function_settings import ApiSettings, variable
from fks.observability import API, observed
from fks.settings import validate_setting
from fks_adapters.api import make_resolver
from fks_adapters.settings import DEFAULT_MAX_AGE_S, SettingsStore

logger = Logger()

SettingName = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z_]+$")]


class SettingUpdate(BaseModel):
    """The new value, and the version it was edited from (``GET /settings`` shows it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: Any = Field(description="the whole new value, as GET /settings shows it under value")
    version: int = Field(ge=1, description="the setting's version the edit was made from")


class HistoryQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = Field(default=None, max_length=64, pattern=r"^[a-z_]+$")
    limit: int = Field(default=50, ge=1, le=200)


class Settings(ApiSettings):
    settings_prefix: str = variable(env.SETTINGS_PREFIX)
    settings_audit_table: str = variable(env.SETTINGS_AUDIT_TABLE)
    # How long the functions may enforce a value they read: what a change's answer promises.
    settings_max_age_s: int = variable(env.SETTINGS_MAX_AGE_S, int, default=DEFAULT_MAX_AGE_S)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@cache
def _store() -> SettingsStore:
    return SettingsStore(SETTINGS.settings_prefix, SETTINGS.settings_audit_table)


def _caller() -> str:
    authorizer = app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    return str(authorizer.get("subject") or authorizer.get("principalId") or "unknown")


@app.get("/settings")
def list_settings() -> dict[str, Any]:
    """Every setting: its stored value, the value with defaults filled in, its version."""
    return {
        "settings": [stored.as_dict() for stored in _store().read_all()],
        "max_age_s": SETTINGS.settings_max_age_s,
    }


@app.get("/settings/history")
def settings_history(query: Annotated[HistoryQuery, Query()]) -> dict[str, Any]:
    """Applied changes, newest first: who changed which setting, from what, to what, and when."""
    return {"changes": _store().history(query.name, query.limit)}


@app.get("/settings/<name>")
def get_setting(name: SettingName) -> dict[str, Any]:
    return {"setting": _store().read(name).as_dict(), "max_age_s": SETTINGS.settings_max_age_s}


@app.put("/settings/<name>")
def put_setting(name: SettingName, update: Annotated[SettingUpdate, Body()]) -> dict[str, Any]:
    """Replace a setting's value if it is still at ``version``; the functions apply it within ``max_age_s``."""
    validate_setting(name, update.value)
    stored, changed = _store().update(name, update.value, update.version, _caller())
    logger.info("setting changed" if changed else "setting unchanged", extra={"setting": name, "by": _caller()})
    return {"setting": stored.as_dict(), "changed": changed, "max_age_s": SETTINGS.settings_max_age_s}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
