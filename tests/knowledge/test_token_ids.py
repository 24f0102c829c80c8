"""Token ids in first-occurrence order, as `dict.setdefault(token, len(dict))` gives them."""

from __future__ import annotations

import random

import numpy as np

from knowledge.token_ids import Vocabulary


def _by_generator(groups: list[list[list[str]]]) -> tuple[list[list[int]], dict[str, int]]:
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for doc in group for t in doc] for group in groups]
    return ids, vocab


def test_ids_match_the_generator_across_several_additions() -> None:
    rng = random.Random(7)
    words = [f"wort{n}" for n in range(50)]
    groups = [[[rng.choice(words) for _ in range(rng.randrange(6))] for _ in range(30)] for _ in range(4)]
    groups.insert(2, [[], []])  # a field no chunk has text in
    vocabulary = Vocabulary()
    positions = [vocabulary.add(group) for group in groups]
    expected_ids, expected_vocab = _by_generator(groups)
    dense = vocabulary.dense(*positions)
    assert [ids.tolist() for ids in dense] == expected_ids
    assert all(ids.dtype == np.int64 for ids in dense)
    assert vocabulary.ids() == expected_vocab and list(vocabulary.ids()) == list(expected_vocab)
    assert vocabulary.tokens() == list(expected_vocab) and len(vocabulary) == len(expected_vocab)


def test_an_empty_vocabulary_gives_empty_ids() -> None:
    vocabulary = Vocabulary()
    (ids,) = vocabulary.dense(vocabulary.add([[], []]))
    assert ids.size == 0 and len(vocabulary) == 0 and vocabulary.ids() == {}
