"""Production settings, security headers, the Content-Security-Policy and admin login throttling."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from .conftest import ROOT
from .html_checks import active_content

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "partnership.example.org",
}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter with the given environment, from the repo root."""
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "partnership.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SETUP = "import django; django.setup()"


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        (
            {
                "DEBUG": "false",
                "SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production",
                "ALLOWED_HOSTS": "example.org",
            },
            "SECRET_KEY",
        ),
        ({"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50)}, "ALLOWED_HOSTS"),
        ({"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key_and_hosts(env, message):
    result = run_python(SETUP, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


@pytest.mark.subprocess
def test_production_starts_with_a_real_secret_key_and_hosts():
    result = run_python(SETUP + "; print('started')", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.subprocess
def test_production_passes_the_deploy_checks_at_warning_level():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def production_settings(**extra: str) -> dict:
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "DEBUG",
    ]
    code = (
        f"{SETUP}; import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = run_python(code, **PRODUCTION_ENV, **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.subprocess
def test_production_defaults_are_strict_and_do_not_trust_proxy_headers():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert (values["SECURE_REFERRER_POLICY"], values["X_FRAME_OPTIONS"]) == ("same-origin", "DENY")
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True


@pytest.mark.subprocess
def test_behind_a_proxy_the_forwarded_proto_header_is_opt_in_and_the_redirect_configurable():
    values = production_settings(SECURE_PROXY_SSL_HEADER="true", SECURE_SSL_REDIRECT="false")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is False


def test_database_connections_are_health_checked_so_a_restart_costs_no_request():
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] > 0


# --- headers and the Content-Security-Policy ---------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_public_pages_send_the_security_headers(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_csp_allows_only_our_own_scripts_and_styles(client, seeded):
    directives = csp_directives(client.get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)


def test_templates_have_no_inline_scripts_or_handlers():
    """A CSP without 'unsafe-inline' blocks them, so none may be written."""
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "javascript:" not in text.lower(), template


def admin_urls() -> list[str]:
    urls = ["admin:index", "admin:password_change"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        # axes' records are written by axes alone, learned spellings by editors' corrections on the Extract screen
        if meta.app_label != "axes" and meta.model_name != "learnedalias":
            urls.append(f"admin:{meta.app_label}_{meta.model_name}_add")
    return urls


def test_admin_pages_run_under_the_csp(admin_client, seeded):
    """The admin loads its scripts from static files, so the strict policy leaves it working."""
    for name in admin_urls():
        response = admin_client.get(reverse(name))
        assert response.status_code == 200, name
        assert csp_directives(response)["script-src"] == ["'self'"], name
        assert active_content(response.text) == [], name


def test_public_pages_have_no_active_content(client, seeded):
    from partnership.models import Meeting

    for url in ["/", Meeting.objects.get().get_absolute_url()]:
        assert active_content(client.get(url).text) == []


# --- login throttling ----------------------------------------------------------------------


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", password="right-horse-battery-staple", is_staff=True, is_superuser=True
    )


def admin_login(client, password, **headers):
    return client.post(
        reverse("admin:login"), {"username": "editor", "password": password, "next": "/admin/"}, **headers
    )


def test_a_right_password_logs_in(client, editor):
    response = admin_login(client, "right-horse-battery-staple")
    assert response.status_code == 302


def test_repeated_wrong_passwords_lock_the_account(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "wrong").status_code == 200
    assert admin_login(client, "wrong").status_code == 429
    response = admin_login(client, "right-horse-battery-staple")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_spoofed_forwarded_for_header_does_not_reset_the_count(client, editor):
    """Each attempt claims a new client address; axes counts the real one and the username."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", HTTP_X_REAL_IP=f"198.51.100.{n}")
    response = admin_login(client, "right-horse-battery-staple", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


def test_the_username_stays_locked_from_another_address(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "wrong")
    response = admin_login(client, "right-horse-battery-staple", REMOTE_ADDR="192.0.2.77")
    assert response.status_code == 429


def test_the_lock_is_temporary():
    assert 0 < settings.AXES_COOLOFF_TIME.total_seconds() <= 24 * 3600
