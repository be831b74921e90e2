"""Screenshots of a running demo (`make demo`) for review: home, a customer, themes, request
trends, the API docs. Playwright with Debian's chromium (`make browsers`), nothing downloaded.

    .venv/bin/python scripts/demo-screenshots.py [http://127.0.0.1:8000]

Writes artifacts/screenshots/demo-*.png (git-ignored)."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
OUT = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
PAGES = {
    "demo-home": "/",
    "demo-customers": "/customers/",
    "demo-themes": "/insights/themes/",
    "demo-insights": "/insights/",
    "demo-request-trends": "/inbox/trends/",
    "demo-alerts": "/alerts/",
    "demo-api-docs": "/api/v1/docs",
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{BASE}/login/")
        page.fill("#id_username", "demo@earful.local")
        page.fill("#id_password", "earful-demo")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for name, path in PAGES.items():
            page.goto(BASE + path, timeout=120_000)
            if path.endswith("docs"):
                page.wait_for_selector(".swagger-ui .opblock", timeout=60_000)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            print(OUT / f"{name}.png")
        page.goto(f"{BASE}/customers/")
        page.click("table tbody a >> nth=0")
        page.wait_for_selector("text=Tier over time")
        page.screenshot(path=str(OUT / "demo-customer.png"), full_page=True)
        print(OUT / "demo-customer.png")
        browser.close()


if __name__ == "__main__":
    main()
