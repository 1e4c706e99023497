"""The audit trail: who changed what, when, from what to what. Readable through the API."""
