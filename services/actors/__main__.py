from services.actors import SERVICE_DIR
from services.actors.changes.counter import RegistrySession
from services.actors.reference_data.demo import load_demo_people
from services.actors.reference_data.geography import load_geography
from services.actors.reference_data.organisations import load_organisations
from services.actors.settings import ActorsSettings
from shared.cli import run_cli

run_cli(name="actors", service_dir=SERVICE_DIR, settings=ActorsSettings(),
        loaders=[load_geography, load_organisations], demo_loaders=[load_demo_people],
        session_class=RegistrySession)
