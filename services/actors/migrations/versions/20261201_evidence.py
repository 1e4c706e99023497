"""what the sources attest: evidence kinds on relations and names, joint hosts, the host's unit

A relation (and a name) says how its bounds are known: `exact` (to the day), `month` or `year` (the first of the
month or year stands for a bound known only to that precision) or `attested` (a source only says it held in a
year or on a date; the bounds were inferred when the reference data was loaded). `attested` keeps the years or
dates the sources attest. `joint` marks a relation a source says is shared (two hosts of one RSS at once), and
`unit_id` the unit of the host or employer where an RSS's platform sits (an R&D unit, seed 004).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('relations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('attested', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('joint', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('unit_id', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_relations_unit_id_organisations'), 'organisations',
                                    ['unit_id'], ['id'])
    with op.batch_alter_table('organisation_names', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisation_names', schema=None) as batch_op:
        batch_op.drop_column('evidence')
    with op.batch_alter_table('relations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_relations_unit_id_organisations'), type_='foreignkey')
        batch_op.drop_column('unit_id')
        batch_op.drop_column('joint')
        batch_op.drop_column('attested')
        batch_op.drop_column('evidence')
