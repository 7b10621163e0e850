"""Every documented operation, fuzzed with valid and invalid input: never a 5xx, never a response
that breaks the document (status, content type, body schema).

The schema is the committed document (the unit tier checks it is current), loaded at import so
each operation is its own test; requests go to this tier's own local stack with an admin key.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import HealthCheck
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fks_cli.openapi import DOCUMENT
from tests.stack_handle import StackHandle

pytestmark = [pytest.mark.fuzz, pytest.mark.moto_only]
# Small on purpose: about 40 operations, each request through the gateway, the authorizer and a
# function on a 2-core machine; the whole tier stays well under five minutes. A deeper run by hand:
# FKS_FUZZ_MAX_EXAMPLES=100 pytest tests/fuzz -m fuzz
MAX_EXAMPLES = int(os.environ.get("FKS_FUZZ_MAX_EXAMPLES", "10"))
# Static files are not JSON operations; training spends minutes of compute per valid request.
NOT_FUZZED = r"^/web|^/models/\{asset\}/train$"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(json.loads(DOCUMENT.read_text())).exclude(path_regex=NOT_FUZZED)
schema.config.update(
    request_timeout=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
schema.config.generation.update(
    max_examples=MAX_EXAMPLES, with_security_parameters=False, deterministic=True, database="none"
)


@schema.parametrize()
def test_operation_answers_within_its_contract(case: Any, fuzz_stack: StackHandle) -> None:
    case.call_and_validate(
        base_url=fuzz_stack.api_url, headers={"Authorization": f"Bearer {fuzz_stack.api_keys['admin']}"}, checks=CHECKS
    )
