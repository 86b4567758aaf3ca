"""Read a story file into its raw parts, keeping line numbers.

Reading is separate from validating (:mod:`generator.checks`): this module only knows about
bytes, UTF-8, front-matter delimiters and YAML syntax. Whatever goes wrong is a
:class:`~generator.problems.Problem` naming the file and the line, never an exception, so one
broken file never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from generator.problems import Problem


class _StoryYamlLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so that an impossible date gets a clear message
    from the checks instead of a crash inside PyYAML."""


class _FastStoryYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same rules on libyaml (~15x faster: the web form parses on every submission).
    Only valid YAML is taken from it; errors are reported by the pure-Python loader, so the
    messages stay the same everywhere."""


_StoryYamlLoader.yaml_implicit_resolvers = _FastStoryYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class SourceFile:
    """A story file split into front-matter (with the line of every key) and body."""

    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    problems: list[Problem] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return not any(p.is_error for p in self.problems)


def read_source(path: Path) -> SourceFile:
    """Read one story file; problems are collected on the result."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        source = SourceFile(path=Path(path))
        source.problems.append(Problem(str(path), 1, f"bestand niet te lezen: {exc.strerror}"))
        return source
    return parse_source(path, data)


def parse_source(path: Path, data: bytes) -> SourceFile:
    """Split the bytes of a story file (read from disk or about to be written by the web form)
    into front-matter and body, so the form checks its output with the same rules."""
    source = SourceFile(path=Path(path))
    where = str(path)
    if not data.strip():
        source.problems.append(
            Problem(where, 1, "leeg bestand. Begin met '---', de velden (id, title, …), '---' "
                    "en daarna de tekst; `rijk new` maakt een geldig begin.")
        )
        return source
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        source.problems.append(
            Problem(where, line, f"geen geldige UTF-8 (byte {data[exc.start]:#04x} op positie "
                    f"{exc.start}). Sla het bestand op als UTF-8.")
        )
        return source
    text = text.replace("\r\n", "\n")
    if not frontmatter.YAMLHandler().detect(text):
        source.problems.append(
            Problem(where, 1, "geen front-matter gevonden. Zet bovenaan een regel '---', dan de "
                    "velden (id, title, date, …) en sluit af met '---'.")
        )
        return source
    lines = text.split("\n")
    closing = next((i for i in range(1, len(lines)) if is_boundary(lines[i])), None)
    if closing is None:
        source.problems.append(
            Problem(where, len(text.rstrip("\n").split("\n")), "front-matter is niet "
                    "afgesloten. Voeg na de velden een regel '---' toe.")
        )
        return source
    body_lines = lines[closing + 1 :]
    blank = next((i for i, line in enumerate(body_lines) if line.strip()), len(body_lines))
    source.body = "\n".join(body_lines).strip()
    source.body_line = closing + 2 + blank
    _parse_front_matter(source, "\n".join(lines[1:closing]), first_line=2)
    return source


def is_boundary(line: str) -> bool:
    """A front-matter fence: a line of three or more dashes (also the form's edits use it)."""
    stripped = line.strip()
    return len(stripped) >= 3 and set(stripped) == {"-"}


def _parse_front_matter(source: SourceFile, fm_text: str, first_line: int) -> None:
    where = str(source.path)
    try:
        node, meta = _load_yaml(fm_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or str(exc)
        source.problems.append(
            Problem(where, line, f"ongeldige YAML in de front-matter: {reason}. Controleer "
                    "dubbele punten en aanhalingstekens; zet een titel met ':' tussen "
                    "aanhalingstekens.")
        )
        return
    if meta is None:
        source.problems.append(
            Problem(where, first_line, "de front-matter is leeg. Vul id, title, date, author, "
                    "team, neighbourhood, consent en status in.")
        )
        return
    if not isinstance(meta, dict) or not isinstance(node, yaml.MappingNode):
        source.problems.append(
            Problem(where, first_line, "de front-matter moet bestaan uit velden als "
                    "'title: …', niet uit een lijst of losse tekst.")
        )
        return
    for key_node, _value_node in node.value:
        source.lines.setdefault(str(key_node.value), first_line + key_node.start_mark.line)
    source.meta = {str(k): v for k, v in meta.items()}


def _load_yaml(text: str) -> tuple[object, object]:
    """The node tree (for line numbers) and the data; libyaml first, PyYAML for the errors."""
    try:
        return (yaml.compose(text, Loader=_FastStoryYamlLoader),
                yaml.load(text, Loader=_FastStoryYamlLoader))
    except yaml.YAMLError:
        return (yaml.compose(text, Loader=_StoryYamlLoader),
                yaml.load(text, Loader=_StoryYamlLoader))
