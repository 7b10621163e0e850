"""JWT bearer tokens: HS256 with a shared secret or RS256 with a public key, with issuer,
audience and expiry checked, and scopes from the ``scope`` claim (space-separated, OAuth style)."""

from __future__ import annotations

from dataclasses import dataclass

from fks.auth.principal import AuthError, Principal, parse_scopes

_LEEWAY_SECONDS = 30  # clock skew between the issuer and Lambda


class BadSignature(AuthError):
    """The token's signature does not verify with the key held: forged, or signed with a secret
    that has been rotated (in or out) since the key was read."""


@dataclass(frozen=True)
class JwtSettings:
    issuer: str
    audience: str
    hs256_secret: str | None = None
    rs256_public_key: str | None = None

    def algorithms_and_key(self, token: str) -> tuple[list[str], str]:
        import jwt  # here: PyJWT brings cryptography (~70 ms cold), which an API-key call never needs

        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError as exc:
            raise AuthError(f"malformed token: {exc}") from exc
        # The key is chosen by our configuration for the algorithm, never by the token: a token
        # cannot pick "none" or make an RS256 public key serve as an HS256 secret.
        if algorithm == "HS256" and self.hs256_secret:
            return ["HS256"], self.hs256_secret
        if algorithm == "RS256" and self.rs256_public_key:
            return ["RS256"], self.rs256_public_key
        raise AuthError(f"token algorithm {algorithm!r} is not accepted")


def verify_jwt(token: str, settings: JwtSettings) -> Principal:
    import jwt

    algorithms, key = settings.algorithms_and_key(token)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=settings.audience,
            issuer=settings.issuer,
            leeway=_LEEWAY_SECONDS,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.InvalidSignatureError as exc:
        raise BadSignature(f"invalid token: {exc}") from exc
    except jwt.PyJWTError as exc:
        raise AuthError(f"invalid token: {exc}") from exc
    try:
        scopes = parse_scopes(str(claims.get("scope", "")))
    except ValueError as exc:
        raise AuthError(str(exc)) from exc
    return Principal(str(claims["sub"]), "jwt", scopes)
