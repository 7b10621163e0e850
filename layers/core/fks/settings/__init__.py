"""Settings an operator changes without a redeploy: what each one is, and the model that checks it.

The values live in the settings store (SSM Parameter Store, one parameter per setting); the
template's parameters of the same meaning are only their initial values. Every reader, the API
that edits them and the functions that enforce them validate with the same model, so a value the
API accepts is one the functions can use.
"""

from fks.settings.catalogue import SETTINGS, Setting, setting, validate_setting
from fks.settings.execution_limits import ExecutionRiskLimits

__all__ = ["SETTINGS", "ExecutionRiskLimits", "Setting", "setting", "validate_setting"]
