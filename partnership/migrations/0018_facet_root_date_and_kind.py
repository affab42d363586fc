# Each meeting kept in an area's subtree (FacetRoot) carries the meeting's date and kind, so an area's
# list, alone, in one year or of one kind, reads its first pages' keys from one index range
# (partnership.facets.kept_keys): an area's kind joined every meeting of that kind (33,000 summits,
# 13 ms at 200,000 meetings) to the area's 3,000, and an area's year the year's 5,000.
#
# A row gets them when it is inserted, from its meeting, unless the insert gives them (the rebuild's
# set-based insert does); a meeting's new date or kind is copied to its rows. Neither trigger heeds
# the facet_triggers setting that bulk recounts turn off: a copy is never stale.

from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION partnership_facet_root_of_meeting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT date, kind INTO NEW.date, NEW.kind FROM partnership_meeting WHERE id = NEW.meeting_id;
    RETURN NEW;
END $$;
CREATE TRIGGER partnership_facet_root_insert BEFORE INSERT ON partnership_facetroot FOR EACH ROW
    WHEN (NEW.date IS NULL) EXECUTE FUNCTION partnership_facet_root_of_meeting();

CREATE FUNCTION partnership_facet_root_meeting_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE partnership_facetroot SET date = NEW.date, kind = NEW.kind WHERE meeting_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER partnership_facet_root_meeting_moved AFTER UPDATE OF date, kind ON partnership_meeting
    FOR EACH ROW WHEN (OLD.date IS DISTINCT FROM NEW.date OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION partnership_facet_root_meeting_moved();

UPDATE partnership_facetroot r SET date = m.date, kind = m.kind FROM partnership_meeting m WHERE m.id = r.meeting_id;
"""

DROP = """
DROP TRIGGER IF EXISTS partnership_facet_root_meeting_moved ON partnership_meeting;
DROP FUNCTION IF EXISTS partnership_facet_root_meeting_moved();
DROP TRIGGER IF EXISTS partnership_facet_root_insert ON partnership_facetroot;
DROP FUNCTION IF EXISTS partnership_facet_root_of_meeting();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite keeps no FacetRoot rows: its lists read the rule's joins (partnership.facets.maintained)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(TRIGGERS)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0017_facet_counts_by_area_and_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="facetroot",
            name="date",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="facetroot",
            name="kind",
            field=models.CharField(blank=True, default="", max_length=30),
        ),
        migrations.RunPython(install, uninstall),
        # After the copy: an index is built faster over filled rows than kept through the update.
        migrations.AddIndex(
            model_name="facetroot",
            index=models.Index(fields=["root_id", "-date", "-meeting_id"], name="facet_root_date_idx"),
        ),
        migrations.AddIndex(
            model_name="facetroot",
            index=models.Index(fields=["root_id", "kind", "-date", "-meeting_id"], name="facet_root_kind_date_idx"),
        ),
    ]
