"""The model-health page (lesson 08): one small self-contained HTML file (inline SVG, no script) in the work folder."""
from __future__ import annotations

import html
import io
import re
from dataclasses import fields

import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.monitoring.drift import TOP_INPUTS
from churnlab.monitoring.health import (
    AlertThresholds,
    _checked_health,
    _checked_thresholds,
    _figure_signature,
    _page_key,
    alerts,
)
from churnlab.monitoring.kept import kept_result
from churnlab.workspace import work_dir

HEALTH_PAGE_FILE = "model_health.html"

# --- the health page --------------------------------------------------------------------------------------------

_PAGE_ROWS = (  # (column, heading, format)
    ("customers_scored", "customers scored", "{:,.0f}"),
    ("leaving_rate", "leaving that month", "{:.1%}"),
    ("share_flagged", "share flagged", "{:.1%}"),
    ("psi_score", "PSI of the score", "{:.2f}"),
    ("max_input_psi", "largest input PSI", "{:.2f}"),
    ("empty_share", "rows with an empty input", "{:.1%}"),
    ("estimated_precision", "estimated precision", "{:.1%}"),
    ("realised_precision", "realised precision (hold-out)", "{:.1%}"),
    ("realised_profit", "realised profit", "${:,.0f}"),
    ("latency_p99_ms", "latency p99 (ms)", "{:.0f}"),
)
_ALERT_SIGNALS = {  # a month-table column turns red when one of these signals alerts that month
    "customers_scored": ("customers scored vs reference (relative, either way)",),
    "leaving_rate": ("leaving rate vs reference (relative)",),
    "share_flagged": ("share flagged vs reference (points, either way)",),
    "psi_score": ("PSI of the score",),
    "max_input_psi": tuple(f"PSI of {c}" for c in TOP_INPUTS),
    "empty_share": ("share of rows with an empty input",),
    "realised_precision": ("realised minus estimated precision (either way)",),
    "latency_p99_ms": ("latency, 99th percentile (ms)", "share of failed calls"),
}
_THRESHOLD_WORDS = {
    "leaving_rate_rise": "customers leaving, relative rise on the reference month",
    "volume_change": "customers scored, relative change on the reference month (either way)",
    "flagged_change": "share flagged, change in points on the reference month (either way)",
    "psi": "PSI of an input or of the score against the reference month",
    "empty_share": "share of rows with an empty model input",
    "precision_gap": "realised minus estimated precision (either way), once labels arrive",
    "latency_p99_ms": "99th-percentile scoring latency (ms)",
    "failure_share": "share of failed scoring calls",
}


def _month_ranges(months) -> str:
    months, parts = sorted(set(int(m) for m in months)), []
    for month in months:
        if parts and month == parts[-1][1] + 1:
            parts[-1][1] = month
        else:
            parts.append([month, month])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in parts)


# Dark red on light red: 7:1 contrast, readable at any weight (WCAG AA asks 4.5:1; axe-core checks it).
ALERT_COLOUR, ALERT_BACKGROUND = "#721c24", "#f8d7da"


def _svg(figure) -> str:
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "churn-lab", "svg.id": "health"}):
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)  # creator and licence boilerplate
    return text[text.index("<svg"):]


def _page(table: pd.DataFrame, found: pd.DataFrame, limits: AlertThresholds, svg: str, caption: str) -> str:
    table = table.assign(max_input_psi=table[[f"psi_{c}" for c in TOP_INPUTS]].max(axis=1))
    alerting = {(int(row.month), row.signal) for row in found.itertuples()}
    head = "".join(f"<th>{html.escape(heading)}</th>" for _, heading, _ in _PAGE_ROWS)
    body = []
    for month, row in table.iterrows():
        cells = []
        for column, _, shape in _PAGE_ROWS:
            value = row[column]
            text = "not known yet" if pd.isna(value) else shape.format(value)
            alert = any((int(month), signal) in alerting for signal in _ALERT_SIGNALS.get(column, ()))
            cell_class = ' class="alert"' if alert else ""
            cells.append(f'<td data-column="{column}"{cell_class}>{html.escape(text)}</td>')
        body.append(f'<tr data-month="{int(month)}"><th>{int(month)}</th>{"".join(cells)}</tr>')
    limits_text = "".join(f"<tr><td><code>{item.name}</code></td><td>{getattr(limits, item.name):g}</td>"
                          f"<td>{html.escape(_THRESHOLD_WORDS[item.name])}</td></tr>" for item in fields(limits))
    grouped = found.groupby(["panel", "signal"], sort=False)["month"]
    alert_text = "".join(f"<li><b>{html.escape(panel)}</b>: {html.escape(signal)}, months {_month_ranges(months)}</li>"
                         for (panel, signal), months in sorted(grouped, key=lambda item: item[1].min())) or "<li>none</li>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Model health: churn model (simulated months)</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }}
#thresholds td {{ text-align: left; }}
td.alert {{ background: {ALERT_BACKGROUND}; color: {ALERT_COLOUR}; font-weight: bold; }}
.caption {{ color: #555; }}
svg {{ max-width: 100%; height: auto; }}
</style></head>
<body>
<h1>Model health: churn model (simulated months)</h1>
<p class="caption">{html.escape(caption)}</p>
<p>Red cells and red dots: a value past its alert threshold. Realised precision and profit are known three months
after each month's scoring (the churn label's horizon); until then they read "not known yet".</p>
<figure id="panels">{svg}</figure>
<h2>Month by month</h2>
<table id="months"><thead><tr><th>month</th>{head}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table>
<h2>Alerts, first month first</h2>
<ul id="alerts">{alert_text}</ul>
<h2>Alert thresholds</h2>
<table id="thresholds"><thead><tr><th>threshold</th><th>value</th><th>alerts when</th></tr></thead><tbody>
{limits_text}
</tbody></table>
</body></html>
"""


@course_function
def write_health_page(table, thresholds=None, filename: str = HEALTH_PAGE_FILE, figure=None):
    """Write the model-health page (figure, month table, alerts, thresholds) as one small HTML file in the work folder.

    The figure is inline SVG, the page has no script and loads nothing from the network
    (open it by double-clicking). ``figure``: the page's figure if you already drew it
    (``plots.model_health(table).figure``), to save drawing it again; its SVG is kept in the work folder, so a
    re-run with the same table and thresholds reads it back (not when the figure was changed after drawing). Returns the file's
    path; print it with ``churnlab.workspace.shown_path(path)``.
    """
    import matplotlib.pyplot as plt

    from churnlab import (
        plots,  # only to draw the chart the caller did not pass: plots sits above monitoring
    )

    table = _checked_health(table)
    limits = _checked_thresholds(thresholds)
    filename = validate.text(filename, "filename", example="'model_health.html'")
    if not filename.endswith(".html") or "/" in filename or "\\" in filename:
        raise CourseError(f"filename should be a file name ending in .html, without folders, like 'model_health.html', "
                          f"not {filename!r}: the page goes in the course's work folder.")
    found = alerts(table, limits)
    if figure is not None and not (hasattr(figure, "savefig") and len(getattr(figure, "axes", [])) == 8):
        raise CourseError("figure should be the health page's figure, plots.model_health(table).figure (or leave it out), "
                          f"not {validate.kind_of(figure)}.")
    key = _page_key(table, limits)

    def drawn_svg() -> str:
        figure = plots.model_health(table, limits).figure
        try:
            return _svg(figure)
        finally:
            plt.close(figure)

    # The same month table, thresholds and course version always draw the same SVG: a re-run reads it back from the
    # work folder, unless the figure passed was drawn from other numbers or changed after drawing.
    if figure is None:
        svg = kept_result("health-page-svg", [], {"page": key}, drawn_svg)
    elif getattr(figure, "churnlab_health_page", None) == (key, _figure_signature(figure)):
        svg = kept_result("health-page-svg", [], {"page": key}, lambda: _svg(figure))
    else:
        svg = _svg(figure)
    caption = table.attrs.get("caption", "Simulated data. Not real customers.")
    path = work_dir() / filename
    path.write_text(_page(table, found, limits, svg, caption), encoding="utf-8")
    return path


