"""running totals of the ledger for the national overview, and an index on entry dates

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The totals of the entries already recorded, as services/funding/ledger/repository.py sums new ones: a reversal
# counts against the type it reverses; an absent county is "".
BACKFILL = """
INSERT INTO ledger_totals (grouping, grp, county_code, kind, total, entries)
SELECT '{grouping}', COALESCE({column}, ''), COALESCE(county_code, ''), COALESCE(reversed_type, entry_type),
       SUM(CASE WHEN entry_type = 'reversal' THEN -amount_ore ELSE amount_ore END), COUNT(*)
FROM ledger_entries GROUP BY {column}, county_code, COALESCE(reversed_type, entry_type)
"""


def upgrade() -> None:
    op.create_table(
        "ledger_totals",
        sa.Column("grouping", sa.String(10), primary_key=True),
        sa.Column("grp", sa.String(100), primary_key=True),
        sa.Column("county_code", sa.String(2), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
    )
    op.create_index("ix_ledger_entries_entry_date", "ledger_entries", ["entry_date"])
    for grouping, column in (("county", "county_code"), ("agreement", "agreement_id")):
        op.execute(BACKFILL.format(grouping=grouping, column=column))


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_entry_date", table_name="ledger_entries")
    op.drop_table("ledger_totals")
