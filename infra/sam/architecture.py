"""Every compiled file of a ``sam build`` is for the functions' architecture.

    python infra/sam/architecture.py BUILD_DIR x86_64|arm64 [--require NAME ...]

A layer built for the wrong machine deploys and then fails on first use (an extension's ImportError
"cannot open shared object file", a bootstrap's "exec format error"), so this reads the ELF header
of every file under each built function and layer folder (``BUILD_DIR/<LogicalId>``) and exits 1
naming each file whose machine differs. ``--require`` names a folder that must hold at least one
ELF file (the Rust function, the layer with the Rust core's bindings), so an empty or missing
build cannot pass.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

# ELF e_machine values (the System V ABI's registry) of Lambda's two architectures.
MACHINES = {"x86_64": 0x3E, "arm64": 0xB7}
MACHINE_NAMES = {0x3E: "x86_64", 0xB7: "aarch64", 0x03: "i386", 0x28: "arm"}
_ELF_MAGIC = b"\x7fELF"


def elf_machine(path: Path) -> int | None:
    """The e_machine of an ELF file (either byte order), None for any other file."""
    with path.open("rb") as file:
        header = file.read(20)
    if len(header) < 20 or header[:4] != _ELF_MAGIC:
        return None
    return int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")


def elf_files(folder: Path) -> Iterator[tuple[Path, int]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            machine = elf_machine(path)
            if machine is not None:
                yield path, machine


def check(build_dir: Path, architecture: str, required: list[str]) -> list[str]:
    """Problems found (empty when every compiled file is for ``architecture``); prints a line per folder."""
    expected = MACHINES[architecture]
    problems: list[str] = []
    folders = sorted(p for p in build_dir.iterdir() if p.is_dir())
    for name in required:
        if not (build_dir / name).is_dir():
            problems.append(f"{name}: not built in {build_dir}")
    for folder in folders:
        files = list(elf_files(folder))
        wrong = [(path, machine) for path, machine in files if machine != expected]
        if files:
            print(f"  {folder.name}: {len(files)} compiled files, {len(files) - len(wrong)} for {architecture}")
        for path, machine in wrong:
            found = MACHINE_NAMES.get(machine, hex(machine))
            problems.append(f"{path.relative_to(build_dir)}: built for {found}, not {architecture}")
        if folder.name in required and not files:
            problems.append(f"{folder.name}: no compiled file (expected its native code)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("build_dir", type=Path)
    parser.add_argument("architecture", choices=sorted(MACHINES))
    parser.add_argument("--require", action="append", default=[], help="a folder that must hold compiled files")
    args = parser.parse_args(argv)
    if not args.build_dir.is_dir():
        print(f"{args.build_dir}: no such build (run sam build first)", file=sys.stderr)
        return 1
    problems = check(args.build_dir, args.architecture, args.require)
    for problem in problems:
        print(f"WRONG: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"every compiled file in {args.build_dir} is for {args.architecture}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
