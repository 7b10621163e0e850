"""Tell people what happened to a signal: the SNS topic always, a chat webhook when configured.

Slack incoming webhooks take ``{"text": ...}`` and Discord's take ``{"content": ...}``; the
webhook URL says which one it is. The URL is configuration (a template parameter), empty by
default, so nothing leaves the account unless someone asks for it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from fks.errors import BadRequest, TemporaryError
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str
    attributes: dict[str, str]


class WebhookNotifier:
    def __init__(self, url: str, *, timeout_s: float = 5) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise BadRequest(f"notification webhook URL must be http(s): {url!r}")
        self.url = url
        self.timeout_s = timeout_s
        host = parsed.hostname or ""
        self.field = "content" if host.endswith(("discord.com", "discordapp.com")) else "text"

    def send(self, notice: Notice) -> None:
        body = json.dumps({self.field: f"*{notice.subject}*\n{notice.text}"}).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s):  # noqa: S310
                return
        except urllib.error.HTTPError as error:
            if error.code == 429 or error.code >= 500:
                raise TemporaryError(f"webhook answered {error.code}") from error
            raise BadRequest(f"webhook refused the message with {error.code}: check its URL") from error
        except (urllib.error.URLError, TimeoutError) as error:
            raise TemporaryError(f"webhook unreachable: {error}") from error


class SnsNotifier:
    def __init__(self, topic_arn: str, client: SNSClient | None = None) -> None:
        self.topic_arn = topic_arn
        self.client: SNSClient = client or aws_client("sns")

    def send(self, notice: Notice) -> str:
        answer = self.client.publish(
            TopicArn=self.topic_arn,
            Subject=notice.subject[:100],  # SNS's limit for email subjects
            Message=notice.text,
            MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in notice.attributes.items()},
        )
        return answer["MessageId"]
