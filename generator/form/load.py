"""Load benchmark: n professionals press "Insturen" at the same moment.

The real server (``rijk form``, in its own process) runs on loopback in a temporary git copy of
the project. Every virtual professional logs in first (not timed), then all submissions are
fired together; afterwards git is asked what really happened: how many commits, and whether
every story that was answered with a redirect is in HEAD with its own file (``lost`` counts
the ones that are not). Accounts use cheap argon2 parameters so that setting up 50 users does
not dominate the run; login speed is not what is measured here.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher

from generator.form.users import UserStore
from generator.project import Project

TARGET = {"lost": 0, "errors": 0, "p95_ms": 300.0}
PASSWORD = "belasting-test-123"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
COPY = ("taxonomy", "figures", "docs", "stories")


def run_load_benchmark(n: int = 50, source: Path | None = None,
                       privacy: bool = True) -> dict[str, Any]:
    """Start the server on a temp copy of the project, submit ``n`` stories at once, report."""
    project = _source_project(source)
    with tempfile.TemporaryDirectory(prefix="rijk-load-") as folder:
        root = _copy_project(project.root, Path(folder) / "project")
        users_file = _make_users(root, n)
        port = _free_port()
        server = _start_server(root, users_file, port, privacy)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server)
            before = _commit_count(root)
            result = asyncio.run(_run(base, n))
            result["commits"] = _commit_count(root) - before
            result["lost"] = _lost(root, result.pop("_stories"))
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        result["clean_tree"] = _clean(root)
    result["target"] = {"commits": n, **TARGET}
    result["ok"] = (result["commits"] == n and result["lost"] == 0 and result["errors"] == 0
                    and result["p95_ms"] <= TARGET["p95_ms"])
    return result


async def _run(base: str, n: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
    clients = [httpx.AsyncClient(base_url=base, timeout=60, limits=limits) for _ in range(n)]
    try:
        tokens = []
        for number, client in enumerate(clients):  # log in one by one: not part of the test
            tokens.append(await _login(client, f"prof{number:03d}"))
        await _wait_for_privacy(clients[0])
        for client, token in zip(clients, tokens, strict=True):  # warm the connections
            await client.get("/verhalen/nieuw", headers={"Accept": "text/html"})
            assert token
        start = time.perf_counter()
        outcomes = await asyncio.gather(*(
            _submit(client, token, number) for number, (client, token)
            in enumerate(zip(clients, tokens, strict=True))))
        wall = time.perf_counter() - start
    finally:
        for client in clients:
            await client.aclose()
    latencies = sorted(ms for ms, _ok, _id in outcomes)
    return {
        "submissions": n,
        "errors": sum(1 for _ms, ok, _id in outcomes if not ok),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "max_ms": round(latencies[-1], 1) if latencies else 0.0,
        "wall_s": round(wall, 3),
        "_stories": [(story_id, number) for number, (_ms, ok, story_id) in enumerate(outcomes)
                     if ok],
    }


async def _login(client: httpx.AsyncClient, username: str) -> str:
    page = await client.get("/inloggen")
    token = CSRF.search(page.text)
    response = await client.post("/inloggen", data={
        "username": username, "password": PASSWORD, "csrf": token.group(1) if token else ""})
    if response.status_code != 303:
        raise RuntimeError(f"inloggen als {username} mislukt: {response.status_code}")
    home = await client.get("/")
    found = CSRF.search(home.text)
    if not found:
        raise RuntimeError("geen CSRF-token na inloggen")
    return found.group(1)


async def _wait_for_privacy(client: httpx.AsyncClient, timeout: float = 120) -> None:
    """Measure the steady state, not the seconds in which deduce loads in the background."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = (await client.get("/status.json")).json()
        if status.get("privacy") != "laden":
            return
        await asyncio.sleep(0.25)


async def _submit(client: httpx.AsyncClient, token: str, number: int) -> tuple[float, bool, str]:
    data = {
        "csrf": token, "actie": "insturen", "title": f"Belastingtest verhaal {number:04d}",
        "date": "2019-06-01", "neighbourhood": "holendrecht-reigersbos",
        "team": "Buurtteam Gaasperdam", "themes": ["wonen", "schulden"], "values": ["compassie"],
        "consent": "on", "summary": "Een proef.",
        "body": (f"Verhaal nummer {number}. Een gezin met een huurachterstand kreeg hulp van het "
                 "buurtteam. Samen met de corporatie kwam er een betalingsregeling. ") * 6,
    }
    start = time.perf_counter()
    try:
        response = await client.post("/verhalen/nieuw", data=data)
    except httpx.HTTPError:
        return (time.perf_counter() - start) * 1000, False, ""
    elapsed = (time.perf_counter() - start) * 1000
    location = response.headers.get("location", "")
    ok = response.status_code == 303 and location.startswith("/verhalen/")
    return elapsed, ok, location.rsplit("/", 1)[-1] if ok else ""


def _lost(root: Path, stories: list[tuple[str, int]]) -> int:
    """Stories answered with success but not in HEAD, in their own file, with their title."""
    tree = subprocess.run(["git", "ls-tree", "-r", "--name-only", "HEAD", "stories"], cwd=root,
                          capture_output=True, text=True, check=True).stdout.split()
    by_id = {Path(p).stem: p for p in tree}
    lost = 0
    seen: set[str] = set()
    for story_id, number in stories:
        path = by_id.get(story_id)
        if path is None or story_id in seen:
            lost += 1
            continue
        seen.add(story_id)
        text = subprocess.run(["git", "show", f"HEAD:{path}"], cwd=root, capture_output=True,
                              text=True, check=True).stdout
        if f"Belastingtest verhaal {number:04d}" not in text:
            lost += 1
    return lost


def _source_project(source: Path | None) -> Project:
    project = Project.find(source)
    if not (project.root / "taxonomy").is_dir():
        project = Project(Path(__file__).resolve().parents[2])
    return project


def _copy_project(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for name in COPY:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
    shutil.copy(source / "mkdocs.yml", target / "mkdocs.yml")
    (target / "stories").mkdir(exist_ok=True)
    (target / ".gitignore").write_text("site/\n.cache/\n.rijk/\n", encoding="utf-8")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Begin"]):
        subprocess.run(["git", "-c", "user.name=Belastingtest", "-c",
                        "user.email=belasting@example.org", *args], cwd=target, check=True,
                       capture_output=True)
    return target


def _make_users(root: Path, n: int) -> Path:
    store = UserStore(root / ".rijk" / "users.yml",
                      hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    for number in range(n):
        store.add(f"prof{number:03d}", name=f"Professional {number:03d}",
                  email=f"prof{number:03d}@example.org", role="professional",
                  team="Buurtteam Gaasperdam", password=PASSWORD)
    return store.path


def _start_server(root: Path, users_file: Path, port: int,
                  privacy: bool) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-c", "import sys; from generator.cli import main; sys.exit(main())",
            "form", "--project", str(root), "--port", str(port), "--no-rebuild",
            "--users-file", str(users_file), "--privacy" if privacy else "--no-privacy"]
    env = {**os.environ, "RIJK_FORM_SECRET": "belastingtest-geheim"}
    return subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def _wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            error = server.stderr.read().decode("utf-8", "replace") if server.stderr else ""
            raise RuntimeError(f"de server stopte meteen: {error[-2000:]}")
        try:
            if httpx.get(base + "/inloggen", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("de server kwam niet op tijd op")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _commit_count(root: Path) -> int:
    out = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True,
                         text=True, check=True).stdout
    return int(out.strip())


def _clean(root: Path) -> bool:
    out = subprocess.run(["git", "status", "--porcelain", "--", "stories"], cwd=root,
                         capture_output=True, text=True, check=True).stdout
    return not out.strip()


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    rank = max(0, math.ceil(pct / 100 * len(values)) - 1)
    return values[rank]
