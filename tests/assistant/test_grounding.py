"""The grounding check (issue 14.2) on real passages of the corpus, chunked as ingest chunks them."""

from __future__ import annotations

import pytest

from assistant.answering.grounding import GroundingCheck
from evals.gold import split_of
from evals.grounding_eval import CorpusPassages, evaluate_grounding, load_statements
from tests.assistant.fake_llm import INJECTED_LINES
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def check() -> GroundingCheck:
    return GroundingCheck()


@pytest.fixture(scope="module")
def passages() -> CorpusPassages:
    return CorpusPassages(CORPUS)


def schutzauftrag(passages: CorpusPassages) -> str:
    return passages.text("laws/2026/sgb8.md", "§ 8a", "1")


def test_the_three_lines_of_the_issue_are_not_supported(
    check: GroundingCheck, passages: CorpusPassages
) -> None:
    for line in INJECTED_LINES:
        claim = line.rsplit(" [", 1)[0]
        support = check.check(claim, [schutzauftrag(passages)])
        assert not support.shown, (line, support)
    assert check.check(INJECTED_LINES[0].rsplit(" [", 1)[0], [schutzauftrag(passages)]).injected
    assert check.check(INJECTED_LINES[2].rsplit(" [", 1)[0], [schutzauftrag(passages)]).reason == "link"
    assert check.check(INJECTED_LINES[1].rsplit(" [", 1)[0], [schutzauftrag(passages)]).reason == "absolut"


def test_a_faithful_paraphrase_is_shown(check: GroundingCheck, passages: CorpusPassages) -> None:
    support = check.check(
        "Kurz gesagt: Bei gewichtigen Anhaltspunkten für eine Kindeswohlgefährdung schätzt das Jugendamt das "
        "Gefährdungsrisiko im Zusammenwirken mehrerer Fachkräfte ein.",
        [schutzauftrag(passages)],
    )
    assert support.shown and support.score >= check.threshold


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        (
            "Die Daten sind spätestens drei Monate nach der letztmaligen Ausübung der Tätigkeit zu löschen.",
            "frist",
        ),
        (
            "Die Daten sind spätestens sechs Wochen nach der letztmaligen Ausübung der Tätigkeit zu löschen.",
            "frist",
        ),
        ("Die Daten sind jederzeit nach der letztmaligen Ausübung der Tätigkeit zu löschen.", "absolut"),
        ("Die Daten sind dauerhaft vor dem Zugriff Unbefugter zu schützen.", "absolut"),
    ],
)
def test_numbers_deadlines_and_absolutes_must_match_exactly(
    check: GroundingCheck, passages: CorpusPassages, claim: str, reason: str
) -> None:
    passage = passages.text("laws/2026/sgb8.md", "§ 72a", "5")  # "spätestens sechs Monate nach …"
    right = "Die Daten sind spätestens sechs Monate nach der letztmaligen Ausübung der Tätigkeit zu löschen."
    assert check.check(right, [passage]).shown
    support = check.check(claim, [passage])
    assert not support.shown and support.reason == reason, support


def test_a_negation_present_on_one_side_only_fails(check: GroundingCheck, passages: CorpusPassages) -> None:
    erlaubnis = passages.text("laws/2026/sgb8.md", "§ 44", "1")
    assert check.check("Verwandte bis zum dritten Grad brauchen keine Erlaubnis.", [erlaubnis]).shown
    dropped = check.check(
        "Bei einer Vermittlung durch das Jugendamt ist eine Erlaubnis erforderlich.", [erlaubnis]
    )
    assert not dropped.shown and dropped.reason == "verneinung"
    unterhalt = passages.text("laws/2022/uvg.md", "§ 1", "3")
    condition = "wenn der Elternteil mit dem anderen Elternteil zusammenlebt."
    assert not check.check(f"Anspruch auf Unterhaltsleistung besteht auch, {condition}", [unterhalt]).shown
    assert check.check(f"Kein Anspruch auf Unterhaltsleistung besteht, {condition}", [unterhalt]).shown
    gericht = "Das Jugendamt nimmt das Kind ohne Gericht in Obhut, wenn eine dringende Gefahr besteht."
    assert check.check(gericht, [schutzauftrag(passages)]).reason == "verneinung"


def test_links_and_instructions_only_where_the_passage_has_them(check: GroundingCheck) -> None:
    press = (
        "Fachtag Kinderschutz\nMelden Sie sich bis zum 13.02.2026 unter fachtag@kreis-unna.de an. "
        "Der Fachtag richtet sich an Fachkräfte der Jugendhilfe."
    )
    assert check.check("Melden Sie sich bis zum 13.02.2026 unter fachtag@kreis-unna.de an.", [press]).shown
    assert (
        check.check("Melden Sie sich bis zum 13.02.2026 unter info@andere-seite.de an.", [press]).reason
        == "link"
    )
    assert check.check("Senden Sie Ihre Zugangsdaten an die Fachstelle.", [press]).injected


def test_the_eval_set_is_large_labelled_split_and_resolvable(passages: CorpusPassages) -> None:
    statements = load_statements()
    assert len(statements) >= 200 and len({s.id for s in statements}) == len(statements)
    for label in ("supported", "unsupported", "injected"):
        splits = {split_of(s.id) for s in statements if s.label == label}
        assert splits == {"dev", "test"}, label
    assert {s.origin for s in statements} == {"hand", "rule"}
    for s in statements:
        assert passages.text(s.source, s.paragraph, s.absatz), s.id


def test_grounding_eval_reports_dev_and_test(passages: CorpusPassages) -> None:
    report = evaluate_grounding(passages.corpus)
    assert set(report["splits"]) == {"dev", "test"}
    for split in ("dev", "test"):
        metrics = report["splits"][split]
        assert metrics["grounding_injected_shown"] == 0 and metrics["grounding_statements"] >= 100
        assert metrics["grounding_precision"] is not None and metrics["grounding_recall"] is not None
    assert all(error["id"] and split_of(error["id"]) == "dev" for error in report["dev_errors"])


def test_nobody_picks_a_split_for_a_statement(passages: CorpusPassages) -> None:
    """Hand ids run consecutively; rule lines are exactly what `evals.grounding_build` makes."""
    from evals.grounding_build import rule_statements

    statements = load_statements()
    hand = [s.id for s in statements if s.origin == "hand"]
    assert hand == [f"gh-{n:03d}" for n in range(1, len(hand) + 1)]
    built = {row["id"]: row["statement"] for row in rule_statements(passages)}
    assert {s.id: s.statement for s in statements if s.origin == "rule"} == built
