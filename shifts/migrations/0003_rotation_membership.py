"""Rotation members get an explicit through model with `joined_at` (late joiners, SPEC 3.2).

The implicit M2M table cannot be altered into a through model, so the rows are copied into the new
table and the field is re-created. An existing member is taken as a founding member: joined when the
rotation was created, or at its first shift if that is earlier (shifts made before the row existed).
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def copy_members(apps, schema_editor):
    Rotation = apps.get_model("shifts", "Rotation")
    Shift = apps.get_model("shifts", "Shift")
    RotationMembership = apps.get_model("shifts", "RotationMembership")
    rows = []
    for rotation in Rotation.objects.all():
        first = (
            Shift.objects.filter(rotation=rotation).order_by("starts_at").values_list("starts_at", flat=True)
        )
        joined = min([rotation.created_at, *first[:1]])
        for member_id in rotation.old_members.values_list("pk", flat=True):
            rows.append(RotationMembership(rotation=rotation, member_id=member_id, joined_at=joined))
    RotationMembership.objects.bulk_create(rows)


def copy_back(apps, schema_editor):
    Rotation = apps.get_model("shifts", "Rotation")
    RotationMembership = apps.get_model("shifts", "RotationMembership")
    for rotation in Rotation.objects.all():
        rotation.old_members.set(
            RotationMembership.objects.filter(rotation=rotation).values_list("member_id", flat=True)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("shifts", "0002_shift_events"),
    ]

    operations = [
        migrations.CreateModel(
            name="RotationMembership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("joined_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rotation_memberships",
                        to="shifts.member",
                    ),
                ),
                (
                    "rotation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="shifts.rotation",
                    ),
                ),
            ],
            options={
                "ordering": ["rotation", "joined_at"],
                "constraints": [
                    models.UniqueConstraint(fields=("rotation", "member"), name="rotation_membership_once")
                ],
            },
        ),
        # Renamed first so copy_back (the reverse) has the implicit table under a name of its own.
        migrations.RenameField(model_name="rotation", old_name="members", new_name="old_members"),
        migrations.RunPython(copy_members, copy_back),
        migrations.RemoveField(model_name="rotation", name="old_members"),
        migrations.AddField(
            model_name="rotation",
            name="members",
            field=models.ManyToManyField(
                blank=True, related_name="rotations", through="shifts.RotationMembership", to="shifts.member"
            ),
        ),
    ]
