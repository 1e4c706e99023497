"""status reports: reporting years, each a round of the status-report template with its due date

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reporting_years",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.id", name="fk_reporting_years_round_id_rounds"),
                  nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("round_id", name="uq_reporting_years_round_id"),
    )


def downgrade() -> None:
    op.drop_table("reporting_years")
