"""what is known after the sources fall silent: attested_until and confirmed_from on relations

An attested-only relation (its end inferred, not given) holds through its last attestation and is unknown from
`attested_until` (the day after it) unless it is confirmed: `confirmed_from` is the day from which a county system
(or a later source) confirms that it holds, known from then until the relation ends. The reference data's
relations get `attested_until` from the loader's corrections at the next `setup`; relations recorded by people
keep holding as they did.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('relations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attested_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_from', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('relations', schema=None) as batch_op:
        batch_op.drop_column('confirmed_from')
        batch_op.drop_column('attested_until')
