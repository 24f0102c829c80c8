"""Key fact stated: what the comparison forgives (form, case, spacing, hyphens) and what it does not."""

from __future__ import annotations

import pytest

from evals.facts import states_fact


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("Anspruch bis zur Vollendung des 18. Lebensjahres des Kindes", ["18. Lebensjahr"]),
        ("bis zur Vollendung des 18.Lebensjahres", ["18. Lebensjahr"]),  # spacing
        ("BIS ZUM DRITTEN GRAD", ["dritten Grad"]),  # case
        ("als Verwandter bis zum dritten\n  Grad,", ["dritten Grad"]),  # a line break of the law text
        ("für höchstens vier Wo-\nchen im Kalenderjahr", ["vier Wochen"]),  # hyphenation at a break
        ("für höchstens vier Wo\u00adchen", ["vier Wochen"]),  # soft hyphen
        ("Elterngeld Plus", ["ElterngeldPlus", "Elterngeld-Plus"]),
        ("Elterngeld\u2011Plus", ["Elterngeld Plus"]),  # a non-breaking hyphen
        ("die Maßnahme", ["Massnahme"]),  # casefold: ß = ss
        ("\uff11\uff18. Lebensjahr", ["18. Lebensjahr"]),  # full-width digits (NFKC)
        ("Nichts davon. Aber: acht Wochen", ["zwölf Wochen", "acht Wochen"]),  # any of them
    ],
)
def test_fact_is_found_despite_form(text: str, facts: list[str]) -> None:
    assert states_fact(text, facts)


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("das zwölfte Lebensjahr noch nicht vollendet", ["18. Lebensjahr"]),
        ("nach 118. Lebensjahr", ["18. Lebensjahr"]),  # a fact starts where a word starts
        ("in der Nacht Wochen später", ["acht Wochen"]),
        ("das erste Lebensjahr noch nicht vollendet hat", ["erste Lebensjahr vollendet"]),
        ("irgendein Text", []),
        ("irgendein Text", [" ", "-"]),  # a fact of nothing never matches
    ],
)
def test_fact_is_not_found_where_it_is_not_stated(text: str, facts: list[str]) -> None:
    assert not states_fact(text, facts)


def test_facts_starting_with_a_sign_match_anywhere() -> None:
    assert states_fact("nach §44 Abs. 1", ["§ 44"])
