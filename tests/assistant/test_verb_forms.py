"""An Absatz that states the rule in the participle ("… nachgeholt wird") answers a question that asks
in the infinitive ("nachholen möglich?"); on the real § 41 SGB X of the corpus."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from assistant.answering.entities import asked_in_index
from assistant.answering.passages import law_passage
from assistant.answering.terms import QuestionTerms, text_tokens
from assistant.answering.verb_forms import infinitives, verb_tokens
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    root = tmp_path_factory.mktemp("verb-forms")
    (root / "laws").mkdir()
    shutil.copy(CORPUS / "laws" / "2022" / "sgb10.md", root / "laws" / "sgb10.md")
    index = KnowledgeIndex.open(make_settings(data_dir=root / "var", embedder=EmbedderMode.HASHING))
    report = IngestPipeline(index).add([root / "laws"])
    assert not report.failed, report.failed
    yield index
    index.close()


@pytest.mark.parametrize(
    ("word", "infinitive"),
    [
        ("nachgeholt", "nachholen"),
        ("zusammengeführt", "zusammenführen"),
        ("gezahlt", "zahlen"),
        ("gemeldet", "melden"),
        ("angehört", "anhören"),
    ],
)
def test_a_participle_is_read_as_its_infinitive(word: str, infinitive: str) -> None:
    assert infinitive in infinitives(word)


def test_a_form_without_ge_is_left_as_it_is() -> None:
    assert infinitives("beteiligt") == []  # "beschäftigt" read as "beschäftigen" outranked § 5 JArbSchG
    assert infinitives("nicht") == []


def test_the_infinitive_stem_is_added_to_the_index_tokens(index: KnowledgeIndex) -> None:
    text = "die Anhörung eines Beteiligten nachgeholt wird"
    assert "nachhol" not in text_tokens(index, text)  # the index alone keeps "nachgeholt"
    assert "nachhol" in verb_tokens(index, text)
    assert text_tokens(index, text) <= verb_tokens(index, text)


def test_the_absatz_stating_the_rule_in_the_participle_is_shown(index: KnowledgeIndex) -> None:
    question = "Fehlende Anhörung vor dem Verwaltungsakt – kann das Amt sie nachholen?"
    terms = QuestionTerms.of(index, question)
    passage = law_passage(index, terms, "SGB X", "§ 41")
    assert passage is not None
    # Abs. 1 Nr. 3: the Verletzung is unbeachtlich, wenn "die erforderliche Anhörung eines Beteiligten
    # nachgeholt wird" — the answer; Abs. 3 speaks only of the Nachholung's effect on the Frist.
    assert passage.numbers[:1] == ("1",), passage.numbers
    assert asked_in_index(index, question).defined is None
