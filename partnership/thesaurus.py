"""The cooperation areas as a thesaurus: browsed as a tree with meeting counts, exported as SKOS.

Each area is a SKOS concept: `name` is its preferred label, `aliases` its alternative labels,
`parent` its broader concept and `description` its scope note. rdflib writes the Turtle and
JSON-LD, so escaping and syntax are a well-tested library's job, not ours.
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from .models import CooperationArea, Meeting, MeetingArea

FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
}
SCHEME_TITLE = "ASEAN–UN cooperation areas"


def areas_with_meeting_counts():
    """Public areas, each with the number of public meetings linked to it directly (one query)."""
    links = (
        MeetingArea.objects.public()
        .filter(area=OuterRef("pk"), meeting__in=Meeting.objects.public())
        .order_by()
        .values("area")
        .annotate(count=Count("meeting", distinct=True))
        .values("count")
    )
    return CooperationArea.objects.public().annotate(
        meeting_count=Coalesce(Subquery(links, output_field=IntegerField()), 0)
    )


def area_tree():
    """The vocabulary as nested (area, children) pairs, each area with its meeting count."""
    return areas_with_meeting_counts().tree()


def skos_graph(base_url: str) -> Graph:
    """Every public area as a concept of one scheme; `base_url` is the site's root (http://host)."""
    areas = list(CooperationArea.objects.public().order_by("name"))
    known = {area.pk for area in areas}
    site = Namespace(base_url.rstrip("/"))
    scheme = URIRef(site["/areas/"])

    def concept(area) -> URIRef:
        return URIRef(site[area.get_absolute_url()])

    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dct", DCTERMS)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal(SCHEME_TITLE, lang="en")))
    by_pk = {area.pk: area for area in areas}
    for area in areas:
        node = concept(area)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, SKOS.prefLabel, Literal(area.name, lang="en")))
        graph.add((node, SKOS.notation, Literal(area.slug)))
        for alias in area.aliases:
            graph.add((node, SKOS.altLabel, Literal(alias, lang="en")))
        if area.description:
            graph.add((node, SKOS.scopeNote, Literal(area.description, lang="en")))
        if area.parent_id in known:
            parent = concept(by_pk[area.parent_id])
            graph.add((node, SKOS.broader, parent))
            graph.add((parent, SKOS.narrower, node))
        else:
            graph.add((node, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, node))
    return graph


def skos_export(base_url: str, extension: str) -> tuple[str, str]:
    """The vocabulary serialised as Turtle (`ttl`) or JSON-LD (`jsonld`), with its content type."""
    rdf_format, content_type = FORMATS[extension]
    return skos_graph(base_url).serialize(format=rdf_format), content_type
