"""What the second target changes to run on MiniStack (docs/second-target.md): the built
template's rewrites (infra/ministack/adapt_template.py) and the patches to MiniStack itself
(infra/ministack/patch_ministack.py)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

INFRA = Path(__file__).resolve().parents[3] / "infra" / "ministack"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, INFRA / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


adapt_template = _module("adapt_template")
patch_ministack = _module("patch_ministack")
AWS_ENDPOINT = "https://${LiveFeedApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${LiveFeedStage}"
AWS_FEED_URL = "wss://${LiveFeedApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${LiveFeedStage}"


def _template() -> dict[str, Any]:
    variables = {
        "FKS_LIVE_FEED_ENDPOINT": {"Fn::Sub": AWS_ENDPOINT},
        "FKS_LIVE_FEED_URL": {"Fn::Sub": AWS_FEED_URL},
        "FKS_STAGE": "second",
    }
    function = {"Type": "AWS::Serverless::Function", "Properties": {"Environment": {"Variables": variables}}}
    return {"Resources": {"CollectOhlcvFunction": function}}


def _variables(template: dict[str, Any]) -> dict[str, Any]:
    variables: dict[str, Any] = template["Resources"]["CollectOhlcvFunction"]["Properties"]["Environment"]["Variables"]
    return variables


def test_the_websocket_endpoints_name_ministacks_execute_api_path_for_the_same_api_and_stage() -> None:
    adapted = adapt_template.adapt(_template(), "http://127.0.0.1:4566")
    assert _variables(adapted) == {
        "FKS_LIVE_FEED_ENDPOINT": {"Fn::Sub": "http://127.0.0.1:4566/_aws/execute-api/${LiveFeedApi}/${LiveFeedStage}"},
        # what the web shell hands the browser as its live feed: the same place over ws://
        "FKS_LIVE_FEED_URL": {"Fn::Sub": "ws://127.0.0.1:4566/_aws/execute-api/${LiveFeedApi}/${LiveFeedStage}"},
        "FKS_STAGE": "second",
    }


def test_without_ministacks_url_the_websocket_endpoints_are_aws_s() -> None:
    variables = _variables(adapt_template.adapt(_template()))
    assert variables["FKS_LIVE_FEED_ENDPOINT"] == {"Fn::Sub": AWS_ENDPOINT}
    assert variables["FKS_LIVE_FEED_URL"] == {"Fn::Sub": AWS_FEED_URL}


def test_the_apis_authorizer_is_deployed_as_written_cached_on_the_credential_and_the_route() -> None:
    # MiniStack reads context.* identity sources (patch_ministack.py), so nothing is rewritten.
    identity = {"Headers": ["Authorization"], "Context": ["httpMethod", "resourcePath"], "ReauthorizeEvery": 300}
    api = {"Type": "AWS::Serverless::Api", "Properties": {"Auth": {"Authorizers": {"Fks": {"Identity": identity}}}}}
    template = {"Resources": {"FksApi": api}}

    adapted = adapt_template.adapt(template, "http://127.0.0.1:4566")

    assert adapted["Resources"]["FksApi"]["Properties"]["Auth"]["Authorizers"]["Fks"]["Identity"] == {
        "Headers": ["Authorization"],
        "Context": ["httpMethod", "resourcePath"],
        "ReauthorizeEvery": 300,
    }


def _site_packages(tmp_path: Path) -> Path:
    """The patched files as the pinned MiniStack has them: each patch's text once (several
    patches of one file one after the other)."""
    for patch in patch_ministack.PATCHES:
        file = tmp_path / patch.path
        file.parent.mkdir(parents=True, exist_ok=True)
        before = file.read_text() if file.exists() else "before\n"
        file.write_text(f"{before}{patch.old}\nafter\n")
    return tmp_path


def test_each_patch_is_applied_once_and_applying_again_changes_nothing(tmp_path: Path) -> None:
    site_packages = _site_packages(tmp_path)
    assert patch_ministack.apply(site_packages) == [p.why for p in patch_ministack.PATCHES]
    patched = {p.path: (site_packages / p.path).read_text() for p in patch_ministack.PATCHES}
    # A patch that appends to its text keeps it (once); every other replaces it.
    assert all(p.new in patched[p.path] for p in patch_ministack.PATCHES)
    assert all(patched[p.path].count(p.old) == (p.old in p.new) for p in patch_ministack.PATCHES)
    assert patch_ministack.apply(site_packages) == []
    assert {p.path: (site_packages / p.path).read_text() for p in patch_ministack.PATCHES} == patched


def test_a_ministack_whose_text_moved_fails_naming_the_patch(tmp_path: Path) -> None:
    site_packages = _site_packages(tmp_path)
    first = patch_ministack.PATCHES[0]
    (site_packages / first.path).write_text("a newer MiniStack\n")
    with pytest.raises(SystemExit, match="the Python worker reports the raised exception's class and frames"):
        patch_ministack.apply(site_packages)


def test_a_file_hard_linked_to_uvs_cache_is_replaced_not_written_through(tmp_path: Path) -> None:
    site_packages = _site_packages(tmp_path / "venv")
    first = site_packages / patch_ministack.PATCHES[0].path
    cached = tmp_path / "uv-cache-copy.py"
    os.link(first, cached)
    unpatched = cached.read_text()

    patch_ministack.apply(site_packages)

    assert cached.read_text() == unpatched
    assert patch_ministack.PATCHES[0].new in first.read_text()
