"""The README's screenshot: the FETEK page as a browser shows it, taken through `clusterkg serve`.

    python benchmarks/screenshot.py                       # docs/screenshots/fetek.png
    python benchmarks/screenshot.py --path /sparql --out docs/screenshots/editor.png

It starts `clusterkg serve --port 0` on 127.0.0.1 (the user's build cache, or --cache-dir), opens
the page in Debian's chromium driven by playwright (the same browser and settings as
tests/test_browser.py; `apt-get install chromium`, `pip install playwright`), saves the picture
and stops the server. It refuses to save a page that answered an error or asked any other host
than 127.0.0.1 for anything.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPOSITORY = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# as tests/test_browser.py: no sandbox (root in a container), nothing in the background, and no
# host but this machine's loopback resolved
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


def main() -> int:
    options = _arguments()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return _refuse("playwright is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        return _refuse(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="clusterkg-screenshot-") as scratch:
        return _take(options, scratch)


def _take(options: argparse.Namespace, scratch: str) -> int:
    from playwright.sync_api import sync_playwright

    server, root = _serve(options.cache_dir, scratch)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                page = browser.new_page(
                    viewport={"width": options.width, "height": options.height},
                    device_scale_factor=options.scale,
                    locale="en-GB",
                )
                requested: list[str] = []
                page.on("request", lambda request: requested.append(request.url))
                answer = page.goto(root + options.path.lstrip("/"), wait_until="networkidle")
                status = answer.status if answer else 0
                if status != 200:
                    return _refuse(f"{options.path} answered {status}, not 200: no screenshot")
                outside = sorted({url for url in requested if not _local(url)})
                if outside:
                    return _refuse(f"the page asked other hosts: {outside}")
                options.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(options.out), full_page=options.full_page)
            finally:
                browser.close()
    finally:
        _stop(server)
    print(f"{options.out}: {options.path} at {options.width}x{options.height}", file=sys.stderr)
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default="/id/cluster/fetek", help="the page to take")
    parser.add_argument(
        "--out", type=Path, default=REPOSITORY / "docs" / "screenshots" / "fetek.png"
    )
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--scale", type=float, default=1.0, help="device pixels per CSS pixel")
    parser.add_argument(
        "--full-page", action="store_true", help="the whole page, not the first screen"
    )
    parser.add_argument("--cache-dir", type=Path, help="the build cache the server reads")
    return parser.parse_args()


def _serve(cache_dir: Path | None, scratch: str) -> tuple[subprocess.Popen[str], str]:
    """A `clusterkg serve --port 0` process on 127.0.0.1 and the URL it says it serves at."""
    env = dict(os.environ)
    if cache_dir is not None:
        env["CLUSTERKG_CACHE_DIR"] = str(cache_dir)
    env["TMPDIR"] = scratch  # the server's own temporary files, removed after
    process = subprocess.Popen(
        [sys.executable, "-m", "clusterkg", "serve", "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 300  # the first build of a graph takes a while
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        found = re.search(r"serving .*?\bat (http://\S+/)", line)
        if found:
            return process, found.group(1)
    _stop(process)
    raise SystemExit(f"clusterkg serve did not start:\n{''.join(seen)}")


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1"


def _refuse(message: str) -> int:
    print(f"screenshot: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
