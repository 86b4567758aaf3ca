"""The engines that turn the generated docs folder into HTML: MkDocs (Material) and Zensical.

Both read a configuration in ``mkdocs.yml`` form. :func:`engine_config` derives it from the
project's ``mkdocs.yml``: ``docs_dir`` is the generated folder, ``site_dir`` the temporary
output, ``nav`` the generated navigation, and our own plugin is removed (the pages already
exist as files; Zensical would ignore it anyway). Everything else (theme, features,
``markdown_extensions``, ``extra_css``, validation) is passed on unchanged.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.build.config import PLUGIN_NAME, dump_yaml, entry_name, read_mkdocs_yml


@dataclass(frozen=True)
class Engine:
    name: str
    label: str

    def build_command(self, config: Path, *, strict: bool = False) -> list[str]:
        if self.name == "mkdocs":
            args = [sys.executable, "-m", "mkdocs", "build", "--config-file",
                    str(config)]
            return [*args, "--strict"] if strict else args
        args = [_zensical(), "build", "--config-file", str(config)]
        return [*args, "--strict"] if strict else args

    def serve_command(self, config: Path, dev_addr: str) -> list[str]:
        if self.name == "mkdocs":
            return [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(config),
                    "--dev-addr", dev_addr, "--livereload"]
        return [_zensical(), "serve", "--config-file", str(config), "--dev-addr", dev_addr]

    @property
    def rewrites_html_links(self) -> bool:
        """Whether the engine rewrites relative links in raw HTML too (Zensical does, from the
        page's source folder, as for Markdown links; MkDocs rewrites Markdown links only)."""
        return self.name == "zensical"

    def static_dirs(self) -> list[Path]:
        """Folders whose files the engine copies unchanged (theme assets): the privacy scan
        skips a byte-identical copy of one (a "Thomas" in a licence header is no leak)."""
        dirs: list[Path] = []
        try:
            import material

            dirs.append(Path(material.__file__).parent / "templates")
        except ImportError:  # pragma: no cover
            pass
        if self.name == "zensical":
            try:
                import zensical

                dirs.append(Path(zensical.__file__).parent / "templates")
            except ImportError:  # pragma: no cover
                pass
        return dirs


ENGINES = {"mkdocs": Engine("mkdocs", "MkDocs (Material)"),
           "zensical": Engine("zensical", "Zensical")}


def get_engine(name: str) -> Engine:
    return ENGINES[name]


def _zensical() -> str:
    """The ``zensical`` script next to this Python (the venv), else on PATH."""
    beside = Path(sys.executable).with_name("zensical")
    return str(beside) if beside.exists() else (shutil.which("zensical") or "zensical")


SITE_SCRIPT = "assets/rijk.js"
"""Our one script (``generator/defaults/docs/assets/rijk.js``): names and makes focusable the
scrolling regions of wide tables. Added to every build so each project and engine gets it."""


def engine_config(mkdocs_yml: Path, *, docs_dir: Path, site_dir: Path,
                  nav: list[dict[str, Any]], site_name: str | None = None) -> dict[str, Any]:
    """The project's ``mkdocs.yml`` pointed at the generated folder, without our plugin."""
    config = read_mkdocs_yml(mkdocs_yml)
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    config["nav"] = nav
    if site_name:
        config["site_name"] = site_name
    scripts = list(config.get("extra_javascript") or [])
    if SITE_SCRIPT not in scripts:
        config["extra_javascript"] = [*scripts, SITE_SCRIPT]
    if "plugins" in config:
        config["plugins"] = [p for p in config["plugins"] or [] if entry_name(p) != PLUGIN_NAME]
    config.pop("watch", None)
    return config



def write_engine_config(path: Path, config: dict[str, Any]) -> bool:
    """Write the generated configuration when it changed; True when written."""
    text = ("# Gemaakt door `rijk build` uit mkdocs.yml: niet bewerken, wordt overschreven.\n"
            + dump_yaml(config))
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
