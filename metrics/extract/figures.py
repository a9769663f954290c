"""Candidates: every figure a report states, with its park, indicator, period, qualifier and sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from metrics.catalog import Catalog
from metrics.extract.numbers import Figure, find_figures
from metrics.extract.periods import infer_report_year, period_phrases, report_period
from metrics.extract.phrases import Phrases, Word, phrases_for
from metrics.extract.subjects import NO_PARK, Subjects
from metrics.periods import Period

CLAUSE_END = "，。；！？：,;!?:\n"
RIGHT_END = CLAUSE_END + "、和及与"
SENTENCE_END = "。！？；!?;"
WORDS_SHOWN = 12  # characters of the counted words kept for a figure with no indicator


@dataclass(frozen=True)
class Candidate:
    """One figure read from a report, as proposed to the analyst."""

    file: str
    paragraph: int  # 1-based: `段N` (a text file's line N)
    sentence: str
    mark_start: int  # the figure inside `sentence`
    mark_end: int
    park: str | None  # None: the passage names no park (or an entity that is no park)
    park_in_catalog: bool
    indicator: str | None  # None: no indicator counts this; `words` say what it counts
    words: str
    value: float
    qualifier: str
    measure: str
    period: Period | None
    period_words: str
    proposed: bool = True  # accepted by default on the review table, written by the CLI
    note: str = ""  # why it is not proposed (same key twice)
    note_en: str = ""

    @property
    def source(self) -> str:
        return f"{self.file}!!段{self.paragraph}"

    @property
    def reference(self) -> str:
        return f"{self.source}「{self.sentence}」"

    @property
    def figure_text(self) -> str:
        return self.sentence[self.mark_start : self.mark_end]

    @property
    def key(self) -> tuple:
        return (self.park, self.period, self.indicator)


@dataclass
class Extraction:
    """Everything read from one report: its candidates and the year its relative periods were read with."""

    file: str
    candidates: list[Candidate] = field(default_factory=list)
    report_year: int | None = None
    year_given: bool = False
    new_parks: list[str] = field(default_factory=list)


def _strip(text: str) -> str:
    return re.sub(r"[“”\"‘’「」『』《》]", "", text)


def _best_word(words: tuple[Word, ...], text: str, measure: str, anchor: str) -> tuple[Word, re.Match] | None:
    """The wording in `text` that best names what a figure with `measure` counts: nearest to the number
    (`anchor` = start: text right of it; end: text left of it), then the longest."""
    best, best_key = None, None
    for word in words:
        if measure not in word.measures:
            continue
        for m in word.pattern.finditer(text):
            distance = m.start() if anchor == "start" else len(text) - m.end()
            key = (distance, -word.weight)
            if best_key is None or key < best_key:
                best, best_key = (word, m), key
    return best


def _counted_words(left: str, right: str, park_names) -> str:
    """What a figure counts, for the analyst: the words after it (13个党群服务驿站), else the last item of
    the words before it, without the park's name (西湾区建成人才公寓6处 -> 建成人才公寓)."""
    right = _strip(right).strip()
    if right:
        return right[:WORDS_SHOWN]
    tail = re.split(r"[、等]", _strip(left))[-1].strip()
    for name in sorted(park_names, key=len, reverse=True):
        tail = tail.replace(name, "")
    return tail[-WORDS_SHOWN:]


def _indicator(phrases: Phrases, left: str, right: str, figure: Figure) -> str | None:
    right_s, left_s = _strip(right), _strip(left)
    for text, anchor in ((right_s, "start"), (left_s, "end"), (left_s + right_s, "end")):
        hit = _best_word(phrases.words, text, figure.measure, anchor)
        if hit:
            return hit[0].indicator
    return None


def _sentence(paragraph: str, start: int, end: int) -> tuple[str, int, int]:
    """The sentence holding paragraph[start:end], and where the figure is inside it."""
    first = max(paragraph.rfind(c, 0, start) for c in SENTENCE_END) + 1
    ends = [i for c in SENTENCE_END if (i := paragraph.find(c, end)) >= 0]
    last = min(ends) + 1 if ends else len(paragraph)
    while first < start and paragraph[first].isspace():
        first += 1
    return paragraph[first:last].rstrip(), start - first, end - first


def _is_frequency(left_clause: str, reading: dict) -> bool:
    return any(w in left_clause for w in reading["frequency_words"])


@dataclass(frozen=True)
class _Context:
    """The words around one figure of a paragraph: its clause's start, and what stands left and right
    of it (the right words end at the next list item, so `5个中心和13个驿站` keeps each its own)."""

    figure: Figure
    clause_start: int
    left: str
    right: str


def _contexts(paragraph: str, figures: list[Figure]) -> list[_Context]:
    out: list[_Context] = []
    previous_right_end = 0  # the words right of a figure are its own, never the next one's
    for i, figure in enumerate(figures):
        clause_start = max(paragraph.rfind(c, 0, figure.start) for c in CLAUSE_END) + 1
        next_start = figures[i + 1].start if i + 1 < len(figures) else len(paragraph)
        right_to = min([next_start, *(j for c in RIGHT_END if (j := paragraph.find(c, figure.end)) >= 0)])
        left = paragraph[max(clause_start, previous_right_end) : figure.start]
        out.append(_Context(figure, clause_start, left, paragraph[figure.end : right_to]))
        previous_right_end = right_to
    return out


class _Reader:
    """Reads one report paragraph by paragraph, keeping whose passage it is (the section's park)."""

    def __init__(self, file_name: str, catalog: Catalog, report_year: int | None, default_period, park: str | None):
        self.file_name = file_name
        self.phrases = phrases_for(catalog)
        self.report_year = report_year
        self.default_period = default_period
        self.park_given = park
        self.subjects = Subjects(catalog, self.phrases.subjects)
        self.section: tuple[str | None, bool] = (None, False)  # (park or None, in the catalog)
        self.seen_title = False
        if park:
            given = self.subjects.resolve(park)
            self.section = (given.park, given.in_catalog) if given and given.park else (park, False)

    def paragraph(self, number: int, text: str) -> list[Candidate]:
        heading = self._follow_subject(text)
        mentions = self.subjects.mentions(text)
        if self.section[0] is None and mentions and heading is None and not self.park_given:
            self.section = (mentions[0].park, mentions[0].in_catalog)
        periods = period_phrases(text, self.report_year, self.default_period)
        out: list[Candidate] = []
        for ctx in _contexts(text, find_figures(text, self.phrases.reading)):
            figure = ctx.figure
            if _is_frequency(text[ctx.clause_start : figure.start], self.phrases.reading):
                continue
            park, in_catalog = self.section
            named_before = [m for m in mentions if m.start < figure.start]
            if named_before and (heading is None or heading.park):
                park, in_catalog = named_before[-1].park, named_before[-1].in_catalog
            said = [p for p in periods if p.start < figure.start]
            sentence, a, b = _sentence(text, figure.start, figure.end)
            indicator = _indicator(self.phrases, ctx.left, ctx.right, figure)
            if indicator is None and out and out[-1].sentence == sentence and out[-1].measure == figure.measure:
                if _strip(ctx.left).strip().endswith(tuple(self.phrases.reading["same_as_before"])):
                    indicator = out[-1].indicator
            out.append(
                Candidate(
                    file=self.file_name,
                    paragraph=number,
                    sentence=sentence,
                    mark_start=a,
                    mark_end=b,
                    park=park if park and park != NO_PARK else None,
                    park_in_catalog=in_catalog,
                    indicator=indicator,
                    words=_counted_words(ctx.left, ctx.right, self.subjects.names),
                    value=figure.value,
                    qualifier=figure.qualifier,
                    measure=figure.measure,
                    period=said[-1].period if said else self.default_period,
                    period_words=said[-1].words if said else "",
                )
            )
        return out

    def _follow_subject(self, text: str):
        """A title naming a park, aliases the text defines, and headings switch whose passage it is; the
        paragraph's heading subject (None when it is no heading)."""
        if not self.seen_title:
            self.seen_title = True
            named = self.subjects.title(text)
            if named is not None and named.park and not self.park_given:
                self.section = (named.park, named.in_catalog)
        self.subjects.learn_aliases(text)
        heading = self.subjects.heading(text)
        if heading is not None:
            self.section = (heading.park or None, heading.in_catalog)
        return heading


def extract_paragraphs(
    paragraphs: list[str],
    file_name: str,
    catalog: Catalog,
    year: int | None = None,
    park: str | None = None,
) -> Extraction:
    """Candidates of a report given as paragraphs. `year` is the report's year (else inferred from the
    text); `park` the park of passages that name none."""
    report_year = year or infer_report_year("\n".join(paragraphs))
    reader = _Reader(file_name, catalog, report_year, report_period(paragraphs, report_year), park)
    candidates: list[Candidate] = []
    for number, text in enumerate(paragraphs, start=1):
        if text:
            candidates += reader.paragraph(number, text)
    return Extraction(
        file_name,
        candidates=_one_per_key(candidates),
        report_year=report_year,
        year_given=year is not None,
        new_parks=sorted(reader.subjects.new_parks),
    )


def _one_per_key(candidates: list[Candidate]) -> list[Candidate]:
    """A report that gives one park, period and indicator twice gives a whole and a part of it (走访企业223家,
    of which 走访链上企业59家) or two channels: the larger is proposed, the other listed unproposed."""
    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(candidates):
        if c.indicator and c.park:
            groups.setdefault(c.key, []).append(i)
    out = list(candidates)
    for members in groups.values():
        if len(members) < 2:
            continue
        keep = max(members, key=lambda i: (candidates[i].value, -i))
        for i in members:
            if i != keep:
                k = candidates[keep]
                out[i] = replace(
                    candidates[i],
                    proposed=False,
                    note=f"同一园区、统计期、指标另有更大的数 {k.figure_text}（段{k.paragraph}）",
                    note_en=f"the same park, period and indicator has a larger figure {k.figure_text} (段{k.paragraph})",
                )
    return out
