"""Write story files as text: a whole new file, or small edits to the front-matter.

Edits change only the lines of the fields concerned (``status``, ``feedback``), so a story
written by hand in git keeps its layout and comments and the commit diff shows exactly what
the form changed. Every value is emitted on one line (multi-line text as a double-quoted
string), because the loader ends the front-matter at any line of dashes — a multi-line YAML
value could otherwise cut a story in half.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any

import yaml

from generator.loader import is_boundary

FIELD_ORDER: tuple[str, ...] = (
    "id", "title", "date", "author", "team", "neighbourhood", "themes", "values", "domains",
    "effects", "signals",
    "consent", "status", "summary", "feedback", "example",
)


class FrontMatterError(ValueError):
    """The file has no front-matter the form can edit safely."""


def content_hash(data: bytes | str) -> str:
    """A short fingerprint of a file's content: edit forms carry it to detect lost updates."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()[:20]


def dump_field(key: str, value: Any) -> str:
    """One ``key: value`` line (with newline) in the style of the example stories."""
    if isinstance(value, date):
        return f"{key}: {value.isoformat()}\n"
    if isinstance(value, bool):
        return f"{key}: {'true' if value else 'false'}\n"
    if isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
        # a list of tables (signals) in flow style, on one line; values JSON-quoted, which is
        # valid YAML and keeps every character as typed
        tables = ", ".join("{" + ", ".join(f"{k}: {json.dumps(str(v), ensure_ascii=False)}"
                                           for k, v in item.items()) + "}" for item in value)
        return f"{key}: [{tables}]\n"
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
        flow = yaml.dump(items, Dumper=_dumper(items), default_flow_style=True,
                         allow_unicode=True, width=2**31 - 1).strip()
        return f"{key}: {flow}\n"
    text = str(value)
    if "\n" in text or "\r" in text:
        return f"{key}: {_double_quoted(text)}\n"
    line = yaml.dump({key: text}, Dumper=_dumper([text]), allow_unicode=True, width=2**31 - 1,
                     sort_keys=False)
    if line.count("\n") != 1:  # PyYAML wrapped or added a document end: be explicit instead
        return f"{key}: {_double_quoted(text)}\n"
    return line


def compose(fields: dict[str, Any], body: str, *, empty: tuple[str, ...] = ()) -> str:
    """A complete story file: front-matter in :data:`FIELD_ORDER`, then the body. The one
    writer of new story files (the form, ``rijk new``, the benchmarks). An empty summary or
    feedback is left out, unless named in ``empty`` (``rijk new`` shows the author the field
    to fill in)."""
    lines = ["---\n"]
    for key in FIELD_ORDER:
        value = fields.get(key)
        if value is None or (key in ("summary", "feedback") and value == ""
                             and key not in empty):
            continue
        lines.append(dump_field(key, value))
    lines.append("---\n")
    return "".join(lines) + body.strip("\n") + "\n"


def set_fields(text: str, updates: dict[str, Any]) -> str:
    """Change, add (``value``) or remove (``None``) top-level front-matter fields in place."""
    lines = text.splitlines(keepends=True)
    if not lines or not is_boundary(lines[0]):
        raise FrontMatterError("het bestand begint niet met front-matter ('---').")
    closing = next((i for i in range(1, len(lines)) if is_boundary(lines[i])), None)
    if closing is None:
        raise FrontMatterError("de front-matter is niet afgesloten met '---'.")
    head, rest = lines[1:closing], lines[closing:]
    for key, value in updates.items():
        start = next((i for i, line in enumerate(head) if _key_pattern(key).match(line)), None)
        new = [] if value is None else [dump_field(key, value)]
        if start is None:
            head.extend(new)
            continue
        end = start + 1
        while end < len(head) and (not head[end].strip() or head[end][0] in " \t"):
            end += 1
        head[start:end] = new
    if head and not head[-1].endswith("\n"):
        head[-1] += "\n"
    return lines[0] + "".join(head) + "".join(rest)


def _dumper(texts: list[str]) -> type:
    """libyaml's dumper (fast: a submission writes a dozen fields) unless a text has characters
    outside the BMP, which libyaml escapes as ``\\U…``: PyYAML writes those readably."""
    fast = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return fast if all(max(map(ord, t), default=0) < 0x10000 for t in texts) else yaml.SafeDumper


def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"""^["']?{re.escape(key)}["']?\s*:""")


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar on one line (JSON strings are valid YAML)."""
    quoted = json.dumps(text.replace("\r\n", "\n"), ensure_ascii=False)
    for char in ("\u2028", "\u2029", "\x85"):
        quoted = quoted.replace(char, f"\\u{ord(char):04x}")
    return quoted
