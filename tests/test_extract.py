"""Figures from report text: each reading rule on sentences written for these tests, a made-up work report
about another park (.txt, .docx, .pdf), the phrasings file's validation, and the seeds' score."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import docx
import pytest

from metrics.catalog import CatalogError
from metrics.extract import TextError, extract_file, extract_text
from metrics.extract.numbers import chinese_number
from metrics.extract.output import candidate_row, is_loadable
from metrics.extract.phrases import PHRASES_PATH, load_phrases
from metrics.periods import parse_period

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "extract"
ROOT = Path(__file__).resolve().parent.parent


def figures(text: str, catalog, **kw) -> list:
    return extract_text(text, "t.txt", catalog, **kw).candidates


def one(text: str, catalog, **kw):
    found = [c for c in figures(text, catalog, **kw) if c.indicator]
    assert len(found) == 1, [(c.figure_text, c.indicator) for c in found]
    return found[0]


PARK = "东营经济技术开发区"


# --- numbers and qualifiers ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "value", "qualifier"),
    [
        ("东营经开区今年走访企业300余家。", 300, "at_least"),
        ("东营经开区今年走访企业20多家。", 20, "at_least"),
        ("东营经开区今年走访企业50家以上。", 50, "at_least"),
        ("东营经开区今年走访企业超过400家。", 400, "at_least"),
        ("东营经开区今年走访企业逾千家。", 1000, "at_least"),
        ("东营经开区今年走访企业约120家。", 120, "approx"),
        ("东营经开区今年走访企业近两百家。", 200, "approx"),
        ("东营经开区今年走访企业150家左右。", 150, "approx"),
        ("东营经开区今年走访企业十三家。", 13, "exact"),
        ("东营经开区今年走访企业1.2万家。", 12000, "exact"),
        ("东营经开区今年走访企业1,250家。", 1250, "exact"),
    ],
)
def test_values_and_qualifiers(catalog, sentence, value, qualifier):
    c = one(sentence, catalog, year=2024)
    assert (c.indicator, c.value, c.qualifier, c.park) == ("enterprises_visited", value, qualifier, PARK)


def test_chinese_numbers():
    assert [chinese_number(t) for t in ("十三", "两", "一百二十", "百", "三千五百", "二三")] == [
        13,
        2,
        120,
        100,
        3500,
        None,
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "东营经开区2023年走访企业工作启动。",  # a year
        "东营经开区走访企业排名全市第3家。",  # a rank
        "东营经开区每月走访企业2家。",  # a rule of frequency
        "东营经开区提出“走访企业100家”的口号。",  # quoted wording
        "东营经开区组建一支服务队。",  # a lone 一 is wording
        "东营经开区营业收入过10亿元的企业表现突出。",  # a threshold of a class of firms
    ],
)
def test_not_figures(catalog, sentence):
    assert [c for c in figures(sentence, catalog, year=2024) if c.indicator] == []


def test_money_and_percent(catalog):
    text = "东营经开区今年实现税收收入12.5亿元，营业收入同比增长8.6%，外贸进出口总额3.2亿美元。"
    found = {c.indicator: c for c in figures(text, catalog, year=2024) if c.indicator}
    assert found["tax_revenue"].value == 12.5 and found["tax_revenue"].measure == "亿元"
    assert found["revenue_yoy"].value == 8.6 and found["revenue_yoy"].measure == "%"
    assert found["import_export"].measure == "亿美元"
    rows = {r["指标"]: r for r in (candidate_row(c, catalog) for c in found.values())}
    assert (rows["税收收入"]["数值"], rows["税收收入"]["单位"]) == ("12.5", "亿元")
    assert (rows["营业收入同比增长"]["数值"], rows["营业收入同比增长"]["单位"]) == ("8.6%", "%")


# --- indicators ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "indicator", "value"),
    [
        ("东营经开区今年营收过亿元的企业增至45家。", "firms_revenue_100m", 45),
        ("东营经开区今年深入园区走访服务企业88家。", "enterprises_visited", 88),
        ("东营经开区今年柔性引进院士团队3个。", "academician_teams", 3),
        ("东营经开区今年汇聚7名国家级人才工程专家。", "national_talents", 7),
        ("东营经开区今年组织安全生产培训21期。", "training_sessions", 21),
        ("东营经开区今年培训企业员工860人次。", "people_trained", 860),
        ("东营经开区今年收集整理企业意见建议45条。", "problems_collected", 45),
        ("东营经开区今年协调解决用地、用电等难题31项。", "problems_solved", 31),
        ("东营经开区今年组建6支“企业服务队”。", "service_teams", 6),
        ("东营经开区今年开展政策宣讲、联谊等活动12场次。", "events_held", 12),
        ("东营经开区今年新设企业党支部24个。", "enterprise_party_branches", 24),
        ("东营经开区今年建成4处党群服务中心。", "party_service_centers", 4),
    ],
)
def test_report_phrasings(catalog, sentence, indicator, value):
    c = one(sentence, catalog, year=2024)
    assert (c.indicator, c.value) == (indicator, value)


def test_measure_word_decides_between_indicators(catalog):
    found = figures("东营经开区今年开展技能培训15期，培训职工600人次。", catalog, year=2024)
    assert [(c.indicator, c.value) for c in found] == [("training_sessions", 15), ("people_trained", 600)]


def test_list_items_keep_their_own_words(catalog):
    found = figures(
        "东营经开区建成5个社区党群服务中心和9个党群服务驿站，国家级创新平台3家、省级创新平台12家。", catalog, year=2024
    )
    assert [(c.indicator, c.value) for c in found] == [
        ("party_service_centers", 5),
        (None, 9),
        ("national_platforms", 3),
        ("provincial_platforms", 12),
    ]


def test_a_total_counts_what_the_figure_before_it_counts(catalog):
    found = figures("东营经开区今年新增高新技术企业45家，总数达到612家。", catalog, year=2024)
    assert [(c.indicator, c.value, c.proposed) for c in found] == [
        ("high_tech_firms", 45, False),  # the same key: the larger (the total) is proposed
        ("high_tech_firms", 612, True),
    ]


def test_figure_with_no_indicator_is_listed_with_its_words(catalog):
    c = figures("东营经开区今年建成人才公寓6处。", catalog, year=2024)[0]
    assert c.indicator is None and c.value == 6 and "人才公寓" in c.words
    assert not is_loadable(c)


def test_same_key_twice_proposes_the_larger(catalog):
    found = figures("东营经开区今年走访链上企业40家。东营经开区今年累计走访企业210家。", catalog, year=2024)
    assert [(c.value, c.proposed) for c in found] == [(40, False), (210, True)]
    assert "210" in found[0].note and "210" in found[0].note_en


# --- parks --------------------------------------------------------------------------------------------
def test_alias_the_text_defines(catalog):
    text = "西海岸临港经济技术开发区（以下简称“临港开发区”）着力优化服务。\n今年，临港开发区走访企业56家。"
    c = one(text, catalog, year=2024)
    assert (c.park, c.park_in_catalog) == ("西海岸临港经济技术开发区", False)


def test_alias_of_a_catalog_park(catalog):
    text = "今年以来，东营经济技术开发区（以下简称东营区）深化改革。\n东营区今年走访企业77家。"
    c = one(text, catalog, year=2024)
    assert (c.park, c.park_in_catalog) == (PARK, True)


def test_heading_about_no_park_leaves_figures_without_park(catalog):
    text = "潍坊滨海区：今年走访企业30家。\n某某县：\n某某县今年走访企业99家。\n威海南海新区：今年走访企业12家。"
    found = [(c.park, c.value) for c in figures(text, catalog, year=2024)]
    assert found == [("潍坊滨海经济技术开发区", 30), (None, 99), ("威海南海新区", 12)]


def test_title_names_the_park(catalog):
    text = "2025年青岛临空经济开发区上半年工作情况\n上半年，全区新增高新技术企业45家。"
    c = one(text, catalog)
    assert (c.park, c.indicator, c.period) == ("青岛临空经济开发区", "high_tech_firms", parse_period("2025年上半年"))


def test_generic_heading_keeps_the_park(catalog):
    text = "东营经开区：深化服务。\n全区：今年走访企业61家。\n园区：今年走访企业62家。"
    assert [c.park for c in figures(text, catalog, year=2024)] == [PARK, PARK]


def test_park_given_for_a_text_that_names_none(catalog):
    c = one("今年走访企业45家。", catalog, year=2024, park="东营经开区")
    assert c.park == PARK


# --- periods ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "year", "period"),
    [
        ("今年前三季度，东营经开区营业收入同比增长9.1%。", 2023, "2023年前三季度"),
        ("2022年以来，东营经开区累计走访企业300家。", 2024, "2022年"),
        ("去年以来，东营经开区累计走访企业300家。", 2023, "2022年"),
        ("今年以来，东营经开区累计走访企业300家。", 2025, "2025年"),
        ("截至目前，东营经开区累计走访企业300家。", 2025, "2025年"),
        ("今年上半年，东营经开区走访企业300家。", 2024, "2024年上半年"),
    ],
)
def test_periods(catalog, text, year, period):
    c = [c for c in figures(text, catalog, year=year) if c.indicator][0]
    assert c.period == parse_period(period)


def test_period_carries_through_the_paragraph_and_report(catalog):
    text = "去年以来，东营经开区扎实推进服务。\n东营经开区走访企业30家；今年前三季度，营业收入同比增长5%。"
    found = [c for c in figures(text, catalog, year=2024) if c.indicator]
    assert [c.period for c in found] == [parse_period("2023年"), parse_period("2024年前三季度")]


def test_report_year_inferred_when_not_set(catalog):
    # A report calls its own year 今年: naming 2023年以来 means it was written in 2024 or later.
    text = "2023年以来，东营经开区成效明显。\n今年以来，东营经开区走访企业30家。"
    extraction = extract_text(text, "t.txt", catalog)
    assert extraction.report_year == 2024 and not extraction.year_given
    assert extraction.candidates[0].period == parse_period("2024年")


def test_relative_period_without_year_is_not_proposed(catalog):
    c = extract_text("今年以来，东营经开区走访企业30家。", "t.txt", catalog).candidates[0]
    assert c.period is None and not is_loadable(c)


# --- source ---------------------------------------------------------------------------------------------
def test_source_and_reference_name_file_paragraph_and_sentence(catalog):
    c = one("标题\n\n东营经开区深化服务。今年走访企业56家，成效明显。", catalog, year=2024)
    assert c.source == "t.txt!!段3"
    assert c.sentence == "今年走访企业56家，成效明显。"
    assert c.figure_text == "56家"
    assert c.reference == "t.txt!!段3「今年走访企业56家，成效明显。」"


# --- a made-up report about another park, in three file forms ----------------------------------------------
EXPECTED_LAN_GU = {
    ("revenue_yoy", "2024年前三季度", 12.3, "exact"),
    ("above_scale_firms", "2024年前三季度", 156, "exact"),
    ("provincial_platforms", "2023年", 21, "exact"),
    ("academician_teams", "2023年", 2, "exact"),
    ("high_tech_firms", "2023年", 86, "exact"),
    ("training_sessions", "2024年", 13, "exact"),
    ("people_trained", "2024年", 5000, "approx"),
    ("enterprises_visited", "2024年", 300, "at_least"),
    ("problems_solved", "2024年", 150, "approx"),
    ("satisfaction", "2024年", 98.5, "exact"),
    ("import_export", "2024年", 12.5, "exact"),
    ("party_service_centers", "2024年", 3, "exact"),
    ("party_vanguard_teams", "2024年", 8, "exact"),
}


def lan_gu_docx() -> bytes:
    document = docx.Document()
    for line in (FIXTURE / "lan_gu_2024.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
def test_made_up_report_in_each_file_form(catalog, kind):
    data = lan_gu_docx() if kind == "docx" else (FIXTURE / f"lan_gu_2024.{kind}").read_bytes()
    extraction = extract_file(data, f"lan_gu_2024.{kind}", catalog)
    loadable = [c for c in extraction.candidates if is_loadable(c)]
    assert {c.park for c in loadable} == {"青岛蓝谷经济技术开发区"}
    got = {(c.indicator, c.period.label(), c.value, c.qualifier) for c in loadable}
    assert got == EXPECTED_LAN_GU
    # the passage about 崂山区 (no park) is listed, not proposed
    assert any(c.park is None and c.value == 3200 for c in extraction.candidates)
    assert extraction.new_parks == ["青岛蓝谷经济技术开发区"]


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"PK\x03\x04broken", "r.docx"), (b"%PDF-1.4 broken", "r.pdf"), (b"abc", "r.xlsx")],
)
def test_unreadable_files_say_why_in_both_languages(catalog, data, name):
    with pytest.raises(TextError) as info:
        extract_file(data, name, catalog)
    assert (
        info.value.message("zh") and info.value.message("en") and info.value.message("zh") != info.value.message("en")
    )


def pdf_bytes(password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("password", "reason"), [("secret", "PDF 已加密"), (None, "没有文字层")])
def test_encrypted_or_scanned_pdf_is_refused_with_reason(catalog, password, reason):
    with pytest.raises(TextError) as info:
        extract_file(pdf_bytes(password), "r.pdf", catalog)
    assert reason in info.value.message("zh")


def test_gbk_text_file(catalog):
    data = "东营经开区今年走访企业88家。".encode("gb18030")
    assert extract_file(data, "r.txt", catalog, year=2024).candidates[0].value == 88


# --- the phrasings file ---------------------------------------------------------------------------------
def test_phrases_file_problems_named_at_once(catalog, tmp_path):
    text = PHRASES_PATH.read_text(encoding="utf-8")
    text = text.replace('indicator = "events_held"', 'indicator = "no_such_indicator"', 1)
    text = text.replace('measures = ["支", "个"]', 'measures = ["支", "艘"]', 1)
    bad = tmp_path / "phrases.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_phrases(catalog, bad)
    en, zh = " ".join(info.value.messages("en")), " ".join(info.value.messages("zh"))
    assert "no_such_indicator" in en and "艘" in en
    assert "no_such_indicator" in zh and "艘" in zh and "不在指标目录中" in zh


# --- the seed reports (bench/bench_extract.py), where they are present ----------------------------------------
def test_seed_reports_meet_the_targets():
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_extract

    seeds = bench_extract.default_seeds()
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not present")
    recall, precision, *_ = bench_extract.score(seeds, with_years=True)
    assert recall >= bench_extract.TARGET_RECALL and precision >= bench_extract.TARGET_PRECISION
