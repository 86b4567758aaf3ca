"""The one project configuration, ``rijk.yml``, read by every command.

Every command (build, serve, check, new, form, evaluate, figures, bench) starts from
:class:`generator.project.Project`, which reads this file: the folders, the engine, the site
name and the cache folder are written down once. A project without ``rijk.yml`` gets the
defaults below. Older projects kept the folders under the plugin's block in ``mkdocs.yml``
(``stories_dir``…); those keys are still read, but a key set in both files with different
values is an error, so the build and the form can never read two different folders.

Errors are Dutch and name the file and the key: ``rijk.yml: folders.stories: …``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CONFIG_FILE = "rijk.yml"
ENGINES = ("mkdocs", "zensical")
PLUGIN_NAME = "rijke-verantwoording"
LEGACY_PLUGIN_KEYS = {"stories_dir": ("folders", "stories"),
                      "taxonomy_dir": ("folders", "taxonomy"),
                      "figures_dir": ("folders", "figures"), "cache_dir": ("folders", "cache"),
                      "nlp": ("nlp",), "evaluate": ("evaluate",),
                      "random_state": ("random_state",)}


class ConfigError(ValueError):
    """The project configuration is wrong; the message is Dutch and names file and key."""


class Folders(BaseModel):
    """Folders relative to the project root."""

    model_config = ConfigDict(extra="forbid")

    stories: str = "stories"
    taxonomy: str = "taxonomy"
    figures: str = "figures"
    selections: str = "selections"
    reactions: str = "reactions"
    docs: str = "docs"
    cache: str = ".cache/rijk"
    site: str = "site"

    @field_validator("*")
    @classmethod
    def _relative(cls, value: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("moet een mapnaam zijn (tekst, niet leeg)")
        if Path(value).is_absolute() or ".." in Path(value).parts:
            raise ValueError(f"'{value}' moet een map binnen het project zijn (relatief pad, "
                             "zonder '..')")
        return value.strip()


DEFAULT_REACTION_CONTACT = ("Wilt u reageren? Dat kan bij het buurtteam in uw wijk. Uw naam "
                            "komt nooit op deze site.")


class Reactions(BaseModel):
    """Where residents respond under a story or wijk page (``reactions:`` in ``rijk.yml``)."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    """The public address of the form server's reaction endpoint, e.g.
    ``https://verhalen.gemeente.nl/reacties`` (``rijk form``). Empty: the pages show
    ``contact`` instead of a form (the static site works without the server)."""
    contact: str = DEFAULT_REACTION_CONTACT
    """What the pages say when there is no ``url``: where a resident can respond instead."""

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(https?://[^\s/]+)?/\S*$", value.strip()):
            raise ValueError("moet een webadres zijn, zoals https://verhalen.gemeente.nl/reacties")
        return value.strip() if value else None


PDF_AUTO_MAX_STORIES = 2_000
"""Up to this many published stories ``pdf: auto`` makes the PDFs in every build (the demo:
63; a large gemeente's year: a few hundred)."""


class ProjectConfig(BaseModel):
    """What ``rijk.yml`` may hold (all optional)."""

    model_config = ConfigDict(extra="forbid")

    engine: Literal["mkdocs", "zensical"] = "mkdocs"
    site_name: str | None = None
    mkdocs_config: str = "mkdocs.yml"
    folders: Folders = Field(default_factory=Folders)
    nlp: bool = True
    evaluate: bool = True
    pdf: bool | Literal["auto"] = "auto"
    """The annual report per year (and per stadsdeel), the waardenkring kit and the
    wijkberichten as PDF in ``downloads/`` (WeasyPrint). ``auto``: only up to
    :data:`PDF_AUTO_MAX_STORIES` published stories, because every PDF holds every story of its
    year and at 10,000 stories making them cost 15 minutes cold and 3 after one changed story
    (``rijk bench``); ``true`` always, ``false`` never. ``rijk build --pdf`` overrides it."""
    @field_validator("pdf", mode="before")
    @classmethod
    def _pdf(cls, value: Any) -> bool | str:
        if isinstance(value, bool) or value == "auto":
            return value
        raise ValueError(f"kies auto, true of false (nu: {value!r})")

    evaluate_against: str | None = None
    """A folder of labelled stories the model never trains on (relative to the project):
    the method page shows how well the labels hold on them (``rijk evaluate --against``)."""
    random_state: int = 0
    reactions: Reactions = Field(default_factory=Reactions)
    municipalities: list[str] = Field(default_factory=list)
    """CBS codes of the gemeenten this project covers (``GM0344``); ``rijk figures import``
    keeps only their rows of a national CBS file. Empty: the gemeenten of the wijken."""

    @field_validator("municipalities")
    @classmethod
    def _gemeente_codes(cls, value: list[str]) -> list[str]:
        codes = [str(code).strip().upper() for code in value]
        wrong = [c for c in codes if not re.fullmatch(r"GM\d{4}", c)]
        if wrong:
            raise ValueError(f"'{wrong[0]}' is geen CBS-gemeentecode; schrijf GM en vier "
                             "cijfers, zoals GM0344 (Utrecht)")
        return codes

    @field_validator("evaluate_against")
    @classmethod
    def _relative_folder(cls, value: str | None) -> str | None:
        return None if value is None else Folders._relative(value)


DUTCH_TYPES = {
    "extra_forbidden": "onbekende sleutel",
    "literal_error": "ongeldige waarde",
    "bool_parsing": "moet true of false zijn",
    "bool_type": "moet true of false zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "string_type": "moet tekst zijn",
    "model_type": "moet een lijst van sleutels zijn (sleutel: waarde)",
    "model_attributes_type": "moet een lijst van sleutels zijn (sleutel: waarde)",
}


def _dutch(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "literal_error" and error["loc"][:1] == ("engine",):
        return f"onbekende engine {error.get('input')!r}; kies uit: {', '.join(ENGINES)}"
    if kind == "extra_forbidden":
        return "onbekende sleutel; toegestaan: " + ", ".join(_allowed(error["loc"]))
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error.get("msg", "")))
    return DUTCH_TYPES.get(kind, error.get("msg", "ongeldige waarde"))


def _allowed(loc: tuple[Any, ...]) -> list[str]:
    parts: dict[str, type[BaseModel]] = {"folders": Folders, "reactions": Reactions}
    model = parts.get(str(loc[0]), ProjectConfig) if len(loc) > 1 else ProjectConfig
    return list(model.model_fields)


def load_config(root: Path) -> ProjectConfig:
    """``rijk.yml`` of the project at ``root`` (defaults when it does not exist), merged with
    the legacy plugin keys of ``mkdocs.yml``; raises :class:`ConfigError`."""
    path = Path(root) / CONFIG_FILE
    raw: dict[str, Any] = {}
    if path.exists():
        raw = _read_yaml(path)
    config = _validate(raw, path)
    legacy = legacy_plugin_options(Path(root) / config.mkdocs_config)
    if not legacy:
        return config
    merged = _nested_set(raw, legacy, path, Path(root) / config.mkdocs_config)
    return _validate(merged, path)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{line}: geen geldige YAML ({getattr(exc, 'problem', exc)}). "
                          "Controleer inspringing en dubbele punten.") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: moet sleutels met waarden bevatten (sleutel: waarde), "
                          f"niet een {type(data).__name__}.")
    return data


def _validate(raw: dict[str, Any], path: Path) -> ProjectConfig:
    try:
        return ProjectConfig.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}{_line_of(path, err['loc'])}: "
                 f"{'.'.join(str(p) for p in err['loc']) or '(bestand)'}: {_dutch(err)}"
                 for err in exc.errors()]
        raise ConfigError("\n".join(lines)) from None


def _line_of(path: Path, loc: tuple[Any, ...]) -> str:
    """``:N`` for the line of a top-level key in ``path`` (empty when not found)."""
    if not loc:
        return ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    for number, line in enumerate(lines, 1):
        if re.match(rf"{re.escape(str(loc[0]))}\s*:", line):
            return f":{number}"
    return ""


def legacy_plugin_options(mkdocs_yml: Path) -> dict[tuple[str, ...], Any]:
    """The project keys still written under the plugin in ``mkdocs.yml`` (older projects)."""
    if not mkdocs_yml.exists():
        return {}
    try:
        data = read_mkdocs_yml(mkdocs_yml)
    except ConfigError:
        return {}  # the build reports a broken mkdocs.yml itself
    options: dict[tuple[str, ...], Any] = {}
    for entry in (data or {}).get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get(PLUGIN_NAME), dict):
            for key, value in entry[PLUGIN_NAME].items():
                if key in LEGACY_PLUGIN_KEYS:
                    options[LEGACY_PLUGIN_KEYS[key]] = value
    return options


def _nested_set(raw: dict[str, Any], legacy: dict[tuple[str, ...], Any], path: Path,
                mkdocs_yml: Path) -> dict[str, Any]:
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in raw.items()}
    for keys, value in legacy.items():
        node = merged
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        leaf = keys[-1]
        if leaf in node and node[leaf] != value:
            raise ConfigError(
                f"{path}: {'.'.join(keys)}: staat ook in {mkdocs_yml} (onder plugins: "
                f"{PLUGIN_NAME}) met een andere waarde ({node[leaf]!r} tegenover {value!r}). "
                f"Zet het alleen in {CONFIG_FILE}.")
        node[leaf] = value
    return merged


class Tagged:
    """A YAML value with a tag we do not interpret (``!!python/name:…``, ``!ENV``): kept, so
    that the generated engine configuration writes it back unchanged."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag = tag
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tagged) and (self.tag, self.value) == (other.tag, other.value)

    def __hash__(self) -> int:
        return hash(self.tag)


class _PermissiveLoader(yaml.SafeLoader):
    """Reads ``mkdocs.yml`` with any tag, keeping tagged values as :class:`Tagged`."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged(node.tag, value)


_PermissiveLoader.add_multi_constructor("!", _any_tag)
_PermissiveLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


class _TagDumper(yaml.SafeDumper):
    """Writes :class:`Tagged` values back with their tag."""


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_TagDumper.add_representer(Tagged, _represent_tagged)


def entry_name(entry: Any) -> str:
    """The name of a ``plugins`` or ``markdown_extensions`` entry in ``mkdocs.yml``: the
    string itself, or the one key of ``{name: options}`` ("" for anything else)."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and entry:
        return str(next(iter(entry)))
    return ""


def read_mkdocs_yml(path: Path) -> dict[str, Any]:
    """The project's ``mkdocs.yml`` as data (tags kept); :class:`ConfigError` when broken."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_PermissiveLoader)
    except FileNotFoundError:
        raise ConfigError(f"{path}: bestand ontbreekt; de site-instellingen (thema, menu, "
                          "opmaak) staan daarin.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: geen geldige YAML ({exc}).") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: moet sleutels met waarden bevatten (sleutel: waarde).")
    return data


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_TagDumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False)
