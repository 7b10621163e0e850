"""The settings store: SSM parameters read with powertools' cache by the functions that enforce
them, edited through the settings API with optimistic concurrency and an audit trail."""

from fks_adapters.settings.reader import DEFAULT_MAX_AGE_S, SettingsReader
from fks_adapters.settings.store import SettingsStore, StoredSetting

__all__ = ["DEFAULT_MAX_AGE_S", "SettingsReader", "SettingsStore", "StoredSetting"]
