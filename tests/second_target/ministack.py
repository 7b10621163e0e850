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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from fks.strategies.plugins import PLUGINS_PATH_ENV
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
    # A module's stack of its own (``stack_of_its_own``): stack name -> (sam deploy s, delete s).
    own_stacks: dict[str, tuple[float, float]] = field(default_factory=dict)
    printed: bool = False

    @property
    def deployed(self) -> bool:
        return bool(self.sam_deploy_s or self.own_stacks)

    def summary(self) -> str:
        self.printed = True
        start = (
            f"MiniStack answering {self.emulator_start_s:.2f} s after start; pandas layer published in "
            f"{self.layer_publish_s:.1f} s"
        )
        lines = [start + (f"; sam deploy {self.sam_deploy_s:.1f} s" if self.sam_deploy_s else "")]
        lines += [
            f"stack of its own {name}: sam deploy {deploy_s:.1f} s, delete {delete_s:.1f} s"
            for name, (deploy_s, delete_s) in self.own_stacks.items()
        ]
        return "\n".join(lines)


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


def sam_deploy(
    endpoint: str, stack_name: str, parameters: dict[str, str], log_path: Path, template: Path = ADAPTED_TEMPLATE
) -> None:
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
        str(template),
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


@dataclass
class RunningMiniStack:
    """MiniStack answering, with what every stack deployed into it shares: the artifacts bucket,
    the pandas layer's stand-in published, the built template adapted to it."""

    emulator: MiniStack
    clients: Any
    layer_arn: str

    @property
    def url(self) -> str:
        return self.emulator.url


@contextmanager
def running_ministack(state_dir: Path, timings: Timings) -> Iterator[RunningMiniStack]:
    """One MiniStack process, stopped afterwards; stacks are deployed into it by ``deployed_stack_in``."""
    emulator = MiniStack(state_dir)
    try:
        timings.emulator_start_s = emulator.start()
        clients = client_factory(emulator.url)
        clients("s3").create_bucket(Bucket=ARTIFACTS_BUCKET)
        started = time.monotonic()
        layer_arn = publish_pandas_layer(clients)
        timings.layer_publish_s = time.monotonic() - started
        adapt_template(emulator.url)
        yield RunningMiniStack(emulator, clients, layer_arn)
    finally:
        emulator.stop()


def function_environment() -> dict[str, str]:
    """What every function of a stack deployed now gets beside the template's variables: the
    folders of strategies developed in a folder of their own, when this process names them, as
    fks_local's stack hands them to its functions when it starts (MiniStack runs a function as a
    local process, so the folder is there for it to read)."""
    folders = os.environ.get(PLUGINS_PATH_ENV)
    return {PLUGINS_PATH_ENV: folders} if folders else {}


def template_for(stack_name: str, environment: dict[str, str]) -> Path:
    """The adapted template, or a copy of it beside it with ``environment`` added to every function
    (Globals), for one stack: the adapted one is shared by every stack of the MiniStack process."""
    if not environment:
        return ADAPTED_TEMPLATE
    template = yaml.safe_load(ADAPTED_TEMPLATE.read_text())
    variables = template["Globals"]["Function"].setdefault("Environment", {}).setdefault("Variables", {})
    variables.update(environment)
    path = ADAPTED_TEMPLATE.with_name(f"template-ministack-{stack_name}.yaml")
    path.write_text(yaml.safe_dump(template, sort_keys=False, width=120))
    return path


@contextmanager
def deployed_stack_in(
    running: RunningMiniStack, stack_name: str, parameters: dict[str, str], log_dir: Path
) -> Iterator[tuple[StackHandle, float]]:
    """An exchange simulator of its own and the template deployed by `sam deploy` as ``stack_name``
    into the running MiniStack, one API key per scope; the handle and the deploy's seconds. The
    simulator stops afterwards; the stack stays (``delete_stack`` removes it)."""
    from fks_exchange_sim import ExchangeSimulator

    simulator = ExchangeSimulator(port=0)
    # Kraken and Coinbase beside it, as the moto target's stack starts them (fks_local.stack), so
    # collection and trading reach all three venues; without them the stack's Kraken and Coinbase
    # clients called the real venues (api.kraken.com) and every venue test failed its collection.
    venues = {venue: ExchangeSimulator(port=0, venue=venue) for venue in ("kraken", "coinbase")}
    try:
        simulator.start()
        for venue_simulator in venues.values():
            venue_simulator.start()
        all_parameters = {
            "EnableTimestream": "false",
            "AwsSdkPandasLayerArn": running.layer_arn,
            "ExchangeBaseUrl": simulator.url,
            "KrakenBaseUrl": venues["kraken"].url,
            "CoinbaseBaseUrl": venues["coinbase"].url,
            # The simulator is a venue with a public key: trade "live" on it, as the moto target does.
            "TradingMode": "live",
            **parameters,
        }
        log_dir.mkdir(parents=True, exist_ok=True)
        template = template_for(stack_name, function_environment())
        started = time.monotonic()
        sam_deploy(running.url, stack_name, all_parameters, log_dir / "sam-deploy.log", template)
        deploy_s = time.monotonic() - started
        clients = running.clients
        deployed = deployed_stack(clients, running.url, stack_name)
        fill_exchange_secrets(clients, deployed, simulator)
        pause_schedules(clients, deployed)
        emulator = running.emulator
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
        yield handle, deploy_s
    finally:
        for venue_simulator in venues.values():
            venue_simulator.stop()
        simulator.stop()


def delete_stack(clients: Any, deployed: DeployedStack, timeout_s: float = 300) -> float:
    """The stack deleted by MiniStack's CloudFormation, as `sam delete` does; its seconds."""
    cloudformation, stack_name = clients("cloudformation"), deployed.name
    started = time.monotonic()
    # Its CloudFormation forgets a deleted function but leaves the function's warm workers running
    # (until 300 s idle: a module's dozen Python processes with pandas loaded); Lambda's own
    # DeleteFunction stops them, so the functions go that way first.
    for resource in deployed.resources.values():
        if resource.resource_type == "AWS::Lambda::Function":
            clients("lambda").delete_function(FunctionName=resource.physical_id)
    cloudformation.delete_stack(StackName=stack_name)
    while time.monotonic() - started < timeout_s:
        try:
            status = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]["StackStatus"]
        except cloudformation.exceptions.ClientError as error:
            if "does not exist" in str(error):
                return time.monotonic() - started
            raise
        if status == "DELETE_COMPLETE":
            return time.monotonic() - started
        if status == "DELETE_FAILED":
            raise RuntimeError(f"MiniStack could not delete {stack_name}")
        time.sleep(0.5)
    raise RuntimeError(f"{stack_name} not deleted after {timeout_s}s")


@contextmanager
def ministack_stack(state_dir: Path, parameters: dict[str, str], timings: Timings) -> Iterator[StackHandle]:
    """MiniStack and the exchange simulator running, the template deployed by `sam deploy`, one
    API key per scope; everything stopped afterwards."""
    with ExitStack() as exits:
        running = exits.enter_context(running_ministack(state_dir, timings))
        handle, deploy_s = exits.enter_context(deployed_stack_in(running, "fks-second-target", parameters, state_dir))
        timings.sam_deploy_s = deploy_s
        yield handle


STATE_DIR = PROJECT_ROOT / ".fks" / "second-target"
# The integration tier's parameters (tests/integration/conftest.py): the same prop-firm account, and
# settings re-read every 5 s; Stage "second" names every resource apart from a moto stack's.
PROP_FIRM_ACCOUNTS = {"prop-it": {"nt8_account": "PROP-IT-1", "profile": "custom", "rules": {"max_contracts": 2}}}
PARAMETERS = {"Stage": "second", "PropFirmAccounts": json.dumps(PROP_FIRM_ACCOUNTS), "SettingsMaxAgeSeconds": "5"}
TIMINGS = Timings()
_running: dict[str, Any] = {}


def _state_dir() -> Path:
    """Where this process's MiniStack keeps its state, emptied at its start; kept after the run
    (MiniStack's log, each sam deploy's output) for a failure to be read."""
    missing = missing_tools()
    if missing:
        raise RuntimeError(f"the second target needs {', '.join(missing)}: run make second-target-tools")
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    STATE_DIR.mkdir(parents=True)
    return STATE_DIR


def shared_ministack() -> RunningMiniStack:
    """The one MiniStack process of this pytest process, started by whichever stack asks first;
    ``stop_shared_stack`` stops it when the session ends."""
    if "running" not in _running:
        # Clients a test makes itself (boto3's defaults) find the region here, as on the moto
        # target, whose emulator sets the same default for the process.
        os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
        exits = ExitStack()
        _running.update(exits=exits, running=exits.enter_context(running_ministack(_state_dir(), TIMINGS)))
    return _running["running"]  # type: ignore[no-any-return]


def shared_stack() -> StackHandle:
    """The one shared deployment of this pytest process, made by whichever tier asks first
    (tests/second_target and tests/integration under FKS_TEST_TARGET=ministack share it: a
    `sam deploy` costs a minute); `stop_shared_stack` ends it when the session does."""
    if "handle" not in _running:
        running = shared_ministack()
        exits: ExitStack = _running["exits"]
        handle, deploy_s = exits.enter_context(deployed_stack_in(running, "fks-second-target", PARAMETERS, STATE_DIR))
        TIMINGS.sam_deploy_s = deploy_s
        _running["handle"] = handle
    return _running["handle"]  # type: ignore[no-any-return]


@contextmanager
def own_stack(stage: str, parameters: dict[str, str]) -> Iterator[StackHandle]:
    """A stack of its own, ``fks-<stage>`` with its own Stage and exchange simulator, deployed into
    the process's one MiniStack (as the moto target deploys one into its one emulator) and deleted
    afterwards: ``stack_of_its_own`` on MiniStack."""
    running = shared_ministack()
    stack_name = f"fks-{stage}"
    with deployed_stack_in(running, stack_name, {**parameters, "Stage": stage}, STATE_DIR / stack_name) as (
        handle,
        deploy_s,
    ):
        TIMINGS.own_stacks[stack_name] = (deploy_s, 0.0)
        try:
            yield handle
        finally:
            TIMINGS.own_stacks[stack_name] = (deploy_s, delete_stack(running.clients, handle.deployed))


def stop_shared_stack() -> None:
    exits = _running.pop("exits", None)
    _running.clear()
    if exits is not None:
        exits.close()
