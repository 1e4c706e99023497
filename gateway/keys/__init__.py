"""API keys as records in the gateway's own key store: the hot path's cached lookup (store.py), the national
administrators' `/keys` (router.py, service.py) and the store's setup (setup.py)."""
