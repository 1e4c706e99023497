from services.surveys import SERVICE_DIR
from services.surveys.settings import SurveysSettings
from shared.cli import run_cli

run_cli(name="surveys", service_dir=SERVICE_DIR, settings=SurveysSettings())
