"""Segments: member tags (manual, store-scoped, rule-based), RFM scores and saved segment filters."""
