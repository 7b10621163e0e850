"""Brings the whole local stack up and down: emulator, runtime, deploy, gateway, schedules, simulator."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fks.strategies.plugins import PLUGINS_PATH_ENV
from fks_local import authorizer_flush
from fks_local.alarms import AlarmEvaluator
from fks_local.api_gateway import LocalApiGateway
from fks_local.aws_session import LOCAL_CREDENTIALS, client_factory
from fks_local.deploy import DeployedStack, Deployer
from fks_local.deploy.context import DeployContext
from fks_local.emulator import Emulator
from fks_local.lambda_runtime import LocalLambdaRuntime
from fks_local.ports import claim
from fks_local.scheduler import Scheduler
from fks_local.sim_clock import CLOCK_FILE_ENV, SimulatedClock
from fks_local.template import load_and_translate
from fks_local.throttling import stage_limits
from fks_local.usage_plans import UsagePlans
from fks_local.websocket_events import load_api
from fks_local.websocket_gateway import LocalWebSocketGateway

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_STATE_DIR = PROJECT_ROOT / ".fks" / "local"
REGION = "us-east-1"
# What differs locally from the template's AWS defaults.
LOCAL_PARAMETERS = {"EnableTimestream": "false", "AwsSdkPandasLayerArn": "none"}


@dataclass
class StackOptions:
    template: Path = PROJECT_ROOT / "template.yaml"
    port: int | None = None
    stack_name: str = "fks-local"
    parameters: dict[str, str] = field(default_factory=dict)
    state_dir: Path = DEFAULT_STATE_DIR
    with_simulator: bool = True
    simulator_port: int | None = None
    schedules: bool = True
    # A simulated clock (fks_local.sim_clock) every function and simulator reads: fks replay.
    clock_file: Path | None = None


class LocalStack:
    def __init__(self, options: StackOptions | None = None) -> None:
        self.options = options or StackOptions()
        self.emulator: Emulator | None = None
        self.simulator: Any = None
        # Every venue's simulator by ccxt id; "binance" is ``simulator``, the one most tests move.
        self.simulators: dict[str, Any] = {}
        self.gateways: dict[str, LocalApiGateway] = {}
        self.websocket_gateways: dict[str, LocalWebSocketGateway] = {}
        self._unregister: list[Callable[[], None]] = []
        self.deployed: DeployedStack | None = None
        self._background: list[Any] = []
        self._clients: Callable[[str], Any] | None = None

    @property
    def endpoint_url(self) -> str:
        assert self.emulator is not None, "stack not started"
        return self.emulator.url

    def clients(self, service: str) -> Any:
        """A boto3 client for ``service`` bound to the emulator (one per service, cached)."""
        assert self._clients is not None, "stack not started"
        return self._clients(service)

    def start(self) -> LocalStack:
        options = self.options
        options.state_dir.mkdir(parents=True, exist_ok=True)
        port = claim(options.port)
        endpoint = f"http://127.0.0.1:{port}"
        runtime = LocalLambdaRuntime(options.state_dir, overrides=self._function_overrides(endpoint))
        self.emulator = Emulator(port, runtime)
        self.emulator.start()
        self._clients = client_factory(endpoint)
        try:
            if options.with_simulator:
                self._start_simulator()
            parameters = self._parameters()
            template, artifacts = load_and_translate(options.template, parameters, REGION)
            ctx = DeployContext(endpoint, REGION, options.stack_name)
            self.deployed = Deployer(ctx).deploy(template, artifacts, parameters)
            self._fill_empty_secrets()
            self._start_gateways()
            self._start_websocket_gateways(runtime)
            if options.schedules:
                self._background.append(Scheduler(self._clients, ctx.account_id, REGION, options.stack_name))
            self._background.append(AlarmEvaluator(self._clients))
            for worker in self._background:
                worker.start()
        except BaseException:
            self.stop()
            raise
        return self

    def _function_overrides(self, endpoint: str) -> dict[str, str]:
        # The endpoint is the only local/AWS difference in the code; Timestream's clients use
        # endpoint discovery and need theirs spelled out (docs/design.md).
        overrides = {
            "AWS_ENDPOINT_URL": endpoint,
            "WR_TIMESTREAM_WRITE_ENDPOINT_URL": endpoint,
            "WR_TIMESTREAM_QUERY_ENDPOINT_URL": endpoint,
            **LOCAL_CREDENTIALS,
        }
        # Strategies developed in a folder of their own (fks strategy new --dir) run on the local
        # stack as in fks backtest: every function searches the same folders (fks.strategies.plugins).
        if os.environ.get(PLUGINS_PATH_ENV):
            overrides[PLUGINS_PATH_ENV] = os.environ[PLUGINS_PATH_ENV]
        if self.options.clock_file is not None:
            overrides[CLOCK_FILE_ENV] = str(self.options.clock_file)
        return overrides

    def _parameters(self) -> dict[str, str]:
        # Timestream is off locally: moto answers its queries only with seeded results. No managed
        # pandas layer exists here: the local runtime brings those packages itself.
        parameters = {**LOCAL_PARAMETERS, **self.options.parameters}
        if self.simulator is not None:
            parameters.setdefault("ExchangeBaseUrl", self.simulator.url)
            for venue, parameter in (("kraken", "KrakenBaseUrl"), ("coinbase", "CoinbaseBaseUrl")):
                if venue in self.simulators:
                    parameters.setdefault(parameter, self.simulators[venue].url)
            # The simulator is a venue with a public key, so locally "live" trades on it and the
            # tests see its book; pass TradingMode=paper to run the deployable default instead.
            parameters.setdefault("TradingMode", "live")
        return parameters

    def _fill_empty_secrets(self) -> None:
        """The template creates the exchange secrets empty; an operator puts the keys in after the
        first deploy (docs/deploy.md). Locally that operator is this: the simulator's key."""
        if self.simulator is None or self.deployed is None:
            return
        from fks_exchange_sim.config import DEFAULT_API_KEY, DEFAULT_API_SECRET

        secrets = self.clients("secretsmanager")
        key = json.dumps({"api_key": DEFAULT_API_KEY, "api_secret": DEFAULT_API_SECRET})
        for resource in self.deployed.resources.values():
            if resource.resource_type != "AWS::SecretsManager::Secret":
                continue
            try:
                secrets.get_secret_value(SecretId=resource.physical_id)
            except secrets.exceptions.ResourceNotFoundException:
                secrets.put_secret_value(SecretId=resource.physical_id, SecretString=key)

    def _start_simulator(self) -> None:
        from fks_exchange_sim import ExchangeSimulator

        clock = None if self.options.clock_file is None else SimulatedClock(self.options.clock_file).now_ms
        self.simulator = ExchangeSimulator(port=self.options.simulator_port or 0, clock=clock)
        self.simulator.start()
        self.simulators["binance"] = self.simulator
        # Kraken and Coinbase beside it, so collection and trading reach all three venues (issue 20).
        for venue in ("kraken", "coinbase"):
            self.simulators[venue] = ExchangeSimulator(port=0, venue=venue, clock=clock).start()

    def _start_gateways(self) -> None:
        assert self.deployed is not None
        resources = self.deployed.resources.values()
        usage_plans = UsagePlans(self.clients("apigateway"))
        for api in resources:
            if api.resource_type != "AWS::ApiGateway::RestApi" or not api.attributes.get("Body"):
                continue
            stage = next(
                (
                    r
                    for r in resources
                    if r.resource_type == "AWS::ApiGateway::Stage" and r.properties.get("RestApiId") == api.physical_id
                ),
                None,
            )
            gateway = LocalApiGateway(
                api.attributes["Body"],
                stage.physical_id if stage else "Prod",
                self.clients("lambda"),
                api_id=api.physical_id,
                method_arn_prefix=f"arn:aws:execute-api:{REGION}:{self.deployed.account_id}:{api.physical_id}",
                usage_plans=usage_plans,
                stage_limits=stage_limits(stage.properties.get("MethodSettings", []) if stage else []),
                access_log=self.options.state_dir / "logs" / f"api-access-{api.logical_id}.log",
            )
            gateway.start()
            self.gateways[api.logical_id] = gateway
            # `aws apigateway flush-stage-authorizers-cache` (fks keys revoke) empties its cache.
            self._unregister.append(
                authorizer_flush.register(gateway.api_id, gateway.stage, gateway.authorizer_cache.flush)
            )

    def _start_websocket_gateways(self, runtime: LocalLambdaRuntime) -> None:
        """One local WebSocket gateway per WebSocket API; functions that name the API's AWS
        @connections endpoint get the local one instead."""
        assert self.deployed is not None
        resources = self.deployed.resources.values()
        for api in resources:
            if api.resource_type != "AWS::ApiGatewayV2::Api" or api.properties.get("ProtocolType") != "WEBSOCKET":
                continue
            stage = next(
                (
                    r.physical_id
                    for r in resources
                    if r.resource_type == "AWS::ApiGatewayV2::Stage" and r.properties.get("ApiId") == api.physical_id
                ),
                None,
            )
            if stage is None:
                continue  # not deployed to a stage: API Gateway would not serve it either
            gateway = LocalWebSocketGateway(
                load_api(self.clients("apigatewayv2"), api.physical_id, stage),
                self.clients("lambda"),
                method_arn_prefix=f"arn:aws:execute-api:{REGION}:{self.deployed.account_id}:{api.physical_id}",
            )
            gateway.start()
            self.websocket_gateways[api.logical_id] = gateway
            aws_endpoint = f"https://{api.physical_id}.execute-api.{REGION}.amazonaws.com/{stage}"
            runtime.url_rewrites[aws_endpoint] = gateway.management_url
            # What a client connects to (the dashboard's default feed address) is served locally too.
            runtime.url_rewrites[f"wss://{api.physical_id}.execute-api.{REGION}.amazonaws.com/{stage}"] = gateway.url

    def info(self) -> dict[str, Any]:
        assert self.deployed is not None
        return {
            "pid": os.getpid(),
            "endpoint_url": self.endpoint_url,
            "region": REGION,
            "stack_name": self.options.stack_name,
            "api_urls": {name: gateway.url for name, gateway in self.gateways.items()},
            "websocket_urls": {name: gateway.url for name, gateway in self.websocket_gateways.items()},
            "exchange_url": self.simulator.url if self.simulator else None,
            "exchange_urls": {venue: sim.url for venue, sim in self.simulators.items()},
            "outputs": self.deployed.outputs,
            "functions": {
                k: r.physical_id
                for k, r in self.deployed.resources.items()
                if r.resource_type == "AWS::Lambda::Function"
            },
            "resources": {k: r.physical_id for k, r in self.deployed.resources.items()},
        }

    def write_state(self) -> Path:
        path = self.options.state_dir / "stack.json"
        staging = path.with_suffix(".partial")
        staging.write_text(json.dumps(self.info(), indent=2, default=str))
        staging.replace(path)
        return path

    def stop(self) -> None:
        for worker in reversed(self._background):
            worker.stop()
        self._background.clear()
        for gateway in self.gateways.values():
            gateway.stop()
        self.gateways.clear()
        for unregister in self._unregister:
            unregister()
        self._unregister.clear()
        for websocket_gateway in self.websocket_gateways.values():
            websocket_gateway.stop()
        self.websocket_gateways.clear()
        for sim in self.simulators.values():
            sim.stop()
        self.simulators.clear()
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
