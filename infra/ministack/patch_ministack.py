"""The smallest patches to the installed MiniStack, each for one thing it gets wrong that the
chain depends on (docs/second-target.md); ``make`` applies them right after installing it.

    python infra/ministack/patch_ministack.py .venv-ministack

Each patch is a text replacement that must match exactly once in the pinned version
(MINISTACK_VERSION in the Makefile): a newer MiniStack that moved the text fails here, naming the
patch, instead of silently running without it. Applying twice changes nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Patch:
    path: str  # under site-packages
    why: str
    old: str
    new: str


PATCHES = (
    # A Python function's raised error reaches Lambda's caller as errorType "Runtime.HandlerError"
    # whatever it raised, and with no stackTrace; AWS names the exception's class and lists the
    # frames. Step Functions' Catch matches on that name (InvalidSignal, RiskDenied,
    # SignalRejectedByUser), so every caught path of the signal pipeline ended in States.ALL's
    # branch, FAILED. The worker now reports the class and the frames, and the invoke hands them on
    # as errorType and stackTrace (Runtime.HandlerError stays for a worker that did not say).
    Patch(
        "ministack/core/lambda_runtime.py",
        "the Python worker reports the raised exception's class and frames",
        'json.dumps({"status": "error", "error": str(e), "trace": traceback.format_exc()})',
        'json.dumps({"status": "error", "error": str(e), "trace": traceback.format_exc(), '
        '"error_type": type(e).__name__, "stack_trace": traceback.format_list(traceback.extract_tb(e.__traceback__))})',
    ),
    Patch(
        "ministack/services/lambda_svc.py",
        "a warm Python invocation's error carries the exception's class and frames",
        '            error_type = "Runtime.HandlerError"\n'
        "            if _RIE_TIMEOUT_TEXT_RE.fullmatch(error_msg):\n"
        '                error_type = "Sandbox.Timedout"\n'
        "            return {\n"
        '                "body": {\n'
        '                    "errorMessage": error_msg,\n'
        '                    "errorType": error_type,\n'
        "                },",
        '            error_type = result.get("error_type") or "Runtime.HandlerError"\n'
        "            if _RIE_TIMEOUT_TEXT_RE.fullmatch(error_msg):\n"
        '                error_type = "Sandbox.Timedout"\n'
        "            return {\n"
        '                "body": {\n'
        '                    "errorMessage": error_msg,\n'
        '                    "errorType": error_type,\n'
        '                    **({"stackTrace": result["stack_trace"]} if "stack_trace" in result else {}),\n'
        "                },",
    ),
    # A .waitForTaskToken task's TimeoutSecondsPath is ignored (only TimeoutSeconds is read, 99999
    # by default), so the manual-approval wait, whose window comes from the signal's validation,
    # never timed out and the execution ran on. The path is read from the state's input, as AWS does.
    Patch(
        "ministack/services/stepfunctions.py",
        "a callback task's TimeoutSecondsPath bounds its wait",
        "                task_result = _invoke_with_callback(\n"
        '                    resource, effective, ctx["Task"]["Token"], state_def)',
        "                task_result = _invoke_with_callback(\n"
        '                    resource, effective, ctx["Task"]["Token"],\n'
        "                    {**state_def,\n"
        '                     "TimeoutSeconds": _resolve_path(state_def["TimeoutSecondsPath"], raw_input)}\n'
        '                    if "TimeoutSecondsPath" in state_def else state_def)',
    ),
    # The wait's States.Timeout carried MiniStack's own Cause text ("Task timed out waiting for
    # callback"); AWS's TaskTimedOut has an error and no cause (LocalStack, whose Step Functions is
    # checked against AWS's recorded histories, makes it so too), so a Catch's Cause is empty and
    # the signal's reason is the product's "nobody approved or rejected it in its approval window".
    Patch(
        "ministack/services/stepfunctions.py",
        "a callback task's States.Timeout carries no Cause, as AWS's TaskTimedOut",
        '        raise _ExecutionError("States.Timeout",\n'
        '                              "Task timed out waiting for callback")\n',
        '        raise _ExecutionError("States.Timeout", "")\n',
    ),
    # ApiKeySourceType AUTHORIZER (the FKS API's): API Gateway checks the usage-plan key the Lambda
    # authorizer returned as usageIdentifierKey, never the X-Api-Key header. MiniStack read the
    # header whatever the API said, so an FKS caller, who presents its FKS key as a Bearer token,
    # got its own 403 INVALID_API_KEY on every keyed route. Four patches: its CloudFormation keeps
    # the property, the authorizer's answer keeps the key (cached with the decision, as on AWS,
    # and never handed to the integration), and the key check and throttling use it.
    Patch(
        "ministack/services/cloudformation/provisioners.py",
        "a REST API made by CloudFormation keeps its ApiKeySourceType",
        '        "minimumCompressionSize": props.get("MinimumCompressionSize"),\n'
        '        "policy": props.get("Policy"),\n',
        '        "minimumCompressionSize": props.get("MinimumCompressionSize"),\n'
        '        "apiKeySource": props.get("ApiKeySourceType", "HEADER"),\n'
        '        "policy": props.get("Policy"),\n',
    ),
    Patch(
        "ministack/services/apigateway_v1.py",
        "an authorizer's context can carry the usageIdentifierKey apart",
        "        # nested dict/list values are not supported by API Gateway \N{EM DASH} dropped.\n    return out\n",
        "        # nested dict/list values are not supported by API Gateway \N{EM DASH} dropped.\n    return out\n"
        "\n\n"
        "class _AuthorizerOutput(dict):\n"
        '    """A Lambda authorizer\'s context as the integration gets it, with the usageIdentifierKey it\n'
        "    returned kept apart (patched by FKS): checked for an API whose apiKeySource is AUTHORIZER,\n"
        '    never handed to the integration."""\n'
        "\n"
        "    usage_identifier_key = None\n",
    ),
    Patch(
        "ministack/services/apigateway_v1.py",
        "the authorizer's usageIdentifierKey is kept with its decision",
        '        auth_ctx = _stringify_context(policy.get("context"))\n',
        '        auth_ctx = _AuthorizerOutput(_stringify_context(policy.get("context")))\n'
        '        if policy.get("usageIdentifierKey") is not None:\n'
        '            auth_ctx.usage_identifier_key = str(policy["usageIdentifierKey"])\n',
    ),
    Patch(
        "ministack/services/apigateway_v1.py",
        "an API whose apiKeySource is AUTHORIZER checks the authorizer's key, not X-Api-Key",
        "    key_error, api_key = _check_api_key(method_obj, api_id, stage_name, headers)\n"
        "    if key_error is not None:\n"
        "        return key_error\n"
        "    throttle_error = _check_throttle(\n"
        '        stage, api_id, stage_name, resource["path"], method,\n'
        "        api_key or _resolve_api_key(_api_key_from_request(headers)))\n",
        "    key_headers = headers\n"
        '    if api.get("apiKeySource") == "AUTHORIZER":\n'
        '        usage_key = getattr(authorizer_context, "usage_identifier_key", None)\n'
        '        key_headers = {"x-api-key": usage_key} if usage_key else {}\n'
        "    key_error, api_key = _check_api_key(method_obj, api_id, stage_name, key_headers)\n"
        "    if key_error is not None:\n"
        "        return key_error\n"
        "    throttle_error = _check_throttle(\n"
        '        stage, api_id, stage_name, resource["path"], method,\n'
        "        api_key or _resolve_api_key(_api_key_from_request(key_headers)))\n",
    ),
    # A REST API imported from OpenAPI (CloudFormation's Body, where SAM puts the template's
    # GatewayResponses) lost its x-amazon-apigateway-gateway-responses, so a 401 or a Deny's 403
    # was MiniStack's default body, not the template's message naming the header or the scope.
    # They are stored as PutGatewayResponse stores them, before the deployment snapshots them; and
    # a gateway response renders $context.authorizer.* from a denying authorizer's context, as AWS
    # does (the template's ACCESS_DENIED names the authorizer's denyReason).
    Patch(
        "ministack/services/apigateway_v1.py",
        "an imported OpenAPI's x-amazon-apigateway-gateway-responses are the API's gateway responses",
        '    for path, path_item in (spec.get("paths") or {}).items():\n'
        "        _import_path_item(api_id, path, path_item, scheme_map, default_security)\n"
        "    return api_id\n",
        '    for path, path_item in (spec.get("paths") or {}).items():\n'
        "        _import_path_item(api_id, path, path_item, scheme_map, default_security)\n"
        '    for response_type, response in (spec.get("x-amazon-apigateway-gateway-responses") or {}).items():\n'
        "        _put_gateway_response(api_id, response_type, response or {})\n"
        "    return api_id\n",
    ),
    Patch(
        "ministack/services/apigateway_v1.py",
        "a denying authorizer's context goes with its 403",
        '        return _deny_error(decision == "Deny"), None\n',
        '        denied = _deny_error(decision == "Deny")\n'
        "        denied.authorizer_context = auth_ctx\n"
        "        return denied, None\n",
    ),
    Patch(
        "ministack/services/apigateway_v1.py",
        "a gateway response renders $context.authorizer.* from the authorizer's context",
        '        "context.requestId": request["request_id"],\n',
        '        "context.requestId": request["request_id"],\n'
        '        **{f"context.authorizer.{key}": str(value)\n'
        '           for key, value in (getattr(error, "authorizer_context", None) or {}).items()},\n',
    ),
    # A bucket's LifecycleConfiguration was left out (its CloudFormation stores CORS, Block Public
    # Access and website configurations through the S3 API, not this one), so the data bucket had
    # no rules at all. It now goes the same way, through PutBucketLifecycleConfiguration's XML; a
    # rule's legacy Prefix becomes its Filter's, as AWS reports it back.
    Patch(
        "ministack/services/cloudformation/provisioners.py",
        "a bucket made by CloudFormation keeps its LifecycleConfiguration",
        "_S3_BUCKET_CONFIGURATIONS = (\n",
        "def _s3_lifecycle_xml(lifecycle):\n"
        '    """A ``LifecycleConfiguration`` as the PutBucketLifecycleConfiguration body (patched by FKS)."""\n'
        "    from xml.etree.ElementTree import Element, SubElement, tostring\n"
        "\n"
        "    def _add(parent, tag, value):\n"
        "        if value is not None:\n"
        "            SubElement(parent, tag).text = str(value).lower() if isinstance(value, bool) else str(value)\n"
        "\n"
        '    root = Element("LifecycleConfiguration", xmlns=_s3.S3_NS)\n'
        '    for rule in lifecycle.get("Rules") or []:\n'
        '        rule_el = SubElement(root, "Rule")\n'
        '        _add(rule_el, "ID", rule.get("Id"))\n'
        '        _add(SubElement(rule_el, "Filter"), "Prefix", rule.get("Prefix"))\n'
        '        _add(rule_el, "Status", rule.get("Status"))\n'
        '        if {"ExpirationInDays", "ExpirationDate", "ExpiredObjectDeleteMarker"} & rule.keys():\n'
        '            expiration = SubElement(rule_el, "Expiration")\n'
        '            _add(expiration, "Days", rule.get("ExpirationInDays"))\n'
        '            _add(expiration, "Date", rule.get("ExpirationDate"))\n'
        '            _add(expiration, "ExpiredObjectDeleteMarker", rule.get("ExpiredObjectDeleteMarker"))\n'
        '        for transition in rule.get("Transitions") or []:\n'
        '            transition_el = SubElement(rule_el, "Transition")\n'
        '            for field, tag in (("TransitionInDays", "Days"), ("TransitionDate", "Date"),\n'
        '                               ("StorageClass", "StorageClass")):\n'
        "                _add(transition_el, tag, transition.get(field))\n"
        '        for transition in rule.get("NoncurrentVersionTransitions") or []:\n'
        '            transition_el = SubElement(rule_el, "NoncurrentVersionTransition")\n'
        '            for field, tag in (("TransitionInDays", "NoncurrentDays"), ("StorageClass", "StorageClass"),\n'
        '                               ("NewerNoncurrentVersions", "NewerNoncurrentVersions")):\n'
        "                _add(transition_el, tag, transition.get(field))\n"
        '        noncurrent = rule.get("NoncurrentVersionExpiration") or (\n'
        '            {"NoncurrentDays": rule["NoncurrentVersionExpirationInDays"]}\n'
        '            if "NoncurrentVersionExpirationInDays" in rule else None)\n'
        "        if noncurrent:\n"
        '            noncurrent_el = SubElement(rule_el, "NoncurrentVersionExpiration")\n'
        '            _add(noncurrent_el, "NoncurrentDays", noncurrent.get("NoncurrentDays"))\n'
        '            _add(noncurrent_el, "NewerNoncurrentVersions", noncurrent.get("NewerNoncurrentVersions"))\n'
        '        if rule.get("AbortIncompleteMultipartUpload"):\n'
        '            _add(SubElement(rule_el, "AbortIncompleteMultipartUpload"), "DaysAfterInitiation",\n'
        '                 rule["AbortIncompleteMultipartUpload"].get("DaysAfterInitiation"))\n'
        '    return tostring(root, encoding="utf-8")\n'
        "\n"
        "\n"
        "_S3_BUCKET_CONFIGURATIONS = (\n"
        '    ("LifecycleConfiguration", _s3_lifecycle_xml, _s3._put_bucket_lifecycle, _s3._delete_bucket_lifecycle),\n',
    ),
    # A WebSocket $connect whose REQUEST authorizer raised "Unauthorized" (API Gateway's way for an
    # authorizer to refuse bad credentials: the FKS feed's answer to a bad token) was refused with
    # 500 as if the authorizer had failed; AWS answers 401, as MiniStack's REST gateway already
    # does. The invocation now says so to the $connect authorizer (the HTTP API caller unchanged).
    Patch(
        "ministack/services/apigateway.py",
        "a REQUEST authorizer's invocation tells when it raised Unauthorized",
        "async def _invoke_request_authorizer_lambda(authorizer, event, account_id, region):\n",
        "def _raised_unauthorized(result):\n"
        '    """Whether an authorizer\'s failed invocation raised "Unauthorized" (patched by FKS)."""\n'
        '    body = result.get("body") or {}\n'
        '    message = body.get("errorMessage", "") if isinstance(body, dict) else str(body)\n'
        '    return isinstance(message, str) and message.strip().lower() == "unauthorized"\n'
        "\n"
        "\n"
        "async def _invoke_request_authorizer_lambda(authorizer, event, account_id, region, unauthorized=None):\n",
    ),
    Patch(
        "ministack/services/apigateway.py",
        "a REQUEST authorizer that raised Unauthorized is reported apart",
        '        thread_name="ministack-apigw-authorizer",\n'
        "    )\n"
        '    if not result or result.get("error"):\n'
        "        return None\n",
        '        thread_name="ministack-apigw-authorizer",\n'
        "    )\n"
        '    if result and result.get("error") and unauthorized is not None and _raised_unauthorized(result):\n'
        "        unauthorized.append(True)\n"
        '    if not result or result.get("error"):\n'
        "        return None\n",
    ),
    Patch(
        "ministack/services/apigateway.py",
        "a $connect its authorizer refused with Unauthorized is a 401",
        "    payload = await _invoke_request_authorizer_lambda(authorizer, event, account_id, region)\n"
        '    policy = (payload or {}).get("policyDocument")\n',
        "    unauthorized = []\n"
        "    payload = await _invoke_request_authorizer_lambda(authorizer, event, account_id, region, unauthorized)\n"
        "    if unauthorized:\n"
        '        return (401, "Unauthorized"), None\n'
        '    policy = (payload or {}).get("policyDocument")\n',
    ),
    # A REST API request over API Gateway's 10 MB payload limit was read whole and handed on; AWS
    # refuses it with the REQUEST_TOO_LARGE gateway response (413) on its Content-Length, before
    # the body is read. The check runs before MiniStack reads a body, through the stage's gateway
    # responses as its failed SigV4 check does.
    Patch(
        "ministack/services/apigateway_v1.py",
        "a REST API answers a body over 10 MB with its REQUEST_TOO_LARGE gateway response",
        "def method_authorization_type(api_id, stage_name, method, path):\n",
        "MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's REST API payload quota (patched by FKS)\n"
        "\n"
        "\n"
        "def request_too_large_response(api_id, stage_name, headers, query_params):\n"
        '    """The REQUEST_TOO_LARGE answer for a REST API request whose Content-Length is over the\n'
        '    quota, or None (patched by FKS)."""\n'
        '    length = str(_header_ci(headers or {}, "content-length") or "").strip()\n'
        "    if not length.isdigit() or int(length) <= MAX_PAYLOAD_BYTES:\n"
        "        return None\n"
        "    scope = find_api_scope(api_id)\n"
        "    stage = stages_for_api(api_id).get(stage_name) if scope is not None else None\n"
        "    if stage is None:\n"
        "        return None\n"
        "    request = {\n"
        '        "api_id": api_id, "stage_name": stage_name, "stage": stage, "headers": headers or {},\n'
        '        "query_params": query_params or {}, "path_params": {}, "resource_path": "", '
        '"request_id": new_uuid(),\n'
        "    }\n"
        "    with request_scope(*scope):\n"
        '        return _gateway_error_response(_GatewayError("REQUEST_TOO_LARGE", "Request Too Long"), request)\n'
        "\n"
        "\n"
        "def method_authorization_type(api_id, stage_name, method, path):\n",
    ),
    Patch(
        "ministack/app.py",
        "a REST API request over 10 MB is refused before its body is read",
        "        _handle_lambda_download_request(path, method),\n"
        "    ):\n"
        "        if response is not None:\n"
        "            return response\n",
        "        _handle_lambda_download_request(path, method),\n"
        "    ):\n"
        "        if response is not None:\n"
        "            return response\n"
        "    execute_api = _parse_execute_api_url(host, path)\n"
        '    if execute_api is not None and headers.get("content-length"):\n'
        '        too_large = _get_module("apigateway_v1").request_too_large_response(\n'
        "            execute_api[0], execute_api[1], headers, query_params)\n"
        "        if too_large is not None:\n"
        "            return _with_data_plane_headers(too_large, request_id, wildcard_cors=False)\n",
    ),
    # An invocation's LogType Tail (LogResult) had the function's own lines only: the START, END
    # and REPORT lines AWS's tail carries went to the CloudWatch log stream alone. The lines
    # written there are now the invocation's log, so the tail is the stream's end, as on AWS.
    Patch(
        "ministack/services/lambda_svc.py",
        "the lines written to the log stream are returned",
        '            [{"timestamp": now_ms, "message": line} for line in lines])\n    except Exception as exc:\n',
        '            [{"timestamp": now_ms, "message": line} for line in lines])\n'
        "        return lines\n"
        "    except Exception as exc:\n",
    ),
    Patch(
        "ministack/services/lambda_svc.py",
        "an invocation's log tail has its START, END and REPORT lines",
        "    duration_ms = int((time.time() - started) * 1000)\n    _emit_lambda_logs(\n",
        "    duration_ms = int((time.time() - started) * 1000)\n    platform_lines = _emit_lambda_logs(\n",
    ),
    Patch(
        "ministack/services/lambda_svc.py",
        "an invocation's log is the lines its log stream got",
        '        log_source=result.get("log_source") if isinstance(result, dict) else None,\n'
        "    )\n"
        "    return result\n",
        '        log_source=result.get("log_source") if isinstance(result, dict) else None,\n'
        "    )\n"
        "    if platform_lines and isinstance(result, dict):\n"
        '        result["log"] = "\\n".join(platform_lines) + "\\n"\n'
        "    return result\n",
    ),
    # An error raised while the handler's module was imported came back as MiniStack's own
    # RuntimeError("Worker init failed: ..."). AWS's Python runtime (awslambdaric's _get_handler
    # and run) reports an ImportError as Runtime.ImportModuleError ("Unable to import module
    # ..."), a SyntaxError as Runtime.UserCodeSyntaxError, and anything else by its class with its
    # frames: the FKS functions' SettingsError naming a missing variable is "SettingsError". The
    # worker now says which, and the failed cold start hands that on.
    Patch(
        "ministack/core/lambda_runtime.py",
        "the Python worker reports an import-time error as AWS's runtime names it",
        '        _real_stdout.write(json.dumps({"status": "error", "error": str(e)}) + "\\\\n")\n',
        "        if isinstance(e, ImportError):  # AWS's runtime's names (patched by FKS)\n"
        '            _init_type, _init_msg = "Runtime.ImportModuleError", '
        "f\"Unable to import module '{module_name}': {e}\"\n"
        "        elif isinstance(e, SyntaxError):\n"
        '            _init_type, _init_msg = "Runtime.UserCodeSyntaxError", '
        "f\"Syntax error in module '{module_name}': {e}\"\n"
        "        else:\n"
        "            _init_type, _init_msg = type(e).__name__, str(e)\n"
        '        _real_stdout.write(json.dumps({"status": "error", "error": str(e), "error_type": _init_type,\n'
        '                                       "error_message": _init_msg,\n'
        '                                       "stack_trace": '
        "traceback.format_list(traceback.extract_tb(e.__traceback__))})\n"
        '                           + "\\\\n")\n',
    ),
    Patch(
        "ministack/core/lambda_runtime.py",
        "a worker's failed init carries the function's error",
        '        if response.get("status") != "ready":\n'
        "            raise RuntimeError(f\"Worker init failed: {response.get('error')}\")\n",
        '        if response.get("status") != "ready":\n'
        "            failed = RuntimeError(f\"Worker init failed: {response.get('error')}\")\n"
        '            failed.function_error = response if "error_type" in response else None  # patched by FKS\n'
        "            raise failed\n",
    ),
    Patch(
        "ministack/services/lambda_svc.py",
        "a failed cold start answers the function's init error",
        "        return {\n"
        '            "body": {"errorMessage": str(e), "errorType": type(e).__name__},\n'
        '            "error": True,\n'
        '            "log": "",\n'
        "        }\n"
        "    finally:\n"
        "        release_worker(worker)\n",
        '        init_error = getattr(e, "function_error", None)  # patched by FKS\n'
        "        if init_error:\n"
        "            return {\n"
        '                "body": {"errorMessage": init_error["error_message"], "errorType": init_error["error_type"],\n'
        '                         "stackTrace": init_error["stack_trace"]},\n'
        '                "error": True,\n'
        '                "log": init_error.get("error", ""),\n'
        "            }\n"
        "        return {\n"
        '            "body": {"errorMessage": str(e), "errorType": type(e).__name__},\n'
        '            "error": True,\n'
        '            "log": "",\n'
        "        }\n"
        "    finally:\n"
        "        release_worker(worker)\n",
    ),
    # A REST REQUEST authorizer's `context.*` identity sources were taken as absent ("not
    # modeled"), so with its cache on every call was a 401 without the authorizer: the template's
    # authorizer is keyed on the credential and the route (Context: httpMethod, resourcePath). They
    # are read from the request's context now, as API Gateway does; the cache key already holds
    # every identity source's value, so a decision serves only the same credential on the same route.
    Patch(
        "ministack/services/apigateway_v1.py",
        "a REQUEST authorizer reads its context.* identity sources",
        '        elif src.startswith("context."):\n'
        '            val = ""  # context identity sources not modeled; treated as absent\n',
        '        elif src.startswith("context."):\n'
        '            val = _context_identity_value(request_context, src[len("context."):])  # patched by FKS\n',
    ),
    Patch(
        "ministack/services/apigateway_v1.py",
        "the identity sources are resolved with the request's context",
        "def _request_identity_sources(identity_source, headers, query_params, stage):\n",
        "def _context_identity_value(request_context, name):\n"
        '    """A `context.<name>` identity source (dotted: `identity.sourceIp`) from the request\'s\n'
        '    context; "" where the context has no such value (patched by FKS)."""\n'
        "    value = request_context or {}\n"
        '    for part in name.split("."):\n'
        "        value = value.get(part) if isinstance(value, dict) else None\n"
        '    return "" if value is None or isinstance(value, dict) else str(value)\n'
        "\n"
        "\n"
        "def _request_identity_sources(identity_source, headers, query_params, stage, request_context=None):\n",
    ),
    Patch(
        "ministack/services/apigateway_v1.py",
        "the REQUEST authorizer's identity sources see the method, the resource and the caller",
        "        all_present, id_values = _request_identity_sources(\n"
        "            identity_source, headers, query_params, stage\n"
        "        )\n",
        "        all_present, id_values = _request_identity_sources(\n"
        "            identity_source, headers, query_params, stage,\n"
        "            {  # patched by FKS: what the authorizer's event calls requestContext\n"
        '                "resourceId": resource["id"], "stage": stage_name, "resourcePath": resource["path"],\n'
        '                "httpMethod": method, "apiId": api_id, "accountId": owner_account_id,\n'
        '                "path": request_path,\n'
        '                "identity": {\n'
        '                    "sourceIp":\n'
        '                        (_header_ci(headers, "x-forwarded-for") or "127.0.0.1").split(",")[0].strip(),\n'
        '                    "userAgent": _header_ci(headers, "user-agent") or "",\n'
        "                },\n"
        "            },\n"
        "        )\n",
    ),
    # FlushStageAuthorizersCache (DELETE /restapis/<api>/stages/<stage>/cache/authorizers), what
    # `fks keys revoke` calls so a revoked key's cached Allow stops at once, was an unknown path
    # (404): with the authorizer's cache on, a revoked key was let in until its decision expired.
    # It drops the stage's cached decisions and answers 202, as AWS does (404 for an unknown stage).
    Patch(
        "ministack/services/apigateway_v1.py",
        "FlushStageAuthorizersCache drops the stage's cached authorizer decisions",
        "            elif stage_sub is None:\n"
        '                if method == "GET":\n'
        "                    return _get_stage(api_id, stage_name)\n",
        "            # FlushStageAuthorizersCache (patched by FKS)\n"
        '            elif stage_sub == "cache" and export_type == "authorizers" and len(parts) == 6:\n'
        '                if method == "DELETE":\n'
        "                    return _flush_stage_authorizers_cache(api_id, stage_name)\n"
        "            elif stage_sub is None:\n"
        '                if method == "GET":\n'
        "                    return _get_stage(api_id, stage_name)\n",
    ),
    Patch(
        "ministack/services/apigateway_v1.py",
        "the stage's authorizer cache can be flushed",
        "def _delete_stage(api_id, stage_name):\n",
        "def _flush_stage_authorizers_cache(api_id, stage_name):\n"
        '    """FlushStageAuthorizersCache (patched by FKS): the cache key is (account, region, api,\n'
        '    authorizer, stage, identity values)."""\n'
        "    if stage_name not in _stages_v1.get(api_id, {}):\n"
        '        return _v1_error("NotFoundException", "Invalid Stage identifier specified", 404)\n'
        "    for key in [k for k in list(_authorizer_cache) if k[2] == api_id and k[4] == stage_name]:\n"
        "        _authorizer_cache.pop(key, None)\n"
        '    return 202, {}, b""\n'
        "\n"
        "\n"
        "def _delete_stage(api_id, stage_name):\n",
    ),
    # Speed, not fidelity: each new worker (every cold start, and again after 300 s idle) wrote
    # each of its layers' zips to its own folder and extracted it there: for the 18 functions with
    # the AWS SDK for pandas layer 242 MB written and 250 MB extracted, about 4 s and 0.5 GB per
    # cold start. A layer version never changes (AWS never reuses its number), and AWS mounts it
    # read-only at /opt, so one extraction per layer version serves every worker that uses it.
    Patch(
        "ministack/core/lambda_runtime.py",
        "a layer version is extracted once and shared by every worker",
        "class Worker:\n    def __init__(self, func_name: str, config: dict, code_zip: bytes):\n",
        "_extracted_layers: dict = {}  # layer version ARN -> (its zip bytes, the folder they are extracted in)\n"
        "_extracted_layers_lock = threading.Lock()\n"
        "\n"
        "\n"
        "def _extracted_layer(layer_arn: str, layer_data: bytes) -> str:\n"
        '    """The folder holding a layer version\'s content, extracted on first use (patched by FKS)."""\n'
        "    with _extracted_layers_lock:\n"
        "        cached = _extracted_layers.get(layer_arn)\n"
        "        if cached is not None and cached[0] is layer_data:\n"
        "            return cached[1]\n"
        '        layer_dir = tempfile.mkdtemp(prefix="ministack-layer-")\n'
        '        lzip = layer_dir + ".zip"\n'
        "        try:\n"
        '            with open(lzip, "wb") as lf:\n'
        "                lf.write(layer_data)\n"
        "            root = os.path.realpath(layer_dir)\n"
        "            with zipfile.ZipFile(lzip) as lzf:\n"
        "                for member in lzf.namelist():  # no entry may escape the folder (zip-slip)\n"
        "                    resolved = os.path.realpath(os.path.join(layer_dir, member))\n"
        "                    if not resolved.startswith(root + os.sep) and resolved != root:\n"
        '                        raise RuntimeError(f"Zip entry escapes target dir: {member}")\n'
        "                lzf.extractall(layer_dir)\n"
        "        except (OSError, zipfile.BadZipFile, zipfile.LargeFileError) as e:\n"
        '            logger.error("Failed to extract layer %s", layer_arn, exc_info=True)\n'
        "            shutil.rmtree(layer_dir, ignore_errors=True)\n"
        '            raise RuntimeError(f"Failed to extract layer {layer_arn}") from e\n'
        "        finally:\n"
        "            if os.path.exists(lzip):\n"
        "                os.remove(lzip)\n"
        "        _extracted_layers[layer_arn] = (layer_data, layer_dir)\n"
        "        return layer_dir\n"
        "\n"
        "\n"
        "class Worker:\n    def __init__(self, func_name: str, config: dict, code_zip: bytes):\n",
    ),
    Patch(
        "ministack/core/lambda_runtime.py",
        "a worker uses its layers' shared extraction",
        "                layer_data = _resolve_layer_zip(layer_ref)\n"
        "                if layer_data:\n"
        '                    layer_dir = os.path.join(self._tmpdir, f"layer_{len(layers_dirs)}")\n'
        "                    os.makedirs(layer_dir)\n"
        '                    lzip = os.path.join(self._tmpdir, f"layer_{len(layers_dirs)}.zip")\n'
        "                    try:\n"
        '                        with open(lzip, "wb") as lf:\n'
        "                            lf.write(layer_data)\n"
        "                        with zipfile.ZipFile(lzip) as lzf:\n"
        "                            # Validate paths to prevent zip-slip attacks\n"
        "                            for member in lzf.namelist():\n"
        "                                resolved = os.path.realpath(os.path.join(layer_dir, member))\n"
        "                                if not resolved.startswith(os.path.realpath(layer_dir) + os.sep)"
        " and resolved != os.path.realpath(layer_dir):\n"
        '                                    raise RuntimeError(f"Zip entry escapes target dir: {member}")\n'
        "                            lzf.extractall(layer_dir)\n"
        "                    except (OSError, zipfile.BadZipFile, zipfile.LargeFileError) as e:\n"
        '                        logger.error("Failed to extract layer %s", layer_arn, exc_info=True)\n'
        '                        raise RuntimeError(f"Failed to extract layer {layer_arn}") from e\n'
        "                    layers_dirs.append(layer_dir)\n",
        "                layer_data = _resolve_layer_zip(layer_ref)\n"
        "                if layer_data:\n"
        "                    layers_dirs.append(_extracted_layer(layer_arn, layer_data))\n",
    ),
)


def _replace_file(file: Path, text: str) -> None:
    """Writes a new file in place of ``file``: a venv uv installed with its default link mode
    hard-links each file to uv's cache, and writing through the link would patch the cache and
    every other venv that shares it."""
    staged = file.with_name(file.name + ".patching")
    staged.write_text(text)
    shutil.copymode(file, staged)
    os.replace(staged, file)


def apply(site_packages: Path) -> list[str]:
    """Applies every patch not yet applied; the ones it applied, by why."""
    applied = []
    for patch in PATCHES:
        file = site_packages / patch.path
        text = file.read_text()
        if patch.new in text:
            continue
        if text.count(patch.old) != 1:
            raise SystemExit(f"{file}: the text to patch ({patch.why}) is not there once: not the pinned MiniStack?")
        _replace_file(file, text.replace(patch.old, patch.new))
        applied.append(patch.why)
    return applied


def main(venv: str) -> None:
    [site_packages] = Path(venv).glob("lib/python3.*/site-packages")
    for why in apply(site_packages):
        print(f"MiniStack patched: {why}")


if __name__ == "__main__":
    main(sys.argv[1])
