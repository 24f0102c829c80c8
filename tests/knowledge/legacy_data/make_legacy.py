"""How `assistant.sqlite3` and `index/catalog.sqlite3` here were made: with the code of main at 9529723,
the last version whose catalog used raw sqlite3 and whose web tables came from `create_all`.

    mkdir -p /tmp/legacy/docs/{press,laws/2022,laws/2026}   # the KKG twice (2026: retitled), one release
    cd /tmp/legacy && PYTHONPATH=<checkout at 9529723> python make_legacy.py var
    sqlite3 var/assistant.sqlite3 VACUUM; sqlite3 var/index/catalog.sqlite3 VACUUM

`tests/knowledge/test_database_migration.py` opens a copy with the current code and checks every row.
"""

import sys
from datetime import timedelta
from pathlib import Path

from assistant.log import Verdict
from assistant.service import Assistant
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings
from web.accounts import AccountStore, Role
from web.db import create_tables
from web.session_store import SessionStore
from web.throttle import LoginThrottle

settings = make_settings(data_dir=Path(sys.argv[1]), embedder=EmbedderMode.HASHING)
index = KnowledgeIndex.open(settings)
report = IngestPipeline(index).add([Path("docs/press"), Path("docs/laws")])
index.close()
assistant = Assistant.build(settings)
answer = assistant.ask("Was regelt das KKG zur Beratung von Berufsgeheimnisträgern?", user="fachkraft")
assert answer.log_id
assistant.review(answer.log_id, reviewer="leitung", verdict=Verdict.KORREKT, comment="passt")
assistant.feedback(answer.log_id, user="fachkraft", helpful=True)
engine = assistant.answer_log.engine
create_tables(engine)
AccountStore(engine).add("leitung", frozenset({Role.LEITUNG}), password="ein-langes-testpasswort")
print(
    "session token:",
    SessionStore(engine, max_age=timedelta(hours=8), idle=timedelta(hours=1)).start("leitung"),
)
LoginThrottle(engine, assistant.secret(), max_failures=5, max_address_failures=50, window_seconds=900).admit(
    "leitung", "10.0.0.1"
)
assistant.close()
