"""A function's environment as the template declares it, for importing the function outside Lambda.

Every function reads its settings when its module is imported (``fks.function_settings``), so a
tool that imports a handler (the OpenAPI generator, ``make sam-check``, the cold-import checks)
gives it the variables Lambda would: a literal as written, a parameter's default for
``!Ref Parameter``, and the logical id for any other reference (a table's or a function's name
stands in for the name CloudFormation would give it).
"""

from __future__ import annotations

from typing import Any


def function_environment(template: dict[str, Any], logical_id: str) -> dict[str, str]:
    """The Globals' variables and the function's own, each resolved as above."""
    parameters = template.get("Parameters") or {}
    common = ((template.get("Globals") or {}).get("Function") or {}).get("Environment") or {}
    own = ((template["Resources"][logical_id].get("Properties") or {}).get("Environment")) or {}
    variables = {**(common.get("Variables") or {}), **(own.get("Variables") or {})}
    return {name: _stand_in(value, parameters, name) for name, value in variables.items()}


def environment_of_folder(template: dict[str, Any], code_uri: str) -> dict[str, str]:
    """The environment of the function whose ``CodeUri`` is ``code_uri`` (``functions/risk_check/``)."""
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::Function" and properties.get("CodeUri") == code_uri:
            return function_environment(template, logical_id)
    raise KeyError(f"no function with CodeUri {code_uri}")


def _stand_in(value: Any, parameters: dict[str, Any], name: str) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, dict) and set(value) == {"Ref"}:
        referenced = str(value["Ref"])
        if referenced in parameters:
            return str(parameters[referenced].get("Default", referenced))
        return referenced
    return name.lower()  # an !If, !Sub or !GetAtt: some value of the right kind is enough to import
