"""The HTML pages the course writes pass axe-core (the accessibility engine browsers' audit tools use).

Lesson 08's model-health page and lesson 09's product brief are opened from a file:// URL in headless Chromium, as a
learner opens them, and axe-core checks them against WCAG 2.x A and AA: no serious or critical violation is allowed
(colour contrast, missing labels, table headers, the page's language...). axe-core's own script comes from the
axe-playwright-python wheel (a test extra), injected into the page: the pages themselves still load nothing.
"""
from __future__ import annotations

from importlib import resources

import pytest

from local_servers import CHROMIUM, CHROMIUM_ARGS

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytest.importorskip("axe_playwright_python", reason="axe-core is not installed (pip install axe-playwright-python)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")

BLOCKING = {"serious", "critical"}


def axe_violations(path) -> list[dict]:
    """axe-core's violations (WCAG 2.x A and AA rules) of the page at ``path``, as axe reports them."""
    script = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1200, "height": 1000})
            page.goto(path.as_uri())
            page.evaluate(script)
            result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
        finally:
            chromium.close()
    return result["violations"]


def _described(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {[node['target'] for node in v['nodes']][:3]}"
                     for v in violations)


@pytest.fixture()
def work(tmp_path, monkeypatch):
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return tmp_path


def test_the_model_health_page_has_no_serious_accessibility_violation(work):
    from churnlab import monitoring
    from churnlab.exercises.lesson08 import practice_year

    page = monitoring.write_health_page(monitoring.health_table(practice_year()))
    violations = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not violations, _described(violations)


def test_the_product_brief_has_no_serious_accessibility_violation(work):
    import mlflow

    from churnlab import brief, product

    story = product.user_story("retention agent", "a call list even when the model is down", "no churner misses the offer",
                               "the model is down on campaign day", "the month-to-month rule builds the list",
                               "Given the scoring fails, when the campaign starts, then the rule's list is ready within 1 hour.")
    words = brief.words(product="Churn retention offers", problem="We lose customers; whom do we offer a $20 discount?",
                        decision_owner="Head of retention", users="Retention agents", readiness="Ready, with care.",
                        risks="Missed churners with dependents.", privacy="No sex, no age in the reasons.", stories=[story])

    previous = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(None)
    try:
        files = brief.write_brief(words, brief.collect_evidence())
    finally:
        mlflow.set_tracking_uri(previous)
    violations = [v for v in axe_violations(files.html) if v["impact"] in BLOCKING]
    assert not violations, _described(violations)
