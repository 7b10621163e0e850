"""DynamoDB and S3 adapters for strategies, backtest results and generated signals."""
