"""Named pause points for crash tests: `pause_at(settings, "upload:indexed", "a.md")` blocks the request
for good when `JHA_TEST_PAUSE_AT` lists `upload:indexed` or `upload:indexed@a.md` (comma-separated), so a
test can kill -9 the server at exactly that step, with several uploads held at different steps at once.

Off by default (the setting is empty) and then inert: one comparison, no other effect.
"""

from __future__ import annotations

import logging
import threading

from web.settings import WebSettings

log = logging.getLogger(__name__)


def pause_at(settings: WebSettings, point: str, subject: str = "") -> None:
    if not settings.test_pause_at:
        return
    wanted = {part.strip() for part in settings.test_pause_at.split(",")}
    if point not in wanted and f"{point}@{subject}" not in wanted:
        return
    log.warning("Testhaltepunkt %s@%s erreicht: die Anfrage wartet, bis der Prozess endet.", point, subject)
    threading.Event().wait()
