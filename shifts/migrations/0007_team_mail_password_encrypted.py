"""Team mailbox passwords encrypted at rest (supportops.crypto): the column becomes a text column of
ciphertext, and existing plaintext values are encrypted in place."""

from django.db import migrations

import supportops.crypto


def encrypt_existing(apps, schema_editor):
    Team = apps.get_model("shifts", "Team")
    for pk, stored in Team.objects.exclude(mail_password="").values_list("pk", "mail_password"):
        # values_list goes through from_db_value (`stored` is the plaintext, legacy or not) and the
        # UPDATE through get_prep_value, which encrypts it once.
        Team.objects.filter(pk=pk).update(mail_password=stored)


def decrypt_existing(apps, schema_editor):
    Team = apps.get_model("shifts", "Team")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, mail_password FROM shifts_team WHERE mail_password <> ''")
        rows = cursor.fetchall()
        for pk, stored in rows:
            cursor.execute(
                "UPDATE shifts_team SET mail_password = %s WHERE id = %s",
                [supportops.crypto.decrypt(stored)[:255], pk],
            )
    del Team


class Migration(migrations.Migration):
    dependencies = [
        ("shifts", "0006_unfilled_slots"),
    ]

    operations = [
        migrations.AlterField(
            model_name="team",
            name="mail_password",
            field=supportops.crypto.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
