"""The smallest patches to the installed MiniStack, each for one thing it gets wrong that the
chain depends on (docs/second-target.md); ``make`` applies them right after installing it.

    python infra/ministack/patch_ministack.py .venv-ministack

Each patch is a text replacement that must match exactly once in the pinned version
(MINISTACK_VERSION in the Makefile): a newer MiniStack that moved the text fails here, naming the
patch, instead of silently running without it. Applying twice changes nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Patch:
    path: str  # under site-packages
    why: str
    old: str
    new: str


PATCHES = (
    # A Python function's raised error reaches Lambda's caller as errorType "Runtime.HandlerError"
    # whatever it raised, and with no stackTrace; AWS names the exception's class and lists the
    # frames. Step Functions' Catch matches on that name (InvalidSignal, RiskDenied,
    # SignalRejectedByUser), so every caught path of the signal pipeline ended in States.ALL's
    # branch, FAILED. The worker now reports the class and the frames, and the invoke hands them on
    # as errorType and stackTrace (Runtime.HandlerError stays for a worker that did not say).
    Patch(
        "ministack/core/lambda_runtime.py",
        "the Python worker reports the raised exception's class and frames",
        'json.dumps({"status": "error", "error": str(e), "trace": traceback.format_exc()})',
        'json.dumps({"status": "error", "error": str(e), "trace": traceback.format_exc(), '
        '"error_type": type(e).__name__, "stack_trace": traceback.format_list(traceback.extract_tb(e.__traceback__))})',
    ),
    Patch(
        "ministack/services/lambda_svc.py",
        "a warm Python invocation's error carries the exception's class and frames",
        '            error_type = "Runtime.HandlerError"\n'
        "            if _RIE_TIMEOUT_TEXT_RE.fullmatch(error_msg):\n"
        '                error_type = "Sandbox.Timedout"\n'
        "            return {\n"
        '                "body": {\n'
        '                    "errorMessage": error_msg,\n'
        '                    "errorType": error_type,\n'
        "                },",
        '            error_type = result.get("error_type") or "Runtime.HandlerError"\n'
        "            if _RIE_TIMEOUT_TEXT_RE.fullmatch(error_msg):\n"
        '                error_type = "Sandbox.Timedout"\n'
        "            return {\n"
        '                "body": {\n'
        '                    "errorMessage": error_msg,\n'
        '                    "errorType": error_type,\n'
        '                    **({"stackTrace": result["stack_trace"]} if "stack_trace" in result else {}),\n'
        "                },",
    ),
    # A .waitForTaskToken task's TimeoutSecondsPath is ignored (only TimeoutSeconds is read, 99999
    # by default), so the manual-approval wait, whose window comes from the signal's validation,
    # never timed out and the execution ran on. The path is read from the state's input, as AWS does.
    Patch(
        "ministack/services/stepfunctions.py",
        "a callback task's TimeoutSecondsPath bounds its wait",
        "                task_result = _invoke_with_callback(\n"
        '                    resource, effective, ctx["Task"]["Token"], state_def)',
        "                task_result = _invoke_with_callback(\n"
        '                    resource, effective, ctx["Task"]["Token"],\n'
        "                    {**state_def,\n"
        '                     "TimeoutSeconds": _resolve_path(state_def["TimeoutSecondsPath"], raw_input)}\n'
        '                    if "TimeoutSecondsPath" in state_def else state_def)',
    ),
)


def apply(site_packages: Path) -> list[str]:
    """Applies every patch not yet applied; the ones it applied, by why."""
    applied = []
    for patch in PATCHES:
        file = site_packages / patch.path
        text = file.read_text()
        if patch.new in text:
            continue
        if text.count(patch.old) != 1:
            raise SystemExit(f"{file}: the text to patch ({patch.why}) is not there once: not the pinned MiniStack?")
        file.write_text(text.replace(patch.old, patch.new))
        applied.append(patch.why)
    return applied


def main(venv: str) -> None:
    [site_packages] = Path(venv).glob("lib/python3.*/site-packages")
    for why in apply(site_packages):
        print(f"MiniStack patched: {why}")


if __name__ == "__main__":
    main(sys.argv[1])
