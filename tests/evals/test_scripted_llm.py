"""The scripted model of the LLM eval path: reads what our prompt builder sends, answers only from it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from evals.scripted_llm import NO_SOURCE, Request, read_request, reply, running_scripted_model

PASSAGES = {
    1: "(1) Die Tagespflege ist zu fördern. (2) Eine Erlaubnis gilt fünf Jahre.",
    2: "(1) Unterhaltsvorschuss gibt es bis zur Vollendung\ndes 18. Lebensjahres.",
}


def _body(question: str) -> dict[str, object]:
    """A chat request in the format of `assistant.answering.llm.build_messages`. That the real prompt
    builder's requests are read is checked end to end in test_answer_stages (no unreadable request)."""
    blocks = "\n\n".join(
        f'<quelle nr="{n}" titel="Gesetz {n}" abschnitt="§ {n}">\n{text}\n</quelle>'
        for n, text in PASSAGES.items()
    )
    user = f"Quellen:\n\n{blocks}\n\nFrage der Fachkraft: {question}\n\nAntworten Sie zuerst direkt …"
    messages = [{"role": "system", "content": "Regeln"}, {"role": "user", "content": user}]
    return {"model": "skript-eval", "messages": messages, "stream": True}


def test_the_question_and_the_numbered_passages_are_read() -> None:
    request = read_request(_body("Bis wann gibt es Unterhaltsvorschuss?"))
    assert request is not None
    assert request.question == "Bis wann gibt es Unterhaltsvorschuss?"
    assert set(request.passages) == {1, 2}
    assert "18. Lebensjahres" in request.passages[2]
    assert read_request({"messages": [{"role": "user", "content": "Frage: ohne Quellen?"}]}) is None


def test_reply_states_the_best_overlapping_sentences_with_their_markers() -> None:
    request = read_request(_body("Bis zu welchem Alter gibt es Unterhaltsvorschuss?"))
    assert request is not None
    lines = reply(request).splitlines()
    assert lines[0] == "(1) Unterhaltsvorschuss gibt es bis zur Vollendung des 18. Lebensjahres [2]."
    assert all(line.endswith("].") for line in lines)
    assert reply(request) == reply(request)  # deterministic


def test_reply_without_any_overlap_is_no_source() -> None:
    request = read_request(_body("Wie wird das Wetter morgen?"))
    assert request is not None and reply(request) == NO_SOURCE


def test_server_streams_the_reply_and_refuses_what_it_cannot_read() -> None:
    with running_scripted_model() as (model, base_url):
        post = urllib.request.Request(
            f"{base_url}/chat/completions",
            data=json.dumps(_body("Wie lange gilt die Erlaubnis der Tagespflege?")).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(post, timeout=5) as response:
            events = [line for line in response.read().decode().splitlines() if line.startswith("data: ")]
        assert events[-1] == "data: [DONE]"
        text = "".join(json.loads(e[6:])["choices"][0]["delta"]["content"] for e in events[:-1])
        assert "Eine Erlaubnis gilt fünf Jahre [1]." in text
        unreadable = urllib.request.Request(
            f"{base_url}/chat/completions",
            data=json.dumps({"messages": [{"role": "user", "content": "Hallo"}]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(unreadable, timeout=5)
        assert error.value.code == 400
        assert (model.requests, model.unreadable) == (2, 1)


@pytest.mark.parametrize("question", ["Wer ist oertlich zustaendig?", "Wer ist örtlich zuständig?"])
def test_umlauts_typed_as_ae_oe_ue_read_like_the_law_writes_them(question: str) -> None:
    passages = {
        1: "Die Erlaubnis ist schriftlich zu beantragen.",
        2: "Örtlich zuständig ist der Träger am gewöhnlichen Aufenthalt der Eltern.",
    }
    assert reply(Request(question, passages)).startswith("Örtlich zuständig ist der Träger")
