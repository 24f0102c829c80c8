"""Every text the web app shows addresses the reader formally ("Sie"), never with "du/dein"."""

from __future__ import annotations

import re
from pathlib import Path

import web

WEB = Path(web.__file__).parent
INFORMAL = re.compile(r"\b(du|dich|dir|dein|deine[nmrs]?|euch|euer|eure[nmrs]?)\b", re.IGNORECASE)
# Quoted examples of what a document might say are not addressed to the reader.
QUOTED = re.compile(r"„[^“]*“")


def test_templates_and_scripts_use_sie() -> None:
    files = [*WEB.glob("templates/**/*.html"), *WEB.glob("static/*.js")]
    assert len(files) > 15
    found = [
        f"{path.relative_to(WEB)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INFORMAL.search(QUOTED.sub("", line))
    ]
    assert found == []
