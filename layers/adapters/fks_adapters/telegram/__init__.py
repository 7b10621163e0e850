"""The Telegram bot: its Bot API client and its secret (what its commands do: ``fks_app.chat_commands``)."""
