from __future__ import annotations

from typing import Any

import pytest

from fks_local.intrinsics import NO_VALUE, IntrinsicError, Resolver, references

RESOURCES = {"Queue": ("https://sqs/q", {"Arn": "arn:aws:sqs:us-east-1:1:q", "QueueName": "q"})}


def _resolver(conditions: dict[str, Any] | None = None) -> Resolver:
    def ref(name: str) -> Any:
        if name not in RESOURCES:
            raise IntrinsicError(f"no {name}")
        return RESOURCES[name][0]

    def get_att(name: str, attribute: str) -> Any:
        return RESOURCES[name][1][attribute]

    return Resolver({"Stage": "dev", "AWS::Region": "us-east-1"}, conditions or {}, ref, get_att)


def test_sub_resolves_parameters_attributes_and_escapes() -> None:
    value = {"Fn::Sub": "${Stage}-${Queue.QueueName}-${AWS::Region}-${!Literal}"}

    assert _resolver().resolve(value) == "dev-q-us-east-1-${Literal}"


def test_sub_with_variable_map() -> None:
    assert _resolver().resolve({"Fn::Sub": ["${A}/${Stage}", {"A": {"Ref": "Queue"}}]}) == "https://sqs/q/dev"


def test_if_picks_branch_by_condition_and_novalue_drops_property() -> None:
    resolver = _resolver({"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}})

    resolved = resolver.resolve({"A": {"Fn::If": ["IsProd", "big", {"Ref": "AWS::NoValue"}]}, "B": 1})

    assert resolved == {"B": 1}
    assert resolver.resolve({"Ref": "AWS::NoValue"}) is NO_VALUE


def test_join_select_split_getatt() -> None:
    resolver = _resolver()

    assert (
        resolver.resolve({"Fn::Join": [",", ["a", {"Fn::GetAtt": ["Queue", "Arn"]}]]}) == "a,arn:aws:sqs:us-east-1:1:q"
    )
    assert resolver.resolve({"Fn::Select": [1, {"Fn::Split": ["-", "x-y-z"]}]}) == "y"


def test_unknown_condition_is_an_error() -> None:
    with pytest.raises(IntrinsicError, match="unknown condition 'Nope'"):
        _resolver().condition("Nope")


def test_references_finds_ref_getatt_and_sub_targets() -> None:
    value = {
        "a": {"Ref": "Table"},
        "b": {"Fn::GetAtt": "Queue.Arn"},
        "c": {"Fn::Sub": "${Bucket}-${AWS::Region}-${Fn.Arn}"},
    }

    assert references(value) == {"Table", "Queue", "Bucket", "Fn"}
