"""The national dashboard: the platform's figures for people, in Swedish, as web pages.

A small web service of its own (a backend-for-frontend) with no database: every page is composed on the server
from the platform's public API, read through the gateway with the dashboard's own read-only key, and served
through the gateway at /dashboard/. No key ever reaches the browser.
"""

from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parent
VERSION = "0.1.0"
