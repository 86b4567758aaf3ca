"""Validate the NLP evaluation corpus (tests/data/nlp/{dev,test}).

Checks: every story parses, front-matter keys present and valid, labels from the fixed lists,
balance per split, and no story names its own labels (forbidden word list per label).
Usage: python3 tests/data/nlp/validate.py
"""
import datetime
import pathlib
import re
import sys
from collections import Counter

import yaml

HERE = pathlib.Path(__file__).parent
THEMES = ["wonen", "werk", "schulden", "gezondheid", "eenzaamheid", "opvoeding",
          "mantelzorg", "veiligheid", "participatie"]
VALUES = ["autonomie", "betrokkenheid", "compassie", "gelijkwaardigheid", "solidariteit",
          "zelfbeschikking"]
NEIGHBOURHOODS = {"holendrecht-reigersbos", "bijlmer-centrum-d-f-h", "bijlmer-oost-e-g-k",
                  "gaasperdam-driemond", "driemond", "osdorp-midden", "slotervaart-noord",
                  "volewijck", "indische-buurt-oost", "oostelijk-havengebied"}
KEYS = ["id", "title", "date", "author", "team", "neighbourhood", "themes", "values", "consent",
        "status", "summary"]
SPLITS = {"dev": ("ev", 40, 4, 5), "test": ("et", 80, 8, 10)}  # prefix, n, min main theme, min value

# Words that would *name* a label. Regexes, matched case-insensitively on word boundaries
# against title + summary + body. Only checked for the story's own labels.
FORBIDDEN = {
    "wonen": [r"wonen", r"woning\w*", r"huisvesting\w*", r"dakloos\w*", r"thuisloos\w*",
              r"huisuitzetting\w*", r"woonproblem\w*"],
    "werk": [r"werk", r"werken", r"werkt", r"werkte\w*", r"werkloos\w*", r"werkzoekend\w*",
             r"werkervaring", r"werker\w*", r"werkgever\w*", r"werknemer\w*", r"baan", r"banen", r"arbeid\w*",
             r"re-?integratie\w*", r"sollicit\w*"],
    "schulden": [r"schuld\w*", r"budget\w*", r"betalingsachterstand\w*", r"achterstand\w*",
                 r"incasso\w*", r"schuldeiser\w*", r"armoede"],
    "gezondheid": [r"gezond\w*", r"ongezond\w*", r"ziek\w*", r"verslav\w*", r"verslaafd\w*"],
    "eenzaamheid": [r"eenza\w*", r"isolement", r"ge[iï]soleerd", r"alleen zijn",
                    r"vereenzaming"],
    "opvoeding": [r"opvoed\w*", r"ouderschap\w*", r"opgroei\w*"],
    "mantelzorg": [r"mantelzorg\w*", r"zorgt voor", r"zorgen voor", r"verzorg\w*",
                   r"overbelast\w*", r"respijt\w*"],
    "veiligheid": [r"veilig\w*", r"onveilig\w*", r"geweld\w*", r"overlast", r"criminaliteit",
                   r"criminee\w*"],
    "participatie": [r"particip\w*", r"meedoen", r"mee te doen", r"doet mee", r"deden mee",
                     r"deelna\w*", r"deelnem\w*", r"vrijwilligerswerk", r"inburger\w*"],
    "autonomie": [r"autono\w*", r"zelfstandig\w*", r"eigen regie", r"onafhankelijk\w*"],
    "betrokkenheid": [r"betrokken\w*", r"betrek\w*", r"betrok\w*", r"engagement"],
    "compassie": [r"compassie\w*", r"medelev\w*", r"mededogen", r"empathi\w*", r"meelev\w*"],
    "gelijkwaardigheid": [r"gelijkwaardig\w*", r"gelijke voet", r"gelijke hoogte", r"als gelijke",
                          r"ooghoogte", r"gelijkheid"],
    "solidariteit": [r"solidari\w*"],
    "zelfbeschikking": [r"zelfbeschik\w*", r"eigen keuze\w*", r"keuzevrijheid",
                        r"zelf beschikken"],
}
PATTERNS = {k: re.compile(r"\b(?:" + "|".join(v) + r")\b", re.I) for k, v in FORBIDDEN.items()}


def parse(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), "no front-matter"
    _, fm, body = text.split("---\n", 2)
    return yaml.safe_load(fm), body


def main():
    errors, warnings = [], []
    table = {}
    for split, (prefix, n, min_main, min_value) in SPLITS.items():
        files = sorted((HERE / split).glob("*.md"))
        if len(files) != n:
            errors.append(f"{split}: {len(files)} files, expected {n}")
        main_c, any_c, val_c, words = Counter(), Counter(), Counter(), []
        for f in files:
            try:
                meta, body = parse(f)
            except Exception as e:  # noqa: BLE001
                errors.append(f"{f.name}: does not parse: {e}")
                continue
            where = f.name
            missing = [k for k in KEYS if k not in meta]
            extra = [k for k in meta if k not in KEYS]
            if missing or extra:
                errors.append(f"{where}: missing {missing} extra {extra}")
                continue
            if f.stem != meta["id"] or not re.fullmatch(prefix + r"-2024-\d{3}", meta["id"]):
                errors.append(f"{where}: bad id {meta['id']}")
            if not (isinstance(meta["date"], datetime.date)
                    and meta["date"].year in (2023, 2024)):
                errors.append(f"{where}: bad date {meta['date']!r}")
            if meta["neighbourhood"] not in NEIGHBOURHOODS:
                errors.append(f"{where}: bad neighbourhood {meta['neighbourhood']}")
            if meta["consent"] is not True or meta["status"] != "published":
                errors.append(f"{where}: consent/status")
            if meta["author"] != "Evaluatie":
                errors.append(f"{where}: author")
            th, va = meta["themes"], meta["values"]
            if not (isinstance(th, list) and 1 <= len(th) <= 2 and len(set(th)) == len(th)
                    and all(t in THEMES for t in th)):
                errors.append(f"{where}: bad themes {th}")
                continue
            if not (isinstance(va, list) and 1 <= len(va) <= 2 and len(set(va)) == len(va)
                    and all(v in VALUES for v in va)):
                errors.append(f"{where}: bad values {va}")
                continue
            main_c[th[0]] += 1
            any_c.update(th)
            val_c.update(va)
            text = " ".join([str(meta["title"]), str(meta["summary"]), body])
            words.append(len(re.findall(r"\w+", body)))
            for label in th + va:
                hits = sorted({m.group(0).lower() for m in PATTERNS[label].finditer(text)})
                if hits:
                    errors.append(f"{where}: names its own label {label}: {hits}")
            for label in (set(THEMES) | set(VALUES)) - set(th + va):
                hits = sorted({m.group(0).lower() for m in PATTERNS[label].finditer(text)})
                if hits:
                    warnings.append(f"{where}: mentions other label {label}: {hits}")
        for t in THEMES:
            if main_c[t] < min_main:
                errors.append(f"{split}: theme {t} is main theme of {main_c[t]} < {min_main}")
        for v in VALUES:
            if val_c[v] < min_value:
                errors.append(f"{split}: value {v} in {val_c[v]} < {min_value}")
        table[split] = (main_c, any_c, val_c, words)

    print(f"{'label':20} " + " ".join(f"{s+' main':>9} {s+' any':>9}" for s in table))
    for t in THEMES:
        print(f"{t:20} " + " ".join(f"{table[s][0][t]:>9} {table[s][1][t]:>9}" for s in table))
    for v in VALUES:
        print(f"{v:20} " + " ".join(f"{'':>9} {table[s][2][v]:>9}" for s in table))
    for s, (_, _, _, words) in table.items():
        if words:
            short = sum(w <= 120 for w in words)
            long_ = sum(w >= 300 for w in words)
            print(f"{s}: {len(words)} stories, words min {min(words)} max {max(words)}, "
                  f"<=120: {short}, >=300: {long_}")
    for w in warnings:
        print("note:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
