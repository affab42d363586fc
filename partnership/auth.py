"""Login throttling: django-axes' check, for logins that come through a request."""

from axes.backends import AxesStandaloneBackend


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
