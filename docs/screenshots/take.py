"""Take the README's admin screenshots from a freshly seeded demo site.

Run from the repository root: ``.venv/bin/python docs/screenshots/take.py``.
It migrates and seeds a throwaway SQLite database, serves it with runserver on
a free loopback port, and drives Debian's chromium through Playwright.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import wagtail.admin
from PIL import Image
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(__file__).resolve().parent
MANAGE = [sys.executable, str(ROOT / "example_project" / "manage.py")]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WAGTAIL_IMAGES = Path(wagtail.admin.__file__).parent / "static" / "wagtailadmin" / "images"
DEFAULT_AVATAR = WAGTAIL_IMAGES / "default-user-avatar.png"
EXTRA_SEGMENTS = """
from wagtail_personal_links.models import Contact, Segment
for name, description, size in [
    ("Beta testers", "Early access to new features.", 12),
    ("Newsletter", "Monthly product news.", 41),
]:
    segment, _ = Segment.objects.get_or_create(name=name, defaults={"description": description})
    segment.add_contacts(Contact.objects.order_by("pk")[:size])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def shoot(page: Page, name: str) -> None:
    """Save the viewport as a small palette PNG."""
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=path)
    Image.open(path).convert("RGB").quantize(colors=64).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KiB")


def take(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        # Offline, Gravatar cannot answer: show Wagtail's own default avatar instead.
        page.route("**/*gravatar.com/**", lambda route: route.fulfill(path=DEFAULT_AVATAR))
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "changeme")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/admin/")

        page.goto(f"{base}/admin/snippets/wagtail_personal_links/contact/")
        shoot(page, "contacts")

        page.get_by_role("link", name="ava.andersen.40@example.com").click()
        page.get_by_role("button", name="Add attribute").click()
        row = page.locator("[data-wpl-attributes-row]").last
        row.get_by_label("Key").fill("language")
        row.get_by_label("Value").fill("nl")
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, "contact-edit")
        page.set_viewport_size({"width": 1280, "height": 800})

        page.goto(f"{base}/admin/snippets/wagtail_personal_links/segment/")
        shoot(page, "segments")
        browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/screenshots.sqlite3",
            "DEMO_ADMIN_PASSWORD": "changeme",
            "DEMO_PORT": str(port),
        }
        for command in (["migrate", "-v0"], ["seed_demo"], ["shell", "-c", EXTRA_SEGMENTS]):
            subprocess.run([*MANAGE, *command], env=env, check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen(
            [*MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/admin/login/")
            take(base)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
