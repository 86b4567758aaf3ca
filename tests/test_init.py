"""``rijk init`` and ``rijk figures import`` for any municipality, on CBS's files as published.

The Utrecht files in ``demos/utrecht/bron/`` are CBS's own kwb downloads (``.xlsx``) and the
same figures converted to the StatLine CSV layout (see its README). Every test runs the real
command in a subprocess in a temp folder, and the builds are real ``rijk build`` runs.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from generator.figures import load_figures
from generator.taxonomy import Taxonomy
from tests.helpers import ROOT, mkdocs_build, rijk

BRON = ROOT / "demos" / "utrecht" / "bron"
XLSX = {year: BRON / f"CBS-Utrecht-kwb-{year}.xlsx" for year in (2023, 2024)}
CSV = {year: BRON / f"kerncijfers_wijken_buurten_utrecht_{year}.csv" for year in (2023, 2024)}
AMSTERDAM_2019 = (ROOT / "tests" / "data" / "cbs"
                  / "kerncijfers_wijken_buurten_amsterdam_2019_excerpt.csv")


def init(folder: Path, *args: str) -> tuple[Path, object]:
    target = folder / "project"
    result = rijk(folder, "init", str(target), *args)
    return target, result


def page_text(path: Path) -> str:
    text = re.sub(r"<script.*?</script>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


@pytest.fixture(scope="module")
def utrecht(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target, result = init(tmp_path_factory.mktemp("utrecht"), "--municipality", "GM0344",
                          "--figures", str(XLSX[2023]))
    assert result.returncode == 0, result.stderr
    assert "10 wijken" in result.stdout and "inwoners: 10 van 10" in result.stdout
    return target


@pytest.fixture(scope="module")
def utrecht_site(utrecht: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("utrecht-build") / "project"
    shutil.copytree(utrecht, project)
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def test_init_writes_the_ten_wijken_with_areas_and_stable_prefixes(utrecht: Path) -> None:
    taxonomy = Taxonomy.load(utrecht / "taxonomy")
    hoods = taxonomy.neighbourhoods
    assert len(hoods) == 10
    west = hoods["west"]
    assert (west.name, west.code, west.city, west.stadsdeel) == (
        "Wijk 01 West", "WK034401", "Utrecht", "West")
    prefixes = [hood.prefix for hood in hoods.values()]
    assert all(prefixes) and len(set(prefixes)) == 10
    assert taxonomy.municipalities() == {"GM0344": "Utrecht"}
    # the default taxonomy is copied in, to edit: values, themes and the NLP's training text
    for name in ("values.yml", "themes.yml", "indicators.yml", "examples.yml"):
        assert (utrecht / "taxonomy" / name).stat().st_size > 0
    assert len(taxonomy.values) >= 6 and len(taxonomy.themes) >= 6
    config = yaml.safe_load((utrecht / "rijk.yml").read_text(encoding="utf-8"))
    assert config["municipalities"] == ["GM0344"]
    assert config["site_name"] == "Rijke Verantwoording Utrecht"
    assert "Utrecht" in (utrecht / "README.md").read_text(encoding="utf-8")
    assert (utrecht / "figures" / "bron" / XLSX[2023].name).read_bytes() == XLSX[2023].read_bytes()


def test_one_example_story_per_area_that_passes_the_checks(utrecht: Path) -> None:
    stories = sorted((utrecht / "stories").rglob("*.md"))
    assert len(stories) == 10
    for path in stories:
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        assert meta["example"] is True and meta["status"] == "published"
        assert path.stem.startswith(meta["id"].split("-")[0])
    result = rijk(utrecht, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "10 in orde, 0 met fouten" in result.stdout
    assert result.stdout.count("voorbeeldverhaal (example: true)") == 10


def test_the_built_site_shows_the_wijk_figures_with_their_year_and_source(
        utrecht_site: Path) -> None:
    west = page_text(utrecht_site / "wijken" / "west" / "index.html")
    row = re.search(r"Inwoners \(aantal\) ([\d.]+) (\d{4})", west)
    assert row is not None and row.groups() == ("29.040", "2023")
    assert "Bron: CBS (CBS Kerncijfers wijken en buurten 2023 (StatLine 85618NED))" in west
    assert "Wijk in Utrecht" in west
    home = page_text(utrecht_site / "index.html")
    assert "buurtteams in Utrecht" in home and "Amsterdam" not in home
    report = page_text(utrecht_site / "jaarverslag" / "2023" / "index.html")
    assert "Utrecht (hele gemeente)" in report and "367.947" in report
    assert "Amsterdam" not in report
    story = next((utrecht_site / "verhalen").glob("we-2023-*/index.html"))
    assert "Voorbeeldverhaal" in page_text(story)


def test_the_converted_statline_csv_gives_identical_figures(utrecht: Path,
                                                            tmp_path: Path) -> None:
    target, result = init(tmp_path, "--municipality", "GM0344", "--figures", str(CSV[2023]))
    assert result.returncode == 0, result.stderr
    assert (target / "figures" / "cbs-2023.csv").read_bytes() == \
        (utrecht / "figures" / "cbs-2023.csv").read_bytes()
    assert (target / "taxonomy" / "neighbourhoods.yml").read_text(encoding="utf-8") == \
        (utrecht / "taxonomy" / "neighbourhoods.yml").read_text(encoding="utf-8")


def test_import_of_2024_adds_the_year_and_reports_what_cbs_has_not_published(
        utrecht: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(utrecht, project)
    result = rijk(project, "figures", "import", str(XLSX[2024]))
    assert result.returncode == 0, result.stderr
    assert "inwoners: 10 van 10" in result.stdout
    assert "bijstand: 0 van 10 (nog niet gepubliceerd door CBS" in result.stdout
    assert (project / "figures" / "bron" / XLSX[2024].name).read_bytes() == \
        XLSX[2024].read_bytes()  # the source as published, beside the figures
    store = load_figures(project / "figures", Taxonomy.load(project / "taxonomy").indicators)
    assert store.years() == [2023, 2024]
    assert store.latest("WK034401", "inwoners", 2024).value == 29710
    # not yet published for 2024: stored empty (never 0), and the 2023 figure is shown with
    # its year instead of "geen gegevens" on every page
    rows = (project / "figures" / "cbs-2024.csv").read_text(encoding="utf-8").splitlines()
    assert "2024,WK034401,bijstand,," in rows[1:] or any(
        r.startswith("2024,WK034401,bijstand,,") for r in rows)
    assert (2024, "bijstand") in store.unpublished
    shown = store.latest("WK034401", "bijstand", 2024)
    assert (shown.year, shown.value) == (2023, 710)
    # the old name still works
    again = rijk(project, "figures", "import-cbs", str(CSV[2024]))
    assert again.returncode == 0, again.stderr
    # the CSV conversion gives the same figures: nothing replaced, so nothing said
    assert "is vervangen" not in again.stderr
    assert (project / "figures" / "cbs-2024.csv").exists()


def test_a_national_kwb_csv_is_filtered_to_the_municipality(tmp_path: Path) -> None:
    """CBS's kwb CSV: ``;``, decimal commas, codes padded with spaces, every gemeente. Made
    here from the real Utrecht rows plus one real Amsterdam wijk (inhabitants only)."""
    book = load_workbook(XLSX[2023], read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    header = rows[0]
    holendrecht = dict.fromkeys(header, ".")
    holendrecht.update(gwb_code_10="WK036396", gwb_code_8="036396", regio="Holendrecht/Reigersbos",
                       gm_naam="Amsterdam", recs="Wijk", gwb_code="WK036396", ind_wbi=1,
                       a_inw=18260)
    national = tmp_path / "kwb-2023.csv"
    with national.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for row in [*rows[1:], [holendrecht[h] for h in header]]:
            writer.writerow([f"{c:<10}" if i == 0 else
                             str(c).replace(".", ",") if isinstance(c, float) else c
                             for i, c in enumerate(row)])
    (tmp_path / "a").mkdir()
    mixed, result = init(tmp_path / "a", "--municipality", "GM0363", "--figures", str(national))
    assert result.returncode == 0, result.stderr
    assert list(Taxonomy.load(mixed / "taxonomy").neighbourhoods) == ["holendrecht-reigersbos"]
    (tmp_path / "b").mkdir()
    only_utrecht, result = init(tmp_path / "b", "--municipality", "GM0344",
                                "--figures", str(national))
    assert result.returncode == 0, result.stderr
    assert (only_utrecht / "figures" / "cbs-2023.csv").read_text(encoding="utf-8").count(
        "WK0363") == 0
    store = load_figures(only_utrecht / "figures",
                         Taxonomy.load(only_utrecht / "taxonomy").indicators)
    assert store.latest("GM0344", "inwoners", 2023).value == 367947
    project = only_utrecht
    result = rijk(project, "figures", "import", str(national), "--municipality", "GM0363",
                  "--out", str(tmp_path / "out"))
    assert result.returncode == 0  # any gemeente can be asked for explicitly
    bare = rijk(tmp_path, "figures", "import", str(national), "--out", str(tmp_path / "x"))
    assert bare.returncode == 1
    assert "dit bestand bevat 2 gemeenten; kies er een (of meer) met --municipality" in \
        bare.stderr


def test_a_renumbered_wijk_is_reported_with_the_fix(utrecht: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(utrecht, project)
    hoods = project / "taxonomy" / "neighbourhoods.yml"
    hoods.write_text(hoods.read_text(encoding="utf-8").replace("WK034403", "WK034493"),
                     encoding="utf-8")
    result = rijk(project, "figures", "import", str(XLSX[2024]))
    assert result.returncode == 0, result.stderr
    assert ("wijk 'Wijk 03 Overvecht' (overvecht) heeft in dit bestand code WK034403, in "
            "taxonomy/neighbourhoods.yml staat WK034493") in result.stderr
    assert "zet bij 'overvecht' code: WK034403" in result.stderr


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "project"
    target.mkdir()
    (target / "notities.txt").write_text("van mij", encoding="utf-8")
    result = rijk(tmp_path, "init", str(target), "--municipality", "GM0344",
                  "--figures", str(XLSX[2023]))
    assert result.returncode == 1
    assert "deze map bestaat al en is niet leeg; rijk init overschrijft niets" in result.stderr
    assert [p.name for p in target.iterdir()] == ["notities.txt"]
    assert (target / "notities.txt").read_text(encoding="utf-8") == "van mij"


def test_a_bad_file_or_code_leaves_no_half_project(tmp_path: Path) -> None:
    broken = tmp_path / "kwb-2023.csv"
    broken.write_text("wijk;inwoners\nWest;29040\n", encoding="utf-8")
    target, result = init(tmp_path, "--municipality", "GM0344", "--figures", str(broken))
    assert result.returncode == 1
    assert f"{broken.name}:1: dit is geen CBS Kerncijfers wijken en buurten-bestand" in \
        result.stderr
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == [broken.name]
    target, result = init(tmp_path, "--municipality", "GM0080", "--figures", str(XLSX[2023]))
    assert result.returncode == 1
    assert "geen wijken van GM0080" in result.stderr and not target.exists()
    target, result = init(tmp_path, "--municipality", "Utrecht", "--figures", str(XLSX[2023]))
    assert result.returncode == 1 and "geen CBS-gemeentecode" in result.stderr


def test_two_municipalities_in_one_site_build_with_zensical(tmp_path: Path) -> None:
    target, result = init(tmp_path, "--municipality", "GM0344", "--municipality", "GM0363",
                          "--figures", str(XLSX[2023]), "--figures", str(AMSTERDAM_2019),
                          "--engine", "zensical")
    assert result.returncode == 0, result.stderr
    taxonomy = Taxonomy.load(target / "taxonomy")
    assert taxonomy.municipalities() == {"GM0344": "Utrecht", "GM0363": "Amsterdam"}
    assert "utrecht-west" in taxonomy.neighbourhoods
    assert "amsterdam-holendrecht-reigersbos" in taxonomy.neighbourhoods
    ids = [p.stem for p in (target / "stories").rglob("*.md")]
    assert len(ids) == len(set(ids)) == 17
    site = target / "site"
    built = mkdocs_build(target, site)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "Zensical" in built.stderr + built.stdout
    index = page_text(site / "wijken" / "index.html")
    assert index.index("Gemeente Utrecht") > 0 and index.index("Gemeente Amsterdam") > 0
    report = page_text(site / "jaarverslag" / "2023" / "index.html")
    assert "Utrecht (hele gemeente)" in report and "Amsterdam (hele gemeente)" in report
    holendrecht = page_text(site / "wijken" / "amsterdam-holendrecht-reigersbos" / "index.html")
    assert re.search(r"Inwoners \(aantal\) 18\.260 2019", holendrecht)
