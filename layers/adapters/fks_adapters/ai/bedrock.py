"""fks_ai on Amazon Bedrock, chosen by configuration (template.yaml: AiTextModel, AiSummaryModel):

- ``BedrockTextEmbedder``: the text ``Embedder`` on Titan Text Embeddings V2 or Cohere Embed v3
  instead of the packaged WordLlama model. Its ``name`` carries the model id, so an index built
  by one model is rebuilt, never searched, when the setting changes;
- ``BedrockNarrator``: an optional written briefing from Claude, from the briefing's own fields.
  It is stored beside the templated summary, labelled with its model, never instead of it, and a
  failed call leaves the briefing as it was (a briefing informs; it must never fail for this).

Both call ``bedrock-runtime`` ``InvokeModel`` with the bodies of ``fks.ai.bedrock``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from botocore.exceptions import BotoCoreError, ClientError

from fks.ai.bedrock import PACKAGED, claude_request, claude_text, embedding_model
from fks.ai.embeddings import Embedder, Purpose, Vectors, unit_rows
from fks.errors import FksError
from fks_adapters.aws.lazy import aws_client

# boto3's bedrock-runtime client (no type stubs for it in this project: typed as Any).
BedrockRuntimeClient = Any
NO_SUMMARY_MODEL = "none"


def _invoke(client: BedrockRuntimeClient, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
    reply = client.invoke_model(
        modelId=model_id, body=json.dumps(body).encode(), contentType="application/json", accept="application/json"
    )
    answer: dict[str, Any] = json.loads(reply["body"].read())
    return answer


class BedrockTextEmbedder:
    def __init__(self, model_id: str, client: BedrockRuntimeClient | None = None) -> None:
        self.model = embedding_model(model_id)
        self._client = client

    @property
    def name(self) -> str:
        return f"bedrock:{self.model.model_id}:{self.model.dim}"

    @property
    def dim(self) -> int:
        return self.model.dim

    @property
    def client(self) -> BedrockRuntimeClient:
        if self._client is None:
            self._client = aws_client("bedrock-runtime")
        return self._client

    def embed(self, texts: Sequence[str], purpose: Purpose = "document") -> Vectors:
        rows: list[list[float]] = []
        step = self.model.texts_per_call
        for start in range(0, len(texts), step):
            batch = list(texts[start : start + step])
            answer = _invoke(self.client, self.model.model_id, self.model.request(batch, purpose))
            rows += self.model.vectors(answer, len(batch))
        return unit_rows(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)


class BedrockNarrator:
    def __init__(self, model_id: str, client: BedrockRuntimeClient | None = None) -> None:
        self.model_id = model_id
        self._client = client

    def narrate(self, briefing: dict[str, Any]) -> dict[str, Any]:
        """``{"model", "text"}``, or ``{"model", "error"}`` when Bedrock could not write it."""
        facts = json.dumps(briefing, sort_keys=True, default=str)
        try:
            client = self._client or aws_client("bedrock-runtime")
            text = claude_text(_invoke(client, self.model_id, claude_request(facts)), self.model_id)
        except (ClientError, BotoCoreError, FksError, ValueError) as error:
            return {"model": self.model_id, "error": str(error)}
        return {"model": self.model_id, "text": text}


def configured_text_embedder(model_id: str = PACKAGED) -> Embedder:
    """The text model the stack is configured with (``FKS_AI_TEXT_MODEL``: "packaged" or a Bedrock
    embedding model id)."""
    if model_id == PACKAGED:
        from fks_adapters.ai.text_model import PackagedTextEmbedder

        return PackagedTextEmbedder()
    return BedrockTextEmbedder(model_id)


def configured_narrator(model_id: str = NO_SUMMARY_MODEL) -> BedrockNarrator | None:
    """The summary model (``FKS_AI_SUMMARY_MODEL``: "none" or a Bedrock Claude model id)."""
    return None if model_id == NO_SUMMARY_MODEL else BedrockNarrator(model_id)
