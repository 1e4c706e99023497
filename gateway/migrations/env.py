from gateway.keys.models import Base
from gateway.settings import GatewaySettings
from shared.migrations import run_migrations_from_env

run_migrations_from_env(Base.metadata, GatewaySettings().keys_database_url)
