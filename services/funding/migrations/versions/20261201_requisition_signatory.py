"""requisitions name who signed them (a registry person with a signatory post) and the receiver's
organisation number on the day

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
    with op.batch_alter_table("requisitions") as batch:
        batch.add_column(sa.Column("signed_by", sa.String(100)))
        batch.add_column(sa.Column("receiver_org_number", sa.String(20)))


def downgrade() -> None:
    with op.batch_alter_table("requisitions") as batch:
        batch.drop_column("receiver_org_number")
        batch.drop_column("signed_by")
