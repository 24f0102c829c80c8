"""Review for the Leitung: log with filters, detail, verdicts, overview charts, export, audit trail."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import openpyxl
import pytest

from assistant.log.export import reviewer_pseudonyms
from assistant.secrets import server_secret
from tests.web.conftest import LiveServer, WebClient
from tests.web.test_chat import CASE_DATA, QUESTION

GAP = "Hast du ein gutes Rezept für Käsespätzle?"


@pytest.fixture(scope="module")
def answers(live_server: LiveServer) -> dict[str, str]:
    """Three answers of different kinds, asked once by a Fachkraft: status -> log id."""
    web = WebClient(live_server.url)
    web.login("fachkraft")
    web.page("/chat")
    result = {}
    for question in (QUESTION, CASE_DATA, GAP):
        body = web.json("/api/chat", {"question": question}, Accept="application/json").json()
        result[body["status"]] = body["log_id"]
    web.json("/api/feedback", {"log_id": result["answered"], "helpful": False, "source_mismatch": True})
    web.close()
    assert set(result) == {"answered", "refused", "abstained"}
    return result


def test_log_lists_and_filters(as_user: Callable[[str], WebClient], answers: dict[str, str]) -> None:
    web = as_user("leitung")
    page = web.get("/review").text
    assert all(f'href="/review/{log_id}"' in page for log_id in answers.values())
    assert "nicht gespeichert" in page and "Kevin" not in page

    def listed(query: str) -> set[str]:
        text = web.get(f"/review?{query}").text
        return {log_id for log_id in answers.values() if f'href="/review/{log_id}"' in text}

    assert listed("status=refused") == {answers["refused"]}
    assert listed("rule=falldaten-sperre") == {answers["refused"]}
    assert answers["answered"] in listed("negative_feedback=true")
    assert answers["abstained"] not in listed("negative_feedback=true")
    assert listed("since=2001-01-01&until=2001-12-31") == set()
    invalid = web.get("/review?since=gestern")
    assert invalid.status_code == 422 and "JJJJ-MM-TT" in invalid.text


def test_detail_shows_everything_needed_to_judge(
    as_user: Callable[[str], WebClient], answers: dict[str, str]
) -> None:
    web = as_user("leitung")
    page = web.get(f"/review/{answers['answered']}").text
    assert QUESTION in page  # stored redacted; this question had nothing to redact
    assert "Gefundene Passagen" in page and "Score" in page
    assert "Quelle passt nicht" in page and "nicht hilfreich" in page
    assert "§ 8a" in page and "ki-kennzeichnung" in page
    assert 'name="helpful"' not in page  # no feedback form in the review
    refused = web.get(f"/review/{answers['refused']}").text
    assert "Nicht gespeichert" in refused and "Namen" in refused and "Kevin" not in refused
    assert web.get("/review/" + "a" * 32).status_code == 404


def test_verdict_is_stored_and_audited(as_user: Callable[[str], WebClient], answers: dict[str, str]) -> None:
    web = as_user("leitung")
    log_id = answers["abstained"]
    response = web.form(f"/review/{log_id}/verdict", {"verdict": "quelle_fehlt", "comment": "Thema fehlt."})
    assert response.status_code == 303 and response.headers["location"] == f"/review/{log_id}"
    detail = web.get(f"/review/{log_id}").text
    assert "Bewertung „Quelle fehlt“ gespeichert." in detail and "Thema fehlt." in detail
    assert f'href="/review/{log_id}"' not in web.get("/review?unreviewed=true").text
    api = web.json(f"/api/answers/{answers['answered']}/review", {"verdict": "unvollstaendig"})
    assert api.status_code == 200 and api.json()["verdict"] == "unvollstaendig"
    bad = web.json(f"/api/answers/{log_id}/review", {"verdict": "super"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    audit = web.get("/review/audit").text
    assert "Bewertung" in audit and "leitung" in audit and f"/review/{log_id}" in audit


def test_overview_charts(as_user: Callable[[str], WebClient], answers: dict[str, str]) -> None:
    web = as_user("leitung")
    web.json(f"/api/answers/{answers['refused']}/review", {"verdict": "korrekt"})
    page = web.get("/review/overview").text
    assert page.count('<svg class="chart"') == 1 and page.count('<ul class="hbars"') == 2
    assert "Fragen pro Tag" in page and "Meistzitierte Dokumente" in page
    assert "Sozialgesetzbuch Achtes Buch" in page  # the cited law among the top documents
    assert GAP in page  # the unanswered question shows the gap
    assert "<title>korrekt: 1</title>" in page and '<span class="hbar-value">1</span>' in page
    assert 'role="img"' in page and "Zahlen als Tabelle" in page
    week = web.get("/review/overview?days=7")
    assert week.status_code == 200


def test_export_csv_and_json_are_audited(
    as_user: Callable[[str], WebClient], answers: dict[str, str]
) -> None:
    web = as_user("leitung")
    exported = web.get("/review/export?fmt=csv&status=refused")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [row["id"] for row in rows] == [answers["refused"]] and rows[0]["frage"] == ""
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", rows[0]["zeit"])
    xlsx = web.get("/review/export?fmt=xlsx&status=answered")
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Antwortprotokoll"]
    [header, *cells] = list(sheet.iter_rows(values_only=True))
    assert answers["answered"] in [row[header.index("id")] for row in cells]
    assert all("\n" in row[header.index("antwort")] for row in cells)  # the whole answer in one cell
    web.json(f"/api/answers/{answers['answered']}/review", {"verdict": "korrekt"})
    data = json.loads(web.get("/review/export?fmt=json").text)
    assert {answers["answered"], answers["abstained"]} <= {row["id"] for row in data}
    reviewers = {review["reviewer"] for row in data for review in row["reviews"]}
    # No account names: reviewers appear as pseudonyms, like the askers.
    assert reviewers and all(re.fullmatch(r"[0-9a-f]{32}", name) for name in reviewers)
    assert "Export" in web.get("/review/audit").text


def test_api_answers(as_user: Callable[[str], WebClient], answers: dict[str, str]) -> None:
    web = as_user("leitung")
    listing = web.get("/api/answers?status=answered&limit=5").json()
    assert listing["total"] >= 1 and all(a["status"] == "answered" for a in listing["answers"])
    entry = web.get(f"/api/answers/{answers['answered']}").json()
    assert entry["citations"] and entry["retrieved"] and entry["feedback"]
    assert "user_pseudonym" not in entry  # no view by employee


def test_no_view_filters_or_counts_by_employee(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("leitung")
    form = web.get("/review").text.split('class="card filters"', 1)[1].split("</form>", 1)[0]
    assert set(re.findall(r'name="([a-z_]+)"', form)) == {
        "since", "until", "status", "rule", "negative_feedback", "unreviewed"
    }  # fmt: skip
    schema = web.get("/api/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/answers"]["get"]["parameters"]}
    assert parameters == {
        "since",
        "until",
        "status",
        "rule",
        "negative_feedback",
        "unreviewed",
        "limit",
        "offset",
    }
    for entry in web.get("/api/answers").json()["answers"]:
        assert not {key for key in entry if "user" in key or "employee" in key}
    assert "fachkraft" not in web.get("/review/overview").text


def test_reviewers_appear_pseudonymous_on_every_review_page_api_and_export(
    live_server: LiveServer, as_user: Callable[[str], WebClient], answers: dict[str, str]
) -> None:
    web = as_user("leitung")
    log_id = answers["answered"]
    web.form(f"/review/{log_id}/verdict", {"verdict": "korrekt"})
    web.json(f"/api/answers/{log_id}/review", {"verdict": "unvollstaendig"})
    alias = reviewer_pseudonyms(server_secret(live_server.settings))("leitung")
    assert alias and alias != "leitung"

    reviews = web.get(f"/review/{log_id}").text.split("Bewertungen", 1)[1]
    assert f" · {alias} · " in reviews and " · leitung · " not in reviews
    for entry in (web.get(f"/api/answers/{log_id}").json(), *web.get("/api/answers").json()["answers"]):
        assert all(review["reviewer"] == alias for review in entry["reviews"]), entry["reviews"]
    assert any(entry["reviews"] for entry in web.get("/api/answers").json()["answers"])
    # The audit trail's review rows would join the name to the verdict: they show the pseudonym too.
    rows = web.get("/review/audit").text.split("<tbody>", 1)[1].split("<tr>")
    review_rows = [row for row in rows if f"/review/{log_id}" in row]
    assert review_rows and all(
        f"<td>{alias}</td>" in row and "<td>leitung</td>" not in row for row in review_rows
    )
    # CSV and XLSX carry verdicts, never an account name of an asker or reviewer.
    accounts = {"leitung", "fachkraft", "maintainer", alias}
    text = web.get("/review/export?fmt=csv").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]
    assert log_id in cells and not accounts & set(cells)
    sheet = openpyxl.load_workbook(io.BytesIO(web.get("/review/export?fmt=xlsx").content))["Antwortprotokoll"]
    values = {str(value) for row in sheet.iter_rows(values_only=True) for value in row}
    assert log_id in values and not accounts & values
