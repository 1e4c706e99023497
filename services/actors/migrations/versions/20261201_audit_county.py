"""audit events carry their record's owning county

Each event names the county that owns the changed record, so that a county system reads the history of its own
county's records only. Existing events get the owner their record has now: an organisation's county, a
relation's subject's, a post's organisation's, a membership's post's, a person's managing county.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNER_BY_ENTITY = {
    'organisation': "SELECT o.county_code FROM organisations o WHERE o.id = audit_events.entity_id",
    'relation': "SELECT o.county_code FROM relations r JOIN organisations o ON o.id = r.subject_id "
                "WHERE r.id = audit_events.entity_id",
    'post': "SELECT o.county_code FROM posts p JOIN organisations o ON o.id = p.organisation_id "
            "WHERE p.id = audit_events.entity_id",
    'membership': "SELECT o.county_code FROM memberships m JOIN posts p ON p.id = m.post_id "
                  "JOIN organisations o ON o.id = p.organisation_id WHERE m.id = audit_events.entity_id",
    'person': "SELECT pe.managed_by_county FROM people pe WHERE pe.id = audit_events.entity_id",
}


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_code', sa.String(length=2), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_county_code'), ['county_code'], unique=False)
    for entity_type, owner in OWNER_BY_ENTITY.items():
        op.execute(f"UPDATE audit_events SET county_code = ({owner}) WHERE entity_type = '{entity_type}'")


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_county_code'))
        batch_op.drop_column('county_code')
