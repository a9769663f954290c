"""Streamlit's own texts that no parameter sets (the file uploader's button and its limits line), replaced by ours."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t

_DROPZONE = '[data-testid="stFileUploaderDropzone"]'


def _css_string(text: str) -> str:
    """Text as a CSS string literal (the texts are ours, from ui/i18n.toml, never data)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def file_uploader_texts(lang: str) -> None:
    """The uploader's button says "Upload" and its line "50MB per file • XLSX, XLS, CSV" in English in every
    language: hide the line (the page states the limits in the chosen language) and write the button's
    label with CSS. Style only: nothing from the data goes into it."""
    st.html(
        "<style>"
        f'{_DROPZONE} [data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}'
        f' {_DROPZONE} button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}'
        f' {_DROPZONE} button [data-testid="stMarkdownContainer"] p::after'
        f" {{ content: {_css_string(t('browse_files', lang))}; font-size: 1rem; }}"
        "</style>"
    )
