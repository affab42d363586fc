"""The knowledge base as a gazetteer: every existing record under every name it goes by."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache

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

    @classmethod
    def cached(cls) -> KnownNames:
        """from_database(), read and prepared again only when the knowledge base has changed.

        Building the gazetteer over tens of thousands of records takes seconds, so the Extract
        screen keeps it per process. It is keyed by the facts' generation (every save of a name moves it on),
        by a token the shared cache holds until it is flushed (a flush starts the generation again
        at 1) and by each table's row count and highest id (rows a rolled-back transaction removed).
        """
        from ..cache import facts_generation

        cache.add(_EPOCH_KEY, uuid.uuid4().hex, timeout=None)
        key = (cache.get(_EPOCH_KEY), facts_generation(), _fingerprint())
        with _LOCK:
            if _MEMO.get("key") == key:
                return _MEMO["known"]
        known = cls.from_database()
        from .engine import prepare

        prepare(known)
        with _LOCK:
            _MEMO.clear()
            _MEMO.update(key=key, known=known)
        return known

    @staticmethod
    def find(records: list[Known], text: str) -> Known | None:
        key = name_key(text)
        return next((record for record in records if key and key in record.keys), None)


_EPOCH_KEY = "partnership:intake:gazetteer-epoch"
_MEMO: dict = {}
_LOCK = threading.Lock()


def _fingerprint() -> tuple:
    from django.db.models import Count, Max

    from ..models import Agreement, CooperationArea, Official, Organisation

    return tuple(
        tuple(model.objects.aggregate(n=Count("pk"), last=Max("pk")).values())
        for model in (Official, Organisation, CooperationArea, Agreement)
    )
