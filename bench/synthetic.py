"""Synthetic data at scale for the benchmark: realistic, proportional, deterministic.

Every row is generated from one random.Random(seed) with explicit primary keys, so the
same seed and scale give the same database. Rows are written with COPY on PostgreSQL
(hundreds of thousands of rows a second) and with executemany elsewhere.

It lives with the benchmark, not in the app: nothing the site serves depends on it. Import
it once Django is set up (bench/seed.py, bench/run.py and the tests do).
"""

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from partnership import facets
from partnership import models as m
from partnership.cache import invalidate
from partnership.names import slug_for
from partnership.places import city_named, venue_named

FIRST_NAMES = [
    "Lê", "Nguyễn", "Phạm", "Trần", "Hoàng", "Đặng", "Vũ", "Bùi", "Siti", "Nur", "Ahmad", "Hj. Awang", "Dato' Sri",
    "Somchai", "Prayuth", "Suthida", "Kittiphong", "Ratana", "Maria", "José", "Ramón", "Ma. Cristina", "Aung",
    "Thura", "Khin", "Hun", "Sok", "Bounthong", "Phonesavanh", "Miroslav", "Ján", "António", "Amina", "Ban",
    "Achim", "Jürgen", "Zoë", "François", "Inês", "Björn", "Łukasz", "Dewi", "Retno", "Joko", "Halimah", "Vivian",
]  # fmt: skip
LAST_NAMES = [
    "Lương Minh", "Tấn Dũng", "Bình Minh", "Quốc Cường", "Thị Hương", "Marsudi", "Widodo", "Wirajuda", "Ismail",
    "Abdul Razak", "Hamzah", "Chan-o-cha", "Sihasak", "Phuangketkeow", "Ramos-Horta", "Albert", "del Rosario",
    "Manalo", "Lin", "Kyaw Tint Swe", "Hor Namhong", "Prak Sokhonn", "Saleumxay", "Jenča", "Kubiš", "Guterres",
    "Mohammed", "Steiner", "Lajčák", "Grønvold", "Świątek", "Müller", "Hernández", "Pérez", "Yeo", "Balakrishnan",
    "Tan", "Lim", "Soemadi", "Kusumaatmadja", "Sabri", "Wongsuwan", "Đỗ", "Phạm Bình", "Nzeyimana", "O'Brien",
]  # fmt: skip
HONORIFICS = ["H.E.", "H.E.", "Dr.", "", "", "", "Ambassador", "Dato'", "Mr.", "Ms."]
POST_TITLES = [
    "Secretary-General", "Deputy Secretary-General", "Assistant Secretary-General for Political Affairs",
    "Minister for Foreign Affairs", "Permanent Representative", "Director-General", "Executive Director",
    "Resident Coordinator", "Under-Secretary-General", "Special Envoy", "Head of Delegation", "Senior Official",
]  # fmt: skip
ORG_STEMS = [
    ("Association of Southeast Asian Nations", "ASEAN", m.OrganisationKind.INTERGOVERNMENTAL),
    ("United Nations", "UN", m.OrganisationKind.INTERGOVERNMENTAL),
    ("ASEAN Secretariat", "ASEC", m.OrganisationKind.SECRETARIAT),
    ("Department of Political and Peacebuilding Affairs", "DPPA", m.OrganisationKind.DEPARTMENT),
    ("United Nations Development Programme", "UNDP", m.OrganisationKind.AGENCY),
    ("United Nations Environment Programme", "UNEP", m.OrganisationKind.AGENCY),
    ("Economic and Social Commission for Asia and the Pacific", "ESCAP", m.OrganisationKind.AGENCY),
    ("Office for the Coordination of Humanitarian Affairs", "OCHA", m.OrganisationKind.AGENCY),
    ("ASEAN Coordinating Centre for Humanitarian Assistance", "AHA Centre", m.OrganisationKind.SECTORAL_BODY),
    ("ASEAN Intergovernmental Commission on Human Rights", "AICHR", m.OrganisationKind.SECTORAL_BODY),
]
COUNTRIES = [
    "Brunei Darussalam", "Cambodia", "Indonesia", "Lao PDR", "Malaysia", "Myanmar", "the Philippines", "Singapore",
    "Thailand", "Việt Nam", "Timor-Leste",
]  # fmt: skip
PILLARS = ["Political-Security", "Economic", "Socio-Cultural", "Cross-Pillar"]
AREA_TOPICS = [
    "Conflict prevention", "Preventive diplomacy", "Peacekeeping", "Counter-terrorism", "Transnational crime",
    "Disaster management", "Humanitarian assistance", "Climate change", "Biodiversity", "Haze pollution",
    "Sustainable development", "Poverty eradication", "Public health", "Pandemic preparedness", "Education",
    "Gender equality", "Human rights", "Migrant workers", "Connectivity", "Trade facilitation", "Digital economy",
    "Statistics", "Food security", "Energy", "Water resources", "Urban resilience", "Youth", "Culture",
    "Maritime cooperation", "Cybersecurity", "Rule of law", "Elections", "Mine action", "Nuclear safety",
]  # fmt: skip
CITIES = [
    ("ASEAN Secretariat", "Jakarta"), ("United Nations Headquarters", "New York"), ("Palais des Nations", "Geneva"),
    ("UN Conference Centre", "Bangkok"), ("Sofitel Plaza", "Hà Nội"),
    ("Kuala Lumpur Convention Centre", "Kuala Lumpur"),
    ("Philippine International Convention Center", "Manila"), ("Shangri-La Hotel", "Singapore"),
    ("Peace Palace", "Phnom Penh"), ("National Convention Centre", "Vientiane"), ("Myanmar International Convention "
    "Centre", "Nay Pyi Taw"), ("International Convention Centre", "Bandar Seri Begawan"), ("", "Đà Nẵng"),
]  # fmt: skip
# Words for summaries: common ones appear in most meetings, rare ones in a handful.
COMMON_WORDS = ["cooperation", "partnership", "implementation", "capacity building", "dialogue", "coordination"]
RARE_WORDS = ["mangrove restoration", "peatland", "tsunami early warning", "unexploded ordnance", "dengue"]
OUTCOME_TEXTS = [
    "the importance of the comprehensive partnership between ASEAN and the UN",
    "to strengthen cooperation on {topic}",
    "progress in implementing the Plan of Action on {topic}",
    "the proposal for a joint workshop on {topic} in {city}",
    "continued support for {topic} in {country}",
]
MEETING_PATTERNS = [
    (m.MeetingKind.BILATERAL, "Meeting of {a} and {b}"),
    (m.MeetingKind.BILATERAL, "{a} calls on {b}"),
    (m.MeetingKind.WORKING_LEVEL, "ASEAN–UN Working Group on {topic}"),
    (m.MeetingKind.CONFERENCE, "Regional Workshop on {topic}"),
    (m.MeetingKind.MINISTERIAL, "ASEAN–UN Ministerial Meeting"),
    (m.MeetingKind.SUMMIT, "ASEAN–UN Summit"),
]
FIRST_YEAR, LAST_YEAR = 1977, 2026


@dataclass
class Scale:
    """How many of each record go with a number of meetings."""

    meetings: int
    organisations: int = field(init=False)
    officials: int = field(init=False)
    areas: int = field(init=False)
    agreements: int = field(init=False)
    releases: int = field(init=False)

    def __post_init__(self):
        n = self.meetings
        self.organisations = max(len(ORG_STEMS), n // 500)
        self.officials = max(20, n // 20)
        self.areas = max(8, min(len(AREA_TOPICS) * 4, n // 2000))
        self.agreements = max(5, n // 200)
        self.releases = max(1, -(-n // 4))  # a release reports four meetings


def skewed(rng: random.Random, count: int, power: float = 2.0) -> int:
    """An index in range(count), low indexes much more likely: a few officials and areas are in most meetings."""
    return min(count - 1, int(count * rng.random() ** power))


def write_rows(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """Insert rows (tuples in the order of columns) into the model's table; COPY on PostgreSQL."""
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            batch: list[tuple] = []
            sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"
            for row in rows:
                batch.append(row)
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    count, batch = count + len(batch), []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


MODELS_IN_LOAD_ORDER = [
    m.Organisation,
    m.CooperationArea,
    m.PressRelease,
    m.Official,
    m.Post,
    m.Agreement,
    m.Agreement.parties.through,
    m.Agreement.areas.through,
    m.Meeting,
    m.Participation,
    m.MeetingOrganisation,
    m.MeetingArea,
    m.MeetingAgreement,
    m.Outcome,
    m.Relationship,
]


def clear_records() -> None:
    """Delete every knowledge-base record (the benchmark's --replace)."""
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in MODELS_IN_LOAD_ORDER)
        extra = [m.Outcome.areas.through, m.Outcome.agreements.through, m.Agreement.takes_into_account.through]
        tables += ", " + ", ".join(connection.ops.quote_name(model._meta.db_table) for model in extra)
        with connection.cursor() as cursor:
            # Deferred foreign-key checks of earlier writes in this transaction must run before TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return
    for model in [m.Outcome, m.Participation, m.MeetingOrganisation, m.MeetingArea, m.MeetingAgreement, m.Meeting]:
        model.objects.all().delete()
    for model in [m.Relationship, m.Post, m.Agreement, m.Official, m.PressRelease]:
        model.objects.all().delete()
    # Trees deeper than two levels (the area vocabulary) protect their parents: cut the links first.
    m.CooperationArea.objects.update(parent=None)
    m.CooperationArea.objects.all().delete()
    m.Organisation.objects.exclude(parent=None).delete()
    m.Organisation.objects.all().delete()


class Generator:
    """Builds and writes the rows for one scale and seed."""

    def __init__(self, meetings: int, seed: int = 2015):
        self.scale = Scale(meetings)
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def write(self, model, columns, rows) -> None:
        self.counts[str(model._meta.verbose_name_plural)] = write_rows(model, columns, rows)

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.organisations()
            self.areas()
            self.releases()
            self.officials()
            self.agreements()
            self.meetings()
            self.relationships()
            self.reset_sequences()
            facets.rebuild()  # COPY sends no signals: the facet flags and counts are computed once here
        # Fresh statistics for the planner, and the GIN indexes' pending lists merged: rows COPY wrote
        # wait in a GIN index's pending list, which the planner prices so high that it scanned every
        # meeting for a rare word (51 ms against 0.07 ms at 20,000). Not inside a caller's transaction
        # (a test's): VACUUM cannot run there, and a rollback would leave estimates of rows now gone.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        invalidate()  # COPY sends no signals
        return self.counts

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def date(self) -> datetime.date:
        # More meetings in recent years, as the partnership grew.
        year = LAST_YEAR - skewed(self.rng, LAST_YEAR - FIRST_YEAR + 1, 1.6)
        return datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def organisations(self):
        rows, self.org_names = [], []
        for pk in range(1, self.scale.organisations + 1):
            if pk <= len(ORG_STEMS):
                name, acronym, kind = ORG_STEMS[pk - 1]
                parent = None if pk <= 2 else (1 if "ASEAN" in name else 2)
            else:
                country = self.rng.choice(COUNTRIES)
                topic = self.rng.choice(AREA_TOPICS)
                name, acronym = f"National Committee on {topic}, {country} ({pk})", ""
                kind, parent = m.OrganisationKind.MEMBER_STATE, 1
            self.org_names.append(acronym or name)
            rows.append((pk, name, acronym, kind, parent, f"{slug_for(name)[:70]}-{pk}", "[]", ""))
        self.write(
            m.Organisation, ["id", "name", "acronym", "kind", "parent_id", "slug", "aliases", "description"], rows
        )

    def areas(self):
        rows, self.area_names = [], {}
        for pk, pillar in enumerate(PILLARS, start=1):
            rows.append((pk, f"{pillar} Pillar", None))
        for pk in range(len(PILLARS) + 1, self.scale.areas + len(PILLARS) + 1):
            index = pk - len(PILLARS) - 1
            topic = AREA_TOPICS[index % len(AREA_TOPICS)]
            name = topic if index < len(AREA_TOPICS) else f"{topic} ({index // len(AREA_TOPICS) + 1})"
            rows.append((pk, name, 1 + index % len(PILLARS)))
            self.area_names[pk] = name
        self.area_ids = list(self.area_names)
        self.write(
            m.CooperationArea,
            ["id", "name", "parent_id", "slug", "aliases", "description"],
            ((pk, name, parent, f"{slug_for(name)[:70]}-{pk}", "[]", "") for pk, name, parent in rows),
        )

    def releases(self):
        # Bodies are written with the meetings they report, so releases are built in meetings().
        self.release_rows: list[tuple] = []

    def officials(self):
        official_rows, post_rows, self.official_names, self.posts_of = [], [], [], {}
        post_pk = 0
        for pk in range(1, self.scale.officials + 1):
            name = self.person_name()
            self.official_names.append(name)
            slug = f"{slug_for(name)[:70]}-{pk}"
            aliases = f'["{name.split()[-1]}"]' if self.rng.random() < 0.3 else "[]"
            official_rows.append((pk, name, self.rng.choice(HONORIFICS), slug, aliases, ""))
            start = datetime.date(self.rng.randint(FIRST_YEAR, LAST_YEAR - 10), 1, 1)
            for _ in range(1 if self.rng.random() < 0.6 else 2):
                post_pk += 1
                end = None if self.rng.random() < 0.3 else start.replace(year=start.year + 4)
                organisation = 1 + skewed(self.rng, self.scale.organisations)
                title = self.rng.choice(POST_TITLES)
                post_rows.append((post_pk, pk, organisation, title, start, "year", end, "year", None, None))
                self.posts_of.setdefault(pk, post_pk)
                start = start.replace(year=start.year + 5)
        self.write(m.Official, ["id", "name", "honorific", "slug", "aliases", "description"], official_rows)
        self.write(
            m.Post,
            [
                "id",
                "official_id",
                "organisation_id",
                "title",
                "start_date",
                "start_precision",
                "end_date",
                "end_precision",
                "source_id",
                "source_paragraph",
            ],  # fmt: skip
            post_rows,
        )

    def agreements(self):
        rows, parties, areas = [], [], []
        kinds = [kind for kind, _ in m.AgreementKind.choices]
        statuses = [status for status, _ in m.AgreementStatus.choices]
        self.agreement_ids = list(range(1, self.scale.agreements + 1))
        for pk in self.agreement_ids:
            topic = self.rng.choice(AREA_TOPICS)
            year = self.rng.randint(FIRST_YEAR, LAST_YEAR)
            kind = self.rng.choice(kinds)
            title = f"{m.AgreementKind(kind).label} on {topic} ({year}, no. {pk})"
            rows.append(
                (pk, title, "", kind, self.rng.choice(statuses), datetime.date(year, 1, 1), "year")
                + (f"{slug_for(title)[:70]}-{pk}", "[]", "", None, None)
            )
            parties += [(pk, 1), (pk, 2)]
            areas.append((pk, self.rng.choice(self.area_ids)))
        self.write(
            m.Agreement,
            [
                "id",
                "title",
                "short_title",
                "kind",
                "status",
                "signed_date",
                "signed_precision",
                "slug",
                "aliases",
                "description",
                "source_id",
                "source_paragraph",
            ],  # fmt: skip
            rows,
        )
        self.write(m.Agreement.parties.through, ["agreement_id", "organisation_id"], parties)
        self.write(m.Agreement.areas.through, ["agreement_id", "cooperationarea_id"], areas)

    def meetings(self):
        """Meetings and their links, four to a release; each fact cites its release and paragraph."""
        rng, scale = self.rng, self.scale
        meeting_rows, participation_rows, organisation_rows, area_rows, agreement_rows, outcome_rows = (
            [],
            [],
            [],
            [],
            [],
            [],
        )
        release_rows = []
        outcome_kinds = [kind for kind, _ in m.OutcomeKind.choices]
        link_pk = {"participation": 0, "organisation": 0, "area": 0, "agreement": 0, "outcome": 0}

        def next_pk(kind):
            link_pk[kind] += 1
            return link_pk[kind]

        # Few places and many meetings: the place records are made (or found) once, through the ORM.
        places = {}
        for venue, city in CITIES:
            city_record = city_named(m.City, city)
            places[venue, city] = (venue_named(m.Venue, venue, city_record), city_record)
        for release_pk in range(1, scale.releases + 1):
            first = (release_pk - 1) * 4 + 1
            meeting_pks = range(first, min(first + 4, scale.meetings + 1))
            paragraphs, release_date = [], None
            for paragraph, meeting_pk in enumerate(meeting_pks, start=1):
                day = self.date()
                release_date = max(release_date or day, day)
                officials = sorted({1 + skewed(rng, scale.officials) for _ in range(rng.randint(2, 4))})
                a, b = self.official_names[officials[0] - 1], self.official_names[officials[-1] - 1]
                areas = sorted({self.area_ids[skewed(rng, len(self.area_ids), 1.5)] for _ in range(rng.randint(1, 3))})
                topic = self.area_names[areas[0]]
                venue, city = rng.choice(CITIES)
                kind, pattern = rng.choice(MEETING_PATTERNS)
                title = pattern.format(a=a, b=b, topic=topic)
                words = rng.sample(COMMON_WORDS, 2)
                if rng.random() < 0.002:
                    words.append(rng.choice(RARE_WORDS))
                summary = (
                    f"{a} and {b} met in {city} to discuss {topic.lower()} and {' and '.join(words)} "
                    f"between ASEAN and the United Nations in {rng.choice(COUNTRIES)}."
                )
                precision = "day" if rng.random() < 0.9 else "month"
                if precision == "month":
                    day = day.replace(day=1)
                slug = f"{day:%Y-%m-%d}-{slug_for(title)[:60]}-{meeting_pk}"
                meeting_rows.append(
                    (meeting_pk, title, slug, day, precision, venue, city, kind, summary, release_pk, paragraph)
                    + tuple(record.pk if record else None for record in places[venue, city])
                )
                paragraphs.append(f"{city}, {day:%d %B %Y} — {summary}")
                for position, official in enumerate(officials):
                    role = m.ParticipantRole.HOST if position == 0 else m.ParticipantRole.VISITOR
                    participation_rows.append(
                        (next_pk("participation"), meeting_pk, official, role, self.posts_of[official])
                        + (release_pk, paragraph)
                    )
                for organisation in sorted({1, 2, 1 + skewed(rng, scale.organisations)}):
                    organisation_rows.append((next_pk("organisation"), meeting_pk, organisation, release_pk, paragraph))
                for area in areas:
                    area_rows.append((next_pk("area"), meeting_pk, area, release_pk, paragraph))
                if rng.random() < 0.5:
                    agreement = self.agreement_ids[skewed(rng, len(self.agreement_ids))]
                    agreement_rows.append((next_pk("agreement"), meeting_pk, agreement, release_pk, paragraph))
                for position in range(rng.randint(1, 3)):
                    text = rng.choice(OUTCOME_TEXTS).format(
                        topic=topic.lower(), city=city, country=rng.choice(COUNTRIES)
                    )
                    kind_ = rng.choice(outcome_kinds)
                    outcome_rows.append((next_pk("outcome"), meeting_pk, kind_, text, position, release_pk, paragraph))
            status = m.ReleaseStatus.DRAFT if rng.random() < 0.02 else m.ReleaseStatus.PUBLISHED
            title = f"ASEAN and UN officials meet ({release_pk})"
            release_rows.append(
                (release_pk, title, f"{release_date:%Y-%m-%d}-asean-and-un-officials-meet-{release_pk}", 3)
                + (rng.choice(CITIES)[1], release_date, "\n\n".join(paragraphs), "", status, self.now, self.now)
            )
        self.write(
            m.PressRelease,
            [
                "id",
                "title",
                "slug",
                "publisher_id",
                "dateline_place",
                "date",
                "body",
                "original_url",
                "status",
                "created_at",
                "updated_at",
            ],  # fmt: skip
            release_rows,
        )
        sourced = ["source_id", "source_paragraph"]
        self.write(
            m.Meeting,
            ["id", "title", "slug", "date", "date_precision", "venue", "city", "kind", "summary", *sourced]
            + ["venue_record_id", "city_record_id"],
            meeting_rows,
        )
        self.write(
            m.Participation, ["id", "meeting_id", "official_id", "role", "post_id", *sourced], participation_rows
        )
        self.write(m.MeetingOrganisation, ["id", "meeting_id", "organisation_id", *sourced], organisation_rows)
        self.write(m.MeetingArea, ["id", "meeting_id", "area_id", *sourced], area_rows)
        self.write(m.MeetingAgreement, ["id", "meeting_id", "agreement_id", *sourced], agreement_rows)
        self.write(m.Outcome, ["id", "meeting_id", "kind", "text", "position", *sourced], outcome_rows)

    def relationships(self):
        self.write(
            m.Relationship,
            [
                "id",
                "from_organisation_id",
                "to_organisation_id",
                "kind",
                "since_date",
                "since_precision",
                "description",
            ],
            [
                (
                    1,
                    1,
                    2,
                    m.RelationshipKind.COOPERATION,
                    datetime.date(1970, 1, 1),
                    "decade",
                    "Cooperation since the 1970s.",
                )
            ],
        )

    def reset_sequences(self):
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), MODELS_IN_LOAD_ORDER):
                cursor.execute(sql)


def generate(meetings: int, seed: int = 2015) -> dict[str, int]:
    """Write a synthetic knowledge base of about this many meetings; returns rows written per kind."""
    return Generator(meetings, seed).run()


class SeedError(Exception):
    """The database cannot be seeded as asked."""


def seed(*, meetings: int, seed: int = 2015, replace: bool = False) -> dict[str, int]:
    """Fill the database with `meetings` synthetic meetings and the records that go with them.

    Refuses to add to a database that already has meetings unless `replace` deletes every record first.
    """
    if meetings < 1:
        raise SeedError("--meetings must be 1 or more.")
    if m.Meeting.objects.exists() and not replace:
        raise SeedError("The database already has meetings; pass --replace to delete every record first.")
    # Without meetings the database holds only reference data (the area vocabulary a migration loads),
    # which the synthetic records replace: their ids are written explicitly.
    clear_records()
    return generate(meetings, seed)
