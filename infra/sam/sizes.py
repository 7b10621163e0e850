"""Per function, its unzipped code plus layers against Lambda's limit, from ``sam build``'s output.

    python infra/sam/sizes.py [.aws-sam/build]

Lambda refuses a function whose code and layers together exceed 262,144,000 bytes unzipped
("Layers consume more than the available size"), at deploy time and not before. This reads the
built template (``.aws-sam/build/template.yaml``), adds up each function's built folder and the
built folders of the layers it carries (the Globals' layers first, as SAM merges them), and
counts a layer the template takes from outside, the AWS SDK for pandas layer, at its published
size. It exits 1 when any function is over, naming it.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

LIMIT_BYTES = 262_144_000
# The AWS SDK for pandas layer the template maps (aws-sdk-pandas 3.17.0, Python 3.12, x86_64):
# 167 MiB unzipped, as 3.16.0 was; 3.16.1 grew to 204 MiB (an ICU dependency in its Arrow build,
# aws/aws-sdk-pandas#3331) and later releases build Arrow without ICU again. --pandas-layer-mib
# checks another figure (204 shows what a 3.16.1-sized layer would leave).
PANDAS_LAYER_MIB = 167
PANDAS_LAYER_NAME = "AWS SDK for pandas"


@dataclass(frozen=True)
class FunctionSize:
    name: str
    code: int
    layers: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return self.code + sum(size for _, size in self.layers)


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def layer_entries(items: list[Any], layer_ids: set[str]) -> list[str]:
    """Each attached layer as the template's logical id, or PANDAS_LAYER_NAME for the external one."""
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and set(item) == {"Ref"} and item["Ref"] in layer_ids:
            names.append(item["Ref"])
        elif isinstance(item, dict) and item.get("Ref") == "AWS::NoValue":
            continue
        else:  # an ARN, or a condition choosing one: the only layer from outside is the pandas one
            names.append(PANDAS_LAYER_NAME)
    return names


def function_sizes(build_dir: Path, pandas_layer_bytes: int) -> list[FunctionSize]:
    template = yaml_parse((build_dir / "template.yaml").read_text())
    resources: dict[str, Any] = template["Resources"]
    layer_dirs = {
        name: build_dir / str(r["Properties"]["ContentUri"])
        for name, r in resources.items()
        if r.get("Type") == "AWS::Serverless::LayerVersion"
    }
    layer_bytes = {name: folder_bytes(path) for name, path in layer_dirs.items()}
    layer_bytes[PANDAS_LAYER_NAME] = pandas_layer_bytes
    global_layers = ((template.get("Globals") or {}).get("Function") or {}).get("Layers") or []
    sizes: list[FunctionSize] = []
    for name, resource in sorted(resources.items()):
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties") or {}
        attached = layer_entries([*global_layers, *(props.get("Layers") or [])], set(layer_dirs))
        code = folder_bytes(build_dir / str(props["CodeUri"]))
        sizes.append(FunctionSize(name, code, tuple((layer, layer_bytes[layer]) for layer in attached)))
    return sizes


def _mb(size: int) -> str:
    return f"{size / 1e6:7.1f}"


def report(sizes: list[FunctionSize], out: Any = sys.stdout) -> list[FunctionSize]:
    print(f"{'function':32} {'code MB':>8} {'layers MB':>10} {'total MB':>9} {'left MB':>8}  layers", file=out)
    for size in sorted(sizes, key=lambda s: -s.total):
        layers = ", ".join(name for name, _ in size.layers)
        left = LIMIT_BYTES - size.total
        flag = "  OVER" if left < 0 else ""
        print(
            f"{size.name:32} {_mb(size.code):>8} {_mb(size.total - size.code):>10} {_mb(size.total):>9} "
            f"{_mb(left):>8}  {layers}{flag}",
            file=out,
        )
    print(f"limit: {LIMIT_BYTES:,} bytes unzipped (code + layers)", file=out)
    return [s for s in sizes if s.total > LIMIT_BYTES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("build_dir", nargs="?", default=".aws-sam/build", type=Path)
    parser.add_argument("--pandas-layer-mib", type=float, default=PANDAS_LAYER_MIB)
    args = parser.parse_args(argv)
    if not (args.build_dir / "template.yaml").is_file():
        print(f"{args.build_dir}: no built template; run `make sam-build` (sam build) first", file=sys.stderr)
        return 2
    over = report(function_sizes(args.build_dir, int(args.pandas_layer_mib * 1024 * 1024)))
    for size in over:
        print(f"{size.name} is {(size.total - LIMIT_BYTES) / 1e6:.1f} MB over Lambda's limit", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
