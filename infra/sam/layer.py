"""Build one Lambda layer for ``sam build`` (the layers' ``BuildMethod: makefile``).

What ``BuildMethod: python3.12`` would do, plus what it cannot: pip installs a layer's
requirements for Lambda's platform (manylinux wheels for CPython 3.12 on ``--architecture``,
x86_64 or arm64, whatever the build machine is), then the layer is trimmed of what another part
of the function already brings, and compiled to bytecode so a cold start does not compile it:

- ``--without NAME``: a distribution to leave out with its files, because the Lambda runtime
  ships it (boto3, botocore, s3transfer, jmespath: a second botocore is 30 MB), or a layer every
  function carrying this one also carries (cryptography in the deps layer), or the AWS SDK for
  pandas layer (numpy).
- ``--prune PATH``: a folder inside the installed packages that nothing here imports (ccxt's
  asyncio and websocket flavours, ``ccxt/async_support`` and ``ccxt/pro``, are two thirds of it).
- ``--copy DIR``: the project's own packages of the layer (``fks``, ``fks_adapters``), which keep
  their source.
- ``--sourceless``: the installed packages as bytecode only (see ``compile_tree``).
- ``--strip``: native extensions without their symbol tables (``strip --strip-unneeded``; for
  arm64 on another machine ``llvm-strip``, which reads every architecture).

Bytecode is compiled with unchecked hashes: Lambda unpacks a layer with its own file times, and
timestamp-checked ``.pyc`` files would be thrown away and compiled again on every cold start.

Run by a layer's Makefile with Python 3.12 (the runtime's version: bytecode is per version).
"""

from __future__ import annotations

import argparse
import compileall
import platform
import py_compile
import shutil
import subprocess
import sys
from importlib.metadata import PathDistribution
from pathlib import Path

# The Lambda python3.12 runtime's platform: glibc 2.34 (Amazon Linux 2023), per Lambda architecture
# (its name as template.yaml's LambdaArchitecture) the machine name in wheel tags.
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}
MANYLINUX_TAGS = ("manylinux2014", "manylinux_2_28", "manylinux_2_34")
PYTHON_VERSION = "3.12"
# Packaging leftovers no import reads: test suites, C/Cython sources, type stubs.
_JUNK_DIRS = ("__pycache__", "tests", "test")
_JUNK_FILES = ("*.c", "*.pyx", "*.pxd", "*.pyi")


def platforms(architecture: str) -> list[str]:
    return [f"{tag}_{MACHINES[architecture]}" for tag in MANYLINUX_TAGS]


def pip_install(requirements: Path, target: Path, architecture: str) -> None:
    platform_args = [arg for platform in platforms(architecture) for arg in ("--platform", platform)]
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--requirement", str(requirements), "--target", str(target),
            "--implementation", "cp", "--python-version", PYTHON_VERSION, "--only-binary=:all:",
            *platform_args,
        ],
        check=True,
    )  # fmt: skip


def _normalised(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def remove_distribution(target: Path, name: str) -> int:
    """Delete an installed distribution's files (from its RECORD) and its metadata; bytes freed."""
    wanted = _normalised(name)
    freed = 0
    for info in target.glob("*.dist-info"):
        dist = PathDistribution(info)
        if _normalised(dist.metadata["Name"]) != wanted:
            continue
        roots: set[Path] = set()
        for file in dist.files or []:
            path = (target / str(file)).resolve()
            if target.resolve() not in path.parents:
                continue  # scripts installed beside, outside the layer
            top = target / Path(str(file)).parts[0]
            roots.add(top)
            if path.is_file():
                freed += path.stat().st_size
                path.unlink()
        for root in roots:
            if root.is_dir():
                shutil.rmtree(root, ignore_errors=True)
        return freed
    raise SystemExit(f"--without {name}: not installed in {target} (a stale requirement?)")


def prune(target: Path, relative: str) -> int:
    path = target / relative
    if not path.exists():
        raise SystemExit(f"--prune {relative}: no such path in {target}")
    freed = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    shutil.rmtree(path)
    return freed


def remove_junk(target: Path) -> None:
    for name in _JUNK_DIRS:
        for path in sorted(target.rglob(name), reverse=True):
            # Inside packages only: a top-level folder is a distribution, never junk.
            if path.is_dir() and path.parent != target:
                shutil.rmtree(path, ignore_errors=True)
    for pattern in _JUNK_FILES:
        for path in target.rglob(pattern):
            if path.is_file():
                path.unlink()
    for path in target.glob("bin"):
        shutil.rmtree(path, ignore_errors=True)


def strip_tool(architecture: str) -> str | None:
    """GNU strip reads only its own machine's objects; llvm-strip reads every architecture's."""
    if MACHINES[architecture] == platform.machine():
        return shutil.which("strip") or shutil.which("llvm-strip")
    return shutil.which("llvm-strip")


def strip_shared_objects(target: Path, architecture: str) -> int:
    """Drop symbol tables and debug sections from native extensions (as the AWS SDK for pandas
    layer's build does): a third of their size, nothing an import or a call reads."""
    strip = strip_tool(architecture)
    if strip is None:
        print(f"  no strip for {architecture} (llvm-strip reads every one): native extensions left as they are")
        return 0
    freed = 0
    for path in target.rglob("*.so*"):
        if path.is_file() and not path.is_symlink():
            before = path.stat().st_size
            subprocess.run([strip, "--strip-unneeded", str(path)], check=True)
            freed += before - path.stat().st_size
    return freed


def compile_tree(path: Path, *, sourceless: bool) -> None:
    ok = compileall.compile_dir(
        path, quiet=1, workers=0, legacy=sourceless, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
    )
    if not ok:
        raise SystemExit(f"bytecode compilation failed under {path}")
    if sourceless:
        for source in path.rglob("*.py"):
            if source.with_suffix(".pyc").is_file():
                source.unlink()


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", required=True, type=Path, help="sam build's ARTIFACTS_DIR")
    parser.add_argument(
        "--architecture", required=True, choices=sorted(MACHINES), help="the functions' Lambda architecture"
    )
    parser.add_argument("--requirements", type=Path)
    parser.add_argument("--copy", action="append", default=[], type=Path, help="a package folder to include")
    parser.add_argument("--without", action="append", default=[], help="a distribution to leave out")
    parser.add_argument("--prune", action="append", default=[], help="a folder to leave out")
    parser.add_argument("--sourceless", action="store_true", help="installed packages as bytecode only")
    parser.add_argument("--strip", action="store_true", help="strip native extensions' symbols")
    args = parser.parse_args(argv)
    if sys.version_info[:2] != (3, 12):
        raise SystemExit(f"layers are built with Python 3.12 (the runtime's), not {sys.version.split()[0]}")
    target = args.out / "python"
    target.mkdir(parents=True, exist_ok=True)
    if args.requirements:
        pip_install(args.requirements, target, args.architecture)
    for name in args.without:
        freed = remove_distribution(target, name)
        print(f"  without {name}: -{freed / 1e6:.1f} MB")
    for relative in args.prune:
        freed = prune(target, relative)
        print(f"  pruned {relative}: -{freed / 1e6:.1f} MB")
    remove_junk(target)
    if args.strip:
        print(f"  stripped native extensions: -{strip_shared_objects(target, args.architecture) / 1e6:.1f} MB")
    # Third-party packages ship as bytecode alone (module.pyc beside where module.py was): half
    # the size of source plus __pycache__, which is what keeps a function with the AWS SDK for
    # pandas layer under Lambda's 250 MB. Their tracebacks name files and functions, not lines.
    compile_tree(target, sourceless=args.sourceless)
    for package in args.copy:
        copied = target / package.name
        shutil.copytree(package, copied, ignore=shutil.ignore_patterns(*_JUNK_DIRS, "*.pyc"))
        compile_tree(copied, sourceless=False)  # the project's own code keeps its source
    print(f"  layer {args.out.name} ({args.architecture}): {size_of(args.out) / 1e6:.1f} MB unzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
