"""The committed sample events in events/ are what `fks events --write` writes, and each still
parses with the model its handler uses."""

from __future__ import annotations

import pytest

from fks_local.commands_events import EVENTS_DIR, TEMPLATE, env_vars, rendered, stale
from fks_local.sample_events import build_samples
from fks_local.template import load


def test_committed_sample_events_are_the_generated_ones() -> None:
    assert stale(rendered(TEMPLATE)) == [], "run `fks events --write`"


def test_every_template_function_has_its_own_sample_event() -> None:
    functions = {n for n, r in load(TEMPLATE)["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}

    assert {path.stem for path in EVENTS_DIR.glob("*.json") if "." not in path.stem} >= functions


@pytest.mark.parametrize("sample", build_samples(TEMPLATE), ids=lambda s: s.file_name)
def test_each_sample_event_parses_with_its_model(sample) -> None:  # type: ignore[no-untyped-def]
    sample.validate()


def test_env_vars_point_local_urls_at_the_docker_host() -> None:
    state = {"endpoint_url": "http://127.0.0.1:4566"}
    configurations = {"Fn": {"FKS_EXCHANGE_BASE_URL": "http://127.0.0.1:9000", "FKS_STAGE": "dev"}}

    document = env_vars(state, configurations)

    assert document["Fn"]["FKS_EXCHANGE_BASE_URL"] == "http://host.docker.internal:9000"
    assert document["Fn"]["AWS_ENDPOINT_URL"] == "http://host.docker.internal:4566"
    assert document["Fn"]["FKS_STAGE"] == "dev"
