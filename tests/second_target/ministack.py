"""The second target: MiniStack (a LocalStack-compatible emulator in Python, no Docker) on
127.0.0.1 with the template deployed into it by the SAM CLI itself, as a samlocal user deploys.

What it needs is made by ``make second-target-tools``: MiniStack in a Python 3.12 venv of its own
(``.venv-ministack``: its Python runs the python3.12 functions), the SAM CLI (``.venv-sam``), the
built template (``.aws-sam/build``) and the AWS SDK for pandas layer's stand-in zipped as a layer.
What MiniStack gets wrong, and the workaround for each, is docs/second-target.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

from fks_local.aws_session import client_factory
from fks_local.deploy import DeployedStack
from fks_local.deploy.context import Deployed
from fks_local.ports import free_port
from tests.stack_handle import StackHandle

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MINISTACK = PROJECT_ROOT / ".venv-ministack" / "bin" / "ministack"
PANDAS_LAYER_ZIP = PROJECT_ROOT / ".venv-ministack" / "aws-sdk-pandas-layer.zip"
SAM = PROJECT_ROOT / ".venv-sam" / "bin" / "sam"
BUILT_TEMPLATE = PROJECT_ROOT / ".aws-sam" / "build" / "template.yaml"
# Beside the built one, so `sam deploy` finds each function's built folder by the same relative path.
ADAPTED_TEMPLATE = BUILT_TEMPLATE.with_name("template-ministack.yaml")
REGION = "us-east-1"
ACCOUNT = "000000000000"  # MiniStack's default account
ARTIFACTS_BUCKET = "fks-sam-artifacts"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": REGION}


def missing_tools() -> list[str]:
    """What ``make second-target-tools`` makes and is not there (empty when all is)."""
    needed = (MINISTACK, PANDAS_LAYER_ZIP, SAM, BUILT_TEMPLATE)
    return [str(path.relative_to(PROJECT_ROOT)) for path in needed if not path.exists()]


@dataclass
class Timings:
    """Seconds each step of bringing the target up took (printed by the tier's summary)."""

    emulator_start_s: float = 0.0
    layer_publish_s: float = 0.0
    sam_deploy_s: float = 0.0
    printed: bool = False

    def summary(self) -> str:
        self.printed = True
        return (
            f"MiniStack answering {self.emulator_start_s:.2f} s after start; pandas layer published in "
            f"{self.layer_publish_s:.1f} s; sam deploy {self.sam_deploy_s:.1f} s"
        )


class MiniStack:
    """One MiniStack server process on a free loopback port, its state in ``state_dir``."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.tmp_dir = state_dir / "tmp"

    def start(self, timeout_s: float = 60) -> float:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **CREDENTIALS,
            # It binds 0.0.0.0 unless told: loopback only, like the moto target.
            "BIND_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(self.port),
            "MINISTACK_REGION": REGION,
            "STATE_DIR": str(self.state_dir / "state"),
            "S3_DATA_DIR": str(self.state_dir / "s3"),
            "LOG_LEVEL": "WARNING",
            # Where it unpacks each function instance's code and layers (over 500 MB each with the
            # pandas layer): inside the state dir, removed at stop, never left in /tmp.
            "TMPDIR": str(self.tmp_dir),
        }
        # Its provided.* runtime hands a function no endpoint unless MiniStack's own environment has
        # one (the Python runtime does): without it the Rust execute_order calls real AWS hosts.
        env["AWS_ENDPOINT_URL"] = self.url
        log = (self.state_dir / "ministack.log").open("wb")
        started = time.monotonic()
        self.process = subprocess.Popen([str(MINISTACK)], env=env, stdout=log, stderr=subprocess.STDOUT)
        while time.monotonic() - started < timeout_s:
            if self.process.poll() is not None:
                raise RuntimeError(f"MiniStack exited ({self.process.returncode}); see {log.name}")
            try:
                if requests.get(f"{self.url}/_ministack/health", timeout=1).ok:
                    return time.monotonic() - started
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"MiniStack not answering on {self.url} after {timeout_s}s; see {log.name}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # The unpacked instances are gigabytes after a tier (minutes to delete under load): moved
        # aside and deleted by a process of their own, so the session's end does not wait for it.
        if self.tmp_dir.exists():
            doomed = self.tmp_dir.with_name(f"tmp-deleting-{os.getpid()}-{time.monotonic_ns()}")
            self.tmp_dir.rename(doomed)
            # Its own session and no inherited output: a pipe reading the test run's output (CI's
            # log, `| tail`) would otherwise wait for the deletion to end.
            subprocess.Popen(
                ["rm", "-rf", str(doomed)],
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


def publish_pandas_layer(clients: Any) -> str:
    """The stand-in of the AWS SDK for pandas layer, published; its version ARN."""
    clients("s3").upload_file(str(PANDAS_LAYER_ZIP), ARTIFACTS_BUCKET, "layers/aws-sdk-pandas.zip")
    version = clients("lambda").publish_layer_version(
        LayerName="AWSSDKPandas-Python312",
        Content={"S3Bucket": ARTIFACTS_BUCKET, "S3Key": "layers/aws-sdk-pandas.zip"},
        CompatibleRuntimes=["python3.12"],
    )
    return str(version["LayerVersionArn"])


def adapt_template(ministack_url: str) -> None:
    script = "infra/ministack/adapt_template.py"
    subprocess.run(
        [sys.executable, script, str(BUILT_TEMPLATE), str(ADAPTED_TEMPLATE), ministack_url],
        cwd=PROJECT_ROOT,
        check=True,
    )


def sam_deploy(endpoint: str, stack_name: str, parameters: dict[str, str], log_path: Path) -> None:
    """`sam deploy` of the built template into the emulator: SAM packages every built folder into
    the artifacts bucket and creates a change set on the emulator's CloudFormation."""
    # In a file: on the command line (KEY=VALUE) the SAM CLI drops a value's double quotes, so the
    # PropFirmAccounts JSON reached the stack as {prop-it: ...} and every futures signal failed
    # its risk check ("not a valid prop_firm_accounts").
    overrides = log_path.with_name("parameters.yaml")
    overrides.write_text(yaml.safe_dump(parameters))
    command = [
        str(SAM),
        "deploy",
        "--template-file",
        str(ADAPTED_TEMPLATE),
        "--stack-name",
        stack_name,
        "--s3-bucket",
        ARTIFACTS_BUCKET,
        "--s3-prefix",
        stack_name,
        "--region",
        REGION,
        "--capabilities",
        "CAPABILITY_IAM",
        "CAPABILITY_AUTO_EXPAND",
        "--no-confirm-changeset",
        "--no-progressbar",
        "--config-file",
        str(PROJECT_ROOT / "infra" / "ministack" / "samconfig.toml"),
        "--parameter-overrides",
        f"file://{overrides}",
    ]
    # boto3 (and so the SAM CLI) sends every call to AWS_ENDPOINT_URL: what samlocal does by patching.
    env = {**os.environ, **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint, "SAM_CLI_TELEMETRY": "0"}
    with log_path.open("wb") as log:
        done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"sam deploy into MiniStack failed ({done.returncode}):\n{tail}")


def deployed_stack(clients: Any, endpoint: str, stack_name: str) -> DeployedStack:
    """What the emulator's CloudFormation created, in the shape the tests read (physical ids, outputs)."""
    cloudformation = clients("cloudformation")
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    resources = {
        r["LogicalResourceId"]: Deployed(r["LogicalResourceId"], r["ResourceType"], r["PhysicalResourceId"])
        for r in cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]
    }
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return DeployedStack(stack_name, REGION, ACCOUNT, endpoint, resources, outputs)


def fill_exchange_secrets(clients: Any, deployed: DeployedStack, simulator: Any) -> None:
    """The template creates the exchange secrets empty; the operator's step (docs/deploy.md) puts
    the simulator's key in, as the moto target does."""
    from fks_exchange_sim.config import DEFAULT_API_KEY, DEFAULT_API_SECRET

    secrets = clients("secretsmanager")
    key = json.dumps({"api_key": DEFAULT_API_KEY, "api_secret": DEFAULT_API_SECRET})
    for resource in deployed.resources.values():
        if resource.resource_type == "AWS::SecretsManager::Secret":
            secrets.put_secret_value(SecretId=resource.physical_id, SecretString=key)


def pause_schedules(clients: Any, deployed: DeployedStack) -> list[str]:
    """Every EventBridge rule of the stack disabled (their names returned): the tests fire what they
    need, as on the moto target, so a minute's schedule cannot judge a bar a test replays."""
    events = clients("events")
    names = [r.physical_id for r in deployed.resources.values() if r.resource_type == "AWS::Events::Rule"]
    for name in names:
        events.disable_rule(Name=name)
    return names


@contextmanager
def ministack_stack(state_dir: Path, parameters: dict[str, str], timings: Timings) -> Iterator[StackHandle]:
    """MiniStack and the exchange simulator running, the template deployed by `sam deploy`, one
    API key per scope; everything stopped afterwards."""
    from fks_exchange_sim import ExchangeSimulator

    emulator = MiniStack(state_dir)
    simulator = ExchangeSimulator(port=0)
    try:
        timings.emulator_start_s = emulator.start()
        simulator.start()
        clients = client_factory(emulator.url)
        clients("s3").create_bucket(Bucket=ARTIFACTS_BUCKET)
        started = time.monotonic()
        layer_arn = publish_pandas_layer(clients)
        timings.layer_publish_s = time.monotonic() - started
        adapt_template(emulator.url)
        stack_name = "fks-second-target"
        all_parameters = {
            "EnableTimestream": "false",
            "AwsSdkPandasLayerArn": layer_arn,
            "ExchangeBaseUrl": simulator.url,
            # The simulator is a venue with a public key: trade "live" on it, as the moto target does.
            "TradingMode": "live",
            **parameters,
        }
        started = time.monotonic()
        sam_deploy(emulator.url, stack_name, all_parameters, state_dir / "sam-deploy.log")
        timings.sam_deploy_s = time.monotonic() - started
        deployed = deployed_stack(clients, emulator.url, stack_name)
        fill_exchange_secrets(clients, deployed, simulator)
        pause_schedules(clients, deployed)
        api_id = deployed.physical_id("FksApi")
        # MiniStack serves a REST API's stage on its own port under /_aws/execute-api/ (LocalStack's form).
        api_url = f"{emulator.url}/_aws/execute-api/{api_id}/v1"
        # The same stage at the API's own host name, as on AWS, for the dashboard's browser: the web
        # shell's <base> is API Gateway's requestContext.path (/v1/web/), which under the path above
        # sent every script and API call to MiniStack's root. Chromium resolves *.localhost to
        # loopback itself; MiniStack routes <api-id>.execute-api.localhost to the API.
        browser_api_url = f"http://{api_id}.execute-api.localhost:{emulator.port}/v1"
        # A WebSocket API's stage likewise, as ws:// (the functions' @connections endpoint is
        # rewritten to the same place by adapt_template.py).
        live_feed = deployed.physical_id("LiveFeedApi")
        websocket_urls = {"LiveFeedApi": f"ws://127.0.0.1:{emulator.port}/_aws/execute-api/{live_feed}/v1"}
        handle = StackHandle(
            emulator.url,
            deployed,
            {"FksApi": api_url},
            simulator.url,
            clients,
            websocket_urls=websocket_urls,
            simulator=simulator,
            browser_urls={"FksApi": browser_api_url},
        )
        handle.issue_api_keys()
        yield handle
    finally:
        simulator.stop()
        emulator.stop()


STATE_DIR = PROJECT_ROOT / ".fks" / "second-target"
# The integration tier's parameters (tests/integration/conftest.py): the same prop-firm account, and
# settings re-read every 5 s; Stage "second" names every resource apart from a moto stack's.
PROP_FIRM_ACCOUNTS = {"prop-it": {"nt8_account": "PROP-IT-1", "profile": "custom", "rules": {"max_contracts": 2}}}
PARAMETERS = {"Stage": "second", "PropFirmAccounts": json.dumps(PROP_FIRM_ACCOUNTS), "SettingsMaxAgeSeconds": "5"}
TIMINGS = Timings()
_running: dict[str, Any] = {}


def shared_stack() -> StackHandle:
    """The one MiniStack deployment of this pytest process, started by whichever tier asks first
    (tests/second_target and tests/integration under FKS_TEST_TARGET=ministack share it: a
    `sam deploy` costs a minute); `stop_shared_stack` ends it when the session does."""
    if "handle" not in _running:
        # Clients a test makes itself (boto3's defaults) find the region here, as on the moto
        # target, whose emulator sets the same default for the process.
        os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
        missing = missing_tools()
        if missing:
            raise RuntimeError(f"the second target needs {', '.join(missing)}: run make second-target-tools")
        # Kept after the run (MiniStack's log, sam deploy's output) for a failure to be read.
        shutil.rmtree(STATE_DIR, ignore_errors=True)
        STATE_DIR.mkdir(parents=True)
        exits = ExitStack()
        handle = exits.enter_context(ministack_stack(STATE_DIR, PARAMETERS, TIMINGS))
        _running.update(exits=exits, handle=handle)
    return _running["handle"]  # type: ignore[no-any-return]


def stop_shared_stack() -> None:
    exits = _running.pop("exits", None)
    _running.pop("handle", None)
    if exits is not None:
        exits.close()
