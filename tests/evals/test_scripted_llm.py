"""The scripted model of the LLM eval path: reads what our prompt builder sends, answers only from it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from assistant.answering.llm import NO_SOURCE, build_messages
from evals.scripted_llm import read_request, reply, running_scripted_model
from knowledge.models import Chunk, Document, DocumentType, Hit


def _hit(n: int, text: str, section: str) -> Hit:
    document = Document(f"d{n}", f"laws/g{n}.md", f"Gesetz {n}", DocumentType.LAW, "h")
    return Hit(n, 1.0 / n, Chunk(f"c{n}", f"d{n}", 0, text, section, section.split(" ", 2)[0]), document)


HITS = [
    _hit(1, "(1) Die Tagespflege ist zu fördern. (2) Eine Erlaubnis gilt fünf Jahre.", "§ 43 Erlaubnis"),
    _hit(2, "(1) Unterhaltsvorschuss gibt es bis zur Vollendung des 18. Lebensjahres.", "§ 1 Berechtigte"),
]


def _body(question: str, hits: list[Hit] = HITS) -> dict[str, object]:
    """The request LangChain sends for the messages our real prompt builder writes."""
    roles = {"system": "system", "human": "user"}
    messages = [{"role": roles[role], "content": text} for role, text in build_messages(question, hits)]
    return {"model": "skript-eval", "messages": messages, "stream": True}


def test_the_request_our_prompt_builder_writes_can_be_read() -> None:
    request = read_request(_body("Bis wann gibt es Unterhaltsvorschuss?"))
    assert request is not None, "Prompt-Format geändert: evals/scripted_llm.py anpassen"
    assert request.question == "Bis wann gibt es Unterhaltsvorschuss?"
    assert set(request.passages) == {1, 2}
    assert "18. Lebensjahres" in request.passages[2]


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
