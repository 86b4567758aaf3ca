"""Read a story file into its raw parts, keeping line numbers.

Reading is separate from validating (:mod:`generator.checks`): this module only knows about
bytes, UTF-8, line endings, front-matter delimiters and YAML syntax. Whatever goes wrong is a
:class:`~generator.problems.Problem` naming the file and the line, never an exception, so one
broken file never stops the others.

The front-matter is *composed* (parsed into YAML nodes), never loaded with PyYAML's YAML 1.1
constructors, so that what an author typed is what the checks see:

* every scalar stays the text that was typed (``title: Yes`` is ``"Yes"``, ``title: 10:30``
  is ``"10:30"``, ``title: 010`` is ``"010"``, dates stay text), except a plain empty
  value or ``~``/``null``, which is ``None`` (an empty field);
* ``consent`` is a bool only when written exactly as the plain scalar ``true`` or ``false``;
  anything else (``yes``, ``on``, ``True``, ``"true"``, ``1``) stays text, so the checks
  reject it instead of publishing on a guess;
* a key written twice (anywhere, also nested; top-level field names also in another case)
  is an error, never "the last one wins": that would let ``consent: true`` further down
  overrule the ``consent: false`` a reviewer read at the top;
* an unquoted `` #`` after a text field is a warning: YAML reads it as a comment and cuts the
  text there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from generator.problems import Level, Problem

BOOLEAN_FIELDS: tuple[str, ...] = ("consent", "example")
"""Fields that are true or false, written exactly as the plain YAML scalar ``true``/``false``."""
TEXT_LABELS: dict[str, str] = {
    "title": "de titel", "summary": "de samenvatting", "author": "je naam",
    "team": "de teamnaam", "feedback": "de feedback",
}
"""Free-text fields (and how to name them in Dutch), checked for a `` #`` that cuts them."""

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_YAML_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
"""Characters YAML 1.1 reads as a line break but an editor (and ``str.split('\\n')``) does not:
they would shift every line number and can hide a second line inside the first."""
_LINE_ENDINGS = re.compile(r"\r\n?")
_COMMENT_AFTER = re.compile(r"[ \t]+#")


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
    """A story file split into front-matter (with the line of every key) and body.

    ``meta`` holds the typed text of every field (see the module docstring); ``raw`` the
    value of a one-line scalar exactly as it stands in the file, quotes included, for
    messages."""

    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
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


def normalise_newlines(text: str) -> str:
    """Windows (``\\r\\n``) and old-Mac (``\\r``) line endings become ``\\n``."""
    return _LINE_ENDINGS.sub("\n", text)


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
        line = normalise_newlines(data[: exc.start].decode("latin-1")).count("\n") + 1
        source.problems.append(
            Problem(where, line, f"geen geldige UTF-8 (byte {data[exc.start]:#04x} op positie "
                    f"{exc.start}). Sla het bestand op als UTF-8.")
        )
        return source
    text = normalise_newlines(text)
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
    _parse_front_matter(source, lines[1:closing], first_line=2)
    return source


def is_boundary(line: str) -> bool:
    """A front-matter fence: a line of three or more dashes (also the form's edits use it)."""
    stripped = line.strip()
    return len(stripped) >= 3 and set(stripped) == {"-"}


def _parse_front_matter(source: SourceFile, fm_lines: list[str], first_line: int) -> None:
    where = str(source.path)
    fm_text = "\n".join(fm_lines)
    odd = _YAML_LINE_BREAKS.search(fm_text)
    if odd:
        source.problems.append(
            Problem(where, first_line + fm_text.count("\n", 0, odd.start()),
                    f"onzichtbaar regeleinde (U+{ord(odd.group()):04X}) in de front-matter: YAML "
                    "leest het als een nieuwe regel. Haal het weg (typ de regel opnieuw).")
        )
        return
    try:
        node = _compose(fm_text)
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
    if node is None or (isinstance(node, yaml.ScalarNode) and _is_null(node)):
        source.problems.append(
            Problem(where, first_line, "de front-matter is leeg. Vul id, title, date, author, "
                    "team, neighbourhood, consent en status in.")
        )
        return
    if not isinstance(node, yaml.MappingNode):
        source.problems.append(
            Problem(where, first_line, "de front-matter moet bestaan uit velden als "
                    "'title: …', niet uit een lijst of losse tekst.")
        )
        return
    _FrontMatter(source, fm_lines, first_line).read(node)


def _compose(text: str) -> yaml.Node | None:
    """The node tree; libyaml first, the pure-Python parser for the error messages."""
    try:
        return yaml.compose(text, Loader=_FastStoryYamlLoader)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=_StoryYamlLoader)


def _is_plain(node: yaml.ScalarNode) -> bool:
    return not node.style  # None from PyYAML, "" from libyaml


def _is_null(node: yaml.ScalarNode) -> bool:
    return _is_plain(node) and node.tag == _NULL


class _FrontMatter:
    """Turns the composed front-matter into ``meta``, ``lines`` and ``raw`` of a source,
    with a problem for every duplicate key, merge key, self-reference and cut-off text."""

    def __init__(self, source: SourceFile, fm_lines: list[str], first_line: int) -> None:
        self.source = source
        self.fm_lines = fm_lines
        self.first_line = first_line
        self.done: dict[int, Any] = {}
        self.active: set[int] = set()

    def line(self, mark: yaml.Mark) -> int:
        return self.first_line + mark.line

    def problem(self, mark: yaml.Mark, message: str, fld: str | None = None,
                level: Level = "error") -> None:
        self.source.problems.append(Problem(str(self.source.path), self.line(mark), message,
                                            level, fld))

    def read(self, node: yaml.MappingNode) -> None:
        seen: dict[str, tuple[str, int]] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if key is None:
                continue
            line = self.line(key_node.start_mark)
            first = seen.get(key.strip().casefold())
            if first is not None:
                self.duplicate(key_node, key, first)
                continue
            seen[key.strip().casefold()] = (key, line)
            self.source.lines[key] = line
            raw = self.raw_text(value_node)
            if raw is not None:
                self.source.raw[key] = raw
            value = self.value(value_node)
            if key in BOOLEAN_FIELDS and isinstance(value_node, yaml.ScalarNode):
                value = self.boolean(value_node, value)
            self.source.meta[key] = value
            if key in TEXT_LABELS:
                self.check_cut_text(key, value_node)

    def key(self, node: yaml.Node) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node.start_mark, "een veldnaam moet een woord zijn, zoals 'title', "
                         "geen lijst of tabel. Schrijf het veld als 'naam: waarde'.")
            return None
        if _is_plain(node) and node.value == "<<":
            self.problem(node.start_mark, "'<<' (velden samenvoegen) kan niet in de "
                         "front-matter. Schrijf elk veld apart uit, één keer.")
            return None
        return str(node.value)

    def duplicate(self, node: yaml.Node, key: str, first: tuple[str, int]) -> None:
        name, line = first
        spelled = "" if name == key else f" als '{name}'"
        self.problem(node.start_mark, f"veld '{key}' staat twee keer in de front-matter "
                     f"(regel {line}{spelled} en regel {self.line(node.start_mark)}). Haal één "
                     "van de twee weg.", key)

    def value(self, node: yaml.Node) -> Any:
        """The typed text of a node: scalars as text, lists and tables of those."""
        if isinstance(node, yaml.ScalarNode):
            return None if _is_null(node) else str(node.value)
        if id(node) in self.done:
            return self.done[id(node)]
        if id(node) in self.active:
            self.problem(node.start_mark, "deze waarde verwijst naar zichzelf (anker '&' en "
                         "'*'). Schrijf de waarde gewoon uit.")
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                result: Any = [self.value(item) for item in node.value]
            else:
                result = self.table(node)
        finally:
            self.active.discard(id(node))
        self.done[id(node)] = result
        return result

    def table(self, node: yaml.MappingNode) -> dict[str, Any]:
        table: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if key is None:
                continue
            if key in table:
                self.duplicate(key_node, key, (key, lines[key]))
                continue
            lines[key] = self.line(key_node.start_mark)
            table[key] = self.value(value_node)
        return table

    def boolean(self, node: yaml.ScalarNode, value: Any) -> Any:
        """``True``/``False`` only for the plain, lower-case ``true``/``false`` with nothing
        around it (no tag such as ``!!bool``, no anchor); anything else stays text."""
        if (_is_plain(node) and node.tag == _BOOL and node.value in ("true", "false")
                and self.raw_text(node) == node.value):
            return node.value == "true"
        return value

    def raw_text(self, node: yaml.Node) -> str | None:
        """A one-line scalar exactly as typed (with its quotes); None for anything else."""
        start, end = node.start_mark, node.end_mark
        if not isinstance(node, yaml.ScalarNode) or start.line != end.line:
            return None
        if start.line >= len(self.fm_lines):
            return None
        return self.fm_lines[start.line][start.column:end.column]

    def check_cut_text(self, key: str, node: yaml.Node) -> None:
        """A plain text value followed by `` #…`` on its last line: YAML dropped the rest."""
        if not isinstance(node, yaml.ScalarNode) or not _is_plain(node):
            return
        end = node.end_mark
        if end.line >= len(self.fm_lines):
            return
        rest = self.fm_lines[end.line][end.column:]
        if not _COMMENT_AFTER.match(rest):
            return
        kept = str(node.value)
        meant = f"{kept} {rest.strip()}".strip()
        label = TEXT_LABELS[key]
        now = f"'{kept}'" if kept else "leeg"
        self.problem(
            end, f"'#' begint in YAML een opmerking, dus {label} wordt afgekapt en is nu {now}. "
            f"Hoort '{rest.strip()}' erbij, zet {label} tussen aanhalingstekens: "
            f"{key}: {json.dumps(meant, ensure_ascii=False)}", key, "warning")
