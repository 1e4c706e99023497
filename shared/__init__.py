"""Mechanisms every service needs: settings, logging, errors, identity, pagination, database plumbing.

Nothing here knows a service's business rules.
"""
