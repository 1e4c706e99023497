from services.funding import SERVICE_DIR
from services.funding.settings import FundingSettings
from shared.cli import run_cli

run_cli(name="funding", service_dir=SERVICE_DIR, settings=FundingSettings())
