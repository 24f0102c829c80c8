"""Collections inside retrieval: the Chroma `where`, the lexical mask, the restricted index view, the
move to another collection (vector metadata follows, nothing re-embedded); on the embedded stack and on the
Chroma server + PostgreSQL (a place of its own on the session's server stack, also in `make test`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.collections import collection_name, collection_names
from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk, Document, DocumentType
from knowledge.search import HybridSearcher, SearchFilter
from knowledge.settings import EmbedderMode, Settings, make_settings
from tests.stacks import EMBEDDED, SERVER, ServerStack

SECRET_WORD = "Zwergfledermausprotokoll"


def _put(index: KnowledgeIndex, doc_id: str, text: str, collection: str) -> None:
    document = Document(
        id=doc_id,
        source=f"{doc_id}.md",
        title=f"Titel {doc_id}",
        type=DocumentType.OTHER,
        content_hash=f"h-{doc_id}",
        collection=collection,
    )
    chunk = Chunk(id=f"{doc_id}:0", document_id=doc_id, ordinal=0, text=text, paragraph="§ 1")
    index.put(document, text, [chunk])


@pytest.fixture(params=[EMBEDDED, pytest.param(SERVER, marks=pytest.mark.server_stack)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    if request.param == EMBEDDED:
        yield make_settings(data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING)
        return
    stack: ServerStack = request.getfixturevalue("server_stack")
    place = stack.place()
    yield make_settings(data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING, **place.overrides)
    stack.release(place)


@pytest.fixture
def index(settings: Settings) -> Iterator[KnowledgeIndex]:
    index = KnowledgeIndex.open(settings)
    _put(index, "asd-doc", f"Das {SECRET_WORD} regelt die Hausbesuche des ASD.", "asd")
    _put(index, "general-doc", "Die Hausbesuche im Allgemeinen Sozialen Dienst.", "allgemein")
    yield index
    index.close()


def _dense_ids(index: KnowledgeIndex, search_filter: SearchFilter) -> set[str]:
    vector = index.embedder.embed_query(f"{SECRET_WORD} Hausbesuche")
    found = index.stores.vectors.search(vector, 10, search_filter.vector_filter())
    return {chunk_id.split(":")[0] for chunk_id, _ in found}


def _lexical_ids(index: KnowledgeIndex, search_filter: SearchFilter) -> set[str]:
    searcher = HybridSearcher(index)
    view = searcher._current()
    mask = searcher._lexical_mask(view, search_filter)
    found = view.lexical.search(f"{SECRET_WORD.lower()} hausbesuche", 10, mask, None)
    return {view.owners[chunk_id] for chunk_id, _ in found}


def test_vector_search_filters_inside_chroma(index: KnowledgeIndex) -> None:
    assert _dense_ids(index, SearchFilter()) == {"asd-doc", "general-doc"}
    assert _dense_ids(index, SearchFilter(collections=frozenset({"allgemein"}))) == {"general-doc"}
    assert _dense_ids(index, SearchFilter(collections=frozenset({"asd"}))) == {"asd-doc"}
    assert _dense_ids(index, SearchFilter(collections=frozenset())) == set()
    index.close()


def test_lexical_mask_filters_before_ranking(index: KnowledgeIndex) -> None:
    assert "asd-doc" in _lexical_ids(index, SearchFilter())
    assert _lexical_ids(index, SearchFilter(collections=frozenset({"allgemein"}))) == {"general-doc"}
    assert _lexical_ids(index, SearchFilter(collections=frozenset({"asd", "allgemein"}))) == {
        "asd-doc",
        "general-doc",
    }
    index.close()


def test_restricted_view_hides_documents_everywhere(index: KnowledgeIndex) -> None:
    view = index.restricted_to(frozenset({"allgemein"}))
    assert {hit.document.id for hit in view.search(SECRET_WORD, k=5)} <= {"general-doc"}
    assert view.document("asd-doc") is None and index.document("asd-doc") is not None
    assert view.chunks_of("asd-doc") == [] and view.document_text("asd-doc") is None
    assert view.chunks(["asd-doc:0", "general-doc:0"]).keys() == {"general-doc:0"}
    assert view.document_paragraph("asd-doc", "§ 1") == []
    assert [d.id for d in view.documents()] == ["general-doc"]
    assert {d.id for d in index.documents()} == {"asd-doc", "general-doc"}  # the index itself is whole
    assert index.restricted_to(None) is index
    assert index.search(SECRET_WORD, k=1)[0].document.id == "asd-doc"
    index.close()


def test_moving_a_document_updates_its_vector_metadata(index: KnowledgeIndex) -> None:
    vectors_before = index.stores.vectors.count()
    assert index.set_collection(["asd-doc"], "allgemein") == 1
    assert index.set_collection(["asd-doc"], "allgemein") == 0  # already there
    assert index.stores.vectors.metadata_of(["asd-doc:0"])["asd-doc:0"]["collection"] == "allgemein"
    assert index.stores.vectors.count() == vectors_before
    public = index.restricted_to(frozenset({"allgemein"}))
    assert public.search(SECRET_WORD, k=1)[0].document.id == "asd-doc"
    assert _dense_ids(index, SearchFilter(collections=frozenset({"asd"}))) == set()
    assert index.repair(dry_run=True).stale_metadata == 0
    index.close()


def test_collection_names_are_checked() -> None:
    assert collection_name("Kita-Aufsicht") == "kita-aufsicht"
    assert collection_names(["asd,kita", "allgemein"]) == {"asd", "kita", "allgemein"}
    for bad in ("", "-asd", "asd team", "asd_team", "ä"):
        with pytest.raises(ValueError, match="Ungültiger Sammlungsname"):
            collection_name(bad)


def test_vectors_of_an_older_index_learn_their_collection_without_embedding(index: KnowledgeIndex) -> None:
    """As migration c002 leaves an index: vectors without a collection, every document journaled."""
    chunk_ids = ["asd-doc:0", "general-doc:0"]
    index.stores.vectors.update_metadata(chunk_ids, [{"collection": None}] * 2)  # type: ignore[dict-item]
    index.stores.catalog.journal_add("metadata", ["asd-doc", "general-doc"])
    public = SearchFilter(collections=frozenset({"allgemein"}))
    assert _dense_ids(index, public) == set()  # fails closed: no vector without its collection
    assert _lexical_ids(index, public) == {"general-doc"}
    index.catch_up()  # what `web serve` and every ingest command do first
    stored = index.stores.vectors.metadata_of(chunk_ids)
    assert {stored[c]["collection"] for c in chunk_ids} == {"asd", "allgemein"}
    assert _dense_ids(index, public) == {"general-doc"}
    index.close()
