"""population bases: named, dated tables of populations that allocations and co-financing agreements cite

SCB's shipped years become bases (scb-2021-12-31, …) when the reference data is next loaded (`setup`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('population_bases',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('reference_date', sa.Date(), nullable=False),
    sa.Column('county_code', sa.String(length=2), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['counties.code'], name=op.f('fk_population_bases_county_code_counties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_population_bases'))
    )
    with op.batch_alter_table('population_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_population_bases_county_code'), ['county_code'], unique=False)

    op.create_table('population_basis_rows',
    sa.Column('basis_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['basis_id'], ['population_bases.id'], name=op.f('fk_population_basis_rows_basis_id_population_bases')),
    sa.PrimaryKeyConstraint('basis_id', 'code', name=op.f('pk_population_basis_rows'))
    )


def downgrade() -> None:
    op.drop_table('population_basis_rows')
    with op.batch_alter_table('population_bases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_population_bases_county_code'))

    op.drop_table('population_bases')
