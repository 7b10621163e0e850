"""The committed sample events in events/ are what `fks events --write` writes, and each still
parses with the model its handler uses."""

from __future__ import annotations

import pytest

from fks_cli.commands_events import EVENTS_DIR, TEMPLATE, declared_variables, env_vars, rendered, stale
from fks_cli.sample_events import build_samples
from fks_local.template import load


def test_committed_sample_events_are_the_generated_ones() -> None:
    assert stale(rendered(TEMPLATE)) == [], "run `fks events --write`"


def test_every_template_function_has_its_own_sample_event() -> None:
    functions = {n for n, r in load(TEMPLATE)["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}

    assert {path.stem for path in EVENTS_DIR.glob("*.json") if "." not in path.stem} >= functions


@pytest.mark.parametrize("sample", build_samples(TEMPLATE), ids=lambda s: s.file_name)
def test_each_sample_event_parses_with_its_model(sample) -> None:  # type: ignore[no-untyped-def]
    sample.validate()


# Parsed by something other than a pydantic model: the REQUEST authorizer reads headers and
# context as API Gateway's authorizer contract has them; SNS notifications go through
# Powertools' SNSEvent; an API route's path and query are parsed by the resolver's signature.
NOT_MODEL_PARSED = {"AuthorizerFunction", "TelegramAlertsFunction"}


@pytest.mark.parametrize("sample", build_samples(TEMPLATE), ids=lambda s: s.file_name)
def test_every_event_but_an_api_route_names_the_model_its_handler_parses(sample) -> None:  # type: ignore[no-untyped-def]
    if sample.function in NOT_MODEL_PARSED or "httpMethod" in sample.event:
        return
    assert sample.model is not None, f"{sample.file_name}: give it the model {sample.function} parses"


def test_env_vars_point_local_urls_at_the_docker_host() -> None:
    state = {"endpoint_url": "http://127.0.0.1:4566"}
    configurations = {
        "Fn": {"FKS_EXCHANGE_BASE_URL": "http://127.0.0.1:9000", "FKS_STAGE": "dev", "AWS_ENDPOINT_URL": ""}
    }
    declared = {"Fn": {"FKS_EXCHANGE_BASE_URL", "FKS_STAGE", "AWS_ENDPOINT_URL"}}

    document = env_vars(state, configurations, declared)

    assert document["Fn"]["FKS_EXCHANGE_BASE_URL"] == "http://host.docker.internal:9000"
    assert document["Fn"]["AWS_ENDPOINT_URL"] == "http://host.docker.internal:4566"
    assert document["Fn"]["FKS_STAGE"] == "dev"


def test_every_function_declares_the_endpoint_so_sam_local_can_point_it_at_the_local_stack() -> None:
    declared = declared_variables(load(TEMPLATE))

    assert [name for name, variables in declared.items() if "AWS_ENDPOINT_URL" not in variables] == []


def test_env_vars_cover_every_function_and_set_only_what_the_template_declares() -> None:
    declared = declared_variables(load(TEMPLATE))
    # As deployed: each declared variable, plus one the local runtime adds that no template declares.
    configurations = {
        name: {**dict.fromkeys(names, "x"), "WR_TIMESTREAM_WRITE_ENDPOINT_URL": "x"} for name, names in declared.items()
    }

    document = env_vars({"endpoint_url": "http://127.0.0.1:4566"}, configurations, declared)

    assert sorted(document) == sorted(declared)
    for name, variables in document.items():
        assert set(variables) == declared[name], name
