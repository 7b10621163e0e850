"""The LocalStack tier (issue 25): the adapters against ``localstack-core`` on the host. A tier of
its own (``make test-localstack``; ``pytest tests/localstack -m localstack``); the plain ``pytest
tests`` run skips it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from fks_local.aws_session import client_factory
from fks_local.deploy import DeployedStack
from tests.localstack.server import LOCALSTACK_PYTHON, PROJECT_ROOT, LocalStackServer
from tests.stack_handle import StackHandle

STATE_DIR = PROJECT_ROOT / ".fks" / "localstack"
START_SECONDS = pytest.StashKey[float]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "localstack" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="the LocalStack tier runs on its own: make test-localstack")
    for item in items:
        if "localstack" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    seconds = config.stash.get(START_SECONDS, None)
    if seconds is not None:
        terminalreporter.section("LocalStack")
        terminalreporter.write_line(f"localstack-core answering {seconds:.2f} s after start")


@pytest.fixture(scope="session")
def localstack(pytestconfig: pytest.Config) -> Iterator[LocalStackServer]:
    if not LOCALSTACK_PYTHON.exists():
        pytest.fail("the LocalStack tier needs .venv-localstack: run make localstack-tools")
    shutil.rmtree(STATE_DIR, ignore_errors=True)  # kept after a run for its log
    STATE_DIR.mkdir(parents=True)
    server = LocalStackServer(STATE_DIR)
    try:
        pytestconfig.stash[START_SECONDS] = server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def clients(localstack: LocalStackServer) -> Any:
    """``clients('s3')``: a boto3 client bound to LocalStack."""
    return client_factory(localstack.url)


@pytest.fixture(scope="session")
def local_stack(localstack: LocalStackServer, clients: Any) -> StackHandle:
    """What the integration tier's S3 tests read of a stack: the data bucket (versioned, as the
    template declares it) and the clients."""
    bucket = "fks-data-localstack"
    clients("s3").create_bucket(Bucket=bucket)
    clients("s3").put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    deployed = DeployedStack("localstack-adapters", "us-east-1", "000000000000", localstack.url)
    deployed.outputs["DataBucketName"] = bucket
    return StackHandle(localstack.url, deployed, {}, None, clients)
