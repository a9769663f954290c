"""The indicator and park catalogs: required ids, validation naming every problem."""

from __future__ import annotations

import pytest

from metrics.catalog import CatalogError, load_catalog

REQUIRED = {
    "revenue": ("营业收入", "万元"),
    "revenue_yoy": ("营业收入同比增长", "%"),
    "firms_revenue_100m": ("营业收入过亿元企业数", "家"),
    "firms_revenue_1b": ("营业收入过十亿元企业数", "家"),
    "above_scale_firms": ("规上工业企业数", "家"),
    "national_platforms": ("国家级创新平台", "家"),
    "provincial_platforms": ("省级创新平台", "家"),
    "key_tech_breakthroughs": ("突破关键核心技术", "项"),
    "academician_teams": ("引进院士团队", "个"),
    "national_talents": ("国家级人才工程专家", "名"),
    "provincial_talents": ("省级人才工程专家", "名"),
    "people_trained": ("培训人次", "人次"),
    "enterprises_visited": ("走访企业", "家"),
    "problems_collected": ("收集问题诉求", "个"),
    "problems_solved": ("解决问题", "个"),
    "training_sessions": ("培训场次", "场"),
    "service_teams": ("企业服务队", "支"),
    "events_held": ("活动场次", "场"),
    "satisfaction": ("满意度", "%"),
}


@pytest.mark.parametrize("indicator_id", sorted(REQUIRED))
def test_required_indicator_present(catalog, indicator_id):
    ind = catalog.indicator(indicator_id)
    assert (ind.name_zh, ind.unit) == REQUIRED[indicator_id]
    assert ind.name_en and ind.category in {c.id for c in catalog.categories}


@pytest.mark.parametrize(
    "header,expected",
    [
        ("院士团队", "academician_teams"),
        ("走访企业数", "enterprises_visited"),
        ("遍访企业", "enterprises_visited"),
        ("协调解决难题", "problems_solved"),
        ("营业收入", "revenue"),
        ("revenue_yoy", "revenue_yoy"),
        (" 营业 收入 ", "revenue"),
        ("营业收入过", None),
    ],
)
def test_header_matching_is_exact(catalog, header, expected):
    found = catalog.match_indicator(header)
    assert (found.id if found else None) == expected


def test_park_aliases(catalog):
    assert catalog.canonical_park("东营经开区") == "东营经济技术开发区"
    assert catalog.canonical_park("山东潍坊滨海经济技术开发区") == "潍坊滨海经济技术开发区"
    assert catalog.canonical_park("山东省威海南海新区") == "威海南海新区"
    assert catalog.canonical_park("不存在园区") is None


def test_validation_reports_every_problem(tmp_path):
    bad = tmp_path / "ind.toml"
    bad.write_text(
        '[[category]]\nid="c"\nname_zh="c"\nname_en="c"\n'
        '[[indicator]]\nid="a"\nname_zh="甲"\nname_en="A"\naliases=["乙"]\nunit="斤"\ncategory="c"\ndirection="higher"\nweight=1\n'
        '[[indicator]]\nid="a"\nname_zh="乙"\nname_en="B"\naliases=[]\nunit="家"\ncategory="zz"\ndirection="up"\nweight=1\ncolour="red"\n',
        encoding="utf-8",
    )
    parks = tmp_path / "parks.toml"
    parks.write_text('[[park]]\nname="甲园"\naliases=[]\n', encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(bad, parks)
    text = " | ".join(err.value.problems)
    for fragment in (
        "unit '斤'",
        "duplicate id",
        "unknown category 'zz'",
        "direction",
        "unknown keys ['colour']",
        "'乙' also used by a",
    ):
        assert fragment in text, fragment


def test_unit_labels_are_data_in_both_languages(catalog):
    assert catalog.unit_label("万元", "en") == "10k CNY"
    assert catalog.unit_label("万元", "zh") == "万元"
    assert catalog.unit_label("人次", "en") == "person-times"
    assert catalog.unit_label("个", "en") == ""  # a bare count: no unit in English
    assert catalog.unit_label("斤", "en") == "斤"  # unknown units are shown as they are
    for ind in catalog.indicators:  # every unit in use has a label
        assert catalog.unit_label(ind.unit, "zh") == ind.unit
        assert ind.unit in {u.id for u in catalog.units}


UNIT_BASE = (
    '[[category]]\nid="c"\nname_zh="c"\nname_en="c"\n'
    '[[indicator]]\nid="a"\nname_zh="甲"\nname_en="A"\naliases=[]\nunit="家"\ncategory="c"\n'
    'direction="higher"\nweight=1\n'
    '[[indicator]]\nid="b"\nname_zh="乙"\nname_en="B"\naliases=[]\nunit="项"\ncategory="c"\n'
    'direction="higher"\nweight=1\n'
)


def test_unit_labels_are_validated(tmp_path):
    parks = tmp_path / "parks.toml"
    parks.write_text('[[park]]\nname="甲园"\naliases=[]\n', encoding="utf-8")
    ok = tmp_path / "ok.toml"
    ok.write_text(
        UNIT_BASE + '[[unit]]\nid="家"\nzh="家"\nen="units"\n[[unit]]\nid="项"\nzh="项"\nen="items"\n', encoding="utf-8"
    )
    assert load_catalog(ok, parks).unit_label("项", "en") == "items"
    bad = tmp_path / "bad.toml"
    bad.write_text(
        UNIT_BASE + '[[unit]]\nid="家"\nzh="家"\nen="units"\n[[unit]]\nid="家"\nzh="家"\nen="x"\n'
        '[[unit]]\nid="斤"\nzh="斤"\nen="jin"\nnote="x"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as err:
        load_catalog(bad, parks)
    text = " | ".join(err.value.problems)
    for fragment in ("duplicate unit", "unit '斤' not in", "unknown keys ['note']", "unit '项' has no [[unit]] label"):
        assert fragment in text, fragment


def test_made_up_sample_parks_have_english_names_but_stay_new_on_ingest(catalog):
    assert catalog.park_name_en("北湾经济开发区") == "Beiwan Economic Development Zone"
    assert catalog.park_name_en("东营经济技术开发区") == "Dongying Economic and Technological Development Zone"
    assert catalog.park_name_en("不存在园区") is None
    # A display name only: ingest does not know the made-up parks (they load as new parks, by their name).
    assert catalog.canonical_park("北湾经济开发区") is None


def test_illustrative_parks_are_validated(tmp_path):
    parks = tmp_path / "parks.toml"
    parks.write_text(
        '[[park]]\nname="甲园"\naliases=["甲"]\n'
        '[[illustrative_park]]\nname="甲"\nname_en="Jia"\n'
        '[[illustrative_park]]\nname="乙园"\n'
        '[[illustrative_park]]\nname="丙园"\nname_en="Bing"\naliases=["丙"]\n',
        encoding="utf-8",
    )
    ind = tmp_path / "ind.toml"
    ind.write_text(UNIT_BASE, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(ind, parks)
    text = " | ".join(err.value.problems)
    for fragment in ("illustrative park #1 (甲): name '甲' also used by 甲园", "#2 (乙园): missing keys ['name_en']",
                     "#3 (丙园): unknown keys ['aliases']"):  # fmt: skip
        assert fragment in text, fragment


def test_every_card_label_is_short_in_both_languages(catalog):
    from metrics.catalog import SHORT_EN_MAX

    for ind in catalog.indicators:
        assert 0 < len(ind.short_name("en")) <= SHORT_EN_MAX, ind.id
        assert ind.short_name("zh") == ind.name_zh
    assert len({i.short_name("en") for i in catalog.indicators}) == len(catalog.indicators)
    assert catalog.indicator("national_talents").short_name("en") == "National experts"
    assert catalog.indicator("revenue").short_name("en") == "Operating revenue"  # short already: name_en


def test_short_labels_are_validated(tmp_path):
    parks = tmp_path / "parks.toml"
    parks.write_text('[[park]]\nname="甲园"\naliases=[]\n', encoding="utf-8")
    bad = tmp_path / "bad.toml"
    for a_short, b_short, problem in (
        ("A label far too long for a card", "Bee", "indicator #1 (a): short_en must be text of 1 to 22 characters"),
        (" ", "Bee", "indicator #1 (a): short_en must be text of 1 to 22 characters"),
        ("Ay", "Ay", "card label 'Ay' used by a and b"),
    ):
        text = UNIT_BASE.replace('name_en="A"', f'name_en="A"\nshort_en="{a_short}"')
        bad.write_text(text.replace('name_en="B"', f'name_en="B"\nshort_en="{b_short}"'), encoding="utf-8")
        with pytest.raises(CatalogError) as err:
            load_catalog(bad, parks)
        assert problem in " | ".join(err.value.problems)
    ok = tmp_path / "ok.toml"
    ok.write_text(UNIT_BASE.replace('name_en="B"', 'name_en="B"\nshort_en="Bee"'), encoding="utf-8")
    assert load_catalog(ok, parks).indicator("b").short_name("en") == "Bee"
