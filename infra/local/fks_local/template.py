"""Load template.yaml, package its local artifacts and translate SAM to CloudFormation.

This does locally what ``sam build`` + ``sam package`` do before a deploy: every local
``CodeUri``/``ContentUri`` becomes a zip in the artifacts bucket, and every ``DefinitionUri``
is inlined, so aws-sam-translator sees the same S3 locations it would see in AWS.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import logging
import os
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

ARTIFACTS_BUCKET = "fks-local-artifacts"
# sam build's method for Rust functions (cargo-lambda); its BuildProperties.Binary names the binary.
RUST_BUILD_METHOD = "rust-cargolambda"
_SKIPPED_NAMES = {"__pycache__", ".pytest_cache", ".mypy_cache", "target", ".DS_Store"}


class TemplateError(Exception):
    """The template cannot be deployed; the message names the resource at fault."""


@dataclass(frozen=True)
class Artifact:
    logical_id: str
    key: str
    body: bytes


class _NoIamPolicyLoader:
    """The translator asks IAM for managed policy names only when a policy is neither an ARN nor
    a SAM policy template; the template uses only those two, so no IAM lookup is ever needed."""

    def load(self) -> dict[str, str]:
        return {}


def load(path: Path) -> dict[str, Any]:
    try:
        template = yaml_parse(path.read_text())
    except Exception as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise TemplateError(f"{path}: no Resources section")
    return template


# Zips of `sam build` folders made in this process, by folder, prefix and the folder's files (path,
# size, mtime): a built layer is tens of MB to compress (14 s for the whole build on a loaded
# machine), and every stack a test session starts deploys the same build again.
_built_zips: dict[tuple[Path, str, int], bytes] = {}
_built_zips_lock = threading.Lock()


def _tree_signature(source: Path) -> int:
    return hash(
        tuple(
            (str(path), stat.st_size, stat.st_mtime_ns)
            for path in sorted(source.rglob("*"))
            if (stat := path.stat()) and path.is_file()
        )
    )


def zip_directory(source: Path, prefix: str = "", *, as_built: bool = False) -> bytes:
    """A byte-for-byte reproducible zip (sorted entries, fixed times) that keeps exec bits,
    which a native ``bootstrap`` needs to run. A source folder leaves out caches and bytecode;
    a built one (``as_built``) is shipped whole, as `sam deploy` does: its layers are bytecode."""
    if not as_built:
        return _zip(source, prefix, as_built=False)
    key = (source.resolve(), prefix, _tree_signature(source))
    with _built_zips_lock:
        if key not in _built_zips:
            _built_zips[key] = _zip(source, prefix, as_built=True)
        return _built_zips[key]


def _zip(source: Path, prefix: str, *, as_built: bool) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if not path.is_file():
                continue
            if not as_built and (
                path.suffix == ".pyc" or any(p in _SKIPPED_NAMES or p.endswith(".egg-info") for p in relative.parts)
            ):
                continue
            info = zipfile.ZipInfo(prefix + relative.as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (os.stat(path).st_mode & 0o777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _local_dir(root: Path, logical_id: str, prop: str, value: Any) -> Path | None:
    if not isinstance(value, str) or value.startswith("s3://"):
        return None
    directory = (root / value).resolve()
    if not directory.is_dir():
        raise TemplateError(f"{logical_id}: {prop} '{value}' is not a directory")
    return directory


def _inline_includes(node: Any, root: Path) -> Any:
    """Replace each ``Fn::Transform: AWS::Include`` of a local file by the file's content, which is
    what CloudFormation does with the S3 copy ``sam package`` uploads."""
    if isinstance(node, list):
        return [_inline_includes(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    transform = node.get("Fn::Transform")
    if len(node) == 1 and isinstance(transform, dict) and transform.get("Name") == "AWS::Include":
        location = str(transform.get("Parameters", {}).get("Location", ""))
        if location.startswith("s3://"):
            return node
        try:
            return _inline_includes(yaml_parse((root / location).read_text()), root)
        except OSError as exc:
            raise TemplateError(f"AWS::Include of {location}: {exc}") from exc
    return {key: _inline_includes(value, root) for key, value in node.items()}


def _metadata(resource: dict[str, Any]) -> dict[str, Any]:
    metadata = resource.get("Metadata")
    return metadata if isinstance(metadata, dict) else {}


def rust_bootstrap_zip(logical_id: str, workspace: Path, metadata: dict[str, Any]) -> bytes:
    """What ``sam build`` makes of a ``rust-cargolambda`` function: the release binary named
    ``bootstrap`` at the root of the zip. Locally the binary is the one ``make setup`` builds
    (``cargo build --release``), for the host, which is what the local runtime executes."""
    binary_name = str((metadata.get("BuildProperties") or {}).get("Binary", ""))
    if not binary_name:
        raise TemplateError(f"{logical_id}: BuildMethod {RUST_BUILD_METHOD} needs BuildProperties.Binary")
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR") or workspace / "target")
    binary = target_dir / "release" / binary_name
    if not binary.is_file():
        raise TemplateError(
            f"{logical_id}: no built binary at {binary}; build it with "
            f"`cargo build --release --manifest-path {workspace / 'Cargo.toml'} -p {binary_name}` (make setup does)"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = (0o755 | 0o100000) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, binary.read_bytes())
    return buffer.getvalue()


# Opt-in: package what `sam build` built (its folder, e.g. .aws-sam/build) instead of the source
# tree: each Python function's and layer's built folder, as `sam deploy` ships it.
BUILD_DIR_ENV = "FKS_LOCAL_BUILD_DIR"


def _built(build_dir: Path | None, logical_id: str) -> Path | None:
    if build_dir is None:
        return None
    folder = build_dir / logical_id
    if not folder.is_dir():
        raise TemplateError(f"{logical_id}: not in {build_dir}; run `make sam-build` (or unset {BUILD_DIR_ENV})")
    return folder


def package(
    template: dict[str, Any], root: Path, build_dir: Path | None = None
) -> tuple[dict[str, Any], list[Artifact]]:
    """``build_dir`` (default: $FKS_LOCAL_BUILD_DIR): take Python functions and layers from there."""
    if build_dir is None and os.environ.get(BUILD_DIR_ENV):
        build_dir = Path(os.environ[BUILD_DIR_ENV])
    packaged = _inline_includes(copy.deepcopy(template), root)
    artifacts: list[Artifact] = []
    for logical_id, resource in packaged["Resources"].items():
        props = resource.get("Properties") or {}
        kind = resource.get("Type")
        if kind == "AWS::Serverless::Function":
            directory = _local_dir(root, logical_id, "CodeUri", props.get("CodeUri"))
            prefix = ""
            uri_prop = "CodeUri"
            if directory is not None and _metadata(resource).get("BuildMethod") == RUST_BUILD_METHOD:
                body = rust_bootstrap_zip(logical_id, directory, _metadata(resource))
                key = f"{logical_id}/{hashlib.sha256(body).hexdigest()[:16]}.zip"
                artifacts.append(Artifact(logical_id, key, body))
                props[uri_prop] = f"s3://{ARTIFACTS_BUCKET}/{key}"
                continue
            built = _built(build_dir, logical_id) if directory is not None else None
            directory = built or directory
        elif kind == "AWS::Serverless::LayerVersion":
            directory = _local_dir(root, logical_id, "ContentUri", props.get("ContentUri"))
            build_method = str((resource.get("Metadata") or {}).get("BuildMethod", ""))
            runtimes = props.get("CompatibleRuntimes") or []
            python_makefile = build_method == "makefile" and all(str(r).startswith("python") for r in runtimes)
            # sam build puts a Python layer's content under python/ (a layer's Makefile does the
            # same), which Lambda adds to sys.path.
            prefix = "python/" if build_method.startswith("python") or python_makefile else ""
            uri_prop = "ContentUri"
            built = _built(build_dir, logical_id) if directory is not None else None
            if built is not None:
                directory, prefix = built, ""  # sam build's layer folder already holds python/
        elif kind == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            definition_path = root / props.pop("DefinitionUri")
            try:
                props["Definition"] = json.loads(definition_path.read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise TemplateError(f"{logical_id}: DefinitionUri {definition_path}: {exc}") from exc
            continue
        else:
            continue
        if directory is None:
            continue
        body = zip_directory(directory, prefix, as_built=built is not None)
        key = f"{logical_id}/{hashlib.sha256(body).hexdigest()[:16]}.zip"
        artifacts.append(Artifact(logical_id, key, body))
        props[uri_prop] = f"s3://{ARTIFACTS_BUCKET}/{key}"
    return packaged, artifacts


def translate(
    template: dict[str, Any], parameters: dict[str, str] | None = None, region: str = "us-east-1"
) -> dict[str, Any]:
    # The region is given, not read from the caller's AWS configuration, so the translation is
    # the same on every machine.
    # The translator warns about feature toggles it has no config for; that is its default, not ours.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    policies = _NoIamPolicyLoader()
    try:
        return translator.translate(  # type: ignore[no-any-return]
            copy.deepcopy(template),
            parameter_values=dict(parameters or {}),
            get_managed_policy_map=policies.load,
        )
    except InvalidDocumentException as exc:
        causes = "; ".join(str(cause) for cause in exc.causes)
        raise TemplateError(f"SAM transform failed: {causes}") from exc


def load_and_translate(
    path: Path, parameters: dict[str, str] | None = None, region: str = "us-east-1"
) -> tuple[dict[str, Any], list[Artifact]]:
    packaged, artifacts = package(load(path), path.parent)
    return translate(packaged, parameters, region), artifacts
