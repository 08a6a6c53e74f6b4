"""Monitoring and the analysis report: a submission's monitoring state, a consolidation's
monitoring state counts and its report (分析报告.docx).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as b:
        b.add_column(sa.Column("monitor_state", sa.String(10), nullable=True))  # 红 | 黄 | 绿 | 未填报
    with op.batch_alter_table("consolidations") as b:
        b.add_column(sa.Column("monitoring", sa.Text, nullable=True))  # JSON: state → units, worse
        b.add_column(sa.Column("report_sha256", sa.String(64), nullable=True))
        b.add_column(sa.Column("report_message", sa.Text, nullable=True))
        b.create_foreign_key("fk_consolidations_report_blob", "blobs", ["report_sha256"], ["sha256"])


def downgrade() -> None:
    with op.batch_alter_table("consolidations") as b:
        b.drop_constraint("fk_consolidations_report_blob", type_="foreignkey")
        b.drop_column("report_message")
        b.drop_column("report_sha256")
        b.drop_column("monitoring")
    with op.batch_alter_table("submissions") as b:
        b.drop_column("monitor_state")
