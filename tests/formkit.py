"""Helpers for the web form tests: a real git repository made from the real project files,
users with cheap argon2 parameters, and the real server (uvicorn) on a free loopback port."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from argon2 import PasswordHasher

from generator.form.settings import FormSettings
from generator.form.users import UserStore
from tests.helpers import ROOT, make_project, story_text

PASSWORD = "geheim-wachtwoord"
USERS = {  # username: (display name, role, team)
    "samira": ("Samira Bakker", "professional", "Buurtteam Gaasperdam"),
    "joost": ("Joost de Wit", "professional", "Buurtteam Noord"),
    "coby": ("Coby Mulder", "coordinator", "Buurtteam Gaasperdam"),
    "karel": ("Karel Smit", "coordinator", "Buurtteam Noord"),
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                             *args], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout


def git_project(target: Path, stories: dict[str, str] | None = None) -> Path:
    """A small project (real taxonomy, figures, docs, mkdocs.yml) committed in a new repo."""
    make_project(target, stories if stories is not None else {
        "2019/zo-2019-001.md": story_text("zo-2019-001", "Een gezin vond weer rust."),
        "2019/zo-2019-002.md": story_text("zo-2019-002", "Een buurman kreeg hulp bij de huur.",
                                          title="Huur op orde", themes="[wonen, schulden]"),
    })
    config = target / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if not (ROOT / "generator" / "nlp" / "__init__.py").exists() or True:
        # small and fast: the form tests are about the form, not about NLP
        text = text.replace("      figures_dir: figures\n",
                            "      figures_dir: figures\n      nlp: false\n      evaluate: false\n")
    config.write_text(text, encoding="utf-8")
    (target / ".gitignore").write_text("site/\n.cache/\n.rijk/\n", encoding="utf-8")
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "Begin")
    return target


def add_users(root: Path) -> Path:
    store = UserStore(root / ".rijk" / "users.yml", hasher=FAST_HASHER)
    for username, (name, role, team) in USERS.items():
        store.add(username, name=name, email=f"{username}@example.org", role=role, team=team,
                  password=PASSWORD)
    return store.path


def settings(root: Path, **overrides: object) -> FormSettings:
    values: dict[str, object] = {"users_file": root / ".rijk" / "users.yml",
                                 "secret": "test-geheim", "rebuild": False, "suggestions": False}
    values.update(overrides)
    return FormSettings(**values)  # type: ignore[arg-type]


@contextmanager
def live_server(root: Path, form_settings: FormSettings) -> Iterator[tuple[str, object]]:
    """The real app under uvicorn on 127.0.0.1 with a free port: (base URL, app)."""
    import uvicorn

    from generator.form.app import create_app

    app = create_app(root, form_settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=30)


OPEN_CLIENTS: list[httpx.Client] = []


def client(base: str, **options: object) -> httpx.Client:
    """An HTTP client for the server, closed by :func:`close_clients` after the test."""
    made = httpx.Client(base_url=base, timeout=30, **options)  # type: ignore[arg-type]
    OPEN_CLIENTS.append(made)
    return made


def close_clients() -> None:
    while OPEN_CLIENTS:
        OPEN_CLIENTS.pop().close()


def login(base: str, username: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
    """A logged-in client and its session's CSRF token."""
    browser = client(base)
    page = browser.get("/inloggen")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    response = browser.post("/inloggen", data={"username": username, "password": password,
                                              "csrf": token})
    assert response.status_code == 303, response.text
    home = browser.get("/")
    return browser, CSRF.search(home.text).group(1)  # type: ignore[union-attr]


def story_form(**overrides: object) -> dict[str, object]:
    """A complete, valid story form for the 'insturen' button."""
    data: dict[str, object] = {
        "title": "Een nieuwe start", "date": "2019-06-01",
        "neighbourhood": "holendrecht-reigersbos", "team": "Buurtteam Gaasperdam",
        "themes": ["wonen"], "values": ["compassie"], "domains": [], "consent": "on",
        "summary": "", "body": "Een gezin vond een nieuwe woning en weer rust.",
        "actie": "insturen",
    }
    data.update(overrides)
    return data
