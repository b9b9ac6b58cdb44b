"""The finder leaves no trace: no query string of its pages in the server's request log.

Django's development server logs each request line (`django.server`); a WSGI server's
access log must be configured the same way in production (docs/victimes.md).
"""

import logging
import re

FINDER_PREFIX = "/aide-aux-victimes/"
_QUERY = re.compile(r"(/aide-aux-victimes/[^ ?\"]*)\?[^ \"]*")


class RedactFinderQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if FINDER_PREFIX in str(record.msg) or any(
            FINDER_PREFIX in str(arg) for arg in (record.args or ())
        ):
            record.msg = _QUERY.sub(r"\1", record.getMessage())
            record.args = ()
        return True


def install_log_filter():
    for name in ("django.server", "django.request"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactFinderQuery) for f in logger.filters):
            logger.addFilter(RedactFinderQuery())
