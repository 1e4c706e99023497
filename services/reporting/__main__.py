from services.reporting import SERVICE_DIR
from services.reporting.settings import ReportingSettings
from shared.cli import run_cli

run_cli(name="reporting", service_dir=SERVICE_DIR, settings=ReportingSettings())
