"""The web dashboard in a real browser (Debian's headless Chromium, driven by Selenium) against
the local stack: every page loads without JavaScript errors, a strategy is created through its
form, a manual signal waiting in the pipeline is approved (and another rejected with a reason)
through the signals page, the portfolio page charts equity after a fill, and a backtest is run
and charted. Screenshots land in ``test-artifacts/web/``.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from fks.market_data.storage import SeriesKey
from tests.integration.execution_helpers import resting_buy_price
from tests.integration.market_data_helpers import BTC, invoke, store_sample_candles
from tests.integration.pipeline_helpers import (
    new_signal,
    priced_markets,
    run,
    signal_record,
    start,
    wait_for_status,
)
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
PAGES = [
    "dashboard",
    "strategies",
    "signals",
    "orders",
    "portfolio",
    "backtests",
    "search",
    "market",
    "settings",
    "architecture",
    "api",
]
START, END = 1_735_689_600_000, 1_736_899_200_000  # 2025-01-01 .. 2025-01-15 UTC
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1400,1000", "--disable-dev-shm-usage",
]  # fmt: skip


@pytest.fixture(scope="module")
def stack(local_stack: StackHandle) -> StackHandle:
    """ETH/USDT 1m candles for the backtest and the candle chart (both resampled from them on read);
    BTC/USDT collected once, so the dashboard and market pages have an asset and the pipeline's
    risk check has a recent price for the signals approved through the page."""
    store_sample_candles(local_stack, SeriesKey.of("binance", "ETH/USDT", "1m"), "ETHUSDT", START, END - 1)
    # the historical API serves collected assets only
    local_stack.api("POST", "/assets/enable", json={"exchange": "binance", "symbol": "ETH/USDT"})
    priced_markets(local_stack, "BTC/USDT")
    return local_stack


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        # `make test` installs them (system-deps): missing here is a broken machine, not a pass.
        pytest.fail("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="fks-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def signed_in(stack: StackHandle, browser: Any) -> Any:
    """The browser on the dashboard with the admin key saved through the settings form."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    open_page(browser, stack, "settings")
    key = browser.find_element(By.NAME, "api_key")
    key.clear()
    key.send_keys(stack.api_keys["admin"])
    browser.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]").click()
    wait(browser).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#key-form .form-alert"), "accepts this key")
    )
    browser.get_log("browser")  # start each test with an empty console
    return browser


def wait(browser: Any, seconds: float = 60) -> WebDriverWait[Any]:
    return WebDriverWait(browser, seconds)


def open_page(browser: Any, stack: StackHandle, page: str) -> None:
    # A new query string each time: a full load, never a same-document jump to the current page.
    browser.get(f"{stack.browser_api_url}/web/?load={time.monotonic_ns()}#/{page}")
    root = (By.CSS_SELECTOR, f'#page[data-page="{page}"][data-ready="true"]')
    wait(browser).until(ec.presence_of_element_located(root))


def javascript_errors(browser: Any) -> list[dict[str, Any]]:
    """Console errors other than the API's own error answers, which the page shows as messages
    (e.g. /health's 503 while a part is unhealthy). A failed static file is still an error."""
    return [
        entry
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and not (entry.get("source") == "network" and "/web/" not in entry["message"])
    ]


def click(browser: Any, element: Any) -> None:
    """Click a control wherever it is on the page. Bootstrap makes scrolling smooth, so
    WebDriver's own scroll may still be under way when it clicks: scroll at once first."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def clicked(browser: Any, selector: str) -> bool:
    """Click the element ``selector`` names; False (try again) when a redraw replaced it first."""
    try:
        click(browser, browser.find_element(By.CSS_SELECTOR, selector))
    except StaleElementReferenceException:
        return False
    return True


def screenshot(browser: Any, name: str) -> None:
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def full_page_screenshot(browser: Any, name: str) -> None:
    """The whole page, below the fold too, captured by Chromium without resizing the window
    the later tests click in."""
    size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    (ARTIFACTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def test_web_files_are_public_with_content_types_and_cache_headers(stack: StackHandle) -> None:
    import requests

    shell = requests.get(f"{stack.api_url}/web", timeout=30)
    script = requests.get(f"{stack.api_url}/web/vendor/bootstrap.bundle.min.js", timeout=30)
    missing = requests.get(f"{stack.api_url}/web/../../app.py", timeout=30)

    assert shell.status_code == 200
    assert shell.headers["Content-Type"].startswith("text/html")
    assert '<base href="/v1/web/">' in shell.text
    # The stack's own live feed is the page's default feed address (locally the local gateway's).
    assert f'<meta name="fks-live-feed" content="{stack.websocket_urls["LiveFeedApi"]}">' in shell.text
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in script.headers["Cache-Control"]
    assert missing.status_code in (403, 404)


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_javascript_errors(signed_in: Any, stack: StackHandle, page: str) -> None:
    open_page(signed_in, stack, page)
    if page == "architecture":
        # Every diagram rendered: the overview, the flows of docs/design.md and reconciliation.
        wait(signed_in).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, ".mermaid svg")) == 6)
    if page == "market":
        wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#market-chart canvas")))
    if page == "api":
        wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#api-docs .opblock")))

    screenshot(signed_in, page)

    assert javascript_errors(signed_in) == []
    assert signed_in.find_element(By.CSS_SELECTOR, "#page h1").text


def test_api_page_renders_every_operation_of_the_openapi_document(signed_in: Any, stack: StackHandle) -> None:
    document = stack.api("GET", "/openapi.json", scope="read").json()
    operations = {
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method in methods
        if method != "parameters"
    }
    open_page(signed_in, stack, "api")
    blocks = (By.CSS_SELECTOR, "#api-docs .opblock")
    wait(signed_in).until(lambda b: len(b.find_elements(*blocks)) == len(operations))

    rendered = {
        block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text
        + " "
        + block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path")
        for block in signed_in.find_elements(*blocks)
    }
    screenshot(signed_in, "api-docs")

    assert rendered == operations
    assert javascript_errors(signed_in) == []


def test_navigation_links_switch_pages_without_a_reload(signed_in: Any, stack: StackHandle) -> None:
    open_page(signed_in, stack, "dashboard")
    signed_in.execute_script("window.notReloaded = true")

    for page in ("strategies", "market", "dashboard"):
        signed_in.find_element(By.CSS_SELECTOR, f'#nav-links a[href="#/{page}"]').click()
        wait(signed_in).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, f'#page[data-page="{page}"][data-ready="true"]'))
        )

    assert signed_in.execute_script("return window.notReloaded") is True
    assert javascript_errors(signed_in) == []


def test_dark_theme_toggle_applies_and_is_remembered(signed_in: Any, stack: StackHandle) -> None:
    open_page(signed_in, stack, "dashboard")
    signed_in.find_element(By.ID, "theme-toggle").click()
    open_page(signed_in, stack, "dashboard")
    wait(signed_in).until(lambda b: "Health" in b.find_element(By.ID, "dash-health").text)

    screenshot(signed_in, "dashboard-dark")

    assert signed_in.execute_script("return document.documentElement.dataset.bsTheme") == "dark"
    signed_in.find_element(By.ID, "theme-toggle").click()


def test_strategy_created_through_its_form_after_a_field_error(signed_in: Any, stack: StackHandle) -> None:
    open_page(signed_in, stack, "strategies")
    form = wait(signed_in).until(ec.presence_of_element_located((By.ID, "strategy-form")))
    form.find_element(By.NAME, "strategy_id").send_keys("web-sma")
    fast = form.find_element(By.NAME, "params.fast")
    fast.clear()
    fast.send_keys("1")
    click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(signed_in).until(lambda b: "is-invalid" in (fast.get_attribute("class") or ""))
    error = form.find_element(By.CSS_SELECTOR, '.invalid-feedback[data-for="params.fast"]').text
    fast.clear()
    fast.send_keys("8")
    click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "strategy-list"), "web-sma"))

    screenshot(signed_in, "strategy-created")

    assert "fast" in error
    stored = stack.api("GET", "/strategies/web-sma").json()["strategy"]
    assert stored["params"]["fast"] == 8
    assert stored["strategy"] == "sma_cross"


def test_strategy_is_activated_and_switched_to_manual_from_its_row(signed_in: Any, stack: StackHandle) -> None:
    stack.api("POST", "/strategies", json={"strategy_id": "web-row", "strategy": "ema_cross", "symbol": "BTC/USDT"})
    open_page(signed_in, stack, "strategies")
    row = '#strategy-list [data-strategy="web-row"]'
    wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, row)))

    signed_in.find_element(By.CSS_SELECTOR, f"{row} [data-action=activate]").click()
    wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, f"{row} [data-action=deactivate]")))
    signed_in.find_element(By.CSS_SELECTOR, f"{row} [data-action=mode]").click()
    wait(signed_in).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, f"{row} [data-action=mode]"), "Make auto"))

    stored = stack.api("GET", "/strategies/web-row").json()["strategy"]
    assert (stored["active"], stored["mode"]) == (True, "manual")


def test_trading_is_halted_and_resumed_from_settings(signed_in: Any, stack: StackHandle) -> None:
    open_page(signed_in, stack, "settings")
    try:
        signed_in.find_element(By.ID, "halt").click()
        wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "trading-state"), "halted"))
        signed_in.find_element(By.ID, "resume").click()
        wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "trading-state"), "active"))
    finally:
        stack.api("POST", "/risk/resume")  # never leave the shared stack halted


def test_a_limit_is_changed_on_the_settings_page_after_an_unknown_key_and_a_stale_version(
    signed_in: Any, stack: StackHandle
) -> None:
    """The settings page saves a limit, shows an unknown key by its field and a concurrent edit as a
    conflict (never overwriting it), and lists the change with who made it."""
    original = stack.api("GET", "/settings/portfolio_limits", scope="read").json()["setting"]
    open_page(signed_in, stack, "settings")
    form = wait(signed_in).until(ec.presence_of_element_located((By.ID, "setting-portfolio_limits")))
    text = form.find_element(By.NAME, "value")
    try:
        text.clear()
        text.send_keys('{"max_open_positionz": 6}')
        click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        feedback = form.find_element(By.CSS_SELECTOR, '.invalid-feedback[data-for="value"]')
        wait(signed_in).until(lambda b: "max_open_positionz" in feedback.text)
        text.clear()
        text.send_keys('{"max_open_positions": 6}')
        click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "messages"), "portfolio_limits saved"))
        wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "settings-changes"), '"max_open_positions":6'))
        saved = stack.api("GET", "/settings/portfolio_limits", scope="read").json()["setting"]
        assert saved["value"] == {"max_open_positions": 6}
        assert saved["version"] == original["version"] + 1

        # Someone else saves through the API; this page, loaded before, must not overwrite it.
        assert (
            stack.api(
                "PUT",
                "/settings/portfolio_limits",
                json={"value": {"max_open_positions": 5}, "version": saved["version"]},
            ).status_code
            == 200
        )
        form = signed_in.find_element(By.ID, "setting-portfolio_limits")
        text = form.find_element(By.NAME, "value")
        text.clear()
        text.send_keys('{"max_open_positions": 4}')
        click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        wait(signed_in).until(
            ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#setting-portfolio_limits .form-alert"), "reload")
        )
        assert stack.api("GET", "/settings/portfolio_limits", scope="read").json()["setting"]["value"] == {
            "max_open_positions": 5
        }
        screenshot(signed_in, "settings-limits")
        assert javascript_errors(signed_in) == []
    finally:
        current = stack.api("GET", "/settings/portfolio_limits", scope="read").json()["setting"]
        stack.api("PUT", "/settings/portfolio_limits", json={"value": original["value"], "version": current["version"]})


def test_a_limit_saved_on_the_settings_page_refuses_the_next_signal_without_a_deploy(
    signed_in: Any, stack: StackHandle
) -> None:
    original = stack.api("GET", "/settings/portfolio_limits", scope="read").json()
    open_page(signed_in, stack, "settings")
    form = wait(signed_in).until(ec.presence_of_element_located((By.ID, "setting-portfolio_limits")))
    text = form.find_element(By.NAME, "value")
    try:
        text.clear()
        text.send_keys('{"max_gross_exposure": "0.00001"}')  # about 1 USDT of the 100,000 equity
        click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "messages"), "portfolio_limits saved"))
        time.sleep(original["max_age_s"] + 1)  # the risk check's settings cache

        signal = new_signal()
        run(stack, signal)

        record = stack.api("GET", f"/signals/{signal['signal_id']}", scope="read").json()["signal"]
        assert record["status"] == "denied"
        assert "max_gross_exposure" in record["reason"]
    finally:
        current = stack.api("GET", "/settings/portfolio_limits", scope="read").json()["setting"]
        body = {"value": original["setting"]["value"], "version": current["version"]}
        stack.api("PUT", "/settings/portfolio_limits", json=body)
        time.sleep(original["max_age_s"] + 1)  # later tests trade under the limits they expect


def waiting_signal(stack: StackHandle) -> tuple[str, str]:
    """A manual-mode signal the pipeline holds for a person: its id and execution ARN."""
    signal = new_signal(mode="manual")
    arn = start(stack, signal)
    wait_for_status(stack, signal["signal_id"], "pending_approval")
    return signal["signal_id"], arn


def briefing_of(stack: StackHandle, signal_id: str, timeout_s: float = 60) -> dict[str, Any]:
    """The briefing AiFunction attaches to the signal's record (seconds after validation)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        record = signal_record(stack, signal_id)
        if "briefing" in record:
            briefing: dict[str, Any] = record["briefing"]
            return briefing
        time.sleep(0.5)
    raise AssertionError(f"signal {signal_id} got no briefing in {timeout_s} s")


def test_pending_signal_is_approved_through_the_page_and_completes(signed_in: Any, stack: StackHandle) -> None:
    signal_id, arn = waiting_signal(stack)
    open_page(signed_in, stack, "signals")
    row = f'#signals-pending [data-signal="{signal_id}"]'
    wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, row)))
    screenshot(signed_in, "signals-pending")
    # Before deciding, a person reads its briefing (fks_ai, attached from the signals stream): the
    # summary and the strategy's record in the bar's regime, each as the record holds it.
    briefing = briefing_of(stack, signal_id)
    signed_in.find_element(By.CSS_SELECTOR, f"{row} [data-action=details]").click()
    wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "briefing-summary"), briefing["summary"]))
    performance = briefing["performance"]
    shown = signed_in.find_element(By.ID, "briefing-performance").text
    assert (performance["reason"] if not performance["available"] else performance["regime"]) in shown
    screenshot(signed_in, "signal-pending-briefing")

    signed_in.find_element(By.CSS_SELECTOR, f"{row} [data-action=approve]").click()
    wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "messages"), f"{signal_id} approved"))

    assert stack.wait_for_execution(arn)["status"] == "SUCCEEDED"
    record = wait_for_status(stack, signal_id, "completed")
    assert record["approval"]["by"]
    # The detail view, opened from the history, shows the path the execution took.
    signed_in.find_element(By.CSS_SELECTOR, f'#signals-history [data-signal="{signal_id}"]').click()
    detail = (By.CSS_SELECTOR, f'#signal-detail [data-signal="{signal_id}"][data-status="completed"]')
    wait(signed_in).until(ec.presence_of_element_located(detail))
    path = signed_in.find_element(By.ID, "signal-path").text
    screenshot(signed_in, "signal-approved-path")

    listed = signed_in.find_element(By.CSS_SELECTOR, f'#signals-history button[data-signal="{signal_id}"]')
    for state in ("WaitForApproval", "ExecuteOrder", "RecordOutcome"):
        assert state in path
    assert "completed" in listed.find_element(By.XPATH, "./ancestor::tr").text  # the row caught up too
    assert "filled" in signed_in.find_element(By.ID, "signal-detail").text  # the exchange report
    # Its briefing (fks_ai), attached from the signals stream and filled from its own figures.
    summary = signed_in.find_element(By.ID, "briefing-summary").text
    assert summary == record["briefing"]["summary"]
    assert summary.startswith(f"{record['side']} {record['symbol']}")
    # The pending list reloads itself after the push (an API call of its own, after the history's
    # row has already changed): waited for, not raced.
    wait(signed_in, 30).until_not(ec.presence_of_element_located((By.CSS_SELECTOR, row)))
    assert javascript_errors(signed_in) == []


def test_pending_signal_is_rejected_through_the_page_with_a_reason(signed_in: Any, stack: StackHandle) -> None:
    signal_id, arn = waiting_signal(stack)
    open_page(signed_in, stack, "signals")
    row = f'#signals-pending [data-signal="{signal_id}"]'
    wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, row)))

    signed_in.find_element(By.CSS_SELECTOR, f"{row} [data-action=reject]").click()
    form = wait(signed_in).until(ec.presence_of_element_located((By.ID, "reject-form")))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()  # no reason given yet
    reason = form.find_element(By.NAME, "reason")
    wait(signed_in).until(lambda b: "is-invalid" in (reason.get_attribute("class") or ""))
    missing = form.find_element(By.CSS_SELECTOR, '.invalid-feedback[data-for="reason"]').text
    reason.send_keys("news from the web page")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "messages"), f"{signal_id} rejected"))
    screenshot(signed_in, "signal-rejected")

    assert "reason" in missing.lower()
    stack.wait_for_execution(arn)
    record = wait_for_status(stack, signal_id, "rejected")
    assert "news from the web page" in record["reason"]
    # The history, filtered to rejected signals, lists it; its detail names the reason.
    Select(signed_in.find_element(By.CSS_SELECTOR, "#signals-filter [name=status]")).select_by_value("rejected")
    listed = (By.CSS_SELECTOR, f'#signals-history[data-filter="rejected"] [data-signal="{signal_id}"]')
    wait(signed_in).until(ec.presence_of_element_located(listed)).click()
    wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "signal-detail"), "news from the web page"))
    statuses = {cell.text for cell in signed_in.find_elements(By.CSS_SELECTOR, "#signals-history td .badge")}
    assert statuses == {"rejected"}
    assert javascript_errors(signed_in) == []


def test_portfolio_shows_equity_and_charts_it_after_a_signal_executed(signed_in: Any, stack: StackHandle) -> None:
    assert run(stack, new_signal())["status"] == "SUCCEEDED"  # a fill books the portfolio and snapshots it
    portfolio = stack.api("GET", "/portfolio", scope="read").json()
    snapshots = stack.api("GET", "/portfolio/history", scope="read").json()["snapshots"]
    open_page(signed_in, stack, "portfolio")
    chart = wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#portfolio-chart canvas")))
    full_page_screenshot(signed_in, "portfolio-after-fill")

    assert chart.is_displayed()
    shown = signed_in.find_element(By.ID, "portfolio-equity").text.replace(",", "")
    assert Decimal(shown) == Decimal(portfolio["equity"]).quantize(Decimal("0.01")).normalize()
    points = signed_in.find_element(By.ID, "portfolio-chart").get_attribute("data-points")
    assert int(points or 0) == len(snapshots) >= 1
    assert "BTC/USDT" in signed_in.find_element(By.ID, "portfolio-positions").text
    assert javascript_errors(signed_in) == []


def test_the_portfolio_page_shows_the_account_picked_in_its_selector(signed_in: Any, stack: StackHandle) -> None:
    settings = {"venue": "kraken", "mode": "paper", "risk_limits": {}}
    assert stack.api("PUT", "/accounts/web-kraken-paper", json=settings).status_code == 200
    open_page(signed_in, stack, "portfolio")
    picker = wait(signed_in).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#portfolio-account option[value='web-kraken-paper']"))
    )
    own = wait(signed_in).until(ec.presence_of_element_located((By.ID, "portfolio-account-name"))).text

    Select(signed_in.find_element(By.ID, "portfolio-account")).select_by_value("web-kraken-paper")
    wait(signed_in).until(
        ec.text_to_be_present_in_element((By.ID, "portfolio-account-name"), "Account web-kraken-paper on kraken")
    )
    full_page_screenshot(signed_in, "portfolio-other-account")

    assert picker.text == "web-kraken-paper (kraken, paper)"
    assert own.startswith("Account binance-spot")
    assert "No open positions" in signed_in.find_element(By.ID, "portfolio-positions").text
    assert javascript_errors(signed_in) == []


def test_allocation_form_shows_a_bad_weight_by_its_field_then_saves(signed_in: Any, stack: StackHandle) -> None:
    stack.api("POST", "/strategies", json={"strategy_id": "web-alloc", "strategy": "sma_cross", "symbol": "BTC/USDT"})
    open_page(signed_in, stack, "portfolio")
    form = wait(signed_in).until(ec.presence_of_element_located((By.ID, "allocation-form")))
    weight = form.find_element(By.NAME, "allocations.web-alloc")
    weight.clear()
    weight.send_keys("1.5")
    click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(signed_in).until(lambda b: "is-invalid" in (weight.get_attribute("class") or ""))
    weight.clear()
    weight.send_keys("0.05")
    click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "messages"), "Allocations saved"))

    strategies = stack.api("GET", "/portfolio", scope="read").json()["strategies"]
    assert Decimal(next(s for s in strategies if s["strategy_id"] == "web-alloc")["target_weight"]) == Decimal("0.05")
    assert javascript_errors(signed_in) == []


def test_rebalance_dry_run_lists_the_orders_after_a_field_error(signed_in: Any, stack: StackHandle) -> None:
    open_page(signed_in, stack, "portfolio")
    form = wait(signed_in).until(ec.presence_of_element_located((By.ID, "rebalance-form")))
    targets = form.find_element(By.NAME, "targets")
    targets.send_keys("BTC/USDT=2")
    click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(signed_in).until(lambda b: "is-invalid" in (targets.get_attribute("class") or ""))
    error = form.find_element(By.CSS_SELECTOR, '.invalid-feedback[data-for="targets"]').text
    targets.clear()
    targets.send_keys("BTC/USDT=0.2")
    click(signed_in, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    result = (By.CSS_SELECTOR, "#rebalance-result table")
    wait(signed_in).until(ec.presence_of_element_located(result))
    screenshot(signed_in, "rebalance-dry-run")

    assert "between 0 and 1" in error
    rows = signed_in.find_elements(By.CSS_SELECTOR, "#rebalance-result tbody tr")
    assert len(rows) == 1
    assert "BTC/USDT" in rows[0].text
    assert "buy" in rows[0].text
    assert javascript_errors(signed_in) == []


def test_dashboard_shows_equity_todays_signals_and_orders(signed_in: Any, stack: StackHandle) -> None:
    signal = new_signal()
    assert run(stack, signal)["status"] == "SUCCEEDED"
    report = wait_for_status(stack, signal["signal_id"], "completed")["report"]
    open_page(signed_in, stack, "dashboard")

    orders = signed_in.find_element(By.ID, "dash-orders").text
    screenshot(signed_in, "dashboard-after-fill")

    assert report["client_order_id"] in orders
    assert "filled" in orders
    assert signed_in.find_element(By.ID, "portfolio-equity").text
    assert "completed" in signed_in.find_element(By.ID, "dash-signals").text
    assert "BTC/USDT" in signed_in.find_element(By.ID, "dash-positions").text
    assert javascript_errors(signed_in) == []


def collect_until_new_btc_candles(stack: StackHandle) -> int:
    """Run collection until it stores new BTC/USDT candles (after the next minute closes when an
    earlier run already stored the latest one); how many it stored."""
    for _ in range(3):
        body = invoke(stack, "CollectOhlcvFunction", {})
        btc = next(r for r in body["collected"] if r["asset"] == str(BTC))
        if btc["stored_new"]:
            return int(btc["stored_new"])
        time.sleep(60 - time.time() % 60 + 1.5)
    raise AssertionError("collection stored no new BTC/USDT candles in three minutes")


def test_market_chart_appends_candles_pushed_over_the_live_feed(signed_in: Any, stack: StackHandle) -> None:
    open_page(signed_in, stack, "settings")
    address = signed_in.find_element(By.NAME, "live_feed_url")
    address.clear()
    address.send_keys(stack.websocket_urls["LiveFeedApi"])
    click(signed_in, signed_in.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]"))
    wait(signed_in).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#key-form .form-alert"), "accepts"))
    try:
        open_page(signed_in, stack, "market")
        Select(signed_in.find_element(By.NAME, "asset")).select_by_value("binance:BTC/USDT")
        Select(signed_in.find_element(By.NAME, "timeframe")).select_by_value("1m")
        chart = '#market-chart[data-symbol="BTC/USDT"][data-timeframe="1m"]'
        wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, f'{chart}[data-live="live"]')))
        before = int(signed_in.find_element(By.CSS_SELECTOR, chart).get_attribute("data-last-time") or 0)

        stored = collect_until_new_btc_candles(stack)
        latest = stack.api("GET", "/market-data/BTC-USDT", scope="read", params={"limit": 1, "timeframe": "1m"})
        newest = latest.json()["candles"][-1]
        drawn = f'{chart}[data-last-time="{newest["open_time"]}"]'
        wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, drawn)))
        pushed = int(signed_in.find_element(By.CSS_SELECTOR, chart).get_attribute("data-pushed") or 0)
        screenshot(signed_in, "market-live")

        assert newest["open_time"] > before
        assert pushed >= 1  # polling is off while the feed is live: the candles came over the socket
        assert stored >= 1
        assert "live" in signed_in.find_element(By.ID, "market-status").text
        assert javascript_errors(signed_in) == []
    finally:
        signed_in.execute_script("localStorage.removeItem('fks.liveFeedUrl')")


@pytest.fixture
def live_feed(signed_in: Any, stack: StackHandle) -> Iterator[Any]:
    """The browser with the stack's live feed address saved through the settings form."""
    open_page(signed_in, stack, "settings")
    address = signed_in.find_element(By.NAME, "live_feed_url")
    address.clear()
    address.send_keys(stack.websocket_urls["LiveFeedApi"])
    click(signed_in, signed_in.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]"))
    wait(signed_in).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#key-form .form-alert"), "accepts"))
    try:
        yield signed_in
    finally:
        signed_in.execute_script("localStorage.removeItem('fks.liveFeedUrl')")


def test_a_signals_state_changes_on_an_open_page_without_a_reload(live_feed: Any, stack: StackHandle) -> None:
    open_page(live_feed, stack, "signals")
    wait(live_feed).until(ec.presence_of_element_located((By.CSS_SELECTOR, '#signals-history[data-live="live"]')))
    live_feed.execute_script("window.fksSameDocument = true")  # a reload would lose it

    signal = new_signal(mode="manual")
    arn = start(stack, signal)  # after the page loaded: only a push can show it
    signal_id = signal["signal_id"]
    pending = f'#signals-pending [data-signal="{signal_id}"]'
    wait(live_feed).until(ec.presence_of_element_located((By.CSS_SELECTOR, pending)))
    approved = stack.api("POST", f"/signals/{signal_id}/approve", scope="trade", json={})  # decided elsewhere
    assert approved.status_code == 200, approved.text
    completed = f'#signals-history tr[data-status="completed"] button[data-signal="{signal_id}"]'
    wait(live_feed, 120).until(ec.presence_of_element_located((By.CSS_SELECTOR, completed)))
    screenshot(live_feed, "signals-live")

    assert stack.wait_for_execution(arn)["status"] == "SUCCEEDED"
    # It leaves the pending list by itself: that list reloads after the push with an API call of its
    # own, which can end after the history's row changed, so it is waited for, not raced.
    wait(live_feed, 30).until_not(ec.presence_of_element_located((By.CSS_SELECTOR, pending)))
    assert live_feed.execute_script("return window.fksSameDocument") is True
    assert javascript_errors(live_feed) == []


def test_an_order_is_placed_and_canceled_from_the_orders_page(live_feed: Any, stack: StackHandle) -> None:
    open_page(live_feed, stack, "orders")
    wait(live_feed).until(ec.presence_of_element_located((By.CSS_SELECTOR, '#orders-list[data-live="live"]')))
    form = live_feed.find_element(By.ID, "order-form")
    Select(form.find_element(By.NAME, "type")).select_by_value("limit")
    form.find_element(By.NAME, "quantity").send_keys("0.001")
    form.find_element(By.NAME, "price").send_keys(resting_buy_price(stack))

    click(live_feed, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(live_feed).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#order-form .form-alert"), "accepted"))
    order_id = form.find_element(By.CSS_SELECTOR, ".form-alert").text.split()[1].rstrip(":")
    row = f'#orders-list tr[data-order="{order_id}"]'
    wait(live_feed).until(ec.presence_of_element_located((By.CSS_SELECTOR, f'{row}[data-status="accepted"]')))
    # Pushes redraw the list while the test works in it: find the button afresh until a click lands.
    wait(live_feed).until(lambda driver: clicked(driver, f"{row} [data-action=cancel]"))
    wait(live_feed).until(ec.presence_of_element_located((By.CSS_SELECTOR, f'{row}[data-status="canceled"]')))
    screenshot(live_feed, "orders-canceled")

    listed = stack.api("GET", "/orders", scope="read").json()["orders"]
    assert next(o for o in listed if o["client_order_id"] == order_id)["status"] == "canceled"
    assert javascript_errors(live_feed) == []


def test_backtest_is_run_and_its_charts_drawn(signed_in: Any, stack: StackHandle) -> None:
    open_page(signed_in, stack, "backtests")
    form = wait(signed_in).until(ec.presence_of_element_located((By.ID, "backtest-form")))
    signed_in.execute_script("arguments[0].value = '2025-01-15'", form.find_element(By.NAME, "end_ms"))
    # The strategy's execution settings, as the strategy form takes them; fees left to the venue.
    form.find_element(By.NAME, "execution.quantity").send_keys("0.5")
    form.find_element(By.NAME, "execution.stop_loss_pct").send_keys("2")
    signed_in.execute_script("arguments[0].requestSubmit()", form)  # the button may sit below the fold
    wait(signed_in, 120).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#trades-chart canvas")))

    screenshot(signed_in, "backtest-result")
    signed_in.set_window_size(1400, 2600)  # the whole result: metrics, equity, drawdown, trades
    screenshot(signed_in, "backtest-charts")
    signed_in.set_window_size(1400, 1000)

    assert signed_in.find_elements(By.CSS_SELECTOR, "#equity-chart canvas")
    assert "trade count" in signed_in.find_element(By.ID, "backtest-results").text
    newest = stack.api("GET", "/backtests?limit=1", scope="read").json()["backtests"][0]
    request = stack.api("GET", f"/backtests/{newest['id']}", scope="read").json()["request"]
    assert (request["execution"]["quantity"], request["execution"]["stop_loss_pct"]) == ("0.5", "2")
    assert javascript_errors(signed_in) == []


def test_past_backtests_are_listed_newest_first_and_one_reopens_on_click(signed_in: Any, stack: StackHandle) -> None:
    newest = stack.api("GET", "/backtests?limit=1", scope="read").json()["backtests"]
    assert newest, "the backtest test before this one stored a run"
    open_page(signed_in, stack, "backtests")
    first_row = wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#past-backtests tbody tr")))

    assert newest[0]["strategy"] in first_row.text
    signed_in.execute_script("arguments[0].click()", first_row)
    results = wait(signed_in, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#trades-chart canvas")))
    assert results.is_displayed()
    assert newest[0]["id"] in signed_in.find_element(By.ID, "backtest-results").text
    assert javascript_errors(signed_in) == []


def test_optimisation_grid_draws_its_heat_map(signed_in: Any, stack: StackHandle) -> None:
    open_page(signed_in, stack, "backtests")
    form = wait(signed_in).until(ec.presence_of_element_located((By.ID, "optimisation-form")))
    signed_in.execute_script("arguments[0].value = '2025-01-15'", form.find_element(By.NAME, "end_ms"))
    signed_in.execute_script("arguments[0].requestSubmit()", form)  # below the fold of the window
    heat_map = wait(signed_in, 120).until(ec.presence_of_element_located((By.ID, "heatmap")))
    signed_in.set_window_size(1400, 2000)
    screenshot(signed_in, "optimisation-heatmap")
    signed_in.set_window_size(1400, 1000)

    assert len(heat_map.find_elements(By.CSS_SELECTOR, "tbody td")) == 9
    assert javascript_errors(signed_in) == []


def test_past_optimisations_are_listed_newest_first_and_one_reopens_its_heat_map(
    signed_in: Any, stack: StackHandle
) -> None:
    newest = stack.api("GET", "/optimizations?limit=1", scope="read").json()["optimizations"]
    assert newest, "the optimisation test before this one stored a run"
    open_page(signed_in, stack, "backtests")
    first_row = wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#past-optimisations tbody tr")))

    assert newest[0]["strategy"] in first_row.text
    signed_in.execute_script("arguments[0].click()", first_row)
    heat_map = wait(signed_in, 60).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#backtest-results #heatmap"))
    )
    assert len(heat_map.find_elements(By.CSS_SELECTOR, "tbody td")) == 9
    assert newest[0]["id"] in signed_in.find_element(By.ID, "backtest-results").text
    assert javascript_errors(signed_in) == []


def test_a_model_strategy_in_the_backtest_form_says_it_evaluates_a_stored_model(
    signed_in: Any, stack: StackHandle
) -> None:
    open_page(signed_in, stack, "backtests")
    form = wait(signed_in).until(ec.presence_of_element_located((By.ID, "backtest-form")))

    Select(form.find_element(By.NAME, "strategy")).select_by_value("ml_forecast")
    note = wait(signed_in).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#backtest-form [data-role=strategy-inputs]"))
    )

    assert "the asset's stored forecast model" in note.text
    Select(form.find_element(By.NAME, "strategy")).select_by_value("sma_cross")
    assert not form.find_elements(By.CSS_SELECTOR, "[data-role=strategy-inputs]")
    assert javascript_errors(signed_in) == []


def test_a_note_added_on_the_search_page_is_found_there_after_the_index_build(
    signed_in: Any, stack: StackHandle
) -> None:
    open_page(signed_in, stack, "search")
    form = signed_in.find_element(By.ID, "note-form")
    form.find_element(By.NAME, "text").send_keys("Order books thin out before the Sunday futures open")
    form.find_element(By.NAME, "tags").send_keys("liquidity, weekend")
    # Submitted as its button does (the button sits below the fold of the test's window).
    signed_in.execute_script("arguments[0].requestSubmit()", form)
    wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "messages"), "Note stored"))
    invoke(stack, "AiFunction", {"schedule": "rebuild_ai_index"})  # what the 15-minute schedule runs

    search = signed_in.find_element(By.ID, "search-form")
    search.find_element(By.NAME, "text").send_keys("thin order books on Sunday")
    Select(search.find_element(By.NAME, "kind")).select_by_value("note")
    signed_in.execute_script("arguments[0].requestSubmit()", search)
    results = wait(signed_in).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#search-results[data-count]")))
    screenshot(signed_in, "search-notes")

    first_row = results.find_element(By.CSS_SELECTOR, "tbody tr").text
    assert "Order books thin out before the Sunday futures open" in first_row
    # The strategies' documentation is in the same index.
    search.find_element(By.NAME, "text").clear()
    search.find_element(By.NAME, "text").send_keys("enters only in the regimes the stored regime model allows")
    Select(search.find_element(By.NAME, "kind")).select_by_value("strategy")
    signed_in.execute_script("arguments[0].requestSubmit()", search)
    wait(signed_in).until(ec.text_to_be_present_in_element((By.ID, "search-results"), "strategy regime_gate"))
    assert javascript_errors(signed_in) == []
