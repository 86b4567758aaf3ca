"""``rijk build`` / ``rijk serve``: real builds with both engines, a build that fails leaves no
trace, the preview regenerates a saved story, and one ``rijk.yml`` read by every command."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.build import hooks
from generator.build.config import ConfigError, load_config
from generator.build.output import leftovers
from generator.build.run import BuildError, Progress, build
from generator.form.settings import FormSettings
from generator.project import Project
from tests.helpers import (
    free_port,
    make_project,
    mkdocs_build,
    rijk,
    story_text,
    tree_hashes,
    write_config,
)

QUICK = "engine: mkdocs\nnlp: false\nevaluate: false\n"
GOOD = story_text("zo-2019-001", "Een bewoner kreeg hulp bij de post. Het buurtteam hielp "
                  "met een plan voor de schulden en een afspraak bij de bank.")
DRAFT = story_text("zo-2019-002", "Mevrouw Kwaku Boakye belde het buurtteam over haar huur.",
                   status="draft", consent="false", date="2019-06-01")


def quick_project(target: Path, stories: dict[str, str] | None = None) -> Path:
    project = make_project(target, stories if stories is not None else {
        "2019/zo-2019-001.md": GOOD, "2019/zo-2019-002.md": DRAFT})
    write_config(project, QUICK)
    return project


def page_text(path: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return " ".join(html.unescape(text).split())


# -- one configuration ------------------------------------------------------------------------


def test_every_command_reads_the_stories_folder_of_rijk_yml(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / "stories").rmdir()
    (project / "verhalen" / "2019").mkdir(parents=True)
    (project / "verhalen" / "2019" / "zo-2019-001.md").write_text(GOOD, encoding="utf-8")
    write_config(project, QUICK + "folders:\n  stories: verhalen\n  site: publiek\n")

    loaded = Project.find(project / "verhalen")
    assert loaded.root == project.resolve()
    assert loaded.stories_dir == project.resolve() / "verhalen"
    assert FormSettings().resolved_site_dir(project) == project / "publiek"

    checked = rijk(project, "check", "--no-privacy")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 bestand(en) gecontroleerd" in checked.stdout

    made = rijk(project, "new", "--title", "Nieuw verhaal", "--neighbourhood",
                "holendrecht-reigersbos", "--author", "Samira Bakker", "--team",
                "Buurtteam Gaasperdam", "--date", "2019-09-09")
    assert made.returncode == 0, made.stdout + made.stderr
    assert list((project / "verhalen" / "2019").glob("zo-2019-002.md"))
    assert not (project / "stories").exists()

    built = rijk(project, "build")
    assert built.returncode == 0, built.stderr[-3000:]
    assert (project / "publiek" / "verhalen" / "zo-2019-001" / "index.html").exists()
    assert not (project / "site").exists()


def test_a_wrong_rijk_yml_names_the_file_and_the_key(tmp_path: Path) -> None:
    project = quick_project(tmp_path / "p")
    write_config(project, "engine: hugo\nfolders:\n  storys: verhalen\n")
    with pytest.raises(ConfigError) as raised:
        load_config(project)
    message = str(raised.value)
    assert "rijk.yml:1: engine: onbekende engine 'hugo'; kies uit: mkdocs, zensical" in message
    assert "rijk.yml:2: folders.storys: onbekende sleutel" in message
    result = rijk(project, "check")
    assert result.returncode != 0 and "folders.storys" in result.stderr

    write_config(project, "folders:\n  stories: ../elders\n")
    assert "moet een map binnen het project zijn" in rijk(project, "build").stderr

    write_config(project, "nlp: false\npdf: maybe\n")
    with pytest.raises(ConfigError, match=r"rijk.yml:2: pdf: kies auto, true of false"):
        load_config(project)


# -- a failed build leaves nothing behind ---------------------------------------------------------


def test_a_failed_build_leaves_the_previous_site_byte_for_byte(tmp_path: Path) -> None:
    project = quick_project(tmp_path / "p")
    site = project / "site"
    first = rijk(project, "build")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "rijk: de-identificatie" in first.stderr and "rijk: klaar in" in first.stderr
    before = tree_hashes(site)
    assert "verhalen/zo-2019-001/index.html" in before

    unchanged = rijk(project, "build")
    assert unchanged.returncode == 0 and "niets veranderd" in unchanged.stderr
    assert tree_hashes(site) == before

    def assert_untouched(result: subprocess.CompletedProcess[str], expected: str) -> str:
        assert result.returncode != 0, result.stderr[-2000:]
        assert expected in result.stderr, result.stderr[-3000:]
        assert "er is niets gepubliceerd" in result.stderr
        assert tree_hashes(site) == before
        assert leftovers(site) == []
        return result.stderr

    # 1. an invalid story with --strict
    broken = project / "stories" / "2019" / "zo-2019-003.md"
    broken.write_text(story_text("zo-2019-003", "Kapot.", date="2019-02-30"), encoding="utf-8")
    assert_untouched(rijk(project, "build", "--strict"), "zo-2019-003.md:4")
    broken.unlink()

    # 2. a privacy hit: a page of the project's own docs/ names the draft's resident
    leak = project / "docs" / "lek.md"
    leak.write_text("# Lek\n\nKwaku Boakye kwam langs.\n", encoding="utf-8")
    log = assert_untouched(rijk(project, "build"), "persoonsgegevens gevonden in de gebouwde site")
    # the hit names the story the name came from, so the fix can be made there
    assert re.search(r"lek/index\.html:\d+: (Kwaku )?Boakye \(gevonden in \S*zo-2019-002\.md\)",
                     log), log[-3000:]
    leak.unlink()

    # 3. an engine that fails: an unknown Markdown extension in mkdocs.yml
    config = project / "mkdocs.yml"
    good_config = config.read_text(encoding="utf-8")
    config.write_text(good_config.replace("  - tables\n", "  - tables\n  - bestaat_niet\n"),
                      encoding="utf-8")
    assert_untouched(rijk(project, "build"), "de engine MkDocs (Material) faalde")
    config.write_text(good_config, encoding="utf-8")

    # and a good build after all that replaces the site
    again = rijk(project, "build")
    assert again.returncode == 0, again.stderr[-3000:]
    assert leftovers(site) == []


def test_pdf_auto_leaves_pdfs_out_of_a_large_site_and_pdf_makes_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the limit of ``pdf: auto`` no PDF is made and none is linked (no dead link for a
    resident); ``--pdf`` makes them anyway. The limit is lowered to 0 here instead of writing
    2,001 stories."""
    from generator.build import run

    project = quick_project(tmp_path / "p")
    (project / "rijk.yml").write_text(QUICK + "pdf: auto\n", encoding="utf-8")
    monkeypatch.setattr(run, "PDF_AUTO_MAX_STORIES", 0)
    lines: list[str] = []
    build(Project.find(project), progress=Progress(echo=lines.append))
    site = project / "site"
    assert not list(site.rglob("*.pdf"))
    assert any("geen PDF's" in line and "rijk build --pdf" in line for line in lines), lines
    assert ".pdf" not in (site / "downloads" / "index.html").read_text(encoding="utf-8")
    assert ".pdf" not in (site / "jaarverslag" / "2019" / "index.html").read_text("utf-8")

    build(Project.find(project), progress=Progress(echo=lines.append), pdf=True)
    assert (site / "downloads" / "jaarverslag-2019.pdf").exists()
    assert "jaarverslag-2019.pdf" in (site / "downloads" / "index.html").read_text("utf-8")
    assert not broken_links(site)


def test_odd_titles_and_a_cited_story_id_build_with_both_engines(tmp_path: Path) -> None:
    """A backslash or quotes in a title once broke Zensical's front matter; a story id in a
    body ("(zo-2019-001)") was taken for a name and failed every build that cites it."""
    title = 'Schulden \\xyz, "C:\\temp\\" en <5 | meer'
    project = quick_project(tmp_path / "p", {
        "2019/zo-2019-001.md": GOOD,
        "2019/zo-2019-003.md": story_text(
            "zo-2019-003", "Zie ook het verhaal van meneer Kramer (zo-2019-001). De CBS-code "
            "WK036396 hoort bij BU03630000.", title=json.dumps(title), date="2019-07-01")})
    for engine in ("mkdocs", "zensical"):
        site = project / f"site-{engine}"
        result = mkdocs_build(project, site, engine=engine)
        assert result.returncode == 0, result.stderr[-3000:]
        page = (site / "verhalen" / "zo-2019-003" / "index.html").read_text(encoding="utf-8")
        heading = re.search(r"<h1[^>]*>(.*?)<", page, re.S)
        assert heading and html.unescape(heading.group(1)).strip() == title, engine
        assert html.escape(title, quote=False) in html.escape(
            html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1)),
            quote=False), engine
        text = page_text(site / "verhalen" / "zo-2019-003" / "index.html")
        assert "meneer [naam] (zo-2019-001)" in text, engine
        assert "CBS-code WK036396 hoort bij BU03630000" in text, engine


def test_after_engine_hooks_run_before_the_scan(tmp_path: Path) -> None:
    project = Project(quick_project(tmp_path / "p"))
    seen: list[Path | None] = []

    def stamp(output: Path, context: hooks.HookContext) -> None:
        seen.append(context.search_index)
        (output / "hook.txt").write_text("nabewerkt\n", encoding="utf-8")

    def leak(output: Path, context: hooks.HookContext) -> None:
        (output / "lek.txt").write_text("Kwaku Boakye\n", encoding="utf-8")

    hooks.after_engine(stamp)
    try:
        build(project, progress=Progress(quiet=True))
        assert (project.site_dir / "hook.txt").read_text(encoding="utf-8") == "nabewerkt\n"
        assert seen and seen[0] is not None and seen[0].name == "search_index.json"
        before = tree_hashes(project.site_dir)
        hooks.after_engine(leak)
        with pytest.raises(BuildError, match="persoonsgegevens gevonden"):
            build(project, progress=Progress(quiet=True), force=True)
        assert tree_hashes(project.site_dir) == before
        assert leftovers(project.site_dir) == []
    finally:
        hooks._HOOKS[:] = [h for h in hooks._HOOKS if h not in (stamp, leak)]


# -- rijk serve -----------------------------------------------------------------------------------


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, text: str, seconds: float, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "rijk serve stopte"
        body = fetch(url)
        if body is not None and text in body:
            return True
        time.sleep(0.5)
    return False


def test_serve_refuses_anything_but_loopback(tmp_path: Path) -> None:
    project = quick_project(tmp_path / "p")
    result = rijk(project, "serve", "--dev-addr", "0.0.0.0:8000", timeout=120)
    assert result.returncode != 0
    assert "alleen op deze computer" in result.stderr


def test_serve_shows_a_saved_story(tmp_path: Path) -> None:
    project = quick_project(tmp_path / "p")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/verhalen/zo-2019-001/"
    try:
        assert wait_for(url, "Een bewoner kreeg hulp", 240, process), \
            (tmp_path / "serve.log").read_text()[-3000:]
        story = project / "stories" / "2019" / "zo-2019-001.md"
        story.write_text(story.read_text(encoding="utf-8")
                         + "\nDaarna ging het buurthuis weer open voor iedereen.\n",
                         encoding="utf-8")
        assert wait_for(url, "Daarna ging het buurthuis weer open", 60, process), \
            (tmp_path / "serve.log").read_text()[-3000:]
        assert not (project / "site").exists(), "serve never writes the published site"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


# -- both engines ---------------------------------------------------------------------------------


@pytest.mark.slow
def broken_links(site: Path) -> list[str]:
    """Relative links in the articles of every page whose target is not in ``site``."""
    broken = []
    for page in site.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        article = re.search(r"<article[^>]*>(.*?)</article>", text, re.S)
        for href in re.findall(r'href="([^"]+)"', article.group(1) if article else ""):
            path = html.unescape(href).split("#")[0].split("?")[0]
            if not path or ":" in path or path.startswith("/"):
                continue
            target = (page.parent / path).resolve()
            if not (target / "index.html" if path.endswith("/") else target).exists():
                broken.append(f"{page.relative_to(site)}: {href}")
    return broken


def test_both_engines_build_the_demo_with_the_same_pages(tmp_path: Path) -> None:
    project = make_project(tmp_path / "demo", copy_stories=True)
    sites = {}
    for engine in ("mkdocs", "zensical"):
        site = project / f"site-{engine}"
        result = mkdocs_build(project, site, engine=engine)
        assert result.returncode == 0, result.stderr[-4000:]
        sites[engine] = site
    pages = {engine: {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
             for engine, site in sites.items()}
    assert pages["mkdocs"] == pages["zensical"]
    assert len(pages["mkdocs"]) > 150
    assert (sites["mkdocs"] / "search" / "search_index.json").exists()
    assert (sites["zensical"] / "search.json").exists()
    # both indexes let "client" find the story that says "oud-cliënt" (accents folded)
    for index, key in ((sites["mkdocs"] / "search" / "search_index.json", "docs"),
                       (sites["zensical"] / "search.json", "items")):
        entries = json.loads(index.read_text(encoding="utf-8"))[key]
        story = [e for e in entries if e["location"].startswith("verhalen/no-2018-001/")]
        assert story and any(re.search(r"\bclient\b", e["text"]) for e in story), index
        assert any("cliënt" in e["text"] for e in story), index

    for name in ("data/verhalen.json", "data/verhalen.csv", "data/clusters.json"):
        assert (sites["mkdocs"] / name).read_bytes() == (sites["zensical"] / name).read_bytes()
    for site in sites.values():  # the pages arrive as HTML (prerender): every link still works
        assert not broken_links(site), (site, broken_links(site)[:10])
    records = json.loads((sites["mkdocs"] / "data/verhalen.json").read_text())["stories"]
    record = next(r for r in records if "[naam]" in r["text"])
    sentence = next(s for s in re.split(r"(?<=[.!?])\s+", record["text"])
                    if "[naam]" in s and re.fullmatch(r"[\w\s,\[\]]+[.!?]", s))
    for site in sites.values():
        text = page_text(site / "verhalen" / record["id"] / "index.html")
        assert " ".join(sentence.split()) in text, (site, sentence)
        report = (site / "jaarverslag" / "2019" / "index.html").read_text(encoding="utf-8")
        assert "<svg" in report and "Bron: CBS" in report
