"""The bot's secret in Secrets Manager: ``{"bot_token": ..., "webhook_secret": ...}``. Created
empty by the template; until it holds both, the bot answers nobody and sends nothing."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fks.errors import PermanentError
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


@dataclass(frozen=True, repr=False)  # repr=False: a logged object must not print the token
class BotSecret:
    bot_token: str
    webhook_secret: str

    def accepts(self, presented: str | None) -> bool:
        """Whether a webhook request carries our secret_token (constant time: no timing oracle)."""
        return bool(self.webhook_secret) and hmac.compare_digest(
            (presented or "").encode(), self.webhook_secret.encode()
        )


def load_bot_secret(secret_id: str, client: SecretsManagerClient | None = None) -> BotSecret:
    sm = client or aws_client("secretsmanager")
    try:
        raw = sm.get_secret_value(SecretId=secret_id).get("SecretString") or ""
    except sm.exceptions.ResourceNotFoundException:
        raw = ""
    try:
        values = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        raise PermanentError("the Telegram secret is not JSON: {bot_token, webhook_secret}") from None
    if not isinstance(values, dict) or not values.get("bot_token") or not values.get("webhook_secret"):
        raise PermanentError("the Telegram secret lacks bot_token or webhook_secret: the bot is not configured")
    return BotSecret(str(values["bot_token"]), str(values["webhook_secret"]))
