"""Caching that stays honest: every cached value is keyed by a generation that a write to a
knowledge-base record moves on, so an editor's save is seen on the next request.

Three generations, from the broadest to the narrowest:

- `generation()` moves on with every write: whole pages and search results are keyed by it.
- `facts_generation()` moves on with every write except a save that changes only fields no
  list's parts read (a model's `outside_list_parts`: a meeting's title and summary, a release's
  text): the other lists' parts, the home page's counts, the area trees and the pictures are
  keyed by it. So an editor correcting a summary re-renders each list around its kept parts.
- `records_generation()` moves on with every write but those, and but a write to a meeting or
  one of its links: the meetings list's parts are keyed by it and kept while the scope token of
  their filters is unchanged (partnership/scopes.py). So a meeting's new date rebuilds the lists
  filtered by what it is linked to (and the unfiltered list), not every area's and official's.
  The pillars a year chart draws are keyed by it too.

Django's cache framework, shared by every worker in production so a save in one worker
invalidates all: Redis when REDIS_URL is set, the database otherwise (settings.CACHES refuses
a per-process cache with more than one worker). Local memory in development.
"""

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_migrate, pre_save
from django.http import HttpResponse
from django.utils import timezone

from . import scopes, versions

GENERATION_KEY = "partnership:generation"
FACTS_GENERATION_KEY = "partnership:facts-generation"
RECORDS_GENERATION_KEY = "partnership:records-generation"


def generation() -> int:
    """The current generation of the knowledge base's data: every write moves it on."""
    return _read(GENERATION_KEY)


def facts_generation() -> int:
    """The current generation of what lists count, filter, order and label: every write but one
    that changes only fields outside the lists' parts moves it on."""
    return _read(FACTS_GENERATION_KEY)


def records_generation() -> int:
    """The current generation of everything but meetings and their links (names, the area tree,
    releases): what a meetings list's parts are keyed by, beside their scope token (scopes.py)."""
    return _read(RECORDS_GENERATION_KEY)


def _read(name: str) -> int:
    value = cache.get(name)
    if value is None:
        cache.add(name, 1, timeout=None)
        value = cache.get(name, 1)
    return value


def invalidate() -> None:
    """Move on to a new generation, and forget every record page: for writes that send no signal."""
    _next_generation()
    versions.forget_all()


ALL_GENERATIONS = (GENERATION_KEY, FACTS_GENERATION_KEY, RECORDS_GENERATION_KEY)


def _next_generation(names: tuple[str, ...] = ALL_GENERATIONS) -> None:
    """Move the given generations on (by default all): every value cached under them is no longer read."""
    for name in names:
        try:
            cache.incr(name)
        except ValueError:
            cache.set(name, 2, timeout=None)


# Per process, the last value read of each generation: a value kept under it is read in the same round trip.
_generation_seen: dict[str, int] = {}


def cached(
    key: str, compute: Callable[[], Any], timeout: int | None = None, *, facts: bool = False, records: bool = False
) -> Any:
    """compute(), kept in the cache for this generation of the data; with facts, for this
    generation of the facts (for values no field outside the lists' parts goes into); with records,
    for this generation of the records (for values no meeting and no link of one goes into).

    The key is hashed: it carries a visitor's query string, which may be long or odd, and
    cache backends limit keys (memcached to 250 printable characters).
    """
    name, prefix = (
        (RECORDS_GENERATION_KEY, "r") if records else (FACTS_GENERATION_KEY, "f") if facts else (GENERATION_KEY, "g")
    )
    full_key, value = _under_generation(name, prefix, hashlib.sha256(key.encode()).hexdigest())
    if value is None:

        def compute_and_keep():
            value = compute()
            cache.set(full_key, value, settings.CACHE_TIMEOUT if timeout is None else timeout)
            return value

        value = computed_once(full_key, lambda: cache.get(full_key), compute_and_keep)
    return value


def _under_generation(name: str, prefix: str, key: str) -> tuple[str, Any]:
    """(the full key of `key` under the generation `name` now, the value there or None), in one round
    trip while the generation is the one this process saw last: both are read together."""
    guess = _generation_seen.get(name)
    found = cache.get_many([name, f"partnership:{prefix}{guess}:{key}"]) if guess is not None else {}
    now = found.get(name)
    if now is None:
        now = _read(name)
    _generation_seen[name] = now
    full_key = f"partnership:{prefix}{now}:{key}"
    return full_key, found.get(full_key) if now == guess else cache.get(full_key)


def cached_in_scope(key: str, compute: Callable[[], tuple[Any, str, str]]) -> Any:
    """compute()'s value, kept under the records' generation and served while the scope token it
    depends on is what it was before compute() read the data (scopes.py).

    compute() returns (value, token name, token value read before the data).

    The value is kept with the generation and the token it was computed under, so a rendered list
    reads it, the generation and the token in one round trip (the token's name guessed from the
    last time this process saw the key), where it took three.
    """
    full_key = f"partnership:scoped:{hashlib.sha256(key.encode()).hexdigest()}"

    read_generation = []  # the records' generation as the first reading found it

    def current():
        guess = _scope_seen.get(full_key)
        found = cache.get_many([full_key, RECORDS_GENERATION_KEY, *([guess] if guess else [])])
        now = found.get(RECORDS_GENERATION_KEY)
        if now is None:
            now = records_generation()
        if not read_generation:
            read_generation.append(now)
        hit = found.get(full_key)
        if hit is None:
            return None
        value, name, seen, generation = hit
        _remember(_scope_seen, full_key, name)
        if generation != now:
            return None
        token = found[name] if name == guess and name in found else scopes.seen(name)
        return (value,) if token == seen else None

    def compute_and_keep(generation):
        value, name, seen = compute()
        cache.set(full_key, (value, name, seen, generation), settings.CACHE_TIMEOUT)
        _remember(_scope_seen, full_key, name)
        return (value,)

    found = current()
    if found is None:
        generation = read_generation[0]  # read before the data is, as the token is
        # One worker computes each generation's value; a worker still computing an older one
        # does not hold up this one.
        found = computed_once(f"{full_key}:r{generation}", current, lambda: compute_and_keep(generation))
    return found[0]


# Per process, the scope token each value kept in scope was last seen with: read with it.
# Only a guess, like _dependencies_seen below: the token named in the value is what is checked.
_scope_seen: dict[str, str] = {}


# The first requests after a save miss the same values in several workers at once (the unfiltered
# list, the other lists, home, search): one worker computes each, the others wait for it instead
# of computing it too. On two cores, five workers computing the same 0.3-1 s list at once took
# the first list after a date save to a second.
COMPUTING_WAIT = 3.0  # seconds a worker waits for another's value before computing it itself
COMPUTING_POLL = 0.01
COMPUTING_LOCK_TIMEOUT = 30  # a lock left by a worker killed while computing expires


def computed_once(full_key: str, read: Callable[[], Any], compute_and_keep: Callable[[], Any]) -> Any:
    """compute_and_keep() (which stores its value under full_key), unless another worker is already
    computing it: then what read() finds once it is stored (read() returns None until a value valid
    now is there), or, if that worker fails or takes longer than COMPUTING_WAIT, computed here too.
    A value is only ever read under the key and checks the caller would apply to its own."""
    lock = f"{full_key}:computing"
    if cache.add(lock, 1, COMPUTING_LOCK_TIMEOUT):
        try:
            return compute_and_keep()
        finally:
            cache.delete(lock)
    deadline = time.monotonic() + COMPUTING_WAIT
    while time.monotonic() < deadline:
        time.sleep(COMPUTING_POLL)
        found = read()
        if found is not None:
            return found
        if cache.get(lock) is None:  # the other worker is done: kept a value, or failed
            found = read()
            if found is not None:
                return found
            break
    return compute_and_keep()


def cached_for_record(record, part: str, compute: Callable[[], tuple[Any, bool]]) -> Any:
    """A part of a record's page counted over its meetings (its latest meetings, its pictures):
    kept under the records' generation while no meeting linked to the record is written, by the
    record's scope token (scopes.py), which such a write replaces. So a corrected summary
    elsewhere, or on a meeting it shows, re-renders its page without counting its meetings again.

    compute() returns (the part, whether it read counts over every public meeting): such a part
    (pictures.record_counts) is kept by the token every meeting's write replaces instead, as a
    write elsewhere while it is counted could leave it wrong."""
    name = scopes.token(record._meta.model_name, record.pk)

    def compute_in_scope():
        # Before the data is read: a write meanwhile leaves the part stale.
        seen, seen_everywhere = scopes.seen(name), scopes.seen(scopes.MEETINGS)
        value, over_every_meeting = compute()
        return (value, scopes.MEETINGS, seen_everywhere) if over_every_meeting else (value, name, seen)

    return cached_in_scope(f"{part}:{name}", compute_in_scope)


def cached_page(view):
    """Serve a public page from the cache for this generation of the data.

    Only anonymous GETs answered 200 that set no cookie and used no CSRF token are kept, so no
    page holds anything personal; the middleware still runs on every response (headers, CSP).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key, hit = _under_generation(GENERATION_KEY, "g", f"page:{digest}")
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        return _render_and_keep(key, view, request, *args, **kwargs)

    return wrapper


def _render_and_keep(key: str, view, request, *args, **kwargs):
    """The view's response, stored under key when it is a page anyone may be served."""
    response = view(request, *args, **kwargs)
    keep = (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )
    if keep:
        cache.set(key, (response.content, response["Content-Type"]), settings.CACHE_TIMEOUT)
    return response


def cached_record_page(view):
    """Serve a record's page from the cache while every record it shows is unchanged (partnership/versions.py).

    The view returns its response with `depends_on`, the version keys of every record the page
    draws from. A cached page is served only while each of those versions is what it was when
    the page was rendered, so a save elsewhere leaves it alone and a save that touches it is seen
    on the next request, in every worker. The page holds nothing personal (no per-user part, no
    form, no cookie), so staff and editors get it too. It is keyed by address without the query
    string (no record page reads one) and by today's date (the footer and "cite this" print it).
    """
    return _cached_by_versions(view, with_query=False)


def cached_list_page(view):
    """cached_record_page for a list: keyed by its query string too, and kept while its parts' keys
    (a generation, a scope token) and the versions of the records in its rows are unchanged. So a
    corrected summary or title re-renders only the list pages showing that meeting as a row."""
    return _cached_by_versions(view, with_query=True)


def _cached_by_versions(view, *, with_query: bool):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE or request.method != "GET":
            return view(request, *args, **kwargs)
        path = request.get_full_path() if with_query else request.path
        address = f"{request.scheme}://{request.get_host()}{path}|{timezone.localdate().isoformat()}"
        key = f"partnership:record-page:{hashlib.sha256(address.encode()).hexdigest()}"
        # One round trip: the page and the versions it depended on when this process last saw it.
        guess = _dependencies_seen.get(key, ())
        found = cache.get_many([key, *guess, GENERATION_KEY])
        hit = found.get(key)
        if hit is not None:
            content, content_type, depends_on, seen = hit
            now = tuple(found.get(name) for name in guess) if depends_on == guess else versions.current(depends_on)
            _remember(_dependencies_seen, key, depends_on)
            if now == seen:
                return HttpResponse(content, content_type=content_type)
        # A save committed while this page renders moves the generation on after its data is
        # visible and before its versions change: the page is then not stored at all, so it can
        # never be kept under versions newer than the rows it was drawn from. Read with the page,
        # before the view reads any data.
        before = found.get(GENERATION_KEY) or generation()
        response = view(request, *args, **kwargs)
        depends_on = tuple(sorted({*getattr(response, "depends_on", ()), versions.EPOCH_KEY}))
        keep = (
            hasattr(response, "depends_on")
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )
        if keep:
            # The versions and the generation in one reading: a save's new generation, if it is
            # there, is seen with them.
            *seen, after = versions.current([*depends_on, GENERATION_KEY])
            seen = tuple(seen)
            if after == before:
                entry = (response.content, response["Content-Type"], depends_on, seen)
                cache.set(key, entry, settings.RECORD_PAGE_TIMEOUT)
                _remember(_dependencies_seen, key, depends_on)
        return response

    return wrapper


# Per process, the version keys each cached record page depended on when last seen: a hit then
# reads the page and its versions together. Only a guess: the page's own list is what is checked.
_dependencies_seen: dict[str, tuple] = {}
# Each of these per-process guesses holds at most this many keys, then starts again.
_SEEN_MAX = 20_000


def _remember(seen: dict, key: str, value) -> None:
    if len(seen) >= _SEEN_MAX and key not in seen:
        seen.clear()
    seen[key] = value


def _ours(model) -> bool:
    # History rows are written beside every save and no public page reads them.
    if model._meta.model_name.startswith("historical"):
        return False
    return model._meta.app_label == "partnership" or getattr(model._meta, "auto_created", False)


def _before_save(sender, instance, raw=False, **kwargs):
    outside = getattr(sender, "outside_list_parts", None)
    if raw or not outside or instance._state.adding or instance.pk is None:
        return
    watched = [field.attname for field in sender._meta.concrete_fields if field.name not in outside]
    instance._facts_before = sender._base_manager.filter(pk=instance.pk).values(*watched).first()


def _facts_unchanged(instance, created: bool) -> bool:
    """Whether a save changed only fields outside the lists' parts (known only for models that
    name such fields, and only for a row that existed before)."""
    before = instance.__dict__.pop("_facts_before", None)
    if created or before is None:
        return False
    return all(getattr(instance, name) == value for name, value in before.items())


def _on_write(sender, signal=None, instance=None, created=False, **kwargs):
    if not _ours(sender):
        return
    if signal is post_save and _facts_unchanged(instance, created):
        moved = (GENERATION_KEY,)
    elif signal in (post_save, post_delete) and scopes.is_meeting_write(instance):
        # A meeting or one of its links: the lists filtered by what it is linked to, not every list.
        moved = (GENERATION_KEY, FACTS_GENERATION_KEY)
        tokens = scopes.moved_by(instance)
        versions.bump(tokens)
        transaction.on_commit(lambda: versions.bump(tokens))
    else:
        moved = ALL_GENERATIONS
    # Now, for reads later in this transaction, and again after commit, so a request racing the
    # transaction cannot keep old data cached under the new generation.
    _next_generation(moved)
    transaction.on_commit(lambda: _next_generation(moved))


def _create_cache_table(sender, using, **kwargs):
    # The database cache's table comes with every migrate, wherever the app is deployed, and
    # before the migrations: their writes invalidate the cache.
    if sender.name == "partnership":
        call_command("createcachetable", database=using, verbosity=0)


def connect_signals() -> None:
    pre_save.connect(_before_save, dispatch_uid="partnership-cache-pre-save")
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"partnership-cache-{signal!r}")
    pre_migrate.connect(_create_cache_table, dispatch_uid="partnership-cache-table")


def shared_page(view):
    """cached_page for pages that show everyone the same thing: signed-in staff read the page too.

    The public lists and search show nothing that depends on who asks (no drafts, no names, no
    forms with a token), so an editor checking a list after a save reads the same page a visitor
    does, as fast: a stored page is served before anything asks who is signed in, so a hit reads
    neither the session nor the user. A page is still stored only from an anonymous request, under
    cached_page's rules, so nothing rendered for a signed-in user is ever served to anyone else.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE or request.method != "GET":
            return view(request, *args, **kwargs)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key, hit = _under_generation(GENERATION_KEY, "g", f"page:{digest}")
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        if not request.user.is_authenticated:
            return _render_and_keep(key, view, request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper
