"""Market-data adapters: candle storage (S3 Parquet, Timestream), the asset registry and the ccxt source."""
