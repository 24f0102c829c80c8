"""The plot of search latency against index size (log x), p50 solid and p95 dashed, per system."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.bench_search import SYSTEMS

_TICKS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
_COLOURS = {"ours": "#1b6ca8", "bm25": "#d1495b", "chroma": "#66a182"}


def plot_latency(
    search: list[dict[str, Any]], path: Path, *, title: str, targets: Sequence[dict[str, Any]] = ()
) -> Path:
    """Write the plot to `path`; search targets at a measured size appear as crosses."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    figure, axes = plt.subplots(figsize=(8, 5), dpi=120)
    sizes = [row["chunks"] for row in search]
    for system, label in SYSTEMS.items():
        colour = _COLOURS[system]
        axes.plot(sizes, [r[system]["p50_ms"] for r in search], "o-", color=colour, label=f"{label} p50")
        axes.plot(sizes, [r[system]["p95_ms"] for r in search], "s--", color=colour, label=f"{label} p95")
    goals = [
        (t["chunks"], t["limit"]) for t in targets if t["key"] == "search_p95_ms" and t["chunks"] in sizes
    ]
    if goals:
        axes.plot(*zip(*goals, strict=True), "kx", markersize=10, label="Ziel p95 (unsere Suche)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(sizes, [f"{s:,}".replace(",", ".") for s in sizes])
    axes.xaxis.set_minor_formatter(NullFormatter())
    values = [r[s][p] for r in search for s in SYSTEMS for p in ("p50_ms", "p95_ms")] + [g for _, g in goals]
    axes.set_yticks([t for t in _TICKS if min(values) / 2 <= t <= max(values) * 2])
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:g}"))
    axes.yaxis.set_minor_formatter(NullFormatter())
    axes.set_xlabel("Abschnitte im Index")
    axes.set_ylabel("Latenz je Anfrage (ms, log)")
    axes.set_title(title, fontsize=10)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
