"""shares and requisitions name their payee: the legal entity the money is paid to (the recipient itself, or
for a unit without an organisation number the organisation it is part of)

Shares and requisitions made before have none recorded (their receivers had organisation numbers of their own:
a requisition's receiver_org_number says which).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("allocation_shares") as batch:
        batch.add_column(sa.Column("payee_id", sa.String(100)))
        batch.add_column(sa.Column("payee_name", sa.String(300)))
        batch.add_column(sa.Column("payee_org_number", sa.String(20)))
    with op.batch_alter_table("requisitions") as batch:
        batch.add_column(sa.Column("payee_id", sa.String(100)))
        batch.add_column(sa.Column("payee_name", sa.String(300)))


def downgrade() -> None:
    with op.batch_alter_table("requisitions") as batch:
        batch.drop_column("payee_name")
        batch.drop_column("payee_id")
    with op.batch_alter_table("allocation_shares") as batch:
        batch.drop_column("payee_org_number")
        batch.drop_column("payee_name")
        batch.drop_column("payee_id")
