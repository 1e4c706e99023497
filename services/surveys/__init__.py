"""RSS needs surveys and reports: Needs surveys and county status reports, aggregated into county and national
pictures.
"""

from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parent
VERSION = "0.1.0"
