"""axe-core in the browser tests: the engine ships inside the `axe-playwright-python` package
(axe.min.js), so nothing is downloaded. Every audited page's result goes to test-output/axe.json."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import Browser, Page

from tests.conftest import PROJECT

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
RESULTS = PROJECT / "test-output" / "axe.json"

# Runs in the page's own world: evaluate() is not subject to the page's Content-Security-Policy.
_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return {version: result.testEngine.version, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)
  }))};
}"""


def axe_violations(page: Page, name: str, url: str | None = None) -> list[dict[str, Any]]:
    """All axe rules (WCAG 2.x A/AA and best practices) on the page as it is now; recorded under `name`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(_RUN)
    _record(name, url or page.url, result)
    return list(result["violations"])


def assert_no_violations(page: Page, name: str, url: str | None = None) -> None:
    violations = axe_violations(page, name, url)
    assert violations == [], "\n".join(
        f"{name}: {v['id']} ({v['impact']}): {v['help']} – {', '.join(v['nodes'])}" for v in violations
    )


def assert_no_violations_without_javascript(page: Page, browser: Browser, name: str) -> None:
    """A page of a context without JavaScript, where Playwright cannot evaluate: its HTML as it is, less
    the scripts, audited in a page of the same origin (so the stylesheet applies) that can run axe."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.DOTALL)
    origin = page.url.split("/", 3)
    copy = browser.new_page()
    try:
        copy.goto("/".join(origin[:3]) + "/static/app.css")
        copy.set_content(html)
        assert_no_violations(copy, name, url=page.url)
    finally:
        copy.context.close()


def _record(name: str, url: str, result: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    recorded = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    recorded[name] = {
        "url": url.split("?", 1)[0],
        "axe": result["version"],
        "violations": len(result["violations"]),
        "rules": sorted(v["id"] for v in result["violations"]),
    }
    RESULTS.write_text(json.dumps(recorded, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
