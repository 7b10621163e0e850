"""Declared strategy parameters: what the API validates and the web form renders."""

from __future__ import annotations

import math
import numbers
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, model_validator

from fks.errors import BadRequest

ParamValue = int | float | str


class Parameter(BaseModel):
    """One tunable input of a strategy, with its type, bounds (inclusive) and default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: Literal["int", "float", "choice"]
    default: ParamValue
    description: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _default_is_valid(self) -> Self:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"choice parameter {self.name} declares no choices")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"parameter {self.name}: min {self.min} exceeds max {self.max}")
        try:
            self.coerce(self.default)
        except BadRequest as error:
            raise ValueError(f"default of {self.name} is invalid: {error.message}") from error
        return self

    def coerce(self, value: object) -> ParamValue:
        """The value as this parameter's type, or BadRequest naming the parameter and the limit."""
        if self.type == "choice":
            if value not in self.choices:
                raise self._error(f"must be one of {', '.join(self.choices)}, got {value!r}")
            return str(value)
        # Real admits NumPy scalars (a grid built with np.arange); bool is an int subclass but
        # never a window. JSON numbers may arrive as 10.0 for an int parameter.
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise self._error(f"must be a number, got {value!r}")
        value = float(value) if not isinstance(value, int) else value
        if not math.isfinite(value):
            raise self._error(f"must be finite, got {value!r}")
        if self.type == "int" and not float(value).is_integer():
            raise self._error(f"must be an integer, got {value!r}")
        if self.min is not None and value < self.min:
            raise self._error(f"must be >= {_plain(self.min)}, got {value!r}")
        if self.max is not None and value > self.max:
            raise self._error(f"must be <= {_plain(self.max)}, got {value!r}")
        return int(value) if self.type == "int" else float(value)

    def _error(self, reason: str) -> BadRequest:
        return BadRequest(f"parameter {self.name} {reason}", details={"parameter": self.name})


def _plain(bound: float) -> str:
    return str(int(bound)) if bound.is_integer() else str(bound)
