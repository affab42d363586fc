"""PostgreSQL search: unaccent and pg_trgm, an unaccenting text search configuration,
an immutable partnership_unaccent(), and GIN indexes on each kind's search document.

The index expressions must stay identical to partnership.search.DOCUMENTS, or the
planner cannot use them. On SQLite this migration does nothing: search.py registers
partnership_unaccent() as a Python function there.
"""

from django.db import migrations

DOCUMENTS = {
    "partnership_meeting": ["title", "summary", "venue", "city"],
    "partnership_official": ["name", "aliases", "description"],
    "partnership_organisation": ["name", "acronym", "aliases", "description"],
    "partnership_cooperationarea": ["name", "aliases", "description"],
    "partnership_agreement": ["title", "short_title", "aliases", "description"],
    "partnership_pressrelease": ["title", "dateline_place", "body"],
}


def _column(name):
    return f'("{name}")::text' if name == "aliases" else f'"{name}"'


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        """
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'partnership_search') THEN
            CREATE TEXT SEARCH CONFIGURATION partnership_search (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION partnership_search
              ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
              WITH unaccent, simple;
          END IF;
        END $$
        """
    )
    schema_editor.execute(
        """
        CREATE OR REPLACE FUNCTION partnership_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
        """
    )
    for table, columns in DOCUMENTS.items():
        document = " || ' ' || ".join(_column(name) for name in columns)
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{table}_search_idx" ON "{table}" '
            f"USING gin (to_tsvector('partnership_search'::regconfig, {document}))"
        )
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "partnership_official_name_trgm_idx" ON "partnership_official" '
        'USING gin (partnership_unaccent(lower("name")) gin_trgm_ops)'
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "partnership_official_name_trgm_idx"')
    for table in DOCUMENTS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_search_idx"')
    schema_editor.execute("DROP FUNCTION IF EXISTS partnership_unaccent(text)")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS partnership_search")


class Migration(migrations.Migration):
    dependencies = [("partnership", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
