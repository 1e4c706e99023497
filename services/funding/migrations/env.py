from services.funding.database import Base
from services.funding.settings import FundingSettings
from shared.migrations import run_migrations_from_env

run_migrations_from_env(Base.metadata, FundingSettings().database_url)
