"""The model-health page as a learner opens it: a file:// URL in headless Chromium, no server, no network.

Checks the title, every panel of the figure, the month table, and the alert colours in the months where the lesson's
planted incidents are (price rise from month 5, data bug from month 7, competitor from month 9). A screenshot is saved
in ``test-artifacts/screenshots/``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from local_servers import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")

PANELS = ["1. Outcome: customers leaving", "2. Business: campaign profit per month", "3. Model: precision of the flagged",
          "4. Output drift: scores and share flagged", "5. Input drift: PSI against month 1", "6. Data quality: empty inputs",
          "7. Volume: customers scored", "8. System: scoring latency"]
ALERT_BACKGROUND = "rgb(248, 215, 218)"  # monitoring.ALERT_BACKGROUND, #f8d7da


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    from churnlab import monitoring
    from churnlab.exercises.lesson08 import practice_year

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHURNLAB_WORKDIR", str(tmp_path_factory.mktemp("work")))
        return monitoring.write_health_page(monitoring.health_table(practice_year()))


@pytest.fixture(scope="module")
def page(page_file):
    requests = []
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        browser_page = chromium.new_page(viewport={"width": 1200, "height": 1000})
        browser_page.on("request", lambda request: requests.append(request.url))
        browser_page.goto(page_file.as_uri())
        browser_page.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser_page.screenshot(path=str(SCREENSHOTS / "model_health_page.png"), full_page=True)
        yield browser_page, requests
        chromium.close()


def test_the_page_opens_from_a_file_and_requests_nothing_else(page, page_file):
    browser_page, requests = page
    assert browser_page.title() == "Model health: churn model (simulated months)"
    assert requests == [page_file.as_uri()], requests


def test_every_panel_is_drawn(page):
    browser_page, _ = page
    figure_text = browser_page.locator("#panels svg").text_content()
    for panel in PANELS:
        assert panel in figure_text, panel
    box = browser_page.locator("#panels svg").bounding_box()
    assert box["width"] > 600 and box["height"] > 600  # rendered, not collapsed


def test_the_month_table_shows_twelve_months_and_late_labels(page):
    browser_page, _ = page
    assert browser_page.locator("#months tbody tr").count() == 12
    month_11 = browser_page.locator('#months tr[data-month="11"] td[data-column="realised_precision"]')
    assert month_11.inner_text() == "not known yet"


def _background(browser_page, month: int, column: str) -> str:
    cell = browser_page.locator(f'#months tr[data-month="{month}"] td[data-column="{column}"]')
    return cell.evaluate("element => getComputedStyle(element).backgroundColor")


@pytest.mark.parametrize("month, column", [
    (5, "max_input_psi"),  # the price rise: monthly charges
    (5, "leaving_rate"),  # ... and more customers leave
    (7, "empty_share"),  # the data bug
    (9, "leaving_rate"),  # the competitor
    (9, "realised_precision"),  # ... seen three months late in the precision
])
def test_alert_colours_where_the_planted_incidents_are(page, month, column):
    assert _background(page[0], month, column) == ALERT_BACKGROUND


@pytest.mark.parametrize("month, column", [(3, "max_input_psi"), (4, "leaving_rate"), (6, "empty_share"), (9, "latency_p99_ms"),
                                           (4, "realised_precision"), (12, "psi_score"), (9, "share_flagged")])
def test_no_alert_colour_where_nothing_was_planted(page, month, column):
    assert _background(page[0], month, column) != ALERT_BACKGROUND


def test_the_thresholds_and_the_alerts_are_listed(page):
    listed = page[0].locator("#thresholds").inner_text()
    for name in ("psi", "empty_share", "precision_gap", "latency_p99_ms"):
        assert name in listed
    alerts = page[0].locator("#alerts li").all_inner_texts()
    assert alerts[0].startswith("input drift: PSI of monthly_charges, months 5-12")
    assert "data quality: share of rows with an empty input, months 7-12" in alerts
