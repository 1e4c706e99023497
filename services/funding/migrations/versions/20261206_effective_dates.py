"""effective dates: allocations, the agency's decisions and payments of requisitions, and repayment claims keep
the day each took effect, apart from when it was recorded

Allocations made before take the day of their ledger entries, paid requisitions the day of their disbursement
entry, claims the day of their spending report; a decision made before has no day kept (null).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ledger = sa.table("ledger_entries", sa.column("entry_type", sa.String), sa.column("entry_date", sa.Date),
                  sa.column("document_type", sa.String), sa.column("document_id", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("allocations") as batch:
        batch.add_column(sa.Column("allocated_on", sa.Date, nullable=True))
    with op.batch_alter_table("requisitions") as batch:
        batch.add_column(sa.Column("decided_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("paid_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("repayment_claims") as batch:
        batch.add_column(sa.Column("claimed_on", sa.Date, nullable=True))

    allocations = sa.table("allocations", sa.column("id", sa.String), sa.column("allocated_on", sa.Date))
    requisitions = sa.table("requisitions", sa.column("id", sa.String), sa.column("status", sa.String),
                            sa.column("paid_on", sa.Date))
    claims = sa.table("repayment_claims", sa.column("report_id", sa.String), sa.column("claimed_on", sa.Date))
    reports = sa.table("spending_reports", sa.column("id", sa.String), sa.column("report_date", sa.Date))
    op.execute(sa.update(allocations).values(allocated_on=sa.select(sa.func.min(ledger.c.entry_date)).where(
        ledger.c.document_type == "allocation", ledger.c.document_id == allocations.c.id,
        ledger.c.entry_type.in_(["allocation", "distribution"])).scalar_subquery()))
    op.execute(sa.update(requisitions).where(requisitions.c.status == "paid").values(
        paid_on=sa.select(sa.func.max(ledger.c.entry_date)).where(
            ledger.c.document_type == "requisition", ledger.c.document_id == requisitions.c.id,
            ledger.c.entry_type == "disbursement").scalar_subquery()))
    op.execute(sa.update(claims).values(claimed_on=sa.select(reports.c.report_date).where(
        reports.c.id == claims.c.report_id).scalar_subquery()))


def downgrade() -> None:
    with op.batch_alter_table("repayment_claims") as batch:
        batch.drop_column("claimed_on")
    with op.batch_alter_table("requisitions") as batch:
        batch.drop_column("paid_at")
        batch.drop_column("paid_on")
        batch.drop_column("decided_at")
        batch.drop_column("decided_on")
    with op.batch_alter_table("allocations") as batch:
        batch.drop_column("allocated_on")
