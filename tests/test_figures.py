"""Figures: the CBS importer, the figures store and ``rijk figures import-cbs``.

Everything runs on real CBS data: a verbatim excerpt of the published Kerncijfers files in
``tests/data/cbs/`` (header, Nederland, Amsterdam, wijken with ``.``/``NA``/empty cells, a
buurt) and the full files shipped in ``figures/bron/``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.figures import figures as figures_cli
from generator.figures import (
    CbsError,
    Figure,
    FiguresError,
    FigureStore,
    format_value,
    import_cbs,
    load_figures,
    load_indicator_columns,
    read_cbs,
    write_figures,
)
from generator.taxonomy import Taxonomy, taxonomy_file

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "cbs"
EXCERPT = {year: DATA / f"kerncijfers_wijken_buurten_amsterdam_{year}_excerpt.csv"
           for year in (2017, 2019)}
BRON = {year: ROOT / "figures" / "bron" / f"kerncijfers_wijken_buurten_amsterdam_{year}.csv"
        for year in (2017, 2019)}
INDICATORS_YML = taxonomy_file(ROOT / "taxonomy", "indicators.yml")
HOLENDRECHT = "WK036396"


@pytest.fixture(scope="module")
def columns() -> dict[str, tuple[str, ...]]:
    return load_indicator_columns(INDICATORS_YML)


def values(year: int, columns: dict[str, tuple[str, ...]], **kwargs: bool) -> dict:
    result = read_cbs(EXCERPT[year], columns, year, **kwargs)
    return {(f.neighbourhood, f.indicator): f.value for f in result.figures}


@pytest.mark.parametrize("year", [2017, 2019])
def test_excerpt_is_verbatim_from_the_published_file(year: int) -> None:
    published = set(BRON[year].read_text(encoding="utf-8").splitlines())
    excerpt = EXCERPT[year].read_text(encoding="utf-8").splitlines()
    assert len(excerpt) == 12
    assert all(line in published for line in excerpt)


def test_indicators_yml_loads_in_the_taxonomy_and_names_real_columns(columns) -> None:
    taxonomy = Taxonomy.load(ROOT / "taxonomy")
    required = {"inwoners", "wmo_clienten_per_1000", "jeugdzorg_pct", "bijstand",
                "laag_inkomen_pct"}
    assert required <= set(taxonomy.indicators) == set(columns)
    header_2019 = next(csv.reader(BRON[2019].open(encoding="utf-8")))
    assert all(cols[0] in header_2019 for cols in columns.values())
    assert taxonomy.indicators["jeugdzorg_pct"].unit == "%"


def test_values_equal_the_source(columns) -> None:
    v2017, v2019 = values(2017, columns), values(2019, columns)
    assert v2017[HOLENDRECHT, "inwoners"] == 18300
    assert v2019[HOLENDRECHT, "inwoners"] == 18260
    assert v2019["GM0363", "inwoners"] == 862965
    assert v2019["WK036398", "inwoners"] == 1605  # Driemond
    assert v2019[HOLENDRECHT, "bijstand"] == 1330
    assert v2019[HOLENDRECHT, "wmo_clienten_per_1000"] == 128


def test_decimals_comma_in_2019_and_padded_point_in_2017(columns) -> None:
    assert values(2019, columns)[HOLENDRECHT, "laag_inkomen_pct"] == 15.2  # "15,2"
    assert values(2019, columns)[HOLENDRECHT, "jeugdzorg_pct"] == 13.5  # "13,5"
    assert values(2017, columns)[HOLENDRECHT, "laag_inkomen_pct"] == 16.5  # "    16.5"


def test_regions_kept_codes_stripped_land_and_buurten_left_out(columns) -> None:
    result = read_cbs(EXCERPT[2019], columns, 2019)
    codes = {f.neighbourhood for f in result.figures}
    assert codes == {"GM0363", "WK036300", "WK036310", "WK036311", "WK036350", "WK036393",
                     HOLENDRECHT, "WK036398"}
    assert result.names["WK036393"] == "Bijlmer Centrum (D,F,H)"  # comma inside quotes
    assert result.count("Wijk") == 7 and result.count("Gemeente") == 1
    with_buurten = values(2019, columns, include_buurten=True)
    assert with_buurten["BU03639600", "inwoners"] == 2915  # Holendrecht West
    assert with_buurten["BU03630000", "inwoners"] == 1035  # Kop Zeedijk
    assert not any(code.startswith("NL") for code, _ in with_buurten)


def test_missing_stays_missing_and_zero_stays_zero(columns, tmp_path: Path) -> None:
    v2017, v2019 = values(2017, columns), values(2019, columns)
    assert v2017["WK036311", "laag_inkomen_pct"] is None  # "       ."
    assert v2017["WK036311", "bijstand"] == 0  # "       0"
    assert v2019["WK036350", "bijstand"] is None  # NA
    assert v2019["WK036350", "laag_inkomen_pct"] is None  # ""
    assert v2019["WK036310", "wmo_clienten_per_1000"] is None  # NA
    assert v2019["WK036310", "jeugdzorg_pct"] is None  # ""
    assert v2019["WK036310", "bijstand"] == 0
    result, written = import_cbs(EXCERPT[2019], tmp_path, columns, 2019)
    rows = {(r["neighbourhood"], r["indicator"]): r["value"]
            for r in csv.DictReader(written.open(encoding="utf-8"))}
    assert rows["WK036350", "bijstand"] == ""
    assert rows["WK036310", "bijstand"] == "0"
    assert rows[HOLENDRECHT, "laag_inkomen_pct"] == "15.2"
    assert result.missing == sum(1 for v in rows.values() if v == "")


def test_2017_has_no_wmo_or_jeugdzorg(columns) -> None:
    result = read_cbs(EXCERPT[2017], columns, 2017)
    assert set(result.absent) == {"wmo_clienten_per_1000", "jeugdzorg_pct"}
    assert not [f for f in result.figures if f.indicator in result.absent]
    assert "Niet in dit bestand: wmo_clienten_per_1000, jeugdzorg_pct" in result.summary()


def test_new_alphanumeric_codes_are_accepted(columns, tmp_path: Path) -> None:
    text = EXCERPT[2019].read_text(encoding="utf-8")
    renamed = tmp_path / "kerncijfers_2019.csv"
    renamed.write_text(text.replace('"WK036396  "', '"WK0363AA  "')
                       .replace('"BU03639600"', '"BU0363AA00"'), encoding="utf-8")
    found = values_from(renamed, columns, include_buurten=True)
    assert found["WK0363AA", "inwoners"] == 18260
    assert found["BU0363AA00", "inwoners"] == 2915


def values_from(path: Path, columns, **kwargs: bool) -> dict:
    return {(f.neighbourhood, f.indicator): f.value
            for f in read_cbs(path, columns, **kwargs).figures}


def test_year_comes_from_the_filename_and_must_agree(columns) -> None:
    assert read_cbs(EXCERPT[2019], columns).year == 2019
    with pytest.raises(CbsError) as error:
        read_cbs(EXCERPT[2019], columns, 2017)
    message = str(error.value)
    assert f"{EXCERPT[2019]}:1:" in message
    assert "--year 2017 past niet bij het jaartal 2019" in message


def test_not_a_cbs_file_gives_a_dutch_error_with_file_and_line(columns, tmp_path: Path) -> None:
    not_cbs = tmp_path / "cbs-2019.csv"
    write_figures(not_cbs, [Figure(2019, HOLENDRECHT, "inwoners", 18260.0)])
    with pytest.raises(CbsError) as error:
        read_cbs(not_cbs, columns, 2019)
    assert f"{not_cbs}:1: dit is geen CBS Kerncijfers wijken en buurten-bestand" in str(error.value)


def test_bad_cell_and_cut_row_are_reported_with_their_lines(columns, tmp_path: Path) -> None:
    lines = EXCERPT[2019].read_text(encoding="utf-8").splitlines()
    assert lines[9].startswith('"565","Holendrecht/Reigersbos"')
    lines[9] = lines[9].replace(",18260,", ",achttienduizend,", 1)
    lines[11] = lines[11][:200]  # Driemond, cut off
    broken = tmp_path / "kerncijfers_2019.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CbsError) as error:
        read_cbs(broken, columns)
    message = str(error.value)
    assert f"{broken}:10: kolom 'Bevolking.Aantal.inwoners..aantal.' (inwoners) bevat " \
           "'achttienduizend'" in message
    assert f"{broken}:12: " in message and "cellen, verwacht 118" in message


@pytest.fixture()
def store(columns, tmp_path: Path) -> FigureStore:
    for year in (2017, 2019):
        import_cbs(EXCERPT[year], tmp_path, columns, year)
    return load_figures(tmp_path, Taxonomy.load(ROOT / "taxonomy").indicators)


def test_latest_picks_the_2017_figure_for_a_2018_report(store: FigureStore) -> None:
    figure = store.latest(HOLENDRECHT, "inwoners", 2018)
    assert figure is not None
    assert (figure.year, figure.value) == (2017, 18300)
    assert figure.source == "CBS Kerncijfers wijken en buurten 2017 (StatLine 83765NED)"
    assert store.latest(HOLENDRECHT, "inwoners", 2025).year == 2019
    assert store.latest("wk036396  ", "inwoners", 2019).value == 18260  # code normalised
    assert store.latest(HOLENDRECHT, "inwoners", 2016) is None
    assert store.latest(HOLENDRECHT, "wmo_clienten_per_1000", 2018) is None  # not measured
    assert store.latest(HOLENDRECHT, "wmo_clienten_per_1000", 2020).value == 128


def test_store_years_and_indicators(store: FigureStore) -> None:
    assert store.years() == [2017, 2019]
    indicators = store.indicators_for(HOLENDRECHT)
    assert indicators[0] == "inwoners"  # taxonomy order
    assert "jeugdzorg_pct" in indicators
    assert "GM0363" in store.neighbourhoods()


def test_latest_missing_value_is_reported_missing_not_older(tmp_path: Path) -> None:
    (tmp_path / "eigen.csv").write_text(
        "year,neighbourhood,indicator,value,source\n"
        "2017,WK036396,bijstand,1470,CBS 2017\n"
        "2019,WK036396,bijstand,,CBS 2019\n"
        "2019,WK036398,bijstand,20,CBS 2019\n", encoding="utf-8")
    figure = load_figures(tmp_path).latest(HOLENDRECHT, "bijstand", 2020)
    assert figure is not None and figure.is_missing  # suppressed for this wijk in 2019
    assert figure.year == 2019 and figure.value is None


def test_a_variable_cbs_has_not_published_for_a_year_shows_the_year_before(
        tmp_path: Path) -> None:
    """CBS fills a kwb year in stages: empty for every region is "nog niet gepubliceerd"."""
    (tmp_path / "eigen.csv").write_text(
        "year,neighbourhood,indicator,value,source\n"
        "2017,WK036396,bijstand,1470,CBS 2017\n"
        "2019,WK036396,bijstand,,CBS 2019\n"
        "2019,WK036398,bijstand,,CBS 2019\n", encoding="utf-8")
    store = load_figures(tmp_path)
    figure = store.latest(HOLENDRECHT, "bijstand", 2020)
    assert (figure.year, figure.value) == (2017, 1470)
    assert store.unpublished == [(2019, "bijstand")]


def test_bad_figures_rows_give_dutch_errors_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "eigen.csv"
    bad.write_text(
        "year,neighbourhood,indicator,value\n"
        "2019,WK036396,inwoners,18260\n"
        "19,WK036396,bijstand,1330\n"
        "2019,WK036396,laag_inkomen_pct,\"15,2\"\n"
        "2019,WK036396,jeugdzorg_pct,NA\n"
        "2019,WK036396,inwonres,5\n"
        "2019,WK036396\n"
        "2019,WK036396,inwoners,18265\n", encoding="utf-8")
    indicators = Taxonomy.load(ROOT / "taxonomy").indicators
    with pytest.raises(FiguresError) as error:
        load_figures(tmp_path, indicators)
    lines = str(error.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{bad}:{n}" for n in (3, 4, 5, 6, 7, 8)]
    assert "geen jaartal" in lines[0]
    assert "punt als decimaalteken" in lines[1]
    assert "laat de cel leeg" in lines[2]
    assert "onbekende indicator 'inwonres'" in lines[3]
    assert "2 cellen, verwacht 4" in lines[4]
    assert "dubbel cijfer" in lines[5] and f"{bad}:2" in lines[5]


def test_format_value_in_dutch() -> None:
    class Decimals:
        def __init__(self, decimals: int) -> None:
            self.decimals = decimals

    assert format_value(1234.0, Decimals(0)) == "1.234"
    assert format_value(12.5, Decimals(1)) == "12,5"
    assert format_value(16.0, Decimals(1)) == "16,0"
    assert format_value(0.25, Decimals(1)) == "0,3"  # half-up, not half-even
    assert format_value(1234567.891, Decimals(2)) == "1.234.567,89"
    assert format_value(-0.04, Decimals(1)) == "0,0"
    assert format_value(18260.0) == "18.260"
    assert format_value(None, Decimals(1)) == "geen gegevens"
    assert format_value(0.0, Decimals(0)) == "0"


def test_click_command_writes_the_csv_deterministically(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["import-cbs", str(EXCERPT[2019]), "--year", "2019", "--out", str(tmp_path),
            "--indicators", str(INDICATORS_YML)]
    result = runner.invoke(figures_cli, args)
    assert result.exit_code == 0, result.output
    written = tmp_path / "cbs-2019.csv"
    first = written.read_bytes()
    assert "7 wijken, 1 gemeente; 13 indicatoren" in result.output
    assert "Ontbrekend bij CBS: 9 cijfers (leeg gelaten, niet 0)." in result.output
    assert runner.invoke(figures_cli, args).exit_code == 0
    assert written.read_bytes() == first
    assert first.startswith(b"year,neighbourhood,indicator,value,source\n2019,GM0363,")


def test_click_command_reports_a_bad_year_and_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(figures_cli, [
        "import-cbs", str(EXCERPT[2017]), "--year", "2019", "--out", str(tmp_path),
        "--indicators", str(INDICATORS_YML)])
    assert result.exit_code == 1
    assert "past niet bij het jaartal 2017" in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("year", [2017, 2019])
def test_shipped_figures_are_a_fresh_import_of_the_shipped_sources(columns, year: int,
                                                                     tmp_path: Path) -> None:
    _, written = import_cbs(BRON[year], tmp_path, columns, year)
    assert written.read_bytes() == (ROOT / "figures" / f"cbs-{year}.csv").read_bytes()


def test_shipped_figures_load_with_the_taxonomy() -> None:
    store = load_figures(ROOT / "figures", Taxonomy.load(ROOT / "taxonomy").indicators)
    assert store.years() == [2017, 2019]
    assert len(store.neighbourhoods()) == 100  # 99 wijken + GM0363; figures/bron/ not read
    assert store.latest(HOLENDRECHT, "inwoners", 2018).value == 18300
