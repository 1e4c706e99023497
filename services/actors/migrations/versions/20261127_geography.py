"""geography

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 04:19:01.081837
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('counties',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('search_name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_counties'))
    )
    with op.batch_alter_table('counties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counties_search_name'), ['search_name'], unique=False)

    op.create_table('municipalities',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('search_name', sa.String(length=100), nullable=False),
    sa.Column('county_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['counties.code'], name=op.f('fk_municipalities_county_code_counties')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_municipalities'))
    )
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipalities_county_code'), ['county_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_municipalities_search_name'), ['search_name'], unique=False)

    op.create_table('municipality_populations',
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipalities.code'], name=op.f('fk_municipality_populations_municipality_code_municipalities')),
    sa.PrimaryKeyConstraint('municipality_code', 'year', name=op.f('pk_municipality_populations'))
    )


def downgrade() -> None:
    op.drop_table('municipality_populations')
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipalities_search_name'))
        batch_op.drop_index(batch_op.f('ix_municipalities_county_code'))

    op.drop_table('municipalities')
    with op.batch_alter_table('counties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counties_search_name'))

    op.drop_table('counties')
