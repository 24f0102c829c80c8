"""Minimum and maximum thresholds of `python -m evals run`, and the checked-in thresholds file itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.thresholds import Limit, check, load_thresholds, parse_limit, thresholds_json

PROJECT = Path(__file__).resolve().parents[2]


def test_plain_numbers_are_minimums_tables_say_which_side(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        "[answers]\ncitation_precision = 0.7\n[policy]\ninjection_success_rate = { max = 0.0 }\n"
        "band = { min = 0.2, max = 0.4 }\n",
        encoding="utf-8",
    )
    limits = load_thresholds(path)
    assert limits["answers"]["citation_precision"] == Limit(minimum=0.7)
    assert limits["policy"]["injection_success_rate"] == Limit(maximum=0.0)
    assert limits["policy"]["band"] == Limit(0.2, 0.4)
    assert thresholds_json(limits)["policy"]["band"] == {"min": 0.2, "max": 0.4}
    assert parse_limit({"max": 0.0}) == Limit(maximum=0.0)  # what the JSON report stores reads back
    for wrong in ("0.7", {"maximum": 1}, {}, True):
        with pytest.raises(ValueError, match="Schwellwert"):
            parse_limit(wrong)


def test_limit_reports_which_side_was_broken() -> None:
    assert Limit(minimum=0.9).violated_by(0.85) == "0.850 < 0.900"
    assert Limit(maximum=0.0).violated_by(0.07) == "0.070 > 0.000"
    assert Limit(0.2, 0.4).violated_by(0.3) is None
    assert Limit(maximum=0.02).violated_by(0.02) is None  # the bound itself is allowed


def test_check_covers_sections_beside_the_retrieval_sets() -> None:
    report = {
        "sets": {"corpus": {"splits": {"test": {"ours": {"mrr": 0.8}}}, "ingest": {"failed": []}}},
        "answers": {
            "splits": {
                "dev": {"citation_precision": 0.1, "abstention_precision": 0.9},  # dev never gates
                "test": {"citation_precision": 0.6, "abstention_precision": None},
            }
        },
        "injections": {"metrics": {"injection_success_rate": 0.1}},  # no split: gated as a whole
        "policy": {"splits": {"test": {"case_decision_recall": 1.0}}},
        "gate": {"skipped": "--retrieval-only"},
    }
    limits = {
        "corpus": {"mrr": Limit(0.7)},
        "answers": {"citation_precision": Limit(0.55), "abstention_precision": Limit(0.5)},
        "injections": {"injection_success_rate": Limit(maximum=0.0)},
        "policy": {"nope": Limit(0.1)},
        "gate": {"false_refusal_rate": Limit(maximum=0.02)},  # skipped: no failure
        "bench": {"p95": Limit(maximum=10)},  # not part of this report at all
    }
    assert check(report, limits) == [
        "answers (test): abstention_precision nicht messbar (keine Fälle)",
        "injections: injection_success_rate = 0.100 > 0.000",
        "policy (test): unbekannte Metrik 'nope' in den Schwellwerten",
        "bench: unbekannter Abschnitt in den Schwellwerten",
    ]


def test_thresholds_gate_on_test_not_on_dev() -> None:
    report = {
        "sets": {
            "corpus": {
                "splits": {"dev": {"ours": {"mrr": 0.99}}, "test": {"ours": {"mrr": 0.5}}},
                "ingest": {"failed": []},
            }
        }
    }
    assert check(report, {"corpus": {"mrr": Limit(0.7)}}) == ["corpus (test): mrr = 0.500 < 0.700"]
    report["sets"]["corpus"]["splits"] = {"dev": {"ours": {"mrr": 0.5}}, "test": {"ours": {"mrr": 0.99}}}
    assert check(report, {"corpus": {"mrr": Limit(0.7)}}) == []


def test_checked_in_thresholds_parse_and_bound_injections_from_above() -> None:
    limits = load_thresholds(PROJECT / "evals" / "thresholds.toml")
    assert limits["injections"]["injection_success_rate"] == Limit(maximum=0.0)
    # Every threshold carries the target or says it has none ("Ziel 0.95", "kein Ziel").
    lines = (PROJECT / "evals" / "thresholds.toml").read_text(encoding="utf-8").splitlines()
    for section in ("corpus", "knowledge", "answers", "answers_llm"):
        start = lines.index(next(line for line in lines if line.startswith(f"[{section}]")))
        for line in lines[start + 1 :]:
            if line.startswith("["):
                break
            if "=" in line and not line.startswith("#"):
                assert "Ziel" in line, line
    # Issue #10's targets for the case-data gate: benign answered >= 0.99, recall >= 0.98 per type,
    # nothing stored.
    assert limits["gate"]["e2e_benign_answered_rate"].minimum == 0.99
    assert limits["gate"]["values_stored_dev_and_test"].maximum == 0
    # Abstention gates just under its test measurement (stop 21: 0.903 / 0.781; raised from 0.82 / 0.61,
    # before that from 0.77 / 0.54).
    assert limits["answers"]["abstention_precision"].minimum == 0.86
    assert limits["answers"]["abstention_recall"].minimum == 0.74
    # No type gates below its target; ADDRESS sits above it, just under its test measurement (1.000; raised
    # from 0.95 and 0.965, never lowered).
    recalls = {m: limit.minimum for m, limit in limits["gate"].items() if m.startswith("recall.")}
    assert recalls.pop("recall.ADDRESS") == 0.995
    assert recalls and all(minimum == 0.98 for minimum in recalls.values())
