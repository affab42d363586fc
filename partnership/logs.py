"""Log records as JSON lines on stderr: one object per line, a traceback inside it, never across lines."""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """time, level, logger, message; the request's method, path and status when Django gives them; the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
            entry["client"] = request.META.get("REMOTE_ADDR")
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                entry["user"] = user.get_username()
        if getattr(record, "status_code", None) is not None:
            entry["status"] = record.status_code
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class SkipNotFound(logging.Filter):
    """Django logs every 4xx; a 404 is a crawler or a typo, not an event anyone needs to read."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 404
