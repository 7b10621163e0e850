"""What every REST API function shares: the resolver, CORS, errors mapped to statuses once,
request bodies read into pydantic models."""

from fks_adapters.api.edge import body_model, error_response, install_error_handlers
from fks_adapters.api.resolver import make_resolver

__all__ = ["body_model", "error_response", "install_error_handlers", "make_resolver"]
