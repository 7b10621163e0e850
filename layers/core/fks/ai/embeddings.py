"""The one interface every embedding model answers, whatever computes it (a packaged model, Bedrock)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
# What a text is embedded as: a document stored in the index, or a query searched against it
# (models such as Cohere's embed the two with different prefixes; others ignore it).
Purpose = Literal["document", "query"]


class Embedder(Protocol):
    """Turns items into fixed-length vectors; ``name`` says which model made them, so an index
    built by one model is never searched with another's vectors."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str], purpose: Purpose = "document") -> Vectors:
        """(len(texts), dim) float32, each row of unit length (cosine = dot product)."""
        ...


def unit_rows(matrix: npt.ArrayLike) -> Vectors:
    """Rows scaled to unit length; an all-zero row stays zero instead of becoming NaN."""
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.asarray(rows / np.where(norms > 0, norms, 1.0), dtype=np.float32)
