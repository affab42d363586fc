"""The knowledge base as a gazetteer: every existing record under every name it goes by."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..names import name_key
from .proposal import Known


@dataclass
class KnownNames:
    """Every existing official, organisation, area and agreement, by name key."""

    officials: list[Known] = field(default_factory=list)
    organisations: list[Known] = field(default_factory=list)
    areas: list[Known] = field(default_factory=list)
    agreements: list[Known] = field(default_factory=list)
    # What the engine builds from these names once (the gazetteer, indexes), kept for the next release.
    prepared: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_database(cls) -> KnownNames:
        """Read (never write) the records a proposal is matched against."""
        from ..models import Agreement, CooperationArea, Official, Organisation

        def known(record, parent=None) -> Known:
            labels = [record.display_name(), *record.aliases]
            labels += [getattr(record, name, "") for name in ("acronym", "short_title") if getattr(record, name, "")]
            return Known(
                record.pk, record.display_name(), record.slug, frozenset(record.name_keys()), parent, tuple(labels)
            )

        areas = CooperationArea.objects.select_related("parent")
        return cls(
            officials=[known(r) for r in Official.objects.all()],
            organisations=[known(r) for r in Organisation.objects.all()],
            areas=[known(a, a.parent.slug if a.parent else None) for a in areas],
            agreements=[known(r) for r in Agreement.objects.all()],
        )

    @staticmethod
    def find(records: list[Known], text: str) -> Known | None:
        key = name_key(text)
        return next((record for record in records if key and key in record.keys), None)
