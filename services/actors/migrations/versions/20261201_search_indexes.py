"""no b-tree index on the folded names of organisations and people

Name search matches the folded name anywhere in it (`LIKE '%term%'`, shared.text_search.like_pattern), which a
b-tree index cannot serve on PostgreSQL or SQLite: the indexes were never read, and every name written (an
import's thousands) paid for keeping them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisation_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_names_search_name'))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_search_name'))


def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_search_name'), ['search_name'], unique=False)
    with op.batch_alter_table('organisation_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_names_search_name'), ['search_name'], unique=False)
