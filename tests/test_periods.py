"""Period parsing (CONTRACT §2), kinds, labels and comparable periods."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics.periods import Period, find_period, parse_period, sequential_previous, year_earlier

D = dt.date


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024年", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024年度", D(2024, 1, 1), D(2024, 12, 31)),
        (2024, D(2024, 1, 1), D(2024, 12, 31)),
        ("2024Q3", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024-Q3", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024年第三季度", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024年3季度", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024年前三季度", D(2024, 1, 1), D(2024, 9, 30)),
        ("2024年1-9月", D(2024, 1, 1), D(2024, 9, 30)),
        ("2024年1—9月", D(2024, 1, 1), D(2024, 9, 30)),
        ("2024年1~9月", D(2024, 1, 1), D(2024, 9, 30)),
        ("2024年上半年", D(2024, 1, 1), D(2024, 6, 30)),
        ("2024年下半年", D(2024, 7, 1), D(2024, 12, 31)),
        ("2024-09", D(2024, 9, 1), D(2024, 9, 30)),
        ("2024/9", D(2024, 9, 1), D(2024, 9, 30)),
        ("2024年9月", D(2024, 9, 1), D(2024, 9, 30)),
        (dt.datetime(2024, 9, 17), D(2024, 9, 1), D(2024, 9, 30)),
        ("2024年2月", D(2024, 2, 1), D(2024, 2, 29)),
    ],
)
def test_parse_contract_forms(text, start, end):
    assert parse_period(text) == Period(start, end)


@pytest.mark.parametrize("text", ["abc", "12..3", "", "2024年13月", 12.5, "第三季度"])
def test_not_a_period(text):
    assert parse_period(text) is None


def test_labels_round_trip():
    for text in ("2024", "2024年上半年", "2024Q3", "2024年1-9月", "2024年1-5月", "2024-09"):
        p = parse_period(text)
        assert parse_period(p.label("zh")) == p
        assert parse_period(p.label("en")) == p


def test_find_in_title_and_sheet_name():
    assert find_period("潍坊滨海区2024年前三季度主要经济指标") == parse_period("2024年1-9月")
    assert find_period("2023年") == parse_period("2023")
    assert find_period("说明") is None


def test_comparable_periods():
    ytd = parse_period("2024年前三季度")
    assert year_earlier(ytd) == parse_period("2023年前三季度")
    assert year_earlier(parse_period("2024年2月")) == parse_period("2023年2月")
    assert sequential_previous(parse_period("2024Q1")) == parse_period("2023Q4")
    assert sequential_previous(parse_period("2024年3月")) == parse_period("2024年2月")
    assert sequential_previous(parse_period("2024")) is None
    assert [parse_period(t).kind for t in ("2024", "2024年上半年", "2024Q2", "2024年1-5月", "2024-05")] == [
        "year",
        "half",
        "quarter",
        "ytd",
        "month",
    ]
