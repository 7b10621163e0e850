"""``fks local ...``: start, stop, inspect and poke the local stack."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from fks_local.aws_session import client_factory
from fks_local.stack import DEFAULT_STATE_DIR, LocalStack, StackOptions

START_TIMEOUT_S = 120
# Where `fks local` keeps the stack it runs (the CLI's own knob, not the product's).
LOCAL_STATE_DIR = "FKS_LOCAL_STATE_DIR"


def state_dir() -> Path:
    return Path(os.environ.get(LOCAL_STATE_DIR) or DEFAULT_STATE_DIR)


def read_state() -> dict[str, Any] | None:
    path = state_dir() / "stack.json"
    if not path.exists():
        return None
    state: dict[str, Any] = json.loads(path.read_text())
    return state if _alive(int(state["pid"])) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _options(args: argparse.Namespace) -> StackOptions:
    options = StackOptions(
        port=args.port or None,
        parameters=dict(args.param),
        state_dir=state_dir(),
        with_simulator=not args.no_simulator,
        schedules=not args.no_schedules,
    )
    if args.template:
        options.template = Path(args.template).resolve()
    return options


def serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stack = LocalStack(_options(args))
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stack.start()
    try:
        path = stack.write_state()
        logging.info("local stack ready: %s", path)
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        (state_dir() / "stack.json").unlink(missing_ok=True)
        stack.stop()
    return 0


def _print_state(state: dict[str, Any]) -> None:
    print(f"emulator   {state['endpoint_url']}  (AWS_ENDPOINT_URL)")
    for name, url in state["api_urls"].items():
        print(f"api        {url}  ({name})")
    for name, url in state.get("websocket_urls", {}).items():
        print(f"websocket  {url}  ({name}; connect with ?token=<API key or JWT>)")
    if state.get("exchange_url"):
        print(f"exchange   {state['exchange_url']}  (Binance spot simulator)")
    print(f"functions  {', '.join(sorted(state['functions']))}")
    print(f"state      {state_dir() / 'stack.json'}  (pid {state['pid']})")


def up(args: argparse.Namespace) -> int:
    running = read_state()
    if running:
        print("the local stack is already running:")
        _print_state(running)
        return 0
    directory = state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "stack.json").unlink(missing_ok=True)
    command = [sys.executable, "-m", "fks_cli.cli", "local", "serve", "--port", str(args.port)]
    for key, value in args.param:
        command += ["--param", f"{key}={value}"]
    if args.template:
        command += ["--template", args.template]
    command += ["--no-simulator"] if args.no_simulator else []
    command += ["--no-schedules"] if args.no_schedules else []
    log_path = directory / "stack.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(f"the local stack failed to start (exit {process.returncode}); its log ends:", file=sys.stderr)
            print(_tail(log_path), file=sys.stderr)
            return 1
        state = read_state()
        if state and state["pid"] == process.pid:
            _print_state(state)
            return 0
        time.sleep(0.3)
    process.terminate()
    print(f"the local stack did not become ready in {START_TIMEOUT_S}s; see {log_path}", file=sys.stderr)
    return 1


def _tail(path: Path, lines: int = 25) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def down(args: argparse.Namespace) -> int:
    state = read_state()
    if state is None:
        print("the local stack is not running")
        return 0
    pid = int(state["pid"])
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not _alive(pid):
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
    (state_dir() / "stack.json").unlink(missing_ok=True)
    print(f"stopped the local stack (pid {pid})")
    return 0


def status(args: argparse.Namespace) -> int:
    state = read_state()
    if state is None:
        print("the local stack is not running ('fks local up' starts it)")
        return 1
    _print_state(state)
    return 0


def require_state() -> dict[str, Any]:
    state = read_state()
    if state is None:
        raise SystemExit("the local stack is not running: start it with 'fks local up'")
    return state


def tick(args: argparse.Namespace) -> int:
    from fks_local.scheduler import Scheduler

    state = require_state()
    clients = client_factory(state["endpoint_url"])
    account = clients("sts").get_caller_identity()["Account"]
    outcomes = Scheduler(clients, account, state["region"], state.get("stack_name")).tick()
    failed = False
    for rule, answers in outcomes.items():
        for answer in answers:
            failed |= bool(answer.get("error"))
            print(f"{rule} -> {answer['target'].rsplit(':', 1)[-1]}: {answer.get('error') or 'ok'}")
            if answer.get("payload"):
                print(f"  {answer['payload'][:400]}")
    if not outcomes:
        print("no enabled schedules")
    return 1 if failed else 0


def invoke(args: argparse.Namespace) -> int:
    state = require_state()
    name = state["functions"].get(args.function, args.function)
    event = Path(args.event[1:]).read_text() if args.event.startswith("@") else args.event
    try:
        json.loads(event)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"--event is not valid JSON: {exc}") from exc
    response = client_factory(state["endpoint_url"])("lambda").invoke(FunctionName=name, Payload=event.encode())
    print(response["Payload"].read().decode())
    if response.get("FunctionError"):
        print(f"function error: {response['FunctionError']}", file=sys.stderr)
        return 1
    return 0
