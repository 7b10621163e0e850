"""The API's request bodies are read by ``fks.json_limits``: size and nesting checked first."""

from fks.json_limits import MAX_BODY_BYTES, MAX_DEPTH, check_size, nesting_depth, read_json

__all__ = ["MAX_BODY_BYTES", "MAX_DEPTH", "check_size", "nesting_depth", "read_json"]
