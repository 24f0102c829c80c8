from __future__ import annotations

from datetime import date

from knowledge.index import KnowledgeIndex
from knowledge.lexical_store import FORMAT
from knowledge.settings import Settings
from tests.knowledge.test_index import _doc


def test_a_generation_of_another_format_is_rebuilt_when_the_index_opens(settings: Settings) -> None:
    index = KnowledgeIndex.open(settings)
    index.put(
        *_doc("a", "Vollzeitpflege in einer Pflegefamilie", digest="v1", law="X", state=date(2020, 1, 1))
    )
    lexical = settings.index_dir / "lexical"
    generation = lexical / (lexical / "CURRENT").read_text(encoding="utf-8")
    assert (generation / "format").read_text(encoding="utf-8") == FORMAT
    (generation / "format").unlink()  # as the bm25s layout of earlier versions had none
    index.close()

    reader = KnowledgeIndex.open(settings)
    assert reader.stores.lexical.on_disk_version() == reader.stores.catalog.version
    rebuilt = lexical / (lexical / "CURRENT").read_text(encoding="utf-8")
    assert rebuilt != generation  # the old one stays one generation for readers mid-load
    assert reader.search("Pflegefamilie", k=1)[0].document.id == "a"
