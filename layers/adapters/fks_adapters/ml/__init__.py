"""Trained models in the data bucket (``models/{asset}/{kind}/{version}/``)."""

from fks_adapters.ml.model_store import ModelStore, StoredModel

__all__ = ["ModelStore", "StoredModel"]
