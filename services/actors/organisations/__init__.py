"""Organisations of every kind, with name history, official identifiers and contact channels."""
