"""funding core: agreements, funding lines, allocations, the insert-only ledger, requisitions, idempotency keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEDGER_REFUSAL = "ledger entries are insert-only: record a reversing entry instead"


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("registry_number", sa.String(100), nullable=False),
        sa.Column("first_year", sa.Integer, nullable=False),
        sa.Column("last_year", sa.Integer, nullable=False),
        sa.Column("areas", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "funding_lines",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("agreement_id", sa.String(100), sa.ForeignKey("agreements.id"), nullable=False, index=True),
        sa.Column("area", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("allocation_key", sa.String(20), nullable=False),
        sa.Column("requisition_last_date", sa.Date, nullable=False),
        sa.Column("report_due_date", sa.Date, nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.UniqueConstraint("agreement_id", "area", "year", name="uq_funding_lines_area_year"),
        sa.CheckConstraint("total_ore >= 0", name="ck_funding_lines_total_not_negative"),
    )
    op.create_table(
        "allocations",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("funding_line_id", sa.String(100), sa.ForeignKey("funding_lines.id"), nullable=False, index=True),
        sa.Column("agreement_id", sa.String(100), sa.ForeignKey("agreements.id"), nullable=False, index=True),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("key", sa.String(20), nullable=False),
        sa.Column("rounding", sa.String(10), nullable=False),
        sa.Column("basis", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "allocation_shares",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("allocation_id", sa.String(100), sa.ForeignKey("allocations.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("recipient_id", sa.String(100), nullable=False),
        sa.Column("recipient_name", sa.String(300)),
        sa.Column("county_code", sa.String(2)),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.Column("weight", sa.String(100), nullable=False),
        sa.Column("exact", sa.String(200), nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("adjustment", sa.String(200), nullable=False),
        sa.UniqueConstraint("allocation_id", "recipient_id", name="uq_allocation_shares_recipient"),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agreement_id", sa.String(100), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("entry_type", sa.String(20), nullable=False),
        sa.Column("reverses", sa.Integer),
        sa.Column("reversed_type", sa.String(20)),
        sa.Column("entry_date", sa.Date, nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("provider", sa.String(100), nullable=False),
        sa.Column("receiver", sa.String(100), nullable=False),
        sa.Column("county_code", sa.String(2)),
        sa.Column("document_type", sa.String(40), nullable=False),
        sa.Column("document_id", sa.String(100), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(128)),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("agreement_id", "position", name="uq_ledger_entries_position"),
        sa.CheckConstraint("amount_ore >= 0", name="ck_ledger_entries_amount_not_negative"),
    )
    op.create_table(
        "requisitions",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("allocation_share_id", sa.Integer, sa.ForeignKey("allocation_shares.id"), nullable=False,
                  index=True),
        sa.Column("allocation_id", sa.String(100), nullable=False),
        sa.Column("agreement_id", sa.String(100), nullable=False, index=True),
        sa.Column("recipient_id", sa.String(100), nullable=False),
        sa.Column("county_code", sa.String(2)),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("requisition_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("amount_ore > 0", name="ck_requisitions_amount_positive"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("caller", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("location", sa.String(500)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    _refuse_ledger_changes()


def _refuse_ledger_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION ledger_entries_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{LEDGER_REFUSAL}'; END $$""")
        op.execute("CREATE TRIGGER ledger_entries_insert_only BEFORE UPDATE OR DELETE ON ledger_entries "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_entries_insert_only()")
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER ledger_entries_no_{event.lower()} BEFORE {event} ON ledger_entries "
                   f"BEGIN SELECT RAISE(ABORT, '{LEDGER_REFUSAL}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_entries_insert_only ON ledger_entries")
        op.execute("DROP FUNCTION ledger_entries_insert_only()")
    else:
        op.execute("DROP TRIGGER ledger_entries_no_update")
        op.execute("DROP TRIGGER ledger_entries_no_delete")
    for table in ("idempotency_keys", "requisitions", "ledger_entries", "allocation_shares", "allocations",
                  "funding_lines", "agreements"):
        op.drop_table(table)
