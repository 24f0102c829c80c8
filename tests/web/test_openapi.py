"""The running app's /api/openapi.json states every field of answers, documents and reviews (no open
`additionalProperties`), and the API returns what it states: one citation schema from the answer to
the log entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tests.web.conftest import WebClient

# (path, method, media type) of every response body the schema must spell out.
_TYPED = [
    ("/api/chat", "post", "application/json"),
    ("/api/feedback", "post", "application/json"),
    ("/api/answers", "get", "application/json"),
    ("/api/answers/{log_id}", "get", "application/json"),
    ("/api/answers/{log_id}/review", "post", "application/json"),
    ("/api/documents", "get", "application/json"),
    ("/api/health", "get", "application/json"),
]


def _objects(schema: dict[str, Any], components: dict[str, Any], seen: set[str]) -> Iterator[tuple[str, Any]]:
    """Every object schema reachable from `schema`, named by where it was found, refs resolved."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        seen.add(name)
        yield from _objects(components[name], components, seen)
        return
    if schema.get("type") == "object" or "properties" in schema:
        yield schema.get("title", "?"), schema
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _objects(schema[key], components, seen)
    for key in ("properties",):
        for child in schema.get(key, {}).values():
            yield from _objects(child, components, seen)
    for key in ("anyOf", "allOf", "oneOf"):
        for child in schema.get(key, []):
            yield from _objects(child, components, seen)


def test_answers_documents_and_reviews_are_fully_typed(client: WebClient) -> None:
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    for path, method, media in _TYPED:
        body = schema["paths"][path][method]["responses"]["200"]["content"][media]["schema"]
        found = list(_objects(body, components, set()))
        assert found, (path, body)
        for name, obj in found:
            assert obj.get("additionalProperties") is not True, (path, name)
            assert obj.get("properties"), (path, name, obj)  # no bare "object"
    citation = components["CitationRecord"]["properties"]
    assert {"n", "document_id", "chunk_id", "label", "quote", "paragraph", "absatz", "superseded"} <= set(
        citation
    )
    entry = components["LogEntryRecord"]["properties"]
    assert entry["citations"]["items"] == {"$ref": "#/components/schemas/CitationRecord"}
    chat = components["ChatResponse"]["properties"]
    assert chat["citations"]["items"] == {"$ref": "#/components/schemas/CitationRecord"}
    assert "conversation_id" in chat


def test_the_answer_and_its_log_entry_share_the_citation_schema(as_user: Callable[[str], WebClient]) -> None:
    fachkraft, leitung = as_user("fachkraft"), as_user("leitung")
    response = fachkraft.json(
        "/api/chat", {"question": "Was regelt § 8a SGB VIII zum Schutzauftrag?"}, accept="application/json"
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "answered" and answer["citations"] and answer["conversation_id"]
    entry = leitung.get(f"/api/answers/{answer['log_id']}").json()
    assert entry["citations"] == answer["citations"]
    review = leitung.json(f"/api/answers/{answer['log_id']}/review", {"verdict": "korrekt"})
    assert review.json() == {"stored": True, "verdict": "korrekt"}
    listed = leitung.get("/api/answers", params={"limit": 5}).json()
    assert listed["total"] >= 1 and listed["answers"][0]["reviews"][0]["verdict"] == "korrekt"
    documents = as_user("pflege").get("/api/documents").json()["documents"]
    assert {"id", "title", "type", "chunks", "superseded_by", "supersedes"} <= set(documents[0])
