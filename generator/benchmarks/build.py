"""``rijk bench --only build``: ``rijk build`` beside a bare engine build of the same bodies.

Every build runs as a child process (as a user runs it); its time and peak memory come from
``wait4``, so the measurement includes the engine the build starts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from generator.benchmarks.synthetic import write_synthetic_project
from generator.project import Project


class BenchmarkError(RuntimeError):
    """A measured command failed; the message holds the end of its error output."""


def timed_run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command; its wall time and the peak RSS of its process tree (the largest
    process, from ``wait4``: the build and the engine it starts run one after the other)."""
    import os

    start = time.perf_counter()
    with open(os.devnull, "w") as sink, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=err,
                                 env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        if child.returncode != 0:
            err.seek(0)
            raise BenchmarkError(f"{' '.join(command[:4])} … mislukt:\n"
                                 + err.read()[-2000:])
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def rijk_build(root: Path, engine: str, *, force: bool = False) -> dict[str, Any]:
    command = [sys.executable, "-m", "generator.cli", "build", "--quiet", "--engine", engine]
    result = timed_run([*command, "--force"] if force else command, root)
    result["pages"] = sum(1 for _ in (root / "site").rglob("index.html"))
    result["pdfs"] = sum(1 for _ in (root / "site").rglob("*.pdf"))  # pdf: auto, see README
    return result


def write_bare_project(big: Path, target: Path) -> Path:
    """The same story bodies as plain pages with a small nav and the same theme: what the
    engine alone costs, without our pipeline."""
    from generator.build.config import dump_yaml, read_mkdocs_yml

    docs = target / "docs"
    (docs / "verhalen").mkdir(parents=True)
    shutil.copytree(big / "docs", docs, dirs_exist_ok=True)
    titles = []
    for path in sorted((big / "stories").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, _, body = text.partition("\n---\n")
        title = path.stem
        titles.append(title)
        (docs / "verhalen" / f"{title}.md").write_text(f"# {title}\n\n{body}", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\nKale bouw.\n", encoding="utf-8")
    (docs / "verhalen" / "index.md").write_text(
        "# Verhalen\n\n" + "".join(f"- [{t}]({t}.md)\n" for t in titles), encoding="utf-8")
    config = read_mkdocs_yml(big / "mkdocs.yml")
    config["plugins"] = [p for p in config.get("plugins") or []
                         if not (p == "rijke-verantwoording" or
                                 (isinstance(p, dict) and "rijke-verantwoording" in p))]
    config["nav"] = [{"Home": "index.md"}, {"Verhalen": "verhalen/index.md"}]
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    (target / "mkdocs.yml").write_text(dump_yaml(config), encoding="utf-8")
    return target


def bare_build(root: Path, engine: str) -> dict[str, Any]:
    from generator.build.engines import get_engine

    shutil.rmtree(root / "site", ignore_errors=True)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    command = get_engine(engine).build_command(root / "mkdocs.yml")
    return timed_run(command, root, env={"NO_MKDOCS_2_WARNING": "1"})


def bench_build(project: Project, synthetic: int,
                engines: tuple[str, ...] = ("mkdocs", "zensical")) -> dict[str, Any]:
    """``rijk build`` of the demo (cold, nothing changed) and, for ``synthetic`` stories, side
    by side per engine: a bare engine build of the same bodies vs ``rijk build`` cold (empty
    project cache, deduce's cache present), nothing changed, and one story changed."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "demo"
        for name in ("taxonomy", "figures", "docs", "stories"):
            shutil.copytree(project.root / name, root / name)
        for name in ("mkdocs.yml", "rijk.yml"):
            if (project.root / name).exists():
                shutil.copy(project.root / name, root / name)
        for engine in engines:
            out[f"demo_{engine}_cold"] = rijk_build(root, engine, force=True)
            out[f"demo_{engine}_warm_forced"] = rijk_build(root, engine, force=True)
            out[f"demo_{engine}_unchanged"] = rijk_build(root, engine)
            shutil.rmtree(root / ".cache", ignore_errors=True)
        if synthetic:
            big = write_synthetic_project(project, Path(tmp) / "big", synthetic)
            bare = write_bare_project(big, Path(tmp) / "bare")
            story = sorted((big / "stories").rglob("*.md"))[synthetic // 2]
            for engine in engines:
                row: dict[str, Any] = {"bare": bare_build(bare, engine)}
                shutil.rmtree(big / ".cache" / "rijk", ignore_errors=True)
                shutil.rmtree(big / "site", ignore_errors=True)
                row["cold"] = rijk_build(big, engine)
                row["unchanged"] = rijk_build(big, engine)
                row["unchanged_forced"] = rijk_build(big, engine, force=True)
                story.write_text(story.read_text(encoding="utf-8")
                                 + f"\nEen extra zin voor de meting ({engine}).\n",
                                 encoding="utf-8")
                row["one_changed"] = rijk_build(big, engine)
                base = row["bare"]["seconds"]
                row["ratios"] = {k: round(row[k]["seconds"] / base, 2) for k in
                                 ("cold", "unchanged", "unchanged_forced", "one_changed")}
                row["peak_rss_mb"] = max(v["peak_rss_mb"] for v in row.values()
                                         if isinstance(v, dict) and "peak_rss_mb" in v)
                row["target"] = ("bij 10.000: koud ≤ 3× kaal, niets veranderd ≤ 1,5×, "
                                 "één veranderd ≤ 1,5×, piek ≤ 1,5 GB")
                out[f"synthetic_{synthetic}_{engine}"] = row
    return out
