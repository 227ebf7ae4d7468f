"""Notification and OutboundMessage move from `supportops` (the base layer) to this app, in the project's
state only: the tables keep their names (`db_table`), rows, constraints and indexes; nothing in the database
changes but the content types' app label (so permissions and admin history follow the models).
`supportops` 0005 then drops the models from its own state."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["notification", "outboundmessage"]


def relabel(from_label: str, to_label: str):
    def run(apps, schema_editor) -> None:
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
        if content_types.filter(app_label=to_label, model__in=MODELS).exists():
            return  # created already (post_migrate of an earlier run): leave both as they are
        content_types.filter(app_label=from_label, model__in=MODELS).update(app_label=to_label)

    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("inquiries", "0001_initial"),
        ("shifts", "0001_initial"),
        ("supportops", "0004_outbound_github_comment"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=40)),
                        ("title", models.CharField(max_length=200)),
                        ("body", models.TextField(blank=True)),
                        ("link", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("inquiry", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="inquiries.inquiry")),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL)),
                        ("shift", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="shifts.shift")),
                        ("team", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="shifts.team")),
                    ],
                    options={
                        "db_table": "supportops_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox")],
                    },
                ),
                migrations.CreateModel(
                    name="OutboundMessage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("channel", models.CharField(choices=[("email", "Email"), ("webhook", "Webhook"), ("github", "GitHub comment")], max_length=8)),
                        ("to", models.CharField(max_length=500)),
                        ("cc", models.CharField(blank=True, max_length=500)),
                        ("subject", models.CharField(blank=True, max_length=300)),
                        ("body", models.TextField(blank=True)),
                        ("payload", models.JSONField(blank=True, null=True)),
                        ("kind", models.CharField(blank=True, max_length=20)),
                        ("automatic", models.BooleanField(default=True)),
                        ("status", models.CharField(choices=[("pending", "Pending"), ("sending", "Sending (claimed)"), ("sent", "Sent"), ("failed", "Failed (gave up)")], default="pending", max_length=8)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("claim_token", models.CharField(blank=True, max_length=32)),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("inquiry", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="outbound", to="inquiries.inquiry")),
                        ("notification", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="deliveries", to="notices.notification")),
                    ],
                    options={
                        "db_table": "supportops_outboundmessage",
                        "ordering": ["created_at", "id"],
                        "indexes": [models.Index(fields=["status", "next_attempt_at"], name="outbound_pending")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel("supportops", "notices"), relabel("notices", "supportops")),
    ]
