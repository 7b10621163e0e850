"""The integration tier: one local stack per session, the same template.yaml deployed into it.

With FKS_AWS_ENDPOINT set (e.g. a LocalStack on http://127.0.0.1:4566) the template is deployed
there instead, and tests marked ``moto_only`` are skipped: they need the project's local Lambda
runtime or a service LocalStack's free edition lacks.

With FKS_TEST_TARGET=ministack the tier runs against the stack ``sam deploy`` made in MiniStack
(the second target, docs/second-target.md); what cannot run there is skipped with the reason
listed in tests/integration/targets.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from fks_local.aws_session import LOCAL_CREDENTIALS, client_factory
from fks_local.stack import LOCAL_PARAMETERS, StackOptions
from tests.integration.targets import TARGET
from tests.stack_handle import StackHandle, running_stack

EXTERNAL_ENDPOINT = os.environ.get("FKS_AWS_ENDPOINT")
# One prop-firm futures account for the pipeline's risk check: a custom profile (no trading
# hours, so the tests pass at any time of day) allowing two contracts.
PROP_FIRM_ACCOUNTS = {"prop-it": {"nt8_account": "PROP-IT-1", "profile": "custom", "rules": {"max_contracts": 2}}}
# Settings re-read every 5 s (30 by default), so a test sees a changed limit apply without a long wait.
STACK_PARAMETERS = {"PropFirmAccounts": json.dumps(PROP_FIRM_ACCOUNTS), "SettingsMaxAgeSeconds": "5"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The MiniStack target's marks are tests/conftest.py's; an external endpoint skips moto_only.
    if TARGET == "ministack" or not EXTERNAL_ENDPOINT:
        return
    skip = pytest.mark.skip(reason=f"needs the moto-based local stack, not {EXTERNAL_ENDPOINT}")
    for item in items:
        if "moto_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
    if TARGET == "ministack":
        from tests.second_target.ministack import shared_stack

        yield shared_stack()
        return
    if EXTERNAL_ENDPOINT:
        yield _external_stack(EXTERNAL_ENDPOINT, tmp_path_factory.mktemp("external"))
        return
    with running_stack(tmp_path_factory.mktemp("local-stack"), STACK_PARAMETERS) as handle:
        yield handle


def _external_stack(endpoint: str, state_dir: Path) -> StackHandle:
    from fks_local.deploy import Deployer
    from fks_local.deploy.context import DeployContext
    from fks_local.template import load_and_translate

    stack_name = f"fks-it-{os.getpid()}"
    template, artifacts = load_and_translate(StackOptions().template, LOCAL_PARAMETERS)
    deployed = Deployer(DeployContext(endpoint, "us-east-1", stack_name)).deploy(template, artifacts, LOCAL_PARAMETERS)
    handle = StackHandle(endpoint, deployed, {}, None, client_factory(endpoint))
    handle.issue_api_keys()
    return handle


@pytest.fixture(scope="session")
def aws(local_stack: StackHandle) -> Any:
    """``aws('s3')`` is a boto3 client bound to the stack's endpoint."""
    return local_stack.clients


@pytest.fixture
def aws_env(local_stack: StackHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    """awswrangler reads through the default boto3 session: point it at the local stack."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", local_stack.endpoint_url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def ninja_queue(local_stack: StackHandle) -> tuple[Any, str]:
    """The NinjaTrader queue's client and URL, emptied of earlier tests' messages (PurgeQueue is
    allowed once a minute, so they are drained instead)."""
    sqs = local_stack.clients("sqs")
    url = local_stack.output("NinjaTraderQueueUrl")
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages"):
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return sqs, url


@contextmanager
def stack_of_its_own(tmp_path_factory: pytest.TempPathFactory, stage: str) -> Iterator[StackHandle]:
    """A stack for one module whose tests move the simulator's price or leave positions behind:
    the session stack's simulator keeps serving the bundled series other modules compare with, and
    its reconciliation sees no other module's holdings. Its own Stage keeps resource names apart
    (the emulator's services are shared by the process). On MiniStack it is one more `sam deploy`
    into the same MiniStack, the stack deleted afterwards."""
    if TARGET == "ministack":
        from tests.second_target.ministack import own_stack

        # Into the session's one MiniStack process (no second start), by `sam deploy`, deleted after.
        with own_stack(stage, STACK_PARAMETERS) as handle:
            yield handle
        return
    if EXTERNAL_ENDPOINT:
        yield _external_stack(EXTERNAL_ENDPOINT, tmp_path_factory.mktemp(stage))
        return
    parameters = {**STACK_PARAMETERS, "Stage": stage}
    with running_stack(tmp_path_factory.mktemp(stage), parameters, stack_name=f"fks-{stage}") as handle:
        yield handle


def module_stack(stage: str) -> Callable[..., Iterator[StackHandle]]:
    """A module-scoped ``local_stack`` on a stack of its own: ``local_stack = module_stack("stage")``."""

    @pytest.fixture(scope="module", name="local_stack")
    def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
        with stack_of_its_own(tmp_path_factory, stage) as handle:
            yield handle

    return local_stack
