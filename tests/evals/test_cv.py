from __future__ import annotations

from evals.cv import fold_of, passage_cv


def test_folds_are_fixed_by_the_id_and_cover_every_fold() -> None:
    ids = [f"q{n}" for n in range(200)]
    assert [fold_of(i, 5) for i in ids] == [fold_of(i, 5) for i in ids]
    assert {fold_of(i, 5) for i in ids} == set(range(5))


def test_a_setting_is_chosen_on_the_training_folds_and_scored_on_the_held_out_one() -> None:
    ids = [f"q{n}" for n in range(100)]
    good, bad = {"x": 1.0}, {"x": 2.0}
    # "good" cites gold everywhere; "bad" only on the questions of fold 0.
    outcomes = {
        repr(good): [(True, None) for _ in ids],
        repr(bad): [(fold_of(i, 4) == 0, None) for i in ids],
    }
    result = passage_cv(ids, [good, bad], outcomes, folds=4)
    assert result["chosen_on_all_dev"] == good
    assert result["chosen_per_fold"] == [good] * 4
    assert result["held_out_objective"] == 1.0


def test_a_setting_that_only_fits_the_training_folds_scores_low_on_the_held_out_fold() -> None:
    ids = [f"q{n}" for n in range(100)]
    fitted, plain = {"x": 1.0}, {"x": 2.0}
    # "fitted" is right on every question but those of fold 0; "plain" on half of every fold.
    outcomes = {
        repr(fitted): [(fold_of(i, 4) != 0, None) for i in ids],
        repr(plain): [(n % 2 == 0, None) for n, i in enumerate(ids)],
    }
    result = passage_cv(ids, [fitted, plain], outcomes, folds=4)
    assert result["chosen_per_fold"][0] == fitted
    assert result["per_fold"][0] == 0.0
