"""Figures from report text: files or pasted text into reviewed candidates and the long CSV that ingest reads."""

from metrics.extract.figures import Candidate, Extraction, extract_paragraphs
from metrics.extract.output import candidates_frame, long_csv_bytes
from metrics.extract.text import TextError, paragraphs_of, split_paragraphs, text_kind


def extract_file(data: bytes, file_name: str, catalog, year: int | None = None, park: str | None = None) -> Extraction:
    """Candidates of one report file (.txt, .docx, .pdf); raises TextError when its text cannot be read."""
    return extract_paragraphs(paragraphs_of(data, file_name), file_name, catalog, year=year, park=park)


def extract_text(text: str, name: str, catalog, year: int | None = None, park: str | None = None) -> Extraction:
    """Candidates of pasted text, named `name` in their 出处."""
    return extract_paragraphs(split_paragraphs(text), name, catalog, year=year, park=park)


__all__ = [
    "Candidate",
    "Extraction",
    "TextError",
    "candidates_frame",
    "extract_file",
    "extract_paragraphs",
    "extract_text",
    "long_csv_bytes",
    "paragraphs_of",
    "split_paragraphs",
    "text_kind",
]
