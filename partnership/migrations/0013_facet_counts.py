# Facet counts kept on write (docs/decisions/0015-facet-counts-on-write.md).

from django.db import migrations, models

# What one public meeting contributes to the counts, from the flags partnership.facets.sync keeps:
# its kind, year and city, its pillars' years, the records its public links name, and the areas
# whose subtree it is in (FacetRoot). The only definition; the triggers and the rebuild read it.
ITEM_VIEW = """
CREATE VIEW partnership_facetitem (meeting_id, facet, key) AS
    SELECT id, 'kind'::text, kind::text FROM partnership_meeting WHERE is_public
    UNION ALL SELECT id, 'year', extract(year FROM date)::int::text FROM partnership_meeting WHERE is_public
    UNION ALL SELECT id, 'city', city_record_id::text FROM partnership_meeting
        WHERE is_public AND city_record_id IS NOT NULL
    UNION ALL SELECT r.meeting_id, 'pillar_year', r.root_id || '-' || extract(year FROM m.date)::int
        FROM partnership_facetroot r JOIN partnership_meeting m ON m.id = r.meeting_id
        JOIN partnership_cooperationarea a ON a.id = r.root_id
        WHERE m.is_public AND a.parent_id IS NULL
    UNION ALL SELECT meeting_id, 'official', official_id::text FROM partnership_participation WHERE is_public
    UNION ALL SELECT meeting_id, 'organisation', organisation_id::text FROM partnership_meetingorganisation
        WHERE is_public
    UNION ALL SELECT meeting_id, 'agreement', agreement_id::text FROM partnership_meetingagreement WHERE is_public
    UNION ALL SELECT meeting_id, 'area', root_id::text FROM partnership_facetroot
"""

# The triggers only add up: which rows are public is decided in Python (the flags). A bulk
# rebuild sets partnership.facet_triggers to off for its transaction and recounts in one go.
TRIGGERS = """
-- d times (facet, key) in every list meeting m is in: all meetings (scope 0) and each area's subtree.
CREATE FUNCTION partnership_facet_add(m bigint, f text, k text, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, f, k, d
    FROM (SELECT 0::bigint AS scope UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m) s
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;

-- d times meeting m's own items (kind, year, city, pillars' years) in every list it is in.
CREATE FUNCTION partnership_facet_meeting_items(m bigint, d integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
    SELECT s.scope, i.facet, i.key, d
    FROM (SELECT 0::bigint AS scope UNION ALL SELECT root_id FROM partnership_facetroot WHERE meeting_id = m) s,
         partnership_facetitem i
    WHERE i.meeting_id = m AND i.facet IN ('kind', 'year', 'city', 'pillar_year')
    ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
$$;

-- Meeting m enters (d = 1, called after its FacetRoot row is inserted) or leaves (d = -1, called
-- before the row is deleted) the subtree of area r: everything it contributes, in r's list, and
-- area r (with its pillar's year) in every other list it is in.
CREATE FUNCTION partnership_facet_root_change(m bigint, r bigint, d integer) RETURNS void LANGUAGE sql AS $$
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

CREATE FUNCTION partnership_facet_meeting_before() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('partnership.facet_triggers', true), '') <> 'off' THEN
        PERFORM partnership_facet_meeting_items(OLD.id, -1);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION partnership_facet_meeting_after() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('partnership.facet_triggers', true), '') <> 'off' THEN
        PERFORM partnership_facet_meeting_items(NEW.id, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER partnership_facet_meeting_update_before BEFORE UPDATE OF is_public, kind, date, city_record_id
    ON partnership_meeting FOR EACH ROW
    WHEN ((OLD.is_public OR NEW.is_public) AND (OLD.is_public, OLD.kind, OLD.date, OLD.city_record_id)
          IS DISTINCT FROM (NEW.is_public, NEW.kind, NEW.date, NEW.city_record_id))
    EXECUTE FUNCTION partnership_facet_meeting_before();
CREATE TRIGGER partnership_facet_meeting_update_after AFTER UPDATE OF is_public, kind, date, city_record_id
    ON partnership_meeting FOR EACH ROW
    WHEN ((OLD.is_public OR NEW.is_public) AND (OLD.is_public, OLD.kind, OLD.date, OLD.city_record_id)
          IS DISTINCT FROM (NEW.is_public, NEW.kind, NEW.date, NEW.city_record_id))
    EXECUTE FUNCTION partnership_facet_meeting_after();
CREATE TRIGGER partnership_facet_meeting_insert AFTER INSERT ON partnership_meeting FOR EACH ROW
    WHEN (NEW.is_public) EXECUTE FUNCTION partnership_facet_meeting_after();
CREATE TRIGGER partnership_facet_meeting_delete BEFORE DELETE ON partnership_meeting FOR EACH ROW
    WHEN (OLD.is_public) EXECUTE FUNCTION partnership_facet_meeting_before();

CREATE FUNCTION partnership_facet_area_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r bigint;
    left_links integer;
BEGIN
    IF coalesce(current_setting('partnership.facet_triggers', true), '') = 'off' THEN RETURN NULL; END IF;
    -- One area at a time, so each change sees the subtrees the meeting was already in.
    IF TG_OP <> 'INSERT' AND OLD.is_public THEN
        FOR r IN SELECT ancestor_id FROM partnership_areaclosure WHERE area_id = OLD.area_id LOOP
            UPDATE partnership_facetroot SET links = links - 1
            WHERE meeting_id = OLD.meeting_id AND root_id = r RETURNING links INTO left_links;
            IF left_links = 0 THEN
                PERFORM partnership_facet_root_change(OLD.meeting_id, r, -1);
                DELETE FROM partnership_facetroot WHERE meeting_id = OLD.meeting_id AND root_id = r;
            END IF;
        END LOOP;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.is_public THEN
        FOR r IN SELECT ancestor_id FROM partnership_areaclosure WHERE area_id = NEW.area_id LOOP
            INSERT INTO partnership_facetroot AS f (meeting_id, root_id, links) VALUES (NEW.meeting_id, r, 1)
            ON CONFLICT (meeting_id, root_id) DO UPDATE SET links = f.links + 1
            RETURNING links INTO left_links;
            IF left_links = 1 THEN
                PERFORM partnership_facet_root_change(NEW.meeting_id, r, 1);
            END IF;
        END LOOP;
    END IF;
    RETURN NULL;
END $$;
"""

LINK_TRIGGER = """
CREATE FUNCTION partnership_facet_{facet}_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('partnership.facet_triggers', true), '') = 'off' THEN RETURN NULL; END IF;
    IF TG_OP <> 'INSERT' AND OLD.is_public THEN
        PERFORM partnership_facet_add(OLD.meeting_id, '{facet}', OLD.{column}::text, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.is_public THEN
        PERFORM partnership_facet_add(NEW.meeting_id, '{facet}', NEW.{column}::text, 1);
    END IF;
    RETURN NULL;
END $$;
"""

ROW_TRIGGERS = """
CREATE TRIGGER partnership_facet_insert AFTER INSERT ON {table} FOR EACH ROW
    WHEN (NEW.is_public) EXECUTE FUNCTION {function}();
CREATE TRIGGER partnership_facet_update AFTER UPDATE OF is_public, meeting_id, {column} ON {table} FOR EACH ROW
    WHEN ((OLD.is_public OR NEW.is_public) AND (OLD.is_public, OLD.meeting_id, OLD.{column})
          IS DISTINCT FROM (NEW.is_public, NEW.meeting_id, NEW.{column}))
    EXECUTE FUNCTION {function}();
CREATE TRIGGER partnership_facet_delete AFTER DELETE ON {table} FOR EACH ROW
    WHEN (OLD.is_public) EXECUTE FUNCTION {function}();
"""

LINKS = [
    ("partnership_participation", "official", "official_id"),
    ("partnership_meetingorganisation", "organisation", "organisation_id"),
    ("partnership_meetingagreement", "agreement", "agreement_id"),
]


def install_sql() -> str:
    sql = ITEM_VIEW + ";" + TRIGGERS
    for table, facet, column in LINKS:
        sql += LINK_TRIGGER.format(facet=facet, column=column)
        sql += ROW_TRIGGERS.format(table=table, column=column, function=f"partnership_facet_{facet}_link")
    sql += ROW_TRIGGERS.format(table="partnership_meetingarea", column="area_id", function="partnership_facet_area_link")
    return sql


def uninstall_sql() -> str:
    sql = ""
    for table in [t for t, _, _ in LINKS] + ["partnership_meetingarea"]:
        for event in ("insert", "update", "delete"):
            sql += f"DROP TRIGGER IF EXISTS partnership_facet_{event} ON {table};"
    for name in ("update_before", "update_after", "insert", "delete"):
        sql += f"DROP TRIGGER IF EXISTS partnership_facet_meeting_{name} ON partnership_meeting;"
    for _, facet, _ in LINKS:
        sql += f"DROP FUNCTION IF EXISTS partnership_facet_{facet}_link();"
    for function in (
        "partnership_facet_area_link()",
        "partnership_facet_meeting_after()",
        "partnership_facet_meeting_before()",
        "partnership_facet_root_change(bigint, bigint, integer)",
        "partnership_facet_meeting_items(bigint, integer)",
        "partnership_facet_add(bigint, text, text, integer)",
    ):
        sql += f"DROP FUNCTION IF EXISTS {function};"
    return sql + "DROP VIEW IF EXISTS partnership_facetitem;"


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite counts facets by GROUP BY (partnership.facets.maintained)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(install_sql())  # no parameters: several statements, and LIKE's % as written
    # Existing data is counted after the migrations, with today's code (partnership.facets.rebuild,
    # run by post_migrate while this row exists); an empty database is counted as it fills.
    if apps.get_model("partnership", "Meeting").objects.exists():
        apps.get_model("partnership", "FacetStale").objects.create(reason="migration 0013")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(uninstall_sql())


class Migration(migrations.Migration):

    dependencies = [
        ('partnership', '0012_area_vocabulary_additions'),
    ]

    operations = [
        migrations.CreateModel(
            name='AreaClosure',
            fields=[
                ('pk', models.CompositePrimaryKey('area_id', 'ancestor_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('area_id', models.BigIntegerField()),
                ('ancestor_id', models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name='FacetCount',
            fields=[
                ('pk', models.CompositePrimaryKey('scope', 'facet', 'key', blank=True, editable=False, primary_key=True, serialize=False)),
                ('scope', models.BigIntegerField()),
                ('facet', models.CharField(max_length=16)),
                ('key', models.CharField(max_length=40)),
                ('n', models.IntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['scope', 'facet', '-n'], name='facet_count_top_idx')],
            },
        ),
        migrations.CreateModel(
            name='FacetRoot',
            fields=[
                ('pk', models.CompositePrimaryKey('meeting_id', 'root_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('meeting_id', models.BigIntegerField()),
                ('root_id', models.BigIntegerField()),
                ('links', models.IntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['root_id', 'meeting_id'], name='facet_root_area_idx')],
            },
        ),
        migrations.CreateModel(
            name='FacetStale',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=200)),
            ],
        ),
        migrations.AddField(
            model_name='meeting',
            name='is_public',
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name='meetingagreement',
            name='is_public',
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name='meetingarea',
            name='is_public',
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name='meetingorganisation',
            name='is_public',
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name='participation',
            name='is_public',
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunPython(install, uninstall),
    ]
