"""fks_ai: embeddings (market state and text), the documents retrieval indexes, and search over them.

No I/O here: the text model, S3 and DynamoDB live in ``fks_adapters.ai``.
"""
