"""effective dates: a response's submission takes effect on a day of its own (submitted_on), kept apart from when
it was recorded (submitted_at, updated_at, and each revision's recorded_at); each revision keeps the effective
date it carried

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SWEDEN = ZoneInfo("Europe/Stockholm")


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("submitted_on", sa.Date, nullable=True))
    with op.batch_alter_table("response_revisions") as batch:
        batch.add_column(sa.Column("submitted_on", sa.Date, nullable=True))
    # A response submitted before this revision took effect on the Swedish day it was recorded: the only date
    # there was. Its submitted revisions carry that day too.
    connection = op.get_bind()
    responses = sa.table("responses", sa.column("id", sa.Integer), sa.column("submitted_at", sa.DateTime(True)),
                         sa.column("submitted_on", sa.Date))
    revisions = sa.table("response_revisions", sa.column("response_id", sa.Integer), sa.column("status", sa.String),
                         sa.column("submitted_on", sa.Date))
    rows = connection.execute(sa.select(responses.c.id, responses.c.submitted_at)
                              .where(responses.c.submitted_at.is_not(None))).all()
    for response_id, moment in rows:
        day = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(SWEDEN).date()
        connection.execute(sa.update(responses).where(responses.c.id == response_id).values(submitted_on=day))
        connection.execute(sa.update(revisions).where(revisions.c.response_id == response_id,
                                                      revisions.c.status == "submitted").values(submitted_on=day))


def downgrade() -> None:
    with op.batch_alter_table("response_revisions") as batch:
        batch.drop_column("submitted_on")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("submitted_on")
