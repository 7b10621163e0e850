"""fks_ai's I/O: the packaged text model, notes and the retrieval index in S3, the sources it indexes."""
