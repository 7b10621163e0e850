"""Storage and services behind the signal pipeline's states: the signal history, approvals
(Step Functions task tokens), prices from the candle store, notifications."""
