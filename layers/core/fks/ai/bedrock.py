"""Amazon Bedrock's model bodies for fks_ai: the JSON each model takes in an ``InvokeModel`` request
and gives back, as AWS documents them. No I/O here (``fks_adapters.ai.bedrock`` calls Bedrock).

- Titan Text Embeddings V2 (``amazon.titan-embed-text-v2:0``): one text a call,
  ``{"inputText", "dimensions", "normalize"}`` -> ``{"embedding", "inputTextTokenCount", ...}``
  (docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html);
- Cohere Embed v3 (``cohere.embed-english-v3``, ``cohere.embed-multilingual-v3``): up to 96 texts
  of up to 2,048 characters a call, ``{"texts", "input_type", "truncate"}`` ->
  ``{"embeddings", "id", "response_type", "texts"}``, 1,024 dimensions
  (docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html);
- Anthropic Claude's Messages API (``anthropic.claude-*``) for the optional written briefing:
  ``{"anthropic_version": "bedrock-2023-05-31", "max_tokens", "system", "messages", "temperature"}``
  -> ``{"content": [{"type": "text", "text"}], "stop_reason", "usage", ...}``
  (docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html).

tests/unit/ai/test_bedrock_contract.py holds those documented shapes and checks every body built
here against them, and every parser here against the documented answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fks.ai.embeddings import Purpose
from fks.errors import FksError

TITAN_V2 = "amazon.titan-embed-text-v2:0"
COHERE_MODELS = ("cohere.embed-english-v3", "cohere.embed-multilingual-v3")
EMBEDDING_MODELS = (TITAN_V2, *COHERE_MODELS)
PACKAGED = "packaged"  # the setting's value for the text model inside the AI layer (no Bedrock)
TITAN_DIMENSIONS = 1024  # Titan V2 accepts 256, 512 or 1024
COHERE_DIMENSIONS = 1024
COHERE_MAX_TEXTS = 96
COHERE_MAX_CHARS = 2048
ANTHROPIC_VERSION = "bedrock-2023-05-31"


class BedrockAnswerError(FksError):
    """Bedrock answered 200 with a body that lacks what its model documents."""

    status_code = 502


@dataclass(frozen=True)
class EmbeddingModel:
    model_id: str
    dim: int

    @property
    def texts_per_call(self) -> int:
        return 1 if self.model_id == TITAN_V2 else COHERE_MAX_TEXTS

    def request(self, texts: list[str], purpose: Purpose) -> dict[str, Any]:
        if self.model_id == TITAN_V2:
            [text] = texts
            return {"inputText": text, "dimensions": self.dim, "normalize": True}
        return {
            # Cohere embeds the stored corpus and the queries against it each with its own prefix.
            "texts": [text[:COHERE_MAX_CHARS] for text in texts],
            "input_type": "search_document" if purpose == "document" else "search_query",
            "truncate": "END",
        }

    def vectors(self, answer: dict[str, Any], count: int) -> list[list[float]]:
        if self.model_id == TITAN_V2:
            vector = answer.get("embedding")
            found = [vector] if isinstance(vector, list) else []
        else:
            embeddings = answer.get("embeddings")
            found = embeddings if isinstance(embeddings, list) else []
        if len(found) != count or any(not isinstance(v, list) or len(v) != self.dim for v in found):
            field = "embedding" if self.model_id == TITAN_V2 else "embeddings"
            raise BedrockAnswerError(
                f"{self.model_id} answered without {count} vector(s) of {self.dim} in '{field}'",
                details={"model": self.model_id, "fields": sorted(answer)},
            )
        return [[float(x) for x in vector] for vector in found]


def embedding_model(model_id: str) -> EmbeddingModel:
    if model_id == TITAN_V2:
        return EmbeddingModel(model_id, TITAN_DIMENSIONS)
    if model_id in COHERE_MODELS:
        return EmbeddingModel(model_id, COHERE_DIMENSIONS)
    raise ValueError(f"Bedrock embedding model must be one of {', '.join(EMBEDDING_MODELS)}, got {model_id!r}")


NARRATIVE_SYSTEM = (
    "You restate a trading signal's briefing for the operator who approves it. Use only the facts in the "
    "JSON you are given; add no figure, claim, prediction or advice that is not in it; when a section says "
    "why it is unavailable, say so. At most four sentences, plain text."
)


def claude_request(briefing_json: str, max_tokens: int = 400) -> dict[str, Any]:
    return {
        "anthropic_version": ANTHROPIC_VERSION,
        "max_tokens": max_tokens,
        "system": NARRATIVE_SYSTEM,
        "messages": [{"role": "user", "content": [{"type": "text", "text": briefing_json}]}],
        "temperature": 0.0,
    }


def claude_text(answer: dict[str, Any], model_id: str) -> str:
    parts = answer.get("content")
    texts = (
        [p["text"] for p in parts if isinstance(p, dict) and p.get("type") == "text"] if isinstance(parts, list) else []
    )
    if not texts:
        raise BedrockAnswerError(
            f"{model_id} answered without a text block in 'content'",
            details={"model": model_id, "fields": sorted(answer)},
        )
    return "".join(texts).strip()
