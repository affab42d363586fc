"""Reading the environment: shared by the settings and gunicorn.conf.py, which must agree."""

import multiprocessing
import os


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def web_concurrency() -> int:
    """gunicorn's worker count; the settings need it to know whether a cache must be shared."""
    return int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))


def behind_tls_proxy() -> bool:
    """A TLS-terminating proxy sets X-Forwarded-Proto; without one, no client may claim HTTPS."""
    return env_bool("SECURE_PROXY_SSL_HEADER", False)
