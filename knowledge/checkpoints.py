"""Named points in an index write where a kill -9 test can stop the writing process.

Inert unless `JHA_TEST_PAUSE_AT` names a step: then the process writes `paused-at-STEP` (its pid) into
the data directory and sleeps until it is killed. "STEP:N" pauses at the N-th time the step is reached.
Steps: `vectors_written` (new vectors in Chroma, catalog not yet committed), `catalog_committed` (catalog
switched, old vectors not yet deleted), `document_done` (one document fully written),
`before_lexical` (all documents written, lexical index not yet rebuilt), `removed_from_catalog`.
"""

from __future__ import annotations

import os
import time
from collections import Counter

from knowledge.settings import Settings

_reached: Counter[str] = Counter()


def checkpoint(settings: Settings, step: str) -> None:
    wanted = settings.test_pause_at
    if not wanted:
        return
    name, _, nth = wanted.partition(":")
    if name != step:
        return
    _reached[step] += 1
    if _reached[step] < int(nth or 1):
        return
    marker = settings.data_dir / f"paused-at-{step}"
    marker.write_text(str(os.getpid()), encoding="utf-8")
    while True:  # until the test kills this process
        time.sleep(60)
