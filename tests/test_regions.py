"""Region registry: codes, name lookup rules, suggestions and region groups."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kompetens_forecast.classify import regions as regions_module
from kompetens_forecast.classify.regions import Region, RegionRegistry, default_registry
from kompetens_forecast.classify.text import closest, normalize
from kompetens_forecast.errors import DataError, UnknownRegionError
from kompetens_forecast.resources import embedded_data_dir


@pytest.fixture(scope="module")
def reg() -> RegionRegistry:
    return default_registry()


def test_counts_and_order(reg: RegionRegistry) -> None:
    assert len(reg.counties()) == 21
    assert len(reg.municipalities()) == 290
    everything = reg.all()
    assert everything[0] == reg.get("00")
    assert everything[0].level == "riket"
    levels = [r.level for r in everything]
    assert levels == sorted(levels, key=["riket", "lan", "kommun", "group"].index)
    assert [r.code for r in reg.counties()] == sorted(r.code for r in reg.counties())


def test_codes_are_strings_with_leading_zeros(reg: RegionRegistry) -> None:
    assert reg.get("01").code == "01"
    assert reg.get("0114").code == "0114"
    assert reg.get("Upplands Väsby").code == "0114"
    assert all(isinstance(r.code, str) for r in reg.all())
    assert all(len(r.code) == 2 for r in reg.counties())
    assert all(len(r.code) == 4 for r in reg.municipalities())
    assert {r.lan_code for r in reg.municipalities()} == {r.code for r in reg.counties()}


def test_lan_members_are_its_kommuner(reg: RegionRegistry) -> None:
    for lan in reg.counties():
        assert lan.lan_code == lan.code
        assert lan.members
        assert all(reg.get(c).lan_code == lan.code for c in lan.members)
    assert sum(len(lan.members) for lan in reg.counties()) == 290
    assert len(reg.municipalities("20")) == 15


def test_gotland_is_one_area(reg: RegionRegistry) -> None:
    kommun = reg.get("0980")
    assert (kommun.level, kommun.lan_code) == ("kommun", "09")
    lan = reg.get("Gotland")
    assert (lan.code, lan.level, lan.members) == ("09", "lan", ("0980",))
    assert reg.get("Gotlands län").code == "09"
    assert reg.get("Gotlands kommun").code == "0980"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Dalarna", "20"),
        ("dalarna", "20"),
        ("DALARNAS LÄN", "20"),
        (" 20 ", "20"),
        ("Dalarna län", "20"),
        ("Region Dalarna", "20"),
        ("Falun", "2080"),
        ("falu kommun", "2080"),
        ("Falun kommun", "2080"),
        ("Malmo", "1280"),
        ("Malmö stad", "1280"),
        ("Göteborgs stad", "1480"),
        ("Skåne", "12"),
        ("skane", "12"),
        ("Uppsala", "0380"),  # a kommun name beats the county short name
        ("Uppsala län", "03"),
        ("Jönköping", "0680"),
        ("Riket", "00"),
        ("Sweden", "00"),
        ("sverige", "00"),
        ("malung salen", "2023"),
        ("se12", "SE12"),
        ("Östra Mellansverige", "SE12"),
        ("Stockholm", "0180"),  # the kommun, not the riksområde SE11
    ],
)
def test_get_by_code_or_name(reg: RegionRegistry, query: str, code: str) -> None:
    assert reg.get(query).code == code


def test_accents_matter_when_they_distinguish(reg: RegionRegistry) -> None:
    assert reg.get("Håbo").code == "0305"
    assert reg.get("HÅBO").code == "0305"
    assert reg.get("Habo").code == "0643"
    with pytest.raises(UnknownRegionError) as info:
        reg.get("Hàbo")
    assert len(info.value.suggestions) == 2


def test_typo_suggests_dalarna(reg: RegionRegistry) -> None:
    with pytest.raises(UnknownRegionError) as info:
        reg.get("Dalarana")
    assert info.value.suggestions
    assert "Dalarna" in info.value.suggestions[0]
    assert "20" in info.value.suggestions[0]


def test_unknown_code_gives_valid_range(reg: RegionRegistry) -> None:
    with pytest.raises(UnknownRegionError) as info:
        reg.get("99")
    assert info.value.value == "99"
    assert info.value.hint is not None
    assert "01–25" in info.value.hint
    assert "99" in info.value.one_line()


def test_mistyped_kommun_code_suggests_siblings(reg: RegionRegistry) -> None:
    with pytest.raises(UnknownRegionError) as info:
        reg.get("2086")
    assert "2080 Falun" in info.value.suggestions


def test_search(reg: RegionRegistry) -> None:
    found = {r.code for r in reg.search("dal")}
    assert "20" in found
    assert {"2039", "2161", "1481"} <= found  # Älvdalen, Ljusdal, Mölndal
    assert all(r.level in ("lan", "kommun") for r in reg.search("dal"))
    assert len(reg.search("")) == len(reg.all())
    assert [r.code for r in reg.search("göteborg")] == ["1480"]
    assert "1480" in {r.code for r in reg.search("GOTEBORG")}


def test_labels(reg: RegionRegistry) -> None:
    assert reg.get("00").label() == "Riket"
    assert reg.get("00").label("en") == "Sweden"
    assert reg.get("20").label("en") == "Dalarnas län"
    assert reg.get("SE12").label("en") == "East Middle Sweden"


def test_groups_are_valid(reg: RegionRegistry) -> None:
    groups = {g.code: g for g in reg.groups()}
    assert {
        "SE1",
        "SE2",
        "SE3",
        "SE11",
        "SE12",
        "SE21",
        "SE22",
        "SE23",
        "SE31",
        "SE32",
        "SE33",
    } <= set(groups)
    for group in groups.values():
        assert group.level == "group"
        assert group.members
        assert {reg.get(m).level for m in group.members} in ({"lan"}, {"kommun"})
    assert groups["SE3"].members == ("17", "20", "21", "22", "23", "24", "25")
    nuts2 = [g for code, g in groups.items() if len(code) == 4]
    members = [m for g in nuts2 for m in g.members]
    assert sorted(members) == [r.code for r in reg.counties()]  # a partition of the 21 län
    for nuts1 in ("SE1", "SE2", "SE3"):
        children = [
            m
            for code, g in groups.items()
            if code[:3] == nuts1 and len(code) == 4
            for m in g.members
        ]
        assert sorted(children) == list(groups[nuts1].members)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "groups.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_kommun_group_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path, '[groups.FALBOR]\nname = "Falun–Borlänge"\nmembers = ["2081", "2080"]\n'
    )
    reg = RegionRegistry.load(path)
    group = reg.get("falbor")
    assert group.members == ("2080", "2081")
    assert reg.get("Falun–Borlänge") == group
    assert isinstance(group, Region)


@pytest.mark.parametrize(
    "text",
    [
        '[groups.X]\nname = "X"\nmembers = ["20", "98"]\n',  # unknown code
        '[groups.X]\nname = "X"\nmembers = ["20", "2080"]\n',  # mixed levels
        '[groups.X]\nname = "X"\nmembers = ["00"]\n',  # riket is not a member level
        '[groups.X]\nname = "X"\nmembers = []\n',
        '[groups.X]\nmembers = ["20"]\n',  # no name
        '[groups.X]\nname = "X"\nmembers = [20]\n',  # codes must be strings
        '[groups.20]\nname = "X"\nmembers = ["20"]\n',  # id clashes with a län code
        '[groups.A]\nname = "X"\nmembers = ["20"]\n[groups.B]\nname = "x"\nmembers = ["21"]\n',
        "[groups.X\n",  # not TOML
    ],
)
def test_bad_group_file(tmp_path: Path, text: str) -> None:
    with pytest.raises(DataError):
        RegionRegistry.load(_write(tmp_path, text))


def test_missing_group_file(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        RegionRegistry.load(tmp_path / "nope.toml")


def test_wrong_number_of_kommuner_is_a_data_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = tmp_path / "codes"
    shutil.copytree(embedded_data_dir() / "codes", codes)
    csv_path = codes / "scb_regions_riket_lan_kommun.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    csv_path.write_text("".join(lines[:-1]), encoding="utf-8")
    monkeypatch.setattr(regions_module, "embedded_data_dir", lambda: tmp_path)
    with pytest.raises(DataError, match="290"):
        RegionRegistry.load()


def test_text_helpers() -> None:
    assert normalize("  Malung-Sälen ") == "malung salen"
    assert normalize("Håbo", keep_accents=True) == "håbo"
    assert closest("Dalarana", {"Dalarna": "20 Dalarnas län", "Kalmar": "08 Kalmar län"}) == [
        "20 Dalarnas län"
    ]
    assert closest("berg", {"Falkenberg": "1382 Falkenberg"}) == ["1382 Falkenberg"]
    assert closest("", {"a": "b"}) == []


@pytest.mark.parametrize(
    ("name", "chosen", "others"),
    [
        ("Stockholm", "0180", ["01", "SE11"]),
        ("Uppsala", "0380", ["03"]),
        ("Gotland", "09", []),  # the county's only kommun is the same area
        ("Dalarna", "20", []),
        ("20", "20", []),
        ("Uppsala län", "03", []),
    ],
)
def test_other_meanings_of_a_name(
    reg: RegionRegistry, name: str, chosen: str, others: list[str]
) -> None:
    assert reg.get(name).code == chosen
    assert [r.code for r in reg.other_meanings(name)] == others
