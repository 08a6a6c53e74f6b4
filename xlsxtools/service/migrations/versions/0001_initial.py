"""Initial schema: accounts, stored files, uploads, submissions, approvals, consolidations, audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_name", sa.String(200), nullable=True, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("token_created", sa.DateTime, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("suffix", sa.String(10), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),  # unit | table | unreadable
        sa.Column("unit_in_file", sa.String(200), nullable=True),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("infos", sa.Integer, nullable=False),
        sa.Column("result", sa.Text, nullable=False),  # JSON: findings, scores
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
        sa.Column("unit_name", sa.String(200), nullable=False, index=True),
        sa.Column("period", sa.String(7), nullable=False, index=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("suffix", sa.String(10), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("infos", sa.Integer, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("total", sa.Numeric(8, 2), nullable=True),
        sa.Column("grade", sa.String(10), nullable=True),
    )
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_name", sa.String(200), nullable=False, index=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("approved_by", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("approved", sa.Text, nullable=False),  # JSON of consolidate.baseline.ApprovedUnit
    )
    op.create_table(
        "consolidations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False, index=True),
        sa.Column("started_by", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("finished", sa.DateTime, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),  # queued | running | done | failed
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("summary_sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=True),
        sa.Column("units", sa.Integer, nullable=True),
        sa.Column("errors", sa.Integer, nullable=True),
        sa.Column("warnings", sa.Integer, nullable=True),
        sa.Column("missing", sa.Integer, nullable=True),
        sa.Column("tampered", sa.Integer, nullable=True),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("account_id", sa.Integer, nullable=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    for name in ("audit", "consolidations", "approvals", "submissions", "uploads", "blobs", "accounts", "meta"):
        op.drop_table(name)
