"""spending reports, repayment claims citing the agreement's registry number, and repayments

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spending_reports",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("allocation_share_id", sa.Integer, sa.ForeignKey("allocation_shares.id"), nullable=False,
                  index=True),
        sa.Column("allocation_id", sa.String(100), nullable=False),
        sa.Column("agreement_id", sa.String(100), nullable=False, index=True),
        sa.Column("recipient_id", sa.String(100), nullable=False),
        sa.Column("county_code", sa.String(2), index=True),
        sa.Column("received_ore", sa.BigInteger, nullable=False),
        sa.Column("passed_on_ore", sa.BigInteger, nullable=False),
        sa.Column("spent_ore", sa.BigInteger, nullable=False),
        sa.Column("report_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("allocation_id", "recipient_id", name="uq_spending_reports_share"),
    )
    op.create_table(
        "repayment_claims",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("report_id", sa.String(100), sa.ForeignKey("spending_reports.id"), nullable=False, unique=True),
        sa.Column("agreement_id", sa.String(100), nullable=False, index=True),
        sa.Column("registry_number", sa.String(100), nullable=False),
        sa.Column("recipient_id", sa.String(100), nullable=False),
        sa.Column("county_code", sa.String(2), index=True),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("repaid_ore", sa.BigInteger, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "repayments",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("claim_id", sa.String(100), sa.ForeignKey("repayment_claims.id"), nullable=False, index=True),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    for table in ("repayments", "repayment_claims", "spending_reports"):
        op.drop_table(table)
