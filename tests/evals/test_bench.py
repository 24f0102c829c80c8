"""The pieces of `python -m evals bench`: statistics, synthetic growth, latency on a tiny index, targets."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from evals.bench import BenchOptions, check_targets
from evals.bench_scale import table
from evals.bench_search import _at_size
from evals.bench_server import _events, answer_rows
from evals.bench_stats import measure, percentile, summarize
from evals.bench_synth import Grower, Piece, Seed, grow, perturb, seed_of
from knowledge.embedders.hashing import HashingEmbedder
from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk, Document, DocumentType
from knowledge.settings import EmbedderMode, Settings, make_settings

LAW_TEXT = (
    "(1) Werden dem Jugendamt gewichtige Anhaltspunkte für die Gefährdung des Wohls eines Kindes bekannt, "
    "so hat es das Gefährdungsrisiko im Zusammenwirken mehrerer Fachkräfte einzuschätzen. "
    "(2) Hält das Jugendamt das Tätigwerden des Familiengerichts für erforderlich, so hat es das Gericht "
    "anzurufen. Besteht eine dringende Gefahr, so ist das Jugendamt verpflichtet, "
    "das Kind in Obhut zu nehmen."
)
PRESS_TEXT = (
    "Der Kreis lud zum Fachtag stationäre Jugendhilfe ein. Fachkräfte aus Heimen und Wohngruppen "
    "diskutierten über Beteiligung und Beschwerdeverfahren. Die Verwaltung kündigte weitere Treffen an."
)


def _piece(doc_id: str, texts: list[str], *, law: str | None = None) -> Piece:
    document = Document(
        id=doc_id,
        source=f"seed/{doc_id}.md",
        title=f"Titel {doc_id}",
        type=DocumentType.LAW if law else DocumentType.PRESS_RELEASE,
        content_hash=doc_id,
        date=dt.date(2026, 3, 29),
        law=law,
        version_state=dt.date(2026, 3, 29) if law else None,
    )
    chunks = tuple(
        Chunk(
            id=f"{doc_id}:{n}",
            document_id=doc_id,
            ordinal=n,
            text=text,
            section="§ 8a Schutzauftrag" if law else "Fachtag",
            paragraph="§ 8a" if law else None,
        )
        for n, text in enumerate(texts)
    )
    return Piece(document, "\n\n".join(texts), chunks)


@pytest.fixture
def seed() -> Seed:
    return seed_of(
        (
            _piece("sgb8", [LAW_TEXT, LAW_TEXT[::-1], LAW_TEXT], law="SGB VIII"),
            _piece("presse", [PRESS_TEXT] * 2),
        )
    )


# -- statistics ----------------------------------------------------------------------------------
def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([1, 2, 3, 4], 0) == 1
    assert percentile([1, 2, 3, 4], 100) == 4
    assert percentile([7.0], 95) == 7.0
    assert math.isclose(percentile(list(range(1, 101)), 95), 95.05)
    assert math.isclose(percentile(list(range(1, 101)), 95), float(np.percentile(range(1, 101), 95)))


@pytest.mark.parametrize(("values", "q"), [([], 50), ([1.0], -1), ([1.0], 101)])
def test_percentile_rejects_bad_input(values: list[float], q: float) -> None:
    with pytest.raises(ValueError, match=r"percentile|q must"):
        percentile(values, q)


def test_summarize_and_measure_count_every_query_after_warmup() -> None:
    assert summarize([10.0, 20.0, 30.0]) == {
        "n": 3,
        "p50_ms": 20.0,
        "p95_ms": 29.0,
        "mean_ms": 20.0,
        "max_ms": 30.0,
    }
    calls: list[str] = []
    result = measure(calls.append, ["a", "b", "c"], warmup=2)
    assert calls == ["a", "b", "a", "b", "c"]
    assert result["n"] == 3 and result["warmup"] == 2
    assert 0 <= result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]


# -- synthetic growth ----------------------------------------------------------------------------
def test_growth_hands_out_exact_portions_of_distinct_chunks(seed: Seed) -> None:
    grower = Grower(seed)
    first, second = list(grower.take(4)), list(grower.take(9))
    assert [len(p.chunks) for p in first] == [3, 1]  # the second document cut after one chunk
    assert sum(len(p.chunks) for p in second) == 9
    pieces = first + second
    chunk_ids = [c.id for p in pieces for c in p.chunks]
    assert len(chunk_ids) == len(set(chunk_ids)) == 13
    documents = [p.document for p in pieces]
    assert len({d.id for d in documents}) == len({d.source for d in documents}) == len(documents)
    assert all(c.document_id == p.document.id for p in pieces for c in p.chunks)
    # The rest of the cut document follows as a document of its own, then copy 1 of each document.
    assert second[0].document.id == "presse-rest"
    copies = [p for p in pieces if p.document.id.startswith("syn")]
    assert {p.document.id for p in copies} >= {"syn0001-sgb8", "syn0001-presse", "syn0002-sgb8"}
    assert {p.document.law for p in copies} == {"SGB VIII ~1", "SGB VIII ~2", None}


def test_copies_differ_in_words_and_vectors_but_keep_structure(seed: Seed) -> None:
    pieces = list(Grower(seed).take(3 * seed.chunks))
    original, copy1, copy2 = (
        next(p for p in pieces if p.document.id == i) for i in ("sgb8", "syn0001-sgb8", "syn0002-sgb8")
    )
    texts = [c.text for p in (original, copy1, copy2) for c in p.chunks[:1]]
    assert len(set(texts)) == 3
    assert set(copy1.chunks[0].text.split()) != set(original.chunks[0].text.split())  # not just reordered
    vectors = HashingEmbedder().embed_documents(texts)
    assert not np.allclose(vectors[0], vectors[1]) and not np.allclose(vectors[1], vectors[2])
    assert float(vectors[0] @ vectors[1]) > 0.5  # lightly perturbed: still about the same thing
    assert [c.paragraph for c in copy1.chunks] == [c.paragraph for c in original.chunks]
    assert copy1.document.type is original.document.type and copy1.document.date == original.document.date


def test_growth_is_deterministic(seed: Seed) -> None:
    def texts() -> list[str]:
        return [c.text for p in Grower(seed).take(20) for c in p.chunks]

    assert texts() == texts()


def test_perturb_keeps_text_when_there_is_nothing_to_draw_from() -> None:
    import random

    assert perturb("", random.Random(1), ()) == ""
    out = perturb("Ein Satz. Noch ein Satz.", random.Random(1), ())
    assert set(out.split()) <= {"Ein", "Satz.", "Noch", "ein"}


# -- latency on a tiny index -------------------------------------------------------------------
def test_quick_latency_on_a_tiny_grown_index(settings: Settings, seed: Seed) -> None:
    index = KnowledgeIndex.open(settings)
    try:
        documents, chunks = grow(index, Grower(seed).take(30))
        index.rebuild_lexical()
        stats = index.stats()
        assert chunks == stats.chunks == stats.vector_count == stats.lexical_count == 30
        assert documents == stats.documents
        hits = index.search("Gefährdungsrisiko einschätzen Jugendamt", k=10)
        assert hits and hits[0].chunk.paragraph == "§ 8a"
        queries = ["Schutzauftrag bei Kindeswohlgefährdung", "Fachtag stationäre Jugendhilfe", "Inobhutnahme"]
        result = measure(lambda q: index.search(q, k=10), queries * 4, warmup=3)
    finally:
        index.close()
    assert result["n"] == 12
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]


def test_weight_free_latency_alone_on_a_tiny_grown_index(tmp_path: Path, seed: Seed) -> None:
    # The scale bench's path: an n-gram index, no stock baselines beside it.
    data_dir = tmp_path / "var"
    index = KnowledgeIndex.open(make_settings(data_dir=data_dir, embedder=EmbedderMode.NGRAM))
    try:
        grow(index, Grower(seed).take(30))
        index.rebuild_lexical()
    finally:
        index.close()
    queries = ["Schutzauftrag bei Kindeswohlgefährdung", "Fachtag stationäre Jugendhilfe"] * 3
    row = _at_size(data_dir, None, queries, 2, EmbedderMode.NGRAM)
    assert row["chunks"] == 30 and set(row) == {"chunks", "documents", "queries", "k", "ours"}
    assert row["ours"]["n"] == 6 and row["ours"]["cpu_ms_per_query"] > 0 and row["ours"]["first_ms"] > 0
    report = {
        "embedder": "ngram",
        "queries": 6,
        "machine": {"load_average_1m_at_start": 0.5},
        "indexes": {
            "stages": [{"size": 30, "ours": {"chunks_per_second": 900.0, "chunks_per_cpu_second": 1000.0}}]
        },
        "search": [row],
        "memory": {"chunks": 30, "peak_rss_mib": 321.4},
    }
    last = table(report).splitlines()[-1]
    assert last.split("|")[0].strip() == "30" and last.split("|")[-1].strip() == "321"


# -- targets and options -------------------------------------------------------------------------
def test_targets_are_judged_only_where_measured() -> None:
    report = {
        "search": [
            {"chunks": 10_000, "ours": {"p95_ms": 12.0}},
            {"chunks": 100_000, "ours": {"p95_ms": 140.0}},
        ],
        "ask": {"chunks": 3_000, "p95_ms": 50.0},
        "load": {"errors": 0, "log_rows_lost": -2},
    }
    met = {(t["key"], t["chunks"]): t["met"] for t in check_targets(report)}
    assert met == {
        ("search_p95_ms", 10_000): True,
        ("search_p95_ms", 100_000): False,
        ("ask_p95_ms", 10_000): None,  # measured at 3k only
        ("gate_p95_ms", None): None,  # no gate measurement in this report
        ("gate_warmup_s", None): None,
        ("load_errors", None): True,
        ("load_rows_lost", None): False,  # more rows than answers is as wrong as fewer
        ("sync_unchanged_s", None): None,
    }


def test_options_for_other_sizes_put_ask_and_memory_where_they_belong() -> None:
    options = BenchOptions().with_sizes((100_000, 1_000, 20_000))
    assert options.sizes == (1_000, 20_000, 100_000)
    assert (options.ask_size, options.memory_size) == (1_000, 100_000)
    quick = BenchOptions.quick()
    assert quick.users == 8 and quick.duration == 10 and max(quick.sizes) < 10_000


# -- server helpers ------------------------------------------------------------------------------
def test_stream_events_are_parsed_and_missing_log_counts_zero(tmp_path: Path) -> None:
    body = (
        'event: delta\ndata: {"text": "a: b"}\n\n'
        'event: done\ndata: {"log_id": "x1", "status": "answered"}\n\n'
    )
    assert dict(_events(body)) == {"delta": {"text": "a: b"}, "done": {"log_id": "x1", "status": "answered"}}
    assert answer_rows(tmp_path) == 0
