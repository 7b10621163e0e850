"""Text embeddings from WordLlama's ``l2_supercat`` model, whose weights ship inside the PyPI
package (``wordllama/weights/l2_supercat_256.safetensors``, 16 MB, with its tokenizer config).

Loaded from the package's own files and nothing else: WordLlama's ``load()`` looks for the
tokenizer in a folder the wheel does not have (``tokenizer/`` against the shipped ``tokenizers/``)
and then downloads it from a model hub, so it is not used. A missing file here is an error naming
it, never a download. In AWS the same package comes in the function's AI layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from fks.ai.embeddings import Purpose, Vectors, unit_rows

MODEL_NAME = "wordllama-l2_supercat-256"
_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")


@cache
def _model() -> Any:
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = resources.files("wordllama")
    weights, tokenizer = root.joinpath(*_WEIGHTS), root.joinpath(*_TOKENIZER)
    for path in (weights, tokenizer):
        if not path.is_file():
            raise FileNotFoundError(f"the wordllama package lacks {path}: install a wheel that ships its model")
    with safe_open(str(weights), framework="np", device="cpu") as tensors:
        embedding = tensors.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, Tokenizer.from_file(str(tokenizer)), binary=False)


class PackagedTextEmbedder:
    """The ``Embedder`` for text, in-process: about 1 s to load once per container, ~1 ms a text."""

    name = MODEL_NAME
    dim = 256

    def embed(self, texts: Sequence[str], purpose: Purpose = "document") -> Vectors:  # one space for both
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return unit_rows(_model().embed(list(texts), norm=True))
