"""The settings store: SSM parameters read with powertools' cache by the functions that enforce
them, edited through the settings API with optimistic concurrency and an audit trail."""

from fks_adapters.settings.reader import current_setting, settings_max_age_s
from fks_adapters.settings.store import SettingsStore, StoredSetting

__all__ = ["SettingsStore", "StoredSetting", "current_setting", "settings_max_age_s"]
