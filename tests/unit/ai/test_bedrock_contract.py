"""Bedrock by configuration, bound to what AWS documents.

AWS is not reachable here and moto's bedrock-runtime answers InvokeModel with an empty body, so
the Bedrock side is a fake: botocore's Stubber on a real bedrock-runtime client (it checks every
call against the InvokeModel API's own model) answering with bodies built to the documented
shapes. The contract tests bind both ends to ``bedrock_documented.json`` (the user guide's fields,
required ones and allowed values): every body fks_ai sends fits it, and every fake answer has
exactly the documented fields, so the fake cannot drift into answering what Bedrock would not.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import boto3
import numpy as np
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from fks.ai.bedrock import COHERE_MODELS, TITAN_V2, BedrockAnswerError, claude_request, claude_text, embedding_model
from fks_adapters.ai.bedrock import BedrockNarrator, BedrockTextEmbedder, configured_narrator, configured_text_embedder

DOCUMENTED = json.loads((Path(__file__).parent / "bedrock_documented.json").read_text())


def check_request(body: dict[str, Any], shape: dict[str, Any]) -> None:
    assert set(shape["required"]) <= set(body), f"missing {set(shape['required']) - set(body)}"
    assert set(body) <= set(shape["required"]) | set(shape["optional"]), f"undocumented {set(body)}"
    for name, allowed in shape.get("allowed", {}).items():
        if name in body:
            assert body[name] in allowed, (name, body[name])


def vector(text: str, dim: int) -> list[float]:
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
    return [float(x) for x in np.random.default_rng(seed).standard_normal(dim)]


def fake_answer(model_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """What the documentation says the model answers to ``body``."""
    if model_id == TITAN_V2:
        embedding = vector(body["inputText"], body.get("dimensions", 1024))
        return {"embedding": embedding, "inputTextTokenCount": 7, "embeddingsByType": {"float": embedding}}
    if model_id in COHERE_MODELS:
        return {
            "embeddings": [vector(text, 1024) for text in body["texts"]],
            "id": "5a0c0a3e-5b1d-4f56-9a3b-0d6f1e7c2f10",
            "response_type": "embeddings_floats",
            "texts": body["texts"],
        }
    return {
        "id": "msg_bdrk_01",
        "model": model_id,
        "type": "message",
        "role": "assistant",
        "content": [{"type": "text", "text": "Buy SOL/USDT; regime unknown, no similar-state history."}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 812, "output_tokens": 19},
    }


@pytest.mark.parametrize(
    ("section", "answer_model"), [("titan_embed_text_v2", TITAN_V2), ("cohere_embed_v3", COHERE_MODELS[0])]
)
def test_the_fake_answers_exactly_the_documented_fields(section: str, answer_model: str) -> None:
    model = embedding_model(answer_model)
    answer = fake_answer(answer_model, model.request(["one text"], "document"))
    assert set(answer) == set(DOCUMENTED[section]["response"]["fields"])
    claude = fake_answer("anthropic.claude-3-haiku-20240307-v1:0", claude_request("{}"))
    assert set(claude) == set(DOCUMENTED["anthropic_claude_messages"]["response"]["fields"])


def test_titan_bodies_fit_the_documented_request() -> None:
    shape = DOCUMENTED["titan_embed_text_v2"]
    assert TITAN_V2 in shape["model_ids"]
    model = embedding_model(TITAN_V2)
    body = model.request(["SOL sold off when funding turned negative"], "query")
    check_request(body, shape["request"])
    assert model.texts_per_call == 1  # Titan embeds one inputText a call


def test_cohere_bodies_fit_the_documented_request_with_its_limits() -> None:
    shape = DOCUMENTED["cohere_embed_v3"]
    assert set(COHERE_MODELS) <= set(shape["model_ids"])
    model = embedding_model(COHERE_MODELS[0])
    texts = ["x" * 5000] * model.texts_per_call
    for purpose, input_type in (("document", "search_document"), ("query", "search_query")):
        body = model.request(texts, purpose)  # type: ignore[arg-type]
        check_request(body, shape["request"])
        assert body["input_type"] == input_type
        assert len(body["texts"]) <= shape["request"]["max_texts"]
        assert max(map(len, body["texts"])) <= shape["request"]["max_chars"]
    assert model.dim == shape["response"]["dimensions"]


def test_claude_bodies_fit_the_documented_messages_request() -> None:
    shape = DOCUMENTED["anthropic_claude_messages"]["request"]
    body = claude_request(json.dumps({"summary": "buy SOL/USDT"}))
    check_request(body, shape)
    assert all(m["role"] in shape["message_roles"] for m in body["messages"])
    assert all(c["type"] in shape["content_types"] for m in body["messages"] for c in m["content"])


def test_answers_without_the_documented_fields_are_refused_by_name() -> None:
    with pytest.raises(BedrockAnswerError, match="'embedding'"):
        embedding_model(TITAN_V2).vectors({}, 1)  # what moto's bedrock-runtime answers
    with pytest.raises(BedrockAnswerError, match="'embeddings'"):
        embedding_model(COHERE_MODELS[1]).vectors({"embeddings": [[0.0] * 3]}, 1)
    with pytest.raises(BedrockAnswerError, match="'content'"):
        claude_text({"content": []}, "anthropic.claude")


def stubbed_client() -> tuple[Any, Stubber]:
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",  # never reached: the Stubber answers
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return client, Stubber(client)


def expect(stubber: Stubber, model_id: str, body: dict[str, Any]) -> None:
    payload = json.dumps(fake_answer(model_id, body)).encode()
    stubber.add_response(
        "invoke_model",
        {"body": StreamingBody(io.BytesIO(payload), len(payload)), "contentType": "application/json"},
        {"modelId": model_id, "body": json.dumps(body).encode(), "contentType": "application/json",
         "accept": "application/json"},
    )  # fmt: skip


def test_the_cohere_embedder_batches_96_texts_a_call_and_returns_unit_rows() -> None:
    client, stubber = stubbed_client()
    model = embedding_model(COHERE_MODELS[0])
    texts = [f"note {i}" for i in range(100)]
    expect(stubber, model.model_id, model.request(texts[:96], "document"))
    expect(stubber, model.model_id, model.request(texts[96:], "document"))
    with stubber:
        vectors = BedrockTextEmbedder(model.model_id, client).embed(texts)
    stubber.assert_no_pending_responses()
    assert vectors.shape == (100, 1024)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(
        vectors[3], np.asarray(vector("note 3", 1024)) / np.linalg.norm(vector("note 3", 1024)), atol=1e-5
    )


def test_the_titan_embedder_names_its_model_so_an_index_of_another_is_rebuilt() -> None:
    client, stubber = stubbed_client()
    model = embedding_model(TITAN_V2)
    expect(stubber, TITAN_V2, model.request(["funding"], "query"))
    with stubber:
        embedder = BedrockTextEmbedder(TITAN_V2, client)
        assert embedder.embed(["funding"], "query").shape == (1, 1024)
    assert embedder.name == "bedrock:amazon.titan-embed-text-v2:0:1024"


def test_the_narrator_writes_beside_the_briefing_and_a_refusal_leaves_it_as_it_was() -> None:
    client, stubber = stubbed_client()
    model_id = "anthropic.claude-3-haiku-20240307-v1:0"
    briefing = {"summary": "buy SOL/USDT 1h from ai_probe."}
    expect(stubber, model_id, claude_request(json.dumps(briefing, sort_keys=True)))
    stubber.add_client_error("invoke_model", "AccessDeniedException", "model access not granted", 403)
    with stubber:
        narrator = BedrockNarrator(model_id, client)
        written = narrator.narrate(briefing)
        refused = narrator.narrate(briefing)
    assert written == {"model": model_id, "text": "Buy SOL/USDT; regime unknown, no similar-state history."}
    assert refused["model"] == model_id
    assert "model access not granted" in refused["error"]


def test_the_setting_chooses_the_models() -> None:
    assert configured_text_embedder().name.startswith("wordllama")
    assert configured_narrator() is None
    assert configured_text_embedder(COHERE_MODELS[1]).name == f"bedrock:{COHERE_MODELS[1]}:1024"
    narrator = configured_narrator("anthropic.claude-3-haiku-20240307-v1:0")
    assert narrator is not None
    assert narrator.model_id == "anthropic.claude-3-haiku-20240307-v1:0"
    with pytest.raises(ValueError, match="must be one of"):
        configured_text_embedder("openai.text-embedding-3")
