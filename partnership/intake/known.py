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

    @classmethod
    def from_database(cls) -> KnownNames:
        """Read (never write) the records a proposal is matched against."""
        from ..models import Agreement, CooperationArea, Official, Organisation

        def known(queryset) -> list[Known]:
            return [Known(r.pk, r.display_name(), r.slug, frozenset(r.name_keys())) for r in queryset]

        areas = CooperationArea.objects.select_related("parent")
        return cls(
            officials=known(Official.objects.all()),
            organisations=known(Organisation.objects.all()),
            areas=[
                Known(a.pk, a.name, a.slug, frozenset(a.name_keys()), a.parent.slug if a.parent else None)
                for a in areas
            ],
            agreements=known(Agreement.objects.all()),
        )

    @staticmethod
    def find(records: list[Known], text: str) -> Known | None:
        key = name_key(text)
        return next((record for record in records if key and key in record.keys), None)
