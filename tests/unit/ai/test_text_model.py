"""The packaged text model: loaded from the wheel's own files with no network, similar texts close."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from fks.ai.embeddings import Embedder
from fks_adapters.ai import text_model
from fks_adapters.ai.text_model import PackagedTextEmbedder


def test_the_model_loads_and_embeds_with_every_network_call_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the text model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    text_model._model.cache_clear()  # load now, under the refusal

    embedder: Embedder = PackagedTextEmbedder()
    vectors = embedder.embed(["stop loss hit", "take profit reached"])

    assert vectors.shape == (2, embedder.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_texts_about_the_same_thing_are_closer_than_unrelated_ones() -> None:
    crash, selloff, recipe = PackagedTextEmbedder().embed(
        [
            "bitcoin crashed after the interest rate decision",
            "BTC sold off hard when the fed raised rates",
            "how to bake sourdough bread at home",
        ]
    )
    assert float(crash @ selloff) > float(crash @ recipe) + 0.1


def test_no_text_is_an_empty_matrix() -> None:
    assert PackagedTextEmbedder().embed([]).shape == (0, 256)
