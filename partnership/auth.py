"""Login throttling: django-axes' check for logins that come through a request, the lockout
rule (a username for guessing, an address only at a higher limit) and the client address."""

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class ThrottledLoginBackend(AxesStandaloneBackend):
    """Refuses a locked-out login; passes over authentication that has no request.

    Every login form (the admin's included) authenticates with the request, so every one
    is throttled. Code that calls ``authenticate()`` without one (Django's test client
    ``login()``, management commands) has no client to throttle, and axes would raise.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database records, counted per username against AXES_FAILURE_LIMIT and per address
    against AXES_ADDRESS_FAILURE_LIMIT; a success clears that username's records only.

    axes alone counts both against one limit, and a success deletes every record of the
    address too: four guesses at one account, a good login at another, repeat, and the first
    account could be guessed for ever; and one editor's typos locked the whole office.
    """

    def get_failures(self, request, credentials=None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_username = _failures(recent.filter(username=username)) if username else 0
        if _failures(recent.filter(ip_address=request.axes_ip_address)) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # axes compares one number with AXES_FAILURE_LIMIT: a locked address counts as at that limit.
            return max(by_username, settings.AXES_FAILURE_LIMIT)
        return by_username

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def client_ip(request) -> str:
    """The client's address: the socket's, or behind NUM_PROXIES proxies the address the
    outermost one saw (as Django REST framework's throttle counts it, so both agree)."""
    proxies = settings.NUM_PROXIES
    forwarded = [address.strip() for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")
