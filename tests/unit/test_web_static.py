"""The web function: the dashboard's static files with their types, cache headers and limits."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from functions.web import app
from tests.stubs import LambdaContextStub

LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024


def _event(proxy: str | None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    path = "/web" + (f"/{proxy}" if proxy else "")
    return {
        "path": path,
        "pathParameters": {"proxy": proxy} if proxy else None,
        "headers": headers,
        "requestContext": {"path": f"/v1{path}"},
    }


def test_shell_is_served_with_its_base_path_and_no_caching() -> None:
    response = app.lambda_handler(_event(None), LambdaContextStub())

    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert response["headers"]["Cache-Control"] == "no-cache"
    assert '<base href="/v1/web/">' in response["body"]


@pytest.mark.parametrize(
    ("proxy", "content_type"),
    [("js/main.js", "text/javascript"), ("css/app.css", "text/css"), ("vendor/bootstrap.min.css", "text/css")],
)
def test_static_file_has_its_content_type(proxy: str, content_type: str) -> None:
    response = app.lambda_handler(_event(proxy), LambdaContextStub())

    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith(content_type)


def test_vendored_file_is_cached_long_and_revalidates_with_its_etag() -> None:
    first = app.lambda_handler(_event("vendor/lightweight-charts.standalone.production.js"), LambdaContextStub())
    again = app.lambda_handler(
        _event("vendor/lightweight-charts.standalone.production.js", {"If-None-Match": first["headers"]["ETag"]}),
        LambdaContextStub(),
    )

    assert "immutable" in first["headers"]["Cache-Control"]
    assert (again["statusCode"], again["body"]) == (304, "")


@pytest.mark.parametrize(
    "proxy", ["../app.py", "../../template.yaml", "js/missing.js", "vendor/LICENSE.mermaid", "%2E%2E/app.py"]
)
def test_anything_outside_the_static_files_is_404(proxy: str) -> None:
    response = app.lambda_handler(_event(proxy), LambdaContextStub())

    assert response["statusCode"] == 404


def test_every_static_file_fits_in_a_lambda_response() -> None:
    static = Path(app.__file__).parent / "static"
    for path in static.rglob("*"):
        if path.suffix in app.CONTENT_TYPES:
            response = app.lambda_handler(_event(path.relative_to(static).as_posix()), LambdaContextStub())
            assert len(json.dumps(response)) < LAMBDA_RESPONSE_LIMIT, path


IMPORT = re.compile(r'import\s*\{([^}]*)\}\s*from\s*"(\.[^"]+)"', re.S)
EXPORT = re.compile(r"export\s+(?:async\s+)?(?:function|const|let|class)\s+(\w+)")


def test_every_page_script_imports_names_its_modules_export() -> None:
    """A misspelt import only fails in the browser, as a page that cannot be shown."""
    scripts = Path(app.__file__).parent / "static" / "js"
    exports = {path: set(EXPORT.findall(path.read_text())) for path in scripts.rglob("*.js")}
    for path in exports:
        for names, target in IMPORT.findall(path.read_text()):
            module = (path.parent / target).resolve()
            assert module in exports, f"{path.name} imports missing {target}"
            wanted = {name.strip() for name in names.split(",") if name.strip()}
            assert wanted <= exports[module], (
                f"{path.name}: {sorted(wanted - exports[module])} not exported by {target}"
            )
