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


# CONTRACT §3b: family, Chinese name, unit, and an alias the contract names.
REQUIRED_3B = {
    "gdp": ("economy", "地区生产总值", "万元", "国内生产总值"),
    "secondary_industry_va": ("economy", "第二产业增加值", "万元", None),
    "tertiary_industry_va": ("economy", "第三产业增加值", "万元", None),
    "industrial_va": ("economy", "工业增加值", "万元", None),
    "industrial_output_above_scale": ("economy", "规模以上工业总产值", "万元", None),
    "fixed_asset_investment": ("economy", "固定资产投资（不含农户）", "万元", "固定资产投资"),
    "tax_revenue": ("fiscal", "税收收入", "万元", None),
    "general_budget_revenue": ("fiscal", "一般公共预算收入", "万元", None),
    "import_export": ("opening_up", "进出口总额", "万美元", None),
    "exports": ("opening_up", "出口总额", "万美元", None),
    "imports": ("opening_up", "进口总额", "万美元", None),
    "fdi_actual": ("opening_up", "实际使用外资金额", "万美元", "实际使用外资"),
    "new_foreign_firms": ("opening_up", "新增外商投资企业数", "个", None),
    "high_tech_firms": ("innovation", "高新技术企业数", "家", "高新技术企业"),
    "rd_institutions": ("innovation", "期末研发机构数", "个", "研发机构数"),
    "patents_granted": ("innovation", "当年专利授权量", "件", "专利授权量"),
    "invention_patents_granted": ("innovation", "发明专利授权量", "件", "发明专利"),
    "chain_party_committees": ("party_building", "产业链党委", "个", None),
    "enterprise_party_branches": ("party_building", "企业党支部", "个", None),
    "party_service_centers": ("party_building", "党群服务中心", "个", None),
    "party_vanguard_teams": ("party_building", "党员先锋队", "支", None),
    "party_affairs_workers": ("party_building", "党务工作者", "名", None),
}


@pytest.mark.parametrize("indicator_id", sorted(REQUIRED_3B))
def test_official_and_party_building_indicators_present(catalog, indicator_id):
    family, name_zh, unit, alias = REQUIRED_3B[indicator_id]
    ind = catalog.indicator(indicator_id)
    assert (ind.category, ind.name_zh, ind.unit) == (family, name_zh, unit)
    assert ind.name_en and ind.direction == "higher"
    assert ind.weight == 0  # official and party-building figures stay out of the default composite index
    assert catalog.match_indicator(name_zh) is ind
    if alias:
        assert catalog.match_indicator(alias) is ind


def test_families_design_card_first_custom_last(catalog):
    ids = [c.id for c in catalog.categories]
    assert ids[:4] == ["revenue_growth", "innovation", "talent", "service"]
    assert set(ids[4:-1]) == {"economy", "fiscal", "opening_up", "party_building"}
    assert ids[-1] == "custom" and catalog.in_category("custom") == []
    for cat in catalog.categories:
        assert cat.name("zh") and cat.name("en")


def test_dollar_and_patent_units_have_labels(catalog):
    assert catalog.unit_label("万美元", "en") == "10k USD"
    assert catalog.unit_label("万美元", "zh") == "万美元"
    assert catalog.unit_label("件", "zh") == "件"
    # Dollars are never yuan: no indicator measured in dollars shares an id or name with a yuan one.
    dollar = {i.id for i in catalog.indicators if i.unit == "万美元"}
    assert dollar == {"import_export", "exports", "imports", "fdi_actual"}


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


def test_ranges_are_data_shares_and_satisfaction_0_to_100_counts_not_negative(catalog):
    assert catalog.indicator("satisfaction").range == (0.0, 100.0)
    assert catalog.indicator("revenue_yoy").range[0] < 0  # growth may be negative
    counts = [i for i in catalog.indicators if i.unit not in ("%", "万元")]
    assert counts and all(i.range is not None and i.range[0] == 0 for i in counts)


def test_ranges_are_validated(tmp_path):
    parks = tmp_path / "parks.toml"
    parks.write_text('[[park]]\nname="甲园"\naliases=[]\n', encoding="utf-8")
    ok = tmp_path / "ok.toml"
    ok.write_text(UNIT_BASE.replace("weight=1\n", "weight=1\nrange=[0, inf]\n", 1), encoding="utf-8")
    assert load_catalog(ok, parks).indicator("a").range == (0.0, float("inf"))
    bad = tmp_path / "bad.toml"
    bad.write_text(
        UNIT_BASE.replace("weight=1\n", "weight=1\nrange=[-5, 10]\n", 1).replace(
            'unit="项"\ncategory="c"\ndirection="higher"\nweight=1\n',
            'unit="项"\ncategory="c"\ndirection="higher"\nweight=1\nrange=[3]\n',
        ),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as err:
        load_catalog(bad, parks)
    text = " | ".join(err.value.problems)
    assert "indicator #1 (a): range of a count (家) cannot start below 0" in text
    assert "indicator #2 (b): range must be [min, max]" in text
