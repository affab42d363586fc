"""Merge the area vocabulary again: it gained concepts real releases name (school feeding, the care
economy, the creative economy, prison management, the reintegration of returning migrants, hate
speech, business and human rights) and lost four stray one-word labels a YAML list had split off
("safe", "peace", "chemical", "prevent"). Merging only adds; undoing removes the new concepts if unused.
"""

from django.db import migrations

ADDED = {
    "prison-management",
    "business-and-human-rights",
    "school-feeding",
    "care-economy",
    "return-and-reintegration",
    "creative-economy",
    "hate-speech",
}


# The stray labels an earlier merge gave these concepts (a YAML list split "safe, orderly and regular migration").
STRAY = {
    "migration": ["safe", "orderly and regular migration"],
    "peaceful-and-inclusive-societies": ["peace", "justice and strong institutions"],
    "cbrn-risks": ["chemical", "biological", "radiological and nuclear threats"],
    "pandemic-preparedness": ["prevent", "detect and respond"],
}


def load(apps, schema_editor):
    from partnership.vocabulary import merge

    model = apps.get_model("partnership", "CooperationArea")
    for area in model.objects.filter(slug__in=STRAY):
        kept = [alias for alias in area.aliases if alias not in STRAY[area.slug]]
        if kept != area.aliases:
            area.aliases = kept
            area.save(update_fields=["aliases"])
    merge(model)


def unload(apps, schema_editor):
    from partnership.vocabulary import unmerge

    unmerge(apps.get_model("partnership", "CooperationArea"), only=ADDED)


class Migration(migrations.Migration):
    dependencies = [("partnership", "0011_first_seen")]

    operations = [migrations.RunPython(load, unload)]
