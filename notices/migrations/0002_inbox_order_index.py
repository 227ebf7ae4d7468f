"""The inbox newest first in keyset pages (notices.inbox): a user's notifications in (created_at, id) order,
not sorted from all of them on every page."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_move_from_supportops"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_recipient_created"
            ),
        ),
    ]
