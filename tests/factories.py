"""Plain factory functions for records the tests need beyond the fixture."""

import datetime
import itertools

from partnership.models import (
    CooperationArea,
    Meeting,
    MeetingArea,
    Official,
    Organisation,
    Post,
    PressRelease,
    ReleaseStatus,
)

_counter = itertools.count(1)


def organisation(**values) -> Organisation:
    n = next(_counter)
    return Organisation.objects.create(**{"name": f"Organisation {n}", **values})


def official(**values) -> Official:
    n = next(_counter)
    return Official.objects.create(**{"name": f"Official {n}", **values})


def area(**values) -> CooperationArea:
    n = next(_counter)
    return CooperationArea.objects.create(**{"name": f"Area {n}", **values})


def release(**values) -> PressRelease:
    n = next(_counter)
    values.setdefault("publisher", values.get("publisher") or organisation())
    return PressRelease.objects.create(
        **{
            "title": f"Release {n}",
            "dateline_place": "Jakarta",
            "date": datetime.date(2016, 1, 1),
            "body": "First paragraph.\n\nSecond paragraph.",
            "status": ReleaseStatus.PUBLISHED,
            **values,
        }
    )


def meeting(*, areas=(), **values) -> Meeting:
    n = next(_counter)
    values.setdefault("source", values.get("source") or release())
    values.setdefault("source_paragraph", 1)
    created = Meeting.objects.create(**{"title": f"Meeting {n}", "date": datetime.date(2016, 1, 1), **values})
    for item in areas:
        MeetingArea.objects.create(meeting=created, area=item)
    return created


def post(**values) -> Post:
    values.setdefault("official", values.get("official") or official())
    values.setdefault("organisation", values.get("organisation") or organisation())
    return Post.objects.create(**{"title": "Secretary-General", **values})
