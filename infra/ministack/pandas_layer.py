"""The AWS SDK for pandas layer's stand-in (`make sam-imports` installs it into the SAM venv:
awswrangler 3.17.0, pyarrow 24, numpy, pandas) zipped as a Lambda layer, for an emulator that
runs the built functions: on AWS the template attaches the managed layer by ARN, so the second
target publishes this one and passes its ARN as AwsSdkPandasLayerArn.

    python infra/ministack/pandas_layer.py .venv-sam/aws-sdk-pandas-standin .venv-ministack/aws-sdk-pandas-layer.zip

Stored, not deflated: the emulator unzips it once per start, and compressing 250 MB costs more
than it saves on loopback.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

# What the python3.12 runtime itself provides (boto3 and its dependencies), and what no function
# imports: the managed layer does not carry these either.
LEFT_OUT = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "dateutil",
    "six",
    "urllib3",
    "distutils",
    "bin",
    "setuptools",
    "_distutils_hack",
)


def _kept(top: str) -> bool:
    name = top.split("-")[0].removesuffix(".py")
    return name not in LEFT_OUT and not name.startswith("python_dateutil") and top not in {"__pycache__"}


def build(standin: Path, target: Path) -> int:
    count = 0
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as archive:
        for top in sorted(os.listdir(standin)):
            if not _kept(top):
                continue
            path = standin / top
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for file in files:
                if "__pycache__" in file.parts:
                    continue
                archive.write(file, f"python/{file.relative_to(standin)}")
                count += 1
    partial.replace(target)
    return count


def main(argv: list[str]) -> int:
    count = build(Path(argv[1]), Path(argv[2]))
    print(f"{argv[2]}: {count} files, {Path(argv[2]).stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
