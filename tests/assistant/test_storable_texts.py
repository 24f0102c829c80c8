"""`StorableTexts`: the questions the gate and storage filter produced, kept so that the history need not
screen them again; bounded, oldest out first."""

from assistant.service import StorableTexts


def test_keeps_the_newest_texts_only() -> None:
    texts = StorableTexts(size=2)
    for text in ("Was regelt § 8a SGB VIII?", "Wer zahlt [?]?", "Frist nach § 42?"):
        texts.add(text)
    assert "Was regelt § 8a SGB VIII?" not in texts  # the oldest made room
    assert "Wer zahlt [?]?" in texts and "Frist nach § 42?" in texts


def test_a_text_added_again_counts_as_new() -> None:
    texts = StorableTexts(size=2)
    texts.add("a")
    texts.add("b")
    texts.add("a")
    texts.add("c")
    assert "a" in texts and "b" not in texts
