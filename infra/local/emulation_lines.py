"""Lines of AWS emulation in fks_local, per piece, in the working tree and at a git revision.

    python infra/local/emulation_lines.py [REVISION ...]      (make emulation-lines)

The pieces are what fks_local emulates of AWS on top of moto's server (issue 25, item 3): the rest
of fks_local (the CLI, the exchange simulators, the demo, cost estimates) is not AWS emulation.
"lines" counts every line; "code" leaves out blank lines, comments and docstrings.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "infra/local/fks_local"
# piece -> its files or folders under fks_local
PIECES: dict[str, tuple[str, ...]] = {
    "Lambda runtime": ("lambda_runtime/", "emulator.py"),
    "API gateway (REST: authorizers, usage plans, throttling)": (
        "api_gateway.py",
        "authorizer_flush.py",
        "gateway_auth.py",
        "gateway_events.py",
        "gateway_responses.py",
        "throttling.py",
        "usage_plans.py",
    ),
    "WebSocket gateway": ("websocket_gateway.py", "websocket_events.py"),
    "schedules (EventBridge rules)": ("scheduler.py", "schedules.py"),
    # Deleted (no function has an SQS event source; the deployer refuses one): 0 in the working tree.
    "SQS event sources (poller)": ("event_sources.py",),
    "alarm evaluator (CloudWatch)": ("alarms.py",),
    "deployer (CloudFormation + SAM transform)": ("deploy/", "template.py", "intrinsics.py"),
}


def _files(revision: str | None, entry: str) -> list[str]:
    path = f"{PACKAGE}/{entry}"
    if revision is None:
        found = sorted((ROOT / path).rglob("*.py")) if entry.endswith("/") else [ROOT / path]
        return [str(f.relative_to(ROOT)) for f in found if f.exists()]
    listed = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", revision, path.rstrip("/")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [name for name in listed if name.endswith(".py")]


def _text(revision: str | None, name: str) -> str:
    if revision is None:
        return (ROOT / name).read_text()
    return subprocess.run(
        ["git", "show", f"{revision}:{name}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def _docstring_lines(source: str) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                lines.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return lines


def count(source: str) -> tuple[int, int]:
    """(every line, code lines: not blank, not only a comment, not a docstring)."""
    code: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            code.update(range(token.start[0], token.end[0] + 1))
    code -= _docstring_lines(source)
    code.discard(0)
    return len(source.splitlines()), len(code)


def piece_counts(revision: str | None) -> dict[str, tuple[int, int]]:
    counts = {}
    for piece, entries in PIECES.items():
        names = [name for entry in entries for name in _files(revision, entry)]
        totals = [count(_text(revision, name)) for name in names]
        counts[piece] = (sum(t[0] for t in totals), sum(t[1] for t in totals))
    return counts


def main(revisions: list[str]) -> None:
    columns = [*revisions, "working tree"]
    tables = [piece_counts(revision) for revision in revisions] + [piece_counts(None)]
    width = max(len(piece) for piece in PIECES)
    print(f"{'piece':<{width}}  " + "  ".join(f"{c[:12]:>19}" for c in columns))
    print(f"{'':<{width}}  " + "  ".join(f"{'lines':>10} {'code':>8}" for _ in columns))
    for piece in PIECES:
        print(f"{piece:<{width}}  " + "  ".join(f"{t[piece][0]:>10} {t[piece][1]:>8}" for t in tables))
    totals = [(sum(v[0] for v in t.values()), sum(v[1] for v in t.values())) for t in tables]
    print(f"{'total':<{width}}  " + "  ".join(f"{a:>10} {b:>8}" for a, b in totals))


if __name__ == "__main__":
    main(sys.argv[1:])
