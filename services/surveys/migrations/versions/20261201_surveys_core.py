"""surveys core: code lists, questionnaire versions, rounds and their targets, responses with answers, history
and review comments, idempotency keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "code_lists",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
    )
    op.create_table(
        "codes",
        sa.Column("code_list_id", sa.String(100), sa.ForeignKey("code_lists.id"), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("display", sa.String(300), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("properties", sa.JSON, nullable=False),
    )
    op.create_table(
        "questionnaire_versions",
        sa.Column("questionnaire_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("questionnaire_id", sa.String(100), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("opens_on", sa.Date, nullable=False),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["questionnaire_id", "version"], ["questionnaire_versions.questionnaire_id",
                                                                  "questionnaire_versions.version"],
                                name="fk_rounds_questionnaire_id_questionnaire_versions"),
        sa.CheckConstraint("closes_on >= opens_on", name="ck_rounds_period_order"),
    )
    op.create_table(
        "round_targets",
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.id"), primary_key=True),
        sa.Column("organisation_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300)),
        sa.Column("county_code", sa.String(2), index=True),
        sa.Column("contact_point", sa.String(300)),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.id"), nullable=False, index=True),
        sa.Column("respondent_id", sa.String(100), nullable=False),
        sa.Column("county_code", sa.String(2), index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("review_state", sa.String(20)),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.UniqueConstraint("round_id", "respondent_id", name="uq_responses_respondent"),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id"), nullable=False, index=True),
        sa.Column("link_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("option_code", sa.String(64)),
        sa.Column("number_value", sa.Numeric(18, 6)),
        sa.Column("text_value", sa.Text),
        sa.Column("date_value", sa.Date),
    )
    op.create_index("ix_answers_link_id_option_code", "answers", ["link_id", "option_code"])
    op.create_table(
        "response_revisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id"), nullable=False, index=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("response_id", "revision", name="uq_response_revisions_revision"),
    )
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id"), nullable=False, index=True),
        sa.Column("review_state", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("caller", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("location", sa.String(500)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("idempotency_keys", "review_comments", "response_revisions", "answers", "responses",
                  "round_targets", "rounds", "questionnaire_versions", "codes", "code_lists"):
        op.drop_table(table)
