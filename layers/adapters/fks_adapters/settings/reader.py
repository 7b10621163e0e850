"""A setting as a function enforces it: the stored value, re-read at most every ``max_age_s``.

Powertools' parameters utility keeps what it read for ``FKS_SETTINGS_MAX_AGE_S`` seconds (30 by
default), so a change made through the settings API applies to every warm instance within that
bound, and a function pays one SSM call per setting per bound, not one per invocation. A stack
without a settings prefix (unit tests, a bare function) uses the template's initial value, which
the function's settings read from the setting's variable (``initial``), as before settings were
stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from fks.errors import BadRequest, TemporaryError
from fks.settings import setting

DEFAULT_MAX_AGE_S = 30


class SettingsReader:
    def __init__(
        self, prefix: str | None, max_age_s: int = DEFAULT_MAX_AGE_S, initial: Mapping[str, str | None] | None = None
    ) -> None:
        self.prefix = prefix
        self.max_age_s = max_age_s
        self.initial = dict(initial or {})  # setting name -> the template's JSON, without a prefix

    def current(self, name: str) -> Any:
        """The setting ``name`` parsed by its model; a stored value that breaks it is a ``BadRequest``
        naming where it is (only a write that bypassed the settings API can store one)."""
        text, source = self._stored_text(name)
        try:
            return setting(name).parse(json.loads(text))
        except (ValidationError, ValueError) as error:
            raise BadRequest(f"{source} is not a valid {name}: {error}") from error

    def _stored_text(self, name: str) -> tuple[str, str]:
        """The setting's JSON text and where it came from."""
        if not self.prefix:
            return self.initial.get(name) or "{}", setting(name).initial_env
        # Imported here: powertools' parameters utility loads boto3, which a cold start should not
        # pay before the first invocation that reads a setting (fks_adapters.aws.lazy).
        from aws_lambda_powertools.utilities import parameters

        path = f"{self.prefix.rstrip('/')}/{name}"
        try:
            text = parameters.get_parameter(path, max_age=self.max_age_s)
        except parameters.exceptions.GetParameterError as error:
            # Enforcing a limit that could not be read is not an option: the caller's state retries.
            raise TemporaryError(f"cannot read setting {path}: {error}") from error
        return str(text), path
