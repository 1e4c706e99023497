"""Surveys' audit trail: who authored, sent, answered and reviewed what, and when. Readable through the API."""
