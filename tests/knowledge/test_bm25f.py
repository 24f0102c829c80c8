from __future__ import annotations

import random

import bm25s
import numpy as np
import pytest

from knowledge.bm25f import Field, ImpactMatrix
from knowledge.lexical import LexicalEntry, LexicalSnapshot


def test_one_field_of_weight_one_gives_bm25s_scores() -> None:
    """bm25s is the reference: BM25F with one field must be plain BM25 (Lucene variant)."""
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(200)]
    docs = [
        [rng.choice(vocabulary[: rng.randint(5, 200)]) for _ in range(rng.randint(1, 60))] for _ in range(300)
    ]
    reference = bm25s.BM25(b=0.5)
    reference.index(docs, show_progress=False)
    matrix = ImpactMatrix.build([Field("body", 1.0, 0.5)], {"body": docs})
    for query in (["w1", "w7"], ["w150", "w2", "w199", "w2"]):
        expected = reference.get_scores(query)
        got = matrix.scores({t: float(query.count(t)) for t in set(query)})
        assert np.allclose(expected, got, atol=1e-5)


def test_a_title_word_counts_more_than_a_body_word_but_not_twice_over() -> None:
    fields = [Field("body", 1.0, 0.5), Field("title", 3.0, 0.3)]
    tokens = {
        "body": [["schutz", "auftrag", "kind"], ["kind", "hilfe", "schutz"], ["hilfe", "antrag"]],
        "title": [["schutz"], ["hilfe"], ["schutz"]],
    }
    matrix = ImpactMatrix.build(fields, tokens)
    scores = matrix.scores({"schutz": 1.0})
    # chunk 2 has "schutz" only in its title, chunk 1 only in its body: the title wins
    assert scores[2] > scores[1] > 0
    # chunk 0 has it in both: more than either alone, less than their sum (one saturation)
    alone = ImpactMatrix.build(fields, {"body": tokens["body"], "title": [[], [], []]}).scores(
        {"schutz": 1.0}
    )
    assert scores[2] < scores[0] < scores[2] + alone[0]


def test_query_term_weights_scale_their_contribution() -> None:
    matrix = ImpactMatrix.build([Field("body", 1.0, 0.5)], {"body": [["a", "b"], ["b"], ["c"]]})
    full = matrix.scores({"a": 1.0})
    half = matrix.scores({"a": 0.5})
    assert np.allclose(half, full / 2)
    assert matrix.scores({"unbekannt": 1.0}).sum() == 0


def test_the_paragraph_title_ranks_the_paragraph_it_names_first() -> None:
    """The § whose title is the question's words outranks one that only mentions them in passing."""
    snapshot = LexicalSnapshot.build(
        [
            LexicalEntry(
                "sgb8:42",
                "Das Jugendamt ist berechtigt und verpflichtet, ein Kind in seine Obhut zu nehmen.",
                paragraph_title="§ 42 Inobhutnahme von Kindern und Jugendlichen",
            ),
            LexicalEntry(
                "sgb8:86",
                "Für die Inobhutnahme und für Leistungen an Kinder und Jugendliche bei einer "
                "Inobhutnahme ist der örtliche Träger zuständig, in dessen Bereich sich das Kind aufhält.",
                paragraph_title="§ 87 Örtliche Zuständigkeit für vorläufige Maßnahmen",
            ),
        ],
        version=1,
    )
    assert snapshot.search("Inobhutnahme von Kindern", k=2)[0][0] == "sgb8:42"


@pytest.mark.parametrize("unrelated", [0, 100])  # most entries match / most score 0: two selections
def test_equal_scores_rank_in_index_order_also_at_the_cut_off(unrelated: int) -> None:
    """Ties (a § in both versions of a law) come out in the same order every time, the earlier entry
    first, and the cut-off at k keeps the earlier ones, not whichever argpartition happened to pick."""
    same = "Die Erlaubnis zur Kindertagespflege befugt zur Betreuung von bis zu fünf Kindern."
    entries = [LexicalEntry(f"c{n}", same) for n in range(40)]
    entries.insert(7, LexicalEntry("best", f"{same} Kindertagespflege Erlaubnis Kindertagespflege"))
    # Interleaved, so that index order and list order differ from the order of the matching entries.
    for n in range(unrelated):
        entries.insert(2 * n % len(entries), LexicalEntry(f"u{n}", "Elterngeld für Selbständige"))
    snapshot = LexicalSnapshot.build(entries, version=1)
    for k in (1, 3, 12, 40):
        found = [chunk_id for chunk_id, _ in snapshot.search("Erlaubnis Kindertagespflege", k=k)]
        assert found == ["best", *(f"c{n}" for n in range(k - 1))]
