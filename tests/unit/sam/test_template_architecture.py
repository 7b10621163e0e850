"""template.yaml: one LambdaArchitecture for every function, every built layer, and the pandas layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE: dict[str, Any] = yaml_parse((ROOT / "template.yaml").read_text())
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
ARCHITECTURE = {"Ref": "LambdaArchitecture"}


def test_the_parameter_offers_both_lambda_architectures_x86_64_first() -> None:
    parameter = TEMPLATE["Parameters"]["LambdaArchitecture"]
    assert parameter["Default"] == "x86_64"
    assert parameter["AllowedValues"] == ["x86_64", "arm64"]


def test_every_function_runs_on_the_parameters_architecture() -> None:
    assert TEMPLATE["Globals"]["Function"]["Architectures"] == [ARCHITECTURE]
    overriding = [
        name
        for name, resource in RESOURCES.items()
        if resource["Type"] == "AWS::Serverless::Function" and "Architectures" in resource["Properties"]
    ]
    assert overriding == []


def test_every_built_layer_is_built_for_it_and_told_so_by_its_working_directory() -> None:
    layers = {name: r for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::LayerVersion"}
    assert "CoreLayer" in layers
    for name, layer in layers.items():
        assert layer["Metadata"]["BuildMethod"] == "makefile", name
        assert layer["Metadata"]["BuildArchitecture"] == ARCHITECTURE, name
        assert layer["Metadata"]["WorkingDirectory"] == {"Fn::Sub": "infra/sam/arch/${LambdaArchitecture}"}, name
        assert layer["Properties"]["CompatibleArchitectures"] == [ARCHITECTURE], name
    for value in TEMPLATE["Parameters"]["LambdaArchitecture"]["AllowedValues"]:
        assert (ROOT / "infra" / "sam" / "arch" / value).is_dir()


def test_each_regions_arm64_pandas_layer_is_the_same_release_of_the_arm64_layer() -> None:
    mapping = TEMPLATE["Mappings"]["AwsSdkPandasLayer"]
    assert len(mapping) == 28
    for region, arns in mapping.items():
        x86_name, x86_version = arns["X8664"].rsplit(":", 1)
        arm_name, arm_version = arns["Arm64"].rsplit(":", 1)
        assert x86_name.endswith(":layer:AWSSDKPandas-Python312"), region
        assert arm_name == x86_name + "-Arm64", region
        assert arm_version == x86_version, region


def test_every_function_with_the_regional_pandas_layer_takes_its_architectures() -> None:
    arm64 = {"Fn::FindInMap": ["AwsSdkPandasLayer", {"Ref": "AWS::Region"}, "Arm64"]}
    x86_64 = {"Fn::FindInMap": ["AwsSdkPandasLayer", {"Ref": "AWS::Region"}, "X8664"]}
    carrying = 0
    for name, resource in RESOURCES.items():
        for item in resource.get("Properties", {}).get("Layers", []):
            if "AwsSdkPandasLayer" not in repr(item):
                continue
            carrying += 1
            regional = item["Fn::If"][1]["Fn::If"][1]
            assert regional == {"Fn::If": ["OnArm64", arm64, x86_64]}, name
    assert carrying > 10
