# Whether a release is published, from an index alone: the public rule asks it of every record and
# fact it lets through, by the release's id, and a release's row carries its whole text (12,494 pages
# for 50,000 releases). Searching officials by a name matching a few hundred of them, PostgreSQL
# hashed every release's row to read its status (58 ms of the query's 63); from this index, 8 ms in
# all. On SQLite, which has no INCLUDE, this is an index on the primary key, harmless.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0021_public_links_by_meeting"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="pressrelease",
            index=models.Index(fields=["id"], include=("status",), name="release_status_idx"),
        ),
    ]
