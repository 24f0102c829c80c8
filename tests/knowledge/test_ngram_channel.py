"""The weight-free similarity channel: n-grams of the lexical tokens in the lexical snapshot, no Chroma."""

from __future__ import annotations

import itertools
import logging
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from knowledge.embedders.ngram import NgramEmbedder
from knowledge.index import KnowledgeIndex
from knowledge.lexical import LexicalEntry, LexicalSnapshot
from knowledge.lexical_store import SnapshotLexicalIndex
from knowledge.models import Chunk, Document, DocumentType
from knowledge.ngram_channel import NgramChannel, _query_grams
from knowledge.settings import EmbedderMode, make_settings
from tests.stacks import EMBEDDED_ONLY

LEGACY = Path(__file__).parent / "legacy_data"  # recorded "hashing-cw-char4-6-d4096"

_ENTRIES = [
    LexicalEntry("kwg", "Gefährdung des Kindeswohls: das Jugendamt schätzt das Risiko ein"),
    LexicalEntry("geld", "Elterngeld für Selbständige und Angestellte"),
    LexicalEntry("kita", "Anspruch auf einen Platz in einer Tageseinrichtung", paragraph="§ 24"),
]


def test_compound_finds_its_phrase_where_no_word_matches() -> None:
    snapshot = LexicalSnapshot.build(_ENTRIES, 1, ngrams=True)
    # BM25 would need the compound split; the n-grams match it as written.
    assert snapshot.similar("Kindeswohlgefährdungen", k=3)[0][0] == "kwg"
    scores = dict(snapshot.similar("Kindeswohlgefährdungen", k=3))
    assert scores["kwg"] > scores.get("geld", 0.0) + 0.1


def test_the_mask_filters_before_ranking() -> None:
    snapshot = LexicalSnapshot.build(_ENTRIES, 1, ngrams=True)
    allowed = np.array([0, 1, 1], dtype=np.float32)
    assert "kwg" not in {chunk_id for chunk_id, _ in snapshot.similar("Kindeswohlgefährdung", 3, allowed)}
    with pytest.raises(ValueError, match="Maske"):
        snapshot.similar("Kindeswohl", 3, np.ones(2, dtype=np.float32))


def test_a_snapshot_without_the_channel_has_no_similar_chunks() -> None:
    assert LexicalSnapshot.build(_ENTRIES, 1).similar("Kindeswohlgefährdung", 3) == []


def test_channel_scores_survive_save_and_load(tmp_path: Path) -> None:
    channel = NgramChannel.build([["kindeswohl", "gefährdung"], ["elterngeld"], []])
    channel.save(tmp_path / "ngrams")
    loaded = NgramChannel.load(tmp_path / "ngrams")
    query = ["kindeswohlgefährdung"]
    assert np.array_equal(channel.scores(query), loaded.scores(query))
    assert channel.scores(query)[2] == 0.0 and channel.scores(query)[0] > 0.5


def test_scores_are_the_cosine_of_sublinear_tf_vectors() -> None:
    # The byte counts and the inverse norms must add up to the plain cosine.
    chunks = [["kindeswohl", "kindeswohl", "gefährdung"], ["elterngeld", "kindergeld"], ["jugendamt"]]
    channel = NgramChannel.build(chunks)
    vectorizer = HashingVectorizer(
        analyzer="char_wb", ngram_range=(4, 6), n_features=2**20, alternate_sign=False, norm=None
    )
    rows = vectorizer.transform([" ".join(words) for words in chunks])
    rows.data = np.log1p(rows.data)
    query = vectorizer.transform(["kindeswohlgefährdung kindergeld"])
    query.data = np.log1p(query.data)
    expected = cosine_similarity(query, rows)[0]
    assert np.allclose(channel.scores(["kindeswohlgefährdung", "kindergeld"]), expected, atol=1e-6)


def test_loaded_channel_scores_long_queries_as_the_cosine_too(tmp_path: Path) -> None:
    # Posting list by posting list from the memory maps: many n-grams, repeated ones, unknown ones.
    chunks = [["kindeswohlgefährdung", "schutzauftrag"] * (n % 3 + 1) + [f"wort{n}"] for n in range(40)]
    chunks.append([])
    NgramChannel.build(chunks).save(tmp_path / "ngrams")
    channel = NgramChannel.load(tmp_path / "ngrams")
    vectorizer = HashingVectorizer(
        analyzer="char_wb", ngram_range=(4, 6), n_features=2**20, alternate_sign=False, norm=None
    )
    rows = vectorizer.transform([" ".join(words) for words in chunks])
    rows.data = np.log1p(rows.data)
    words = ["gefährdung", "gefährdung", "schutz", "wort7", "elterngeld"]
    query = vectorizer.transform([" ".join(words)])
    query.data = np.log1p(query.data)
    scores = channel.scores(words)
    assert scores.dtype == np.float32 and scores.shape == (41,)
    assert np.allclose(scores, cosine_similarity(query, rows)[0], atol=1e-6)
    assert int(np.argmax(scores)) == 7 and scores[40] == 0.0
    assert not channel.scores(["zu"]).any()  # no n-gram of four letters


def test_each_list_holds_its_postings_in_runs_of_equal_counts_each_in_chunk_order(tmp_path: Path) -> None:
    # "kindeswohl" three times in chunk 1, twice in 3 and 5, once in 0 and 2: its n-grams list 0, 2
    # (count 1), then 3, 5 (count 2), then 1 (count 3), and store one count per run.
    chunks = [["kindeswohl"], ["kindeswohl"] * 3, ["kindeswohl", "jugendamt"], ["kindeswohl"] * 2, []]
    chunks.append(["kindeswohl"] * 2)
    NgramChannel.build(chunks).save(tmp_path / "ngrams")
    channel = NgramChannel.load(tmp_path / "ngrams")
    vectorizer = HashingVectorizer(
        analyzer="char_wb", ngram_range=(4, 6), n_features=2**20, alternate_sign=False
    )
    gram = int(vectorizer.transform(["kindeswohl"]).indices[0])  # any n-gram of the word
    start, end = int(channel.indptr[gram]), int(channel.indptr[gram + 1])
    assert list(channel.indices[start:end]) == [0, 2, 3, 5, 1]
    run_start, run_end = int(channel.run_indptr[gram]), int(channel.run_indptr[gram + 1])
    assert list(channel.run_bounds[run_start:run_end]) == [0, 2, 4, 5]
    assert list(channel.run_counts[run_start : run_end - 1]) == [1, 2, 3]
    for row in np.flatnonzero(np.diff(channel.indptr)):
        start, end = int(channel.indptr[row]), int(channel.indptr[row + 1])
        run_start, run_end = int(channel.run_indptr[row]), int(channel.run_indptr[row + 1])
        bounds = channel.run_bounds[run_start:run_end]
        assert bounds[0] == 0 and bounds[-1] == end - start and (np.diff(bounds) > 0).all()
        assert (np.diff(channel.run_counts[run_start : run_end - 1].astype(int)) > 0).all()
        for first, last in itertools.pairwise(bounds.tolist()):
            assert (np.diff(channel.indices[start + first : start + last]) > 0).all()
    assert not np.diff(channel.run_indptr)[np.diff(channel.indptr) == 0].any()  # no runs of empty lists
    scores = channel.scores(["kindeswohlgefährdung", "jugendamt"])
    assert int(np.argmax(scores)) == 2 and scores[4] == 0.0


def test_runs_give_the_scores_of_per_posting_weights_to_the_bit() -> None:
    # What the kernel added per posting before the runs: log1p(count) · query weight, in the query's
    # n-gram order; the runs must not change a single bit of that.
    rng = np.random.default_rng(7)
    words = ["kindeswohl", "gefährdung", "jugendamt", "elterngeld", "hilfe", "erziehung", "schutz"]
    chunks = [list(rng.choice(words, size=int(rng.integers(0, 40)))) for _ in range(300)]
    channel = NgramChannel.build(chunks)
    vectorizer = HashingVectorizer(
        analyzer="char_wb", ngram_range=(4, 6), n_features=2**20, alternate_sign=False, norm=None
    )
    rows = vectorizer.transform([" ".join(chunk) for chunk in chunks]).tocsc()
    query = ["kindeswohlgefährdung", "hilfe", "hilfe", "jugendamt"]
    grams = vectorizer.transform([" ".join(query)])
    weights = np.log1p(grams.data.astype(np.float32))
    weights /= np.float32(np.linalg.norm(weights))
    expected = np.zeros(len(chunks), dtype=np.float32)
    for gram, weight in zip(grams.indices, weights, strict=True):
        start, end = rows.indptr[gram], rows.indptr[gram + 1]
        counts = np.minimum(rows.data[start:end], 255).astype(np.uint8)
        expected[rows.indices[start:end]] += np.log1p(counts, dtype=np.float32) * weight
    expected *= channel.inverse_norms
    assert np.array_equal(channel.scores(query), expected)


def test_the_same_words_again_give_the_same_scores_in_an_array_of_their_own() -> None:
    channel = NgramChannel.build([["kindeswohlgefährdung"], ["elterngeld"]])
    first = channel.scores(["gefährdung"])
    first *= 0  # what a mask does to the array it gets
    again = channel.scores(["gefährdung"])
    assert again[0] > 0.3 and again[1] == 0.0
    assert np.allclose(channel.scores(["elterngeld"]), [0.0, 1.0])
    assert np.array_equal(channel.scores(["gefährdung"]), again)


def test_loaded_postings_are_memory_maps_of_int32_chunks_and_byte_counts(tmp_path: Path) -> None:
    channel = NgramChannel.build([["kindeswohl", "gefährdung"], ["elterngeld"]])
    channel.save(tmp_path / "ngrams")
    loaded = NgramChannel.load(tmp_path / "ngrams")
    for array in (loaded.indices, loaded.indptr, loaded.run_indptr, loaded.run_bounds, loaded.run_counts):
        assert _maps_a_file(array)
    assert loaded.run_counts.dtype == np.uint8 and loaded.indices.dtype == np.int32
    assert loaded.nnz == channel.nnz > 0


def _maps_a_file(array: np.ndarray) -> bool:
    base = array
    while base is not None and not isinstance(base, np.memmap):
        base = getattr(base, "base", None)
    return base is not None


def test_published_generation_carries_channel_and_paragraphs(tmp_path: Path) -> None:
    writer = SnapshotLexicalIndex(tmp_path / "lexical", ngrams=True)
    writer.rebuild(lambda: (4, _ENTRIES))
    reader = SnapshotLexicalIndex(tmp_path / "lexical", ngrams=True)
    snapshot = reader.current()
    assert snapshot.paragraphs == ("", "", "§ 24") and snapshot.ngrams is not None
    assert snapshot.similar("Tageseinrichtungen", 1)[0][0] == "kita"
    # Without the channel (an embedding model is configured) that generation is stale: rebuilt.
    assert SnapshotLexicalIndex(tmp_path / "lexical").on_disk_version() is None


def _law(doc_id: str, paragraph: str, text: str) -> tuple[Document, str, list[Chunk]]:
    document = Document(
        id=doc_id,
        source=f"{doc_id}.md",
        title=f"Gesetz {doc_id}",
        type=DocumentType.LAW,
        content_hash=doc_id,
        law=doc_id.upper(),
        date=date(2026, 1, 1),
    )
    chunk = Chunk(
        id=f"{doc_id}:0", document_id=doc_id, ordinal=0, text=text, paragraph=paragraph, section=paragraph
    )
    return document, text, [chunk]


def test_weight_free_index_keeps_no_vectors_and_filters_the_channel(tmp_path: Path) -> None:
    settings = make_settings(data_dir=tmp_path / "var", embedder=EmbedderMode.NGRAM)
    index = KnowledgeIndex.open(settings)
    assert isinstance(index.embedder, NgramEmbedder) and index.stores.vectors is None
    index.put(*_law("kkg", "§ 4", "Beratung durch Geheimnisträger bei Kindeswohlgefährdung"))
    index.put(*_law("juschg", "§ 4", "Gaststätten dürfen Kindern den Aufenthalt nicht gestatten"))
    assert not settings.chroma_dir.exists()
    assert index.stats().vector_count == 2 and index.drift().consistent
    assert index.search("Geheimnisträgerin", k=1)[0].document.id == "kkg"
    # The § ranking of the channel keeps to the named law.
    assert index.search("§ 4 JUSCHG Gefährdung", k=2)[0].document.id == "juschg"
    assert index.search("Geheimnisträgerin", k=5, types=[DocumentType.OTHER]) == []
    index.close()


def test_index_of_the_hashed_vector_layout_opens_and_migrates_on_the_next_write(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "var"
    shutil.copytree(LEGACY, data_dir, ignore=shutil.ignore_patterns("*.py"))
    # The legacy data dir is an embedded install (its catalog and vectors are files in it), on either stack.
    settings = make_settings(data_dir=data_dir, embedder=EmbedderMode.NGRAM, **EMBEDDED_ONLY)
    index = KnowledgeIndex.open(settings)  # no IndexEmbedderMismatch, nothing written
    assert index.stats().embedder == "hashing-cw-char4-6-d4096"
    hits = index.search("Beratung und Übermittlung von Informationen durch Geheimnisträger", k=3)
    assert hits and hits[0].document.law == "KKG"
    with caplog.at_level(logging.WARNING, logger="knowledge.index"):
        index.put(*_law("neu", "§ 1", "Neue Satzung über Kindertagespflege"))
    assert "n-Gramm-Kanal" in caplog.text and "kein Dokument geht verloren" in caplog.text
    assert index.stats().embedder == NgramEmbedder().id
    assert index.stats().documents == 4 and index.drift().consistent
    index.close()


def test_query_grams_are_the_vectorizers_put_together_word_by_word() -> None:
    # The query's n-grams come from each word's kept n-grams, not one transform of the joined text:
    # the columns, counts and their weights must be the transform's to the bit.
    vectorizer = HashingVectorizer(
        analyzer="char_wb", ngram_range=(4, 6), n_features=2**20, alternate_sign=False, norm=None
    )
    queries = [
        ["kindeswohlgefährdung", "hilfe", "hilfe", "jugendamt"],
        ["über", "über", "überprüfung"],
        ["ab", "x", ""],  # shorter than the n-grams: one padded gram each, or none
        ["wort\xa0mit", "leerzeichen"],  # a space inside a word splits it, as in the joined text
        [],
    ]
    for words in queries:
        grams = vectorizer.transform([" ".join(words)])
        columns, weights = _query_grams(words)
        expected = np.log1p(grams.data.astype(np.float32))
        if expected.size:
            expected /= np.float32(np.linalg.norm(expected))
        assert columns.dtype == np.int32 and weights.dtype == np.float32
        assert np.array_equal(columns, grams.indices) and np.array_equal(weights, expected), words
