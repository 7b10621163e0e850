"""The committed OpenAPI document: current with the handlers and template.yaml, and a valid document.

When a route or a handler's signature changes, regenerate it with ``fks openapi --write``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from fks_cli.cli import main
from fks_cli.openapi import DOCUMENT, METHODS, OpenApiError, build_document, render, template_routes


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT.read_text())
    return document


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method): operation
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in METHODS
    }


def test_committed_document_is_what_the_handlers_generate_now() -> None:
    generated = render(build_document())

    assert DOCUMENT.read_text() == generated, "functions/openapi/openapi.json is stale: run `fks openapi --write`"


def test_committed_document_is_valid_openapi(committed: dict[str, Any]) -> None:
    validate(committed)  # raises naming the first problem


def test_every_template_route_is_documented_and_nothing_else(committed: dict[str, Any]) -> None:
    in_template = {(route.path, route.method) for route in template_routes()}

    assert set(_operations(committed)) == in_template


def test_only_the_template_public_routes_skip_credentials(committed: dict[str, Any]) -> None:
    public = {(route.path, route.method) for route in template_routes() if route.public}

    for key, operation in _operations(committed).items():
        expected = [] if key in public else [{"bearer": []}]
        assert operation["security"] == expected, key
    assert ("/health", "get") in public
    assert committed["components"]["securitySchemes"] == {
        "bearer": {"type": "http", "scheme": "bearer", "description": "an FKS key (fks keys create) or a JWT"}
    }


def test_validation_errors_are_documented_as_400_in_the_one_error_shape(committed: dict[str, Any]) -> None:
    enable = committed["paths"]["/assets/enable"]["post"]

    assert "422" not in enable["responses"]
    assert enable["responses"]["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert enable["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EnableAsset"
    }
    assert committed["components"]["schemas"]["EnableAsset"]["additionalProperties"] is False


def test_fks_openapi_check_passes_on_the_committed_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_fks_openapi_names_a_template_route_without_a_handler(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    route = "      Events: {Gone: {Type: Api, Properties: {RestApiId: !Ref FksApi, Path: /gone, Method: get}}}\n"
    template.write_text(
        "Resources:\n"
        "  FksApi: {Type: AWS::Serverless::Api, Properties: {StageName: v1}}\n"
        "  HealthFunction:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      CodeUri: functions/monitor/\n" + route
    )

    with pytest.raises(OpenApiError, match=r"GET /gone is in template\.yaml but no handler declares it"):
        build_document(template)
