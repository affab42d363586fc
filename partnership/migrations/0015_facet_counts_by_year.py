# Facet counts kept for each year's list too (docs/decisions/0015-facet-counts-on-write.md): a
# meeting's counts are kept in the scope minus its year, beside all meetings (0) and its areas.

from django.db import migrations

# Every one of meeting m's items (its own, its public links', its areas') in its year's scope,
# its own items (kind, year, city, pillars' years) in every other list it is in; called with the
# meeting's row as it was (d = -1, before an update or delete) and as it is (d = 1, after): a new
# date moves all its counts to its new year.
MEETING_ITEMS = """
CREATE OR REPLACE FUNCTION partnership_facet_meeting_items(m bigint, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, i.facet, i.key, d
    FROM (SELECT 0::bigint AS scope UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m) s,
         partnership_facetitem i
    WHERE i.meeting_id = m AND i.facet IN ('kind', 'year', 'city', 'pillar_year')
    UNION ALL
    SELECT -extract(year FROM meeting.date)::bigint, i.facet, i.key, d
    FROM partnership_meeting meeting JOIN partnership_facetitem i ON i.meeting_id = meeting.id
    WHERE meeting.id = m
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""

# d times (facet, key) in every list meeting m is in: all meetings, each area's subtree, its year.
ADD = """
CREATE OR REPLACE FUNCTION partnership_facet_add(m bigint, f text, k text, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, f, k, d
    FROM (SELECT 0::bigint AS scope
          UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m
          UNION ALL SELECT -extract(year FROM date)::bigint FROM partnership_meeting WHERE id = m) s
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""

# Meeting m enters or leaves area r's subtree: everything it contributes, in r's list, and area r
# (with its pillar's year) in every other list it is in, its year's included.
ROOT_CHANGE = """
CREATE OR REPLACE FUNCTION partnership_facet_root_change(m bigint, r bigint, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT x.scope, x.facet, x.key, d FROM (
        SELECT r AS scope, facet, key FROM partnership_facetitem WHERE meeting_id = m
        UNION ALL
        SELECT s.scope, i.facet, i.key
        FROM (SELECT 0::bigint AS scope UNION ALL
              SELECT root_id FROM partnership_facetroot WHERE meeting_id = m AND root_id <> r UNION ALL
              SELECT -extract(year FROM date)::bigint FROM partnership_meeting WHERE id = m) s,
             partnership_facetitem i
        WHERE i.meeting_id = m
          AND ((i.facet = 'area' AND i.key = r::text) OR (i.facet = 'pillar_year' AND i.key LIKE r || '-%'))
    ) x
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""

# As migration 0013 wrote them: no year scopes.
MEETING_ITEMS_BEFORE = """
CREATE OR REPLACE FUNCTION partnership_facet_meeting_items(m bigint, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, i.facet, i.key, d
    FROM (SELECT 0::bigint AS scope UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m) s,
         partnership_facetitem i
    WHERE i.meeting_id = m AND i.facet IN ('kind', 'year', 'city', 'pillar_year')
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""
ADD_BEFORE = """
CREATE OR REPLACE FUNCTION partnership_facet_add(m bigint, f text, k text, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, f, k, d
    FROM (SELECT 0::bigint AS scope UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m) s
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""
ROOT_CHANGE_BEFORE = """
CREATE OR REPLACE FUNCTION partnership_facet_root_change(m bigint, r bigint, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT x.scope, x.facet, x.key, d FROM (
        SELECT r AS scope, facet, key FROM partnership_facetitem WHERE meeting_id = m
        UNION ALL
        SELECT s.scope, i.facet, i.key
        FROM (SELECT 0::bigint AS scope UNION ALL
              SELECT root_id FROM partnership_facetroot WHERE meeting_id = m AND root_id <> r) s,
             partnership_facetitem i
        WHERE i.meeting_id = m
          AND ((i.facet = 'area' AND i.key = r::text) OR (i.facet = 'pillar_year' AND i.key LIKE r || '-%'))
    ) x
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite counts facets by GROUP BY (partnership.facets.maintained)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(MEETING_ITEMS + ADD + ROOT_CHANGE)
    # The years' counts are added after the migrations, with today's code (partnership.facets.rebuild,
    # run by post_migrate while this row exists).
    if apps.get_model("partnership", "Meeting").objects.exists():
        apps.get_model("partnership", "FacetStale").objects.create(reason="migration 0015")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(MEETING_ITEMS_BEFORE + ADD_BEFORE + ROOT_CHANGE_BEFORE)
        cursor.execute("DELETE FROM partnership_facetcount WHERE scope < 0")


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0014_meeting_covering_indexes"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
