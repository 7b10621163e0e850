"""What every REST API function shares: the resolver, CORS, errors mapped to statuses once."""

from fks_adapters.api.resolver import make_resolver

__all__ = ["make_resolver"]
