"""Load the controlled vocabulary of cooperation areas (partnership/vocabulary/cooperation-areas.yaml).

Merging adds concepts and alternative labels and never removes an editor's; undoing it removes
the vocabulary's areas that nothing uses.
"""

from django.db import migrations


def load(apps, schema_editor):
    from partnership.vocabulary import merge

    merge(apps.get_model("partnership", "CooperationArea"))


def unload(apps, schema_editor):
    from partnership.vocabulary import unmerge

    unmerge(apps.get_model("partnership", "CooperationArea"))


class Migration(migrations.Migration):
    dependencies = [("partnership", "0009_pressrelease_body_html")]

    operations = [migrations.RunPython(load, unload)]
