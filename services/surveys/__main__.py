from services.surveys import SERVICE_DIR
from services.surveys.codelists.service import load_code_lists
from services.surveys.settings import SurveysSettings
from services.surveys.templates.shipped import load_templates
from shared.cli import run_cli

run_cli(name="surveys", service_dir=SERVICE_DIR, settings=SurveysSettings(), loaders=[load_code_lists, load_templates])
