"""The controlled vocabulary of cooperation areas, and how it is merged into CooperationArea.

The thesaurus lives in cooperation-areas.yaml (docs/decisions/0010-area-vocabulary.md). Merging
adds what is missing and never takes anything away: an existing area keeps its name, parent and
the aliases editors gave it, and gains the vocabulary's alternative labels.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..names import name_key

PATH = Path(__file__).with_name("cooperation-areas.yaml")


@dataclass(frozen=True)
class Concept:
    """One concept: slug, preferred label, alternative labels, scope note and broader concept (a slug)."""

    slug: str
    label: str
    alt: tuple[str, ...]
    note: str
    broader: str | None

    def labels(self) -> list[str]:
        return [self.label, *self.alt]


@functools.cache
def concepts() -> tuple[Concept, ...]:
    """Every concept, each after its broader one."""
    found: list[Concept] = []

    def walk(tree: dict, broader: str | None) -> None:
        for slug, entry in tree.items():
            alt = tuple(str(label) for label in entry.get("alt", []))
            found.append(Concept(slug, entry["label"], alt, entry.get("note", ""), broader))
            walk(entry.get("narrower") or {}, slug)

    walk(yaml.safe_load(PATH.read_text(encoding="utf-8")), None)
    return tuple(found)


def merge(model) -> dict[str, int]:
    """Add the vocabulary to the areas table (model may be a migration's historical model).

    A concept is the existing area with its slug, or else with one of its labels; that area gains
    the labels it lacks, a scope note if it has none and a broader area if it has none. Otherwise
    the concept is created.
    """
    by_slug = {area.slug: area for area in model.objects.all()}
    by_key = {}
    for area in by_slug.values():
        for key in _keys(area):
            by_key.setdefault(key, area)
    created = updated = 0
    for concept in concepts():
        area = by_slug.get(concept.slug) or next(
            (by_key[name_key(label)] for label in concept.labels() if name_key(label) in by_key), None
        )
        parent = by_slug.get(concept.broader) if concept.broader else None
        if area is None:
            area = model(slug=concept.slug, name=concept.label, aliases=list(concept.alt), description=concept.note)
            area.parent = parent
            area.save()
            created += 1
        else:
            taken = {key for key, owner in by_key.items() if owner.pk != area.pk}
            known = _keys(area)
            missing = [label for label in concept.labels() if name_key(label) not in known | taken]
            changes = bool(missing) or (not area.description and concept.note) or (area.parent_id is None and parent)
            if not changes:
                by_slug[concept.slug] = area
                continue
            area.aliases = [*area.aliases, *dict.fromkeys(missing)]
            area.description = area.description or concept.note
            if area.parent_id is None and parent is not None and parent.pk != area.pk:
                area.parent = parent
            area.save()
            updated += 1
        by_slug[concept.slug] = area
        for key in _keys(area):
            by_key.setdefault(key, area)
    return {"created": created, "updated": updated}


def unmerge(model, only: set[str] | None = None) -> int:
    """Remove the vocabulary's areas that nothing uses (no meeting, agreement, outcome or narrower area).

    only: just these concepts (a later migration that added them undoes only its own).
    """
    slugs = [concept.slug for concept in concepts() if only is None or concept.slug in only]
    removed = 0
    for slug in reversed(slugs):  # narrower concepts first
        unused = model.objects.filter(
            slug=slug,
            meeting_links__isnull=True,
            agreements__isnull=True,
            outcomes__isnull=True,
            children__isnull=True,
        )
        if unused.delete()[0]:
            removed += 1
    return removed


def _keys(area) -> set[str]:
    return {name_key(name) for name in [area.name, *area.aliases] if name and name.strip()}
