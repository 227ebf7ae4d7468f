"""Shift.split: a part of a longer slot that a re-plan split at its member's absence (SPEC 3.2), so later
re-plans keep the parts. Existing shifts are whole (the default)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shifts", "0007_team_mail_password_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="shift",
            name="split",
            field=models.BooleanField(default=False),
        ),
    ]
