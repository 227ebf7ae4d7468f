"""Notification and OutboundMessage now belong to the `notices` app (notices 0001): removed from this app's
state only; the tables stay, owned by `notices` under their old names."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("supportops", "0004_outbound_github_comment"),
        ("notices", "0001_move_from_supportops"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="OutboundMessage"),
                migrations.DeleteModel(name="Notification"),
            ],
            database_operations=[],
        ),
    ]
