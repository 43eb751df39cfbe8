"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live_server.

Playwright cannot download its own browsers here, so the tests launch /usr/bin/chromium
(set MUTUALITY_CHROMIUM to use another). Mark every test module `pytestmark =
pytest.mark.browser`; those tests run after all the others (see below), and each page a
test visits should go through the `axe` fixture, which fails on any accessibility violation
and saves a full-page screenshot to var/screenshots/<test>-<n>.png (of every page checked
under `make test-browser`, of the failing page otherwise).

Run them alone with `make test-browser` or `.venv/bin/pytest -m browser`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("MUTUALITY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "var" / "screenshots"
EVERY_SCREENSHOT = os.environ.get("MUTUALITY_SCREENSHOTS") == "1"
BUILT_ASSETS = ROOT / "static" / "vendor" / "nhsuk" / "nhsuk-frontend.min.js"
# NHS.UK frontend reports a component that failed to start with console.log("SomeError: …").
_LOGGED_ERROR = re.compile(r"^\w*Error\b")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last (after pytest-django's own ordering).

    Playwright's sync API keeps an asyncio loop running on the main thread from its first
    use to the end of the session, and Django refuses database calls while a loop runs;
    running the browser tests last keeps that (and DJANGO_ALLOW_ASYNC_UNSAFE) away from
    every other test.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session", autouse=True)
def _django_beside_playwright() -> Iterator[None]:
    """Let test code use the database while Playwright's loop runs (see above)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium, headless, with nothing that reaches the network on its own."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}: install the chromium package "
            "(or set MUTUALITY_CHROMIUM), or leave them out with -m 'not browser'."
        )
    if not BUILT_ASSETS.exists():
        pytest.fail("Browser tests need the web assets: run `make setup` first.")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Pages open relative to the live server.

    This also replaces pytest-playwright's own base_url fixture, which pytest 9 warns about
    (a session fixture defined as an instance method) and filterwarnings would turn into an error.
    """
    return str(live_server.url)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Pages read in British English and London time."""
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> None:
    """Empty the shared cache (a database table the live server's tests do not roll back), so
    that no test meets another's sign-in counts or used codes."""
    if "live_server" in request.fixturenames:
        from django.core.cache import cache

        from tests.browser import signing_in

        request.getfixturevalue("transactional_db")
        cache.clear()
        signing_in.forget_typed_codes()  # the service's record of them has just gone


@pytest.fixture(autouse=True)
def _land_on_the_home_page(settings: Any) -> None:
    """After signing in, go to "/" (these tests do not need the dashboard)."""
    settings.LOGIN_REDIRECT_URL = "/"


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """Playwright's page, failing the test if the page reports a script or loading error."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning") or _LOGGED_ERROR.match(message.text):
            problems.append(f"console {message.type}: {message.text} ({message.location})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    yield page
    # Let the page's last requests finish before the test's database is torn down, so that no
    # live-server thread is still answering one while the next test starts.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=5000)
    assert not problems, "The page reported problems:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def _screenshots() -> Path:
    """var/screenshots/, emptied once per run so it holds only this run's pictures."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, _screenshots: Path) -> Callable[[Page], Path]:
    """Save a full-page screenshot as var/screenshots/<test>-<n>.png (n counts from 1)."""
    name = re.sub(r"[^\w.]+", "-", request.node.name).strip("-")
    numbers = itertools.count(1)

    def take(page: Page) -> Path:
        path = _screenshots / f"{name}-{next(numbers)}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


AXE_RUN = "() => axe.run(document, {resultTypes: ['violations']})"
"""What axe checks and reports: every rule on the whole document; the violations alone."""


@pytest.fixture(scope="session")
def _axe() -> Axe:
    return Axe()


@pytest.fixture
def axe(_axe: Axe, screenshot: Callable[[Page], Path]) -> Callable[[Page], None]:
    """Fail if axe-core finds any violation on the page, with a screenshot of it.

    `make test-browser` (MUTUALITY_SCREENSHOTS=1) keeps a screenshot of every page checked, to
    look through; `make test` takes one only of a page that fails, as full-page screenshots
    of several hundred pages are a good part of the browser tests' time in CI.
    """

    def check(page: Page) -> None:
        shot = screenshot(page) if EVERY_SCREENSHOT else None
        # axe-core is put into each document once (a page checked at two widths keeps it),
        # then run on the whole document for its violations, as `Axe.run` does.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(_axe.axe_script)
        violations = page.evaluate(AXE_RUN)["violations"]
        if violations:
            shot = shot or screenshot(page)
            pytest.fail(f"axe found on {page.url} (see {shot}):\n{describe(violations)}")

    return check


def describe(violations: list[dict[str, Any]]) -> str:
    """Each violation's id, impact and help, then each node's selector, HTML and failure."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html']}")
            lines.append(f"       {node.get('failureSummary', '')}".replace("\n", " "))
    return "\n".join(lines)
