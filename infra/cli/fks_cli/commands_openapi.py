"""``fks openapi``: print, rewrite (``--write``) or check (``--check``) the committed OpenAPI document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from fks_cli import openapi


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser("openapi", help="the REST API's OpenAPI document, generated from the handlers")
    mode = sub.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"rewrite {openapi.DOCUMENT.relative_to(openapi.ROOT)}")
    mode.add_argument("--check", action="store_true", help="exit 1 when the committed document is stale")
    sub.add_argument("--template", type=Path, default=openapi.TEMPLATE, help="SAM template (default: template.yaml)")


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        text = openapi.render(openapi.build_document(args.template))
    except openapi.OpenApiError as error:
        print(f"fks openapi: {error}", file=err)
        return 1
    committed = openapi.DOCUMENT.read_text() if openapi.DOCUMENT.exists() else ""
    if args.check:
        if committed != text:
            print(f"{openapi.DOCUMENT} is stale: run `fks openapi --write`", file=err)
            return 1
        print(f"{openapi.DOCUMENT} is up to date", file=out)
    elif args.write:
        openapi.DOCUMENT.write_text(text)
        print(f"{'wrote' if committed != text else 'unchanged:'} {openapi.DOCUMENT}", file=out)
    else:
        out.write(text)
    return 0
