"""Who a passage is about: catalog parks (names, aliases), aliases the text defines (`X（以下简称Y）`), and
headings `NAME：…` that turn to another park or to an entity that is no park (a county, a company)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from metrics.catalog import Catalog

NO_PARK = ""  # the subject of a passage about an entity that is no park: its figures get no park
_NAME_END = re.compile(r"[\u4e00-\u9fff“”\"（）()]+$")


@dataclass(frozen=True)
class Subject:
    """A park (catalog name, or a new one as written) or NO_PARK, named at `start` of a paragraph."""

    start: int
    park: str
    in_catalog: bool


class Subjects:
    """Park names known while reading one report: the catalog's, then those the report defines."""

    def __init__(self, catalog: Catalog, rules: dict):
        self.catalog = catalog
        self.rules = rules
        self.names: dict[str, str] = {}  # written name -> park
        for park in catalog.parks:
            if park.kind != "park":
                continue
            for name in (park.name, *park.aliases):
                self.names[name] = park.name
        self.new_parks: set[str] = set()

    def kind_of(self, name: str) -> str | None:
        """`park` or `other` by the name's ending; None when it names neither (or nobody: 全区)."""
        if name in self.rules["generic_names"]:
            return None
        if any(name.endswith(s) for s in self.rules["park_suffixes"]):
            return "park"
        if any(name.endswith(s) for s in self.rules["other_suffixes"]):
            return "other"
        return None

    def resolve(self, name: str) -> Subject | None:
        name = name.strip().lstrip("#").strip().strip('“”"')
        if name in self.names:
            park = self.names[name]
            return Subject(0, park, park not in self.new_parks)
        inner = self._longest_known(name)  # 山东省X开发区 where X开发区 is known
        if inner and name.endswith(inner):
            return Subject(0, self.names[inner], self.names[inner] not in self.new_parks)
        kind = self.kind_of(name)
        if kind == "park":
            self.names[name] = name
            self.new_parks.add(name)
            return Subject(0, name, False)
        if kind == "other":
            return Subject(0, NO_PARK, False)
        return None

    def _longest_known(self, text: str) -> str | None:
        hits = [n for n in self.names if n in text]
        return max(hits, key=len) if hits else None

    def learn_aliases(self, text: str) -> None:
        """`潍坊滨海经济技术开发区（以下简称潍坊滨海区）`: the short name means the park from now on."""
        markers = "|".join(map(re.escape, self.rules["alias_markers"]))
        for m in re.finditer(r"[（(](?:" + markers + r")[“\"]?([^”\"）)，,]{2,20})[”\"]?[）)]", text):
            before = re.split(r"[，。；、,;\s：:]", text[: m.start()])[-1]
            subject = self.resolve(before) if before else None
            if subject and subject.park:
                self.names[m[1]] = subject.park

    def heading(self, paragraph: str) -> Subject | None:
        """The subject a heading line turns to: `东营经济技术开发区：创新构建…`, `山西纵横建设集团：`."""
        longest = self.rules["heading_max_chars"]
        m = re.match(r"^[#\s]*([^：:，。；,;]{2," + str(longest) + r"})[：:]", paragraph)
        if not m:
            return None
        return self.resolve(m[1])

    def title(self, paragraph: str) -> Subject | None:
        """The park a title line names: `青岛蓝谷经济技术开发区2024年工作总结` (a park suffix ends the name)."""
        if len(paragraph) > self.rules["title_max_chars"]:
            return None
        for suffix in sorted(self.rules["park_suffixes"], key=len, reverse=True):
            end = paragraph.find(suffix)
            if end < 0:
                continue
            run = re.findall(r"[\u4e00-\u9fff]+$", paragraph[: end + len(suffix)])
            name = run[0] if run else ""
            for prefix in sorted(self.rules["title_prefixes"], key=len, reverse=True):
                if name.startswith(prefix):
                    name = name[len(prefix) :]
            if len(name) > len(suffix):
                return self.resolve(name)
        return None

    def mentions(self, paragraph: str) -> list[Subject]:
        """Catalog or defined park names in a paragraph, each where it is named (longest name at a place)."""
        found: list[Subject] = []
        taken_until = -1
        for start in range(len(paragraph)):
            if start < taken_until:
                continue
            best = None
            for name, park in self.names.items():
                if paragraph.startswith(name, start) and (best is None or len(name) > len(best[0])):
                    best = (name, park)
            if best:
                found.append(Subject(start, best[1], best[1] not in self.new_parks))
                taken_until = start + len(best[0])
        return found
