"""RSS reporting: the annual report to SKR composed from the actor registry, funding and surveys, kept as immutable
versions, published as JSON, CSV, XLSX, HTML and PDF, and delivered to SKR as a signed webhook; and the activities
the RSS record through the year.
"""

from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parent
VERSION = "0.1.0"
