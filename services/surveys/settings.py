from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import BaseServiceSettings

MIB = 1024 * 1024


class SurveysSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SURVEYS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/surveys.db"
    # The platform's gateway, through which surveys reads the actor registry (a round's target set, names and
    # contact points), and surveys' own key there (a read-only principal).
    gateway_url: str = "http://127.0.0.1:8000"
    gateway_api_key: str | None = None
    gateway_timeout: float = Field(10.0, gt=0)
    # Questionnaires uploaded as workbooks (.xlsx, a zip of XML): what the file may unpack to (one part, all parts,
    # how many parts), and the child process that reads it (its whole address space, and its time, kept below the
    # gateway's time limit for surveys); past any of them an upload is 413.
    workbook_member_bytes: int = Field(16 * MIB, ge=1)
    workbook_total_bytes: int = Field(48 * MIB, ge=1)
    workbook_members: int = Field(256, ge=1)
    workbook_read_memory_bytes: int = Field(512 * MIB, ge=128 * MIB)
    workbook_read_seconds: float = Field(8.0, gt=0)
    # The fewest submitted responses an aggregate (a distribution, the ranked needs, their exports) may be counted
    # over for a caller who does not own the answers (another county, the dashboard): below it the figures are
    # suppressed, as official statistics suppress small cells, so that no one reads a single respondent's
    # answers through a table. National administrators, and a county reading its own county's answers, see all.
    aggregate_min_group: int = Field(3, ge=1, le=1000)
