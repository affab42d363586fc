"""Where meetings happen: a small gazetteer of the cities the releases name.

A city a release names is linked to a City record by any of its spellings; a city first
seen in a release that is listed here gets its coordinates and other names from here, so
the map can place it without a geocoding service. Editors add or correct the rest.
"""

from typing import NamedTuple

from .names import name_key


class KnownCity(NamedTuple):
    name: str
    country: str
    latitude: float
    longitude: float
    aliases: tuple[str, ...] = ()


GAZETTEER = (
    KnownCity("Bandar Seri Begawan", "Brunei Darussalam", 4.9031, 114.9398, ("BSB",)),
    KnownCity("Phnom Penh", "Cambodia", 11.5564, 104.9282),
    KnownCity("Siem Reap", "Cambodia", 13.3671, 103.8448),
    KnownCity("Jakarta", "Indonesia", -6.2088, 106.8456, ("Djakarta",)),
    KnownCity("Denpasar", "Indonesia", -8.6705, 115.2126),
    KnownCity("Vientiane", "Lao PDR", 17.9757, 102.6331, ("Viangchan", "Vientiane Capital")),
    KnownCity("Kuala Lumpur", "Malaysia", 3.1390, 101.6869, ("KL",)),
    KnownCity("Putrajaya", "Malaysia", 2.9264, 101.6964),
    KnownCity("Nay Pyi Taw", "Myanmar", 19.7633, 96.0785, ("Naypyidaw", "Naypyitaw", "Nay Pyi Daw")),
    KnownCity("Yangon", "Myanmar", 16.8409, 96.1735, ("Rangoon",)),
    KnownCity("Manila", "Philippines", 14.5995, 120.9842, ("Metro Manila",)),
    KnownCity("Cebu", "Philippines", 10.3157, 123.8854, ("Cebu City",)),
    KnownCity("Singapore", "Singapore", 1.3521, 103.8198),
    KnownCity("Bangkok", "Thailand", 13.7563, 100.5018, ("Krung Thep",)),
    KnownCity("Chiang Mai", "Thailand", 18.7883, 98.9853),
    KnownCity("Dili", "Timor-Leste", -8.5569, 125.5603),
    KnownCity("Hanoi", "Viet Nam", 21.0278, 105.8342, ("Ha Noi", "Hà Nội")),
    KnownCity("Ho Chi Minh City", "Viet Nam", 10.8231, 106.6297, ("Saigon", "Thành phố Hồ Chí Minh")),
    KnownCity("Da Nang", "Viet Nam", 16.0544, 108.2022, ("Đà Nẵng", "Danang")),
    KnownCity("New York", "United States", 40.7128, -74.0060, ("New York City",)),
    KnownCity("Geneva", "Switzerland", 46.2044, 6.1432, ("Genève",)),
    KnownCity("Vienna", "Austria", 48.2082, 16.3738, ("Wien",)),
    KnownCity("Tokyo", "Japan", 35.6762, 139.6503),
    KnownCity("Beijing", "China", 39.9042, 116.4074),
)


def spellings(record) -> set[str]:
    """Every spelling of a place record, as name keys (works on migrations' historical models too)."""
    return {name_key(name) for name in [record.name, *record.aliases] if name.strip()}


def known_city(text: str) -> KnownCity | None:
    key = name_key(text)
    return next((city for city in GAZETTEER if key in {name_key(n) for n in (city.name, *city.aliases)}), None)


def city_named(model, text: str):
    """The City record text names by any of its spellings; a new one (from the gazetteer when listed) if none does.

    model is passed in so that data migrations can use their historical model.
    """
    key = name_key(text)
    if not key:
        return None
    for city in model._default_manager.all():
        if key in spellings(city):
            return city
    known = known_city(text)
    if known is None:
        return _create(model, name=text.strip())
    return _create(
        model,
        name=known.name,
        country=known.country,
        latitude=known.latitude,
        longitude=known.longitude,
        aliases=[alias for alias in known.aliases if name_key(alias) != name_key(known.name)],
    )


def venue_named(model, text: str, city):
    """The Venue record in city that text names by any of its spellings, created if none does."""
    key = name_key(text)
    if not key:
        return None
    for venue in model._default_manager.filter(city=city):
        if key in spellings(venue):
            return venue
    return _create(model, name=text.strip(), city=city)


def _create(model, **values):
    from .models import unique_slug

    record = model(**values)
    record.slug = unique_slug(record, record.name)
    record.save()
    return record
