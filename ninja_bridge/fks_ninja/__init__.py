"""FKS NinjaTrader 8 bridge: SQS signals to ATI order instruction files, outgoing files to fills."""
