"""Keep typed text out of the server log (policy rule 2): no query strings, no exception messages.

uvicorn's access log writes the path with its query string ("GET /documents?q=kevin+schulz"), and its
error log prints an exception's message, which may quote the request body. Both loggers get a filter
that keeps what operators need (method, path, status; exception type and traceback lines) and drops
what a person typed.
"""

from __future__ import annotations

import logging
import traceback


class _WithoutQueryString(logging.Filter):
    """uvicorn.access logs `(client, method, path_with_query, http_version, status)`: cut the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


class _WithoutExceptionMessage(logging.Filter):
    """Tracebacks keep their frames and the exception's type, not its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, tb = record.exc_info
            frames = "".join(traceback.format_tb(tb))
            record.exc_text = (
                f"Traceback (most recent call last):\n{frames}{kind.__name__} (Meldung nicht protokolliert)"
            )
        return True


def install_log_privacy() -> None:
    """Add the filters once per process (creating the app twice adds nothing)."""
    for name, kind in (("uvicorn.access", _WithoutQueryString), ("uvicorn.error", _WithoutExceptionMessage)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
