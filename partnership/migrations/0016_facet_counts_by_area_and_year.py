# Facet counts kept for each area's list in each year too (docs/decisions/0015-facet-counts-on-write.md):
# /meetings/?area=…&year=… is most of the long tail of lists, and grouped its result on every first render.
# An area's year is the scope -(area pk × 10000 + year) (partnership.facets.area_year_scope): below
# every year's scope (minus the year), so the years' and the areas' scopes keep their numbers.

import importlib

from django.db import migrations

# As the year's scope: every one of meeting m's items in each of its areas' year, its own items
# (kind, year, city, pillars' years) in all meetings' and its areas' lists, every item in its
# year's. Called with the meeting's row as it was (d = -1) and as it is (d = 1): a new date moves
# its counts from each of its areas' old year to the new one.
MEETING_ITEMS = """
CREATE OR REPLACE FUNCTION partnership_facet_meeting_items(m bigint, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, i.facet, i.key, d
    FROM (SELECT 0::bigint AS scope UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m) s,
         partnership_facetitem i
    WHERE i.meeting_id = m AND i.facet IN ('kind', 'year', 'city', 'pillar_year')
    UNION ALL
    SELECT y.scope, i.facet, i.key, d
    FROM (SELECT -extract(year FROM date)::bigint AS scope FROM partnership_meeting WHERE id = m
          UNION ALL
          SELECT -(r.root_id * 10000 + extract(year FROM meeting.date)::bigint)
          FROM partnership_facetroot r JOIN partnership_meeting meeting ON meeting.id = r.meeting_id
          WHERE r.meeting_id = m) y,
         partnership_facetitem i
    WHERE i.meeting_id = m
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""

# d times (facet, key) in every list meeting m is in: all meetings, each area's subtree, its year,
# and each of its areas' year.
ADD = """
CREATE OR REPLACE FUNCTION partnership_facet_add(m bigint, f text, k text, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, f, k, d
    FROM (SELECT 0::bigint AS scope
          UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m
          UNION ALL SELECT -extract(year FROM date)::bigint FROM partnership_meeting WHERE id = m
          UNION ALL
          SELECT -(r.root_id * 10000 + extract(year FROM meeting.date)::bigint)
          FROM partnership_facetroot r JOIN partnership_meeting meeting ON meeting.id = r.meeting_id
          WHERE r.meeting_id = m) s
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""

# Meeting m enters or leaves area r's subtree: everything it contributes, in r's list and in r's
# list of its year; area r (with its pillar's year) in every other list it is in.
ROOT_CHANGE = """
CREATE OR REPLACE FUNCTION partnership_facet_root_change(m bigint, r bigint, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT x.scope, x.facet, x.key, d FROM (
        SELECT r AS scope, facet, key FROM partnership_facetitem WHERE meeting_id = m
        UNION ALL
        SELECT -(r * 10000 + extract(year FROM meeting.date)::bigint), i.facet, i.key
        FROM partnership_meeting meeting JOIN partnership_facetitem i ON i.meeting_id = meeting.id
        WHERE meeting.id = m
        UNION ALL
        SELECT s.scope, i.facet, i.key
        FROM (SELECT 0::bigint AS scope UNION ALL
              SELECT root_id FROM partnership_facetroot WHERE meeting_id = m AND root_id <> r UNION ALL
              SELECT -extract(year FROM date)::bigint FROM partnership_meeting WHERE id = m UNION ALL
              SELECT -(f.root_id * 10000 + extract(year FROM meeting.date)::bigint)
              FROM partnership_facetroot f JOIN partnership_meeting meeting ON meeting.id = f.meeting_id
              WHERE f.meeting_id = m AND f.root_id <> r) s,
             partnership_facetitem i
        WHERE i.meeting_id = m
          AND ((i.facet = 'area' AND i.key = r::text) OR (i.facet = 'pillar_year' AND i.key LIKE r || '-%'))
    ) x
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""

# The reverse puts back the functions as migration 0015 wrote them.
by_year = importlib.import_module("partnership.migrations.0015_facet_counts_by_year")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite counts facets by GROUP BY (partnership.facets.maintained)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(MEETING_ITEMS + ADD + ROOT_CHANGE)
    # The areas' years are counted after the migrations, with today's code (partnership.facets.rebuild,
    # run by post_migrate while this row exists).
    if apps.get_model("partnership", "Meeting").objects.exists():
        apps.get_model("partnership", "FacetStale").objects.create(reason="migration 0016")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(by_year.MEETING_ITEMS + by_year.ADD + by_year.ROOT_CHANGE)
        cursor.execute("DELETE FROM partnership_facetcount WHERE scope <= -10000")


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0015_facet_counts_by_year"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
