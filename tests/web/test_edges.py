"""Edges over real HTTP: extreme parameters, the OpenAPI schema against the server's actual behaviour,
CSV injection in the export, and answers, feedback and conversations that belong to someone else."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from tests.web.conftest import LiveServer, WebClient

HUGE = str(10**30)
OVER_INT64 = str(2**63)


def _german(message: str) -> bool:
    return bool(re.search(r"\b(bitte|ungültig|höchstens|mindestens|Zahl|Datum|Eingaben)\b", message, re.I))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/answers?until=9999-12-31", 200),
        ("/api/answers?since=0001-01-01&until=9999-12-31", 200),
        ("/api/answers?since=9999-12-31&until=9999-12-31", 200),
        ("/review?until=9999-12-31", 200),
        ("/review?since=9999-12-31&until=9999-12-31", 200),
        ("/review/export?until=9999-12-31", 200),
        ("/review/export?until=9999-12-31&fmt=json", 200),
        ("/review?page=" + HUGE, 422),
        ("/review?page=" + OVER_INT64, 422),
        ("/review?page=0", 422),
        ("/api/answers?offset=" + HUGE, 422),
        ("/api/answers?offset=" + OVER_INT64, 422),
        ("/api/answers?limit=" + HUGE, 422),
        ("/api/answers?offset=-1", 422),
        ("/review/overview?days=" + HUGE, 422),
        ("/api/answers?until=10000-01-01", 422),
        ("/api/answers?since=2024-02-30", 422),
    ],
)
def test_extreme_parameters_never_give_a_server_error(
    as_user: Callable[[str], WebClient], path: str, expected: int
) -> None:
    web = as_user("admin")
    response = web.get(path)
    assert response.status_code == expected, response.text[:500]
    if expected == 422:
        message = (
            response.json()["error"]["message"]
            if path.startswith("/api/")
            else re.sub(r"<[^>]+>", " ", response.text)
        )
        assert _german(message), message


def _schema(web: WebClient) -> dict[str, Any]:
    response = web.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _body_schema(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return {**schema["components"]["schemas"][name], "components": schema["components"]}


def _valid(instance: Any, schema: dict[str, Any]) -> bool:
    try:
        jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())
    except jsonschema.ValidationError:
        return False
    return True


def test_the_question_schema_agrees_with_the_server(
    as_user: Callable[[str], WebClient], live_server: LiveServer
) -> None:
    web = as_user("fachkraft")
    schema = _body_schema(_schema(web), "ChatRequest")
    limit = live_server.settings.max_question_chars
    assert schema["properties"]["question"]["maxLength"] == limit  # one limit, from the settings
    base = "Was regelt § 8a SGB VIII zum Schutzauftrag? "
    candidates = [
        base,
        (base * 100)[:limit],
        (base * 100)[: limit + 1],
        " " * 10 + (base * 100)[: limit - 10],
        "",
        "   ",
        "\t\n ",
        "\u00a0\u2003",
        "?",
    ]
    for question in candidates:
        documented = _valid({"question": question}, schema)
        response = web.json("/api/chat", {"question": question}, Accept="application/json")
        accepted = response.status_code == 200
        assert accepted == documented, (len(question), repr(question[:12]), response.status_code)
        if not accepted:
            assert response.status_code == 422 and _german(response.json()["error"]["message"])


def test_the_date_and_filter_parameters_agree_with_the_server(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("leitung")
    parameters = {p["name"]: p["schema"] for p in _schema(web)["paths"]["/api/answers"]["get"]["parameters"]}
    samples = {
        "since": ["", "2024-01-31", "0001-01-01", "9999-12-31", "20240131", "2024-W05-3", "2024-1-31",
                  "2024-02-30", "31.01.2024", "2024-01-31T10:00", "２０２４-01-31"],
        "status": ["", "answered", "abstained", "refused", "beantwortet", "ANSWERED"],
        "rule": ["", "falldaten-sperre", "gibt-es-nicht"],
        "limit": ["1", "500", "501", "0", HUGE],
        "offset": ["0", "1000", "-1", HUGE],
    }  # fmt: skip
    for name, values in samples.items():
        for value in values:
            instance: Any = int(value) if parameters[name].get("type") == "integer" else value
            documented = _valid(instance, parameters[name])
            response = web.get("/api/answers", params={name: value})
            assert response.status_code in (200, 422), (name, value, response.status_code)
            assert (response.status_code == 200) == documented, (name, value, response.status_code)


def test_csv_export_neutralises_formulas(as_user: Callable[[str], WebClient]) -> None:
    fachkraft = as_user("fachkraft")
    questions = [
        '=HYPERLINK("http://evil.example/x";"Details") Was regelt § 8a SGB VIII?',
        "+Was regelt § 42 SGB VIII zur Inobhutnahme?",
        "-Welche Aufgaben hat der Verfahrenslotse nach § 10b SGB VIII?",
        "@Leitung: Was regelt § 8a SGB VIII?",
        "\tWas regelt § 36 SGB VIII zur Hilfeplanung?",
    ]
    for question in questions:
        assert (
            fachkraft.json("/api/chat", {"question": question}, Accept="application/json").status_code == 200
        )
    web = as_user("leitung")
    stored = [a["question"] or "" for a in web.get("/api/answers", params={"limit": 500}).json()["answers"]]
    dangerous = [q for q in stored if q[:1] in ("=", "+", "-", "@")]
    assert len(dangerous) >= 3, stored  # the log keeps them as typed; the export must defuse them
    exported = web.get("/review/export", params={"fmt": "csv"}).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(exported, newline=""), delimiter=";") for cell in row]
    live = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert live == [], live
    for question in dangerous:
        assert "'" + question in cells


def test_feedback_on_someone_elses_answer_is_refused(as_user: Callable[[str], WebClient]) -> None:
    owner, other = as_user("fachkraft"), as_user("admin")
    answer = owner.json(
        "/api/chat", {"question": "Was regelt § 8a SGB VIII?"}, Accept="application/json"
    ).json()
    log_id = answer["log_id"]
    for body in (
        {"log_id": log_id, "helpful": False},
        {"log_id": log_id, "helpful": None, "comment": "falsch"},
    ):
        refused = other.json("/api/feedback", body)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "answer_not_found"
    form = other.form("/chat/feedback", {"log_id": log_id, "helpful": "no"})
    assert form.status_code == 404
    assert owner.json("/api/feedback", {"log_id": log_id, "helpful": True}).status_code == 200
    stored = as_user("leitung").get(f"/api/answers/{log_id}").json()["feedback"]
    assert [f["helpful"] for f in stored] == [True]


def test_a_conversation_id_of_another_user_is_refused(as_user: Callable[[str], WebClient]) -> None:
    owner, other = as_user("fachkraft"), as_user("admin")
    first = owner.json(
        "/api/chat", {"question": "Was regelt § 42 SGB VIII zur Inobhutnahme?"}, Accept="application/json"
    ).json()
    conversation = first["conversation_id"]
    leaked = other.json(
        "/api/chat",
        {"question": "Und wie lange darf sie dauern?", "conversation_id": conversation},
        Accept="application/json",
    )
    assert leaked.status_code == 403 and leaked.json()["error"]["code"] == "conversation_forbidden"
    streamed = other.json("/api/chat", {"question": "Und danach?", "conversation_id": conversation})
    assert streamed.status_code == 403
    follow_up = owner.json(
        "/api/chat",
        {"question": "Und wie lange darf sie dauern?", "conversation_id": conversation},
        Accept="application/json",
    )
    assert follow_up.status_code == 200 and follow_up.json()["conversation_id"] == conversation
    fresh = other.json(
        "/api/chat", {"question": "Was regelt § 8a SGB VIII?", "conversation_id": "neu-" + "x" * 20},
        Accept="application/json",
    )  # fmt: skip
    assert fresh.status_code == 200  # an id nobody used yet starts a conversation
