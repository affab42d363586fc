# Facet counts kept for each area's list of each kind of meeting too (decision 0015): an area
# with a kind (/meetings/?area=…&kind=…) grouped its result on every first render, 1-2 s for a
# pillar's. An area's kind is the scope -(10^15 + area pk × 100 + the kind's number)
# (partnership.facets.area_kind_scope): below every area's year, so no other number moves.

import importlib

from django.db import migrations

# partnership.facets.KIND_NUMBERS, in SQL: a kind without a number is not kept (its lists group),
# so a new kind needs a migration that gives it one (tests/test_facets.py checks every kind has).
KIND_NUMBER = """
CREATE OR REPLACE FUNCTION partnership_kind_number(k text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE k WHEN 'bilateral' THEN 1 WHEN 'summit' THEN 2 WHEN 'ministerial' THEN 3
                  WHEN 'working_level' THEN 4 WHEN 'conference' THEN 5 WHEN 'other' THEN 6 END
$$;
"""

# Each of meeting m's areas' scopes by year and by kind hold every one of its items, and move
# when its date or kind does (the meeting triggers call this with its row before and after).
OF_EACH_AREA = """
          UNION ALL
          SELECT -(r.root_id * 10000 + extract(year FROM meeting.date)::bigint)
          FROM partnership_facetroot r JOIN partnership_meeting meeting ON meeting.id = r.meeting_id
          WHERE r.meeting_id = m
          UNION ALL
          SELECT -(1000000000000000 + r.root_id * 100 + partnership_kind_number(meeting.kind))
          FROM partnership_facetroot r JOIN partnership_meeting meeting ON meeting.id = r.meeting_id
          WHERE r.meeting_id = m AND partnership_kind_number(meeting.kind) IS NOT NULL"""

MEETING_ITEMS = f"""
CREATE OR REPLACE FUNCTION partnership_facet_meeting_items(m bigint, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, i.facet, i.key, d
    FROM (SELECT 0::bigint AS scope UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m) s,
         partnership_facetitem i
    WHERE i.meeting_id = m AND i.facet IN ('kind', 'year', 'city', 'pillar_year')
    UNION ALL
    SELECT y.scope, i.facet, i.key, d
    FROM (SELECT -extract(year FROM date)::bigint AS scope FROM partnership_meeting WHERE id = m{OF_EACH_AREA}) y,
         partnership_facetitem i
    WHERE i.meeting_id = m
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""

# d times (facet, key) in every list meeting m is in.
ADD = f"""
CREATE OR REPLACE FUNCTION partnership_facet_add(m bigint, f text, k text, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, f, k, d
    FROM (SELECT 0::bigint AS scope
          UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m
          UNION ALL SELECT -extract(year FROM date)::bigint FROM partnership_meeting WHERE id = m{OF_EACH_AREA}) s
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""

# Meeting m enters or leaves area r's subtree: everything it contributes, in r's list and in r's
# lists of its year and its kind; area r (with its pillar's year) in every other list it is in.
ROOT_CHANGE = """
CREATE OR REPLACE FUNCTION partnership_facet_root_change(m bigint, r bigint, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT x.scope, x.facet, x.key, d FROM (
        SELECT r AS scope, facet, key FROM partnership_facetitem WHERE meeting_id = m
        UNION ALL
        SELECT s.scope, i.facet, i.key
        FROM (SELECT -(r * 10000 + extract(year FROM date)::bigint) AS scope FROM partnership_meeting WHERE id = m
              UNION ALL
              SELECT -(1000000000000000 + r * 100 + partnership_kind_number(kind)) FROM partnership_meeting
              WHERE id = m AND partnership_kind_number(kind) IS NOT NULL) s,
             partnership_facetitem i
        WHERE i.meeting_id = m
        UNION ALL
        SELECT s.scope, i.facet, i.key
        FROM (SELECT 0::bigint AS scope UNION ALL
              SELECT root_id FROM partnership_facetroot WHERE meeting_id = m AND root_id <> r UNION ALL
              SELECT -extract(year FROM date)::bigint FROM partnership_meeting WHERE id = m UNION ALL
              SELECT -(f.root_id * 10000 + extract(year FROM meeting.date)::bigint)
              FROM partnership_facetroot f JOIN partnership_meeting meeting ON meeting.id = f.meeting_id
              WHERE f.meeting_id = m AND f.root_id <> r UNION ALL
              SELECT -(1000000000000000 + f.root_id * 100 + partnership_kind_number(meeting.kind))
              FROM partnership_facetroot f JOIN partnership_meeting meeting ON meeting.id = f.meeting_id
              WHERE f.meeting_id = m AND f.root_id <> r AND partnership_kind_number(meeting.kind) IS NOT NULL) s,
             partnership_facetitem i
        WHERE i.meeting_id = m
          AND ((i.facet = 'area' AND i.key = r::text) OR (i.facet = 'pillar_year' AND i.key LIKE r || '-%'))
    ) x
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;
"""

# The reverse puts back the functions as migration 0016 wrote them.
by_area_and_year = importlib.import_module("partnership.migrations.0016_facet_counts_by_area_and_year")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite counts facets by GROUP BY (partnership.facets.maintained)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(KIND_NUMBER + MEETING_ITEMS + ADD + ROOT_CHANGE)
    # The areas' kinds are counted after the migrations, with today's code (partnership.facets.rebuild,
    # run by post_migrate while this row exists).
    if apps.get_model("partnership", "Meeting").objects.exists():
        apps.get_model("partnership", "FacetStale").objects.create(reason="migration 0017")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(by_area_and_year.MEETING_ITEMS + by_area_and_year.ADD + by_area_and_year.ROOT_CHANGE)
        cursor.execute("DROP FUNCTION IF EXISTS partnership_kind_number(text)")
        cursor.execute("DELETE FROM partnership_facetcount WHERE scope <= -1000000000000000")


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0016_facet_counts_by_area_and_year"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
