# A list's busiest officials, organisations and agreements (StoredCounts.top) read from the index alone:
# the kept count's key comes with the index entry. Each list's first render reads a scope's rows that
# nothing else has read, and the heap fetch of each was most of the read: at 200,000 meetings, an
# area's year's top officials or organisations 1.5-1.7 -> 0.5-0.8 ms mean over 150 cold scopes. The
# index no longer deduplicates equal counts: 64 -> 264 MB there.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0018_facet_root_date_and_kind"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="facetcount",
            name="facet_count_top_idx",
        ),
        migrations.AddIndex(
            model_name="facetcount",
            index=models.Index(fields=["scope", "facet", "-n"], include=("key",), name="facet_count_top_idx"),
        ),
    ]
