from typing import Annotated

from pydantic import Field, StringConstraints, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import BaseServiceSettings

# A development-only ledger key. Production refuses to start with it, as with the identity secret: anyone who
# holds the ledger key can write entries that verify.
PLACEHOLDER_LEDGER_SECRET = "development-only-ledger-secret-change-me"
LEDGER_KEY_ID_PATTERN = r"^[A-Za-z0-9._-]{1,40}$"
LedgerKeyId = Annotated[str, StringConstraints(pattern=LEDGER_KEY_ID_PATTERN)]


class FundingSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FUNDING_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/funding.db"
    # The platform's gateway, through which funding reads the actor registry (populations, receivers,
    # signatories), and funding's own key there (a read-only principal).
    gateway_url: str = "http://127.0.0.1:8000"
    gateway_api_key: str | None = None
    gateway_timeout: float = Field(10.0, gt=0)
    # The ledger key: each entry and each receipt (a signed checkpoint of an agreement's chain) carries an
    # HMAC-SHA256 under it, and the key id it was made with. The database never holds a secret, so rights on the
    # database alone cannot write an entry or a receipt that verifies. Rotation: the current key signs; earlier
    # keys (id -> secret, FUNDING_LEDGER_EARLIER_SECRETS as a JSON object) only verify what they signed, and must
    # stay configured for as long as those entries and receipts are to verify.
    ledger_key_id: LedgerKeyId = "development"
    ledger_secret: str = PLACEHOLDER_LEDGER_SECRET
    ledger_earlier_secrets: dict[LedgerKeyId, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_ledger_keys(self) -> "FundingSettings":
        if self.ledger_key_id in self.ledger_earlier_secrets:
            raise ValueError(f"ledger key {self.ledger_key_id!r} is both the current key and an earlier one")
        if self.environment == "production":
            for key_id, secret in {self.ledger_key_id: self.ledger_secret, **self.ledger_earlier_secrets}.items():
                if secret == PLACEHOLDER_LEDGER_SECRET or len(secret) < 32:
                    raise ValueError(f"ledger key {key_id!r} must be set to a random value of at least 32 "
                                     "characters in production")
        return self

    def ledger_secrets(self) -> dict[str, str]:
        """Every ledger key this service holds, id -> secret, the current one included."""
        return {**self.ledger_earlier_secrets, self.ledger_key_id: self.ledger_secret}
