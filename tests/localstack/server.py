"""LocalStack itself (``localstack-core`` on the host, no Docker) on 127.0.0.1, for the adapter
tier: it serves S3, SQS, SNS, Secrets Manager, CloudWatch, EventBridge and Step Functions' API,
but no Lambda code (Docker only) and no DynamoDB without downloading Java (issue 25).

``make localstack-tools`` makes its venv (``.venv-localstack``, Python 3.13, with the pins it
needs on the host).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import requests

from fks_local.ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCALSTACK_PYTHON = PROJECT_ROOT / ".venv-localstack" / "bin" / "python"
# Only what the adapter tier uses: each service LocalStack loads costs start-up time.
SERVICES = "s3,sqs,sns,secretsmanager,cloudwatch,events,stepfunctions,sts,iam,logs"


class LocalStackServer:
    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 120) -> float:
        """Starts the runtime and waits for it to answer; the seconds that took."""
        env = {
            **os.environ,
            "GATEWAY_LISTEN": f"127.0.0.1:{self.port}",
            # Its default (twisted) server binds every interface whatever GATEWAY_LISTEN's host says.
            "GATEWAY_SERVER": "hypercorn",
            "LOCALSTACK_HOST": f"127.0.0.1:{self.port}",
            "SERVICES": SERVICES,
            "DNS_ADDRESS": "0",  # no DNS server of its own (port 53, an upstream it cannot find here)
            "DISABLE_EVENTS": "1",  # no analytics calls home
            "FILESYSTEM_ROOT": str(self.state_dir / "fs"),
            "VOLUME_DIR": str(self.state_dir / "volume"),
        }
        log = (self.state_dir / "localstack.log").open("wb")
        started = time.monotonic()
        self.process = subprocess.Popen(
            [str(LOCALSTACK_PYTHON), "-m", "localstack.runtime.main"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        while time.monotonic() - started < timeout_s:
            if self.process.poll() is not None:
                raise RuntimeError(f"LocalStack exited ({self.process.returncode}); see {log.name}")
            try:
                if requests.get(f"{self.url}/_localstack/health", timeout=1).ok:
                    return time.monotonic() - started
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"LocalStack not answering on {self.url} after {timeout_s}s; see {log.name}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                # Its graceful shutdown took 20 s; its state is thrown away anyway.
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
