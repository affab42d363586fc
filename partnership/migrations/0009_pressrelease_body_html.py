"""Release bodies rendered and sanitised on save (body_html), filled here for existing releases."""

import partnership.markdown
from django.db import migrations, models


def render_bodies(apps, schema_editor):
    # The renderer of today: a migration that runs later renders what a save would.
    PressRelease = apps.get_model("partnership", "PressRelease")
    batch = []
    for release in PressRelease.objects.only("pk", "body").iterator(chunk_size=500):
        release.body_html = partnership.markdown.html_to_store(release.body)
        batch.append(release)
        if len(batch) == 500:
            PressRelease.objects.bulk_update(batch, ["body_html"])
            batch = []
    PressRelease.objects.bulk_update(batch, ["body_html"])


class Migration(migrations.Migration):

    dependencies = [
        ('partnership', '0008_link_meeting_places'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpressrelease',
            name='body_html',
            field=models.TextField(blank=True, db_default='', editable=False),
        ),
        migrations.AddField(
            model_name='pressrelease',
            name='body_html',
            field=models.TextField(blank=True, db_default='', editable=False),
        ),
        migrations.AlterField(
            model_name='historicalpressrelease',
            name='body',
            field=models.TextField(help_text='The release text, verbatim, as Markdown; paragraphs are separated by a blank line.', validators=[partnership.markdown.validate_markdown]),
        ),
        migrations.AlterField(
            model_name='pressrelease',
            name='body',
            field=models.TextField(help_text='The release text, verbatim, as Markdown; paragraphs are separated by a blank line.', validators=[partnership.markdown.validate_markdown]),
        ),
        # Backwards, the column is dropped with everything rendered into it.
        migrations.RunPython(render_bodies, migrations.RunPython.noop),
    ]
