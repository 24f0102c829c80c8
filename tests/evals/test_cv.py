from __future__ import annotations

from evals.cv import Outcome, fold_of, passage_cv


def _one_citation(gold: bool) -> Outcome:
    return Outcome(gold, None, 1, int(gold))


def test_folds_are_fixed_by_the_id_and_cover_every_fold() -> None:
    ids = [f"q{n}" for n in range(200)]
    assert [fold_of(i, 5) for i in ids] == [fold_of(i, 5) for i in ids]
    assert {fold_of(i, 5) for i in ids} == set(range(5))


def test_a_setting_is_chosen_on_the_training_folds_and_scored_on_the_held_out_one() -> None:
    ids = [f"q{n}" for n in range(100)]
    good, bad = {"x": 1.0}, {"x": 2.0}
    # "good" cites gold everywhere; "bad" only on the questions of fold 0.
    outcomes = {
        repr(good): [_one_citation(True) for _ in ids],
        repr(bad): [_one_citation(fold_of(i, 4) == 0) for i in ids],
    }
    result = passage_cv(ids, [good, bad], outcomes, folds=4, current=bad)
    assert result["chosen_on_all_dev"] == good
    assert result["chosen_per_fold"] == [good] * 4
    assert result["held_out_objective"] == 2.0  # gold citation 1 + citation precision 1
    in_fold_0 = sum(fold_of(i, 4) == 0 for i in ids) / len(ids)
    assert result["current_on_all_dev"]["gold_citation"] == round(in_fold_0, 3)


def test_a_setting_that_only_fits_the_training_folds_scores_low_on_the_held_out_fold() -> None:
    ids = [f"q{n}" for n in range(100)]
    fitted, plain = {"x": 1.0}, {"x": 2.0}
    # "fitted" is right on every question but those of fold 0; "plain" on half of every fold.
    outcomes = {
        repr(fitted): [_one_citation(fold_of(i, 4) != 0) for i in ids],
        repr(plain): [_one_citation(n % 2 == 0) for n, i in enumerate(ids)],
    }
    result = passage_cv(ids, [fitted, plain], outcomes, folds=4, current=plain)
    assert result["chosen_per_fold"][0] == fitted
    assert result["per_fold"][0] == 0.0


def test_citing_more_passages_for_the_same_gold_loses_on_citation_precision() -> None:
    ids = [f"q{n}" for n in range(100)]
    lean, padded = {"x": 1.0}, {"x": 2.0}
    # Both cite a gold § on every question; "padded" shows three citations where "lean" shows one.
    outcomes = {
        repr(lean): [Outcome(True, True, 1, 1) for _ in ids],
        repr(padded): [Outcome(True, True, 3, 1) for _ in ids],
    }
    result = passage_cv(ids, [padded, lean], outcomes, folds=4, current=padded)
    assert result["chosen_on_all_dev"] == lean
    assert result["held_out"] == {"gold_citation": 1.0, "key_fact": 1.0, "citation_precision": 1.0}
    assert result["current_on_all_dev"]["citation_precision"] == 0.333


def test_the_fusion_setting_is_chosen_on_training_folds_and_its_ranks_scored_on_the_held_out_one() -> None:
    from evals.cv_ranking import fusion_cv

    ids = [f"q{n}" for n in range(100)]
    first, second = {"_RRF_K": 5.0}, {"_RRF_K": 10.0}
    # "first" ranks gold first everywhere; "second" ranks it second, except first on fold 0.
    ranks: dict[str, list[int | None]] = {
        repr(first): [1 for _ in ids],
        repr(second): [1 if fold_of(i, 4) == 0 else 2 for i in ids],
    }
    result = fusion_cv(ids, [second, first], ranks, folds=4, current=second)
    assert result["chosen_per_fold"] == [first] * 4
    assert result["held_out"] == {"recall@1": 1.0, "recall@5": 1.0, "mrr": 1.0}
    in_fold_0 = sum(fold_of(i, 4) == 0 for i in ids) / len(ids)
    assert result["current_on_all_dev"]["recall@1"] == round(in_fold_0, 3)


def test_ranking_measures_count_a_missing_gold_as_no_recall() -> None:
    from evals.cv_ranking import ranking_measures

    assert ranking_measures([1, 3, None, 6]) == {
        "recall@1": 0.25,
        "recall@5": 0.5,
        "mrr": (1 + 1 / 3 + 1 / 6) / 4,
    }
