"""Writes of the ingest app: imports, webhooks and the record writer they share."""
