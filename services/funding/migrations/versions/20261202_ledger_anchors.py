"""the ledger keyed: entries name the ledger key of their MAC; older chains' heads signed; TRUNCATE refused

Entries already recorded keep their plain sha256 hash and no key id: re-signing them would rewrite history.
Instead the head of each agreement's chain as it stands (position and hash) is signed now with the ledger key of
the settings, as a checkpoint is signed (services/funding/ledger/chain.py, checkpoint_message), and kept in
ledger_legacy_heads: verify checks the older entries by the older rule up to that head, and refuses the older
format anywhere else. On PostgreSQL a statement-level trigger refuses TRUNCATE of ledger_entries and
ledger_totals (the row-level triggers never see one); SQLite has no TRUNCATE, and its DELETE without WHERE meets
the row-level trigger. Downgrading drops the key ids and the signed heads: entries recorded since then no longer
verify under the older rule.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime

import orjson
import sqlalchemy as sa
from alembic import op

from services.funding.settings import FundingSettings

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("ledger_entries", "ledger_totals")
TRUNCATE_REFUSAL = "the ledger cannot be truncated (%): its entries are insert-only and its totals follow them"
HEADS = """
SELECT e.agreement_id, e.position, e.entry_hash FROM ledger_entries e
WHERE e.position = (SELECT MAX(l.position) FROM ledger_entries l WHERE l.agreement_id = e.agreement_id)
ORDER BY e.agreement_id
"""


def _signed_heads() -> list[dict]:
    """Each agreement's head, signed as a checkpoint (the message as chain.checkpoint_message makes it, version 1),
    with the current ledger key."""
    settings = FundingSettings()
    key_id, secret = settings.ledger_key_id, settings.ledger_secret.encode()
    signed_at = datetime.now(UTC)
    at = signed_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    heads = []
    for agreement_id, position, head_hash in op.get_bind().execute(sa.text(HEADS)).all():
        message = b"rss-ledger-checkpoint/1\n" + orjson.dumps(
            {"agreement_id": agreement_id, "position": position, "head_hash": head_hash, "signed_at": at,
             "key_id": key_id}, option=orjson.OPT_SORT_KEYS)
        heads.append({"agreement_id": agreement_id, "position": position, "head_hash": head_hash,
                      "signed_at": signed_at, "key_id": key_id,
                      "signature": hmac.new(secret, message, hashlib.sha256).hexdigest()})
    return heads


def upgrade() -> None:
    op.add_column("ledger_entries", sa.Column("key_id", sa.String(40)))
    legacy_heads = op.create_table(
        "ledger_legacy_heads",
        sa.Column("agreement_id", sa.String(100), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
    )
    heads = _signed_heads()
    if heads:
        op.bulk_insert(legacy_heads, heads)
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE FUNCTION ledger_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{TRUNCATE_REFUSAL}', TG_TABLE_NAME; END $$""")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate()")


def downgrade() -> None:
    op.drop_table("ledger_legacy_heads")
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION ledger_refuse_truncate()")
        op.drop_column("ledger_entries", "key_id")
    else:  # SQLite 3.35+ drops a column in place, keeping the table's triggers (a batch copy would lose them)
        op.execute("ALTER TABLE ledger_entries DROP COLUMN key_id")
