"""Take the README screenshots from a built site, in Debian's headless Chromium.

Usage: ``python scripts/screenshot.py SITE_DIR OUT_DIR``. The site is served on loopback (no
third-party requests are possible or needed); one desktop and one phone screenshot are written.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SHOTS = [
    ("jaarverslag.png", "/jaarverslag/2019/", {"width": 1280, "height": 900}),
    ("wijk-telefoon.png", "/wijken/holendrecht-reigersbos/", {"width": 390, "height": 844}),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main(site: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for name, path, viewport in SHOTS:
                page = browser.new_page(viewport=viewport)
                page.goto(base + path)
                page.screenshot(path=str(out / name))
                page.close()
                print(out / name)
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
