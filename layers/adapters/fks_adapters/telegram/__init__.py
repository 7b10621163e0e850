"""The Telegram bot: its Bot API client, its secret, and the operations its commands run."""
