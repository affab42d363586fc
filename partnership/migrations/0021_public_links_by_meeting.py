# A meeting link's public rows by meeting, with the record each names (partial indexes on the kept
# is_public flag): what is counted over a set of meetings reads the index alone. At 200,000
# meetings, who an organisation met over its 764 meetings read 4,578 buffers, a heap fetch per link
# to read its flag (10.6 ms of a 21 ms query); from the index, 2,301 buffers and 3.9 ms. First
# renders of organisations' pages and officials' meetings lists, alternated: PostgreSQL's CPU per
# page 40.8 and 35.9 -> 32.8 and 29.0 ms. 12-18 MB each at that size. The cost is on write: a
# flipped flag is no longer a HOT update (2,000 participations flipped with the count triggers:
# 3.0-3.5 -> 4.2-4.7 s, paid when a release is published or withdrawn).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0020_facet_count_key_covering"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="meetingagreement",
            index=models.Index(
                condition=models.Q(("is_public", True)), fields=["meeting", "agreement"], name="meeting_agr_public_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="meetingarea",
            index=models.Index(
                condition=models.Q(("is_public", True)), fields=["meeting", "area"], name="meeting_area_public_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="meetingorganisation",
            index=models.Index(
                condition=models.Q(("is_public", True)),
                fields=["meeting", "organisation"],
                name="meeting_org_public_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(
                condition=models.Q(("is_public", True)), fields=["meeting", "official"], name="participation_public_idx"
            ),
        ),
    ]
