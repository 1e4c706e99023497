"""The actor registry: counties, municipalities and, on top of them, every organisation of the RSS network."""

from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parent
VERSION = "0.1.0"
