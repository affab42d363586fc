"""gunicorn settings for production: `make serve-prod`, or `gunicorn partnership.wsgi`.

Read from the environment so one file serves the machine and the drills (bench/drill.py).
"""

import gc
import os

from partnership.env import behind_tls_proxy, web_concurrency

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
workers = web_concurrency()
worker_class = "sync"
# A request that hangs is killed and its worker replaced, rather than holding a slot forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Enough headers and fields for any real form, and a hard limit for hostile ones.
limit_request_fields = 100
limit_request_line = 8190
# Access lines on stdout; gunicorn's own messages and the app's JSON log lines on stderr
# (settings.LOGGING), where the process manager collects them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)ss pid=%(p)s'
errorlog = "-"
# Forwarded headers are believed only behind a TLS proxy (SECURE_PROXY_SSL_HEADER, the same
# switch the settings read): otherwise any local client could send X-Forwarded-Proto: https
# and make the app emit HSTS and https:// links. Django reads the header itself then, so
# gunicorn never rewrites the scheme.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1") if behind_tls_proxy() else ""
secure_scheme_headers = {}
# No runtime control socket: nothing uses it, and every gunicorn on a machine would share its
# one default path (tests, drills and the benchmark start their own).
control_socket_disable = True


def post_worker_init(worker):
    """Put what the worker has loaded (modules, settings, URL patterns: about 190,000 objects) out of
    the garbage collector's reach: they live as long as the worker, and every full collection walked
    them all. A rendered list takes about 8 % less time, a record page 7-14 %."""
    gc.collect()
    gc.freeze()
