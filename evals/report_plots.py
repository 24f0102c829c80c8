"""Charts for the HTML report, as inline PNG data URIs: the report is one self-contained file."""

from __future__ import annotations

import base64
import io
from typing import Any

from evals.report_text import RETRIEVAL_METRICS, label
from evals.splits import GATED_SPLIT

_COLORS = {"ours": "#1f5f8b", "bm25": "#c9a227", "chroma": "#8c8c8c"}


def png_data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def retrieval_chart(report: dict[str, Any]) -> str | None:
    """Grouped bars per retrieval set on its test split: ours against both baselines; None when empty."""
    sets = {name: r for name, r in report.get("sets", {}).items() if "skipped" not in r}
    if not sets:
        return None
    import matplotlib

    matplotlib.use("Agg")  # no display on the server; must precede pyplot
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(sets), figsize=(5.6 * len(sets), 3.9), squeeze=False)
    width = 0.26
    for axis, (name, result) in zip(axes[0], sets.items(), strict=True):
        gated = result["splits"][GATED_SPLIT]
        series = [("unsere (hybrid)", "ours", gated["ours"])]
        series += [(b["label"], key, gated["baselines"][key]) for key, b in result["baselines"].items()]
        for n, (series_label, key, metrics) in enumerate(series):
            positions = [i + (n - 1) * width for i in range(len(RETRIEVAL_METRICS))]
            values = [metrics[m] for m in RETRIEVAL_METRICS]
            axis.bar(positions, values, width, label=series_label, color=_COLORS.get(key, "#555555"))
        axis.set_xticks(range(len(RETRIEVAL_METRICS)), [label(m) for m in RETRIEVAL_METRICS], fontsize=8)
        axis.set_ylim(0, 1)
        axis.set_title(f"{name} ({gated['questions']} {GATED_SPLIT}-Fragen)", fontsize=10)
        axis.grid(axis="y", alpha=0.3)
    handles, names = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", ncol=len(names), fontsize=8, frameon=False)
    figure.tight_layout(rect=(0, 0.08, 1, 1))  # room for the shared legend below the bars
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return png_data_uri(buffer.getvalue())
