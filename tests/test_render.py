"""PNG export through the real kaleido + Debian chromium: size, glyphs, colours, threads, failures."""

from __future__ import annotations

import io
import subprocess
import threading
from xml.etree import ElementTree

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from PIL import Image, ImageChops

from metrics import charts, render


def png_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    return image.convert("RGB")


def title_only(title: str) -> go.Figure:
    return charts.apply_layout(go.Figure(), title, "", "zh", legend=False)


def test_a_cjk_font_is_installed():
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True)
    assert out.stdout.strip(), "no CJK font: Chinese renders as boxes (apt-get install fonts-noto-cjk)"
    assert render.cjk_font_installed()
    assert render.png_available() == (True, "")


def test_png_has_the_requested_pixel_size():
    data = render.figure_png(title_only("东营"), width=640, height=360, scale=2)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_image(data).size == (1280, 720)
    assert png_image(render.figure_png(title_only("东营"), width=300, height=200, scale=1)).size == (300, 200)


def test_chinese_renders_as_glyphs_not_boxes():
    # U+E000/U+E001 are private-use code points no font covers: the browser draws two .notdef boxes.
    # Without a CJK font 东营 and 潍坊 would draw those same boxes.
    images = {
        t: png_image(render.figure_png(title_only(t), width=400, height=120, scale=1))
        for t in ("东营", "潍坊", "\ue000\ue001")
    }
    assert ImageChops.difference(images["东营"], images["潍坊"]).getbbox() is not None
    assert ImageChops.difference(images["东营"], images["\ue000\ue001"]).getbbox() is not None
    assert ImageChops.difference(images["潍坊"], images["\ue000\ue001"]).getbbox() is not None


def bar_figure():
    df = pd.DataFrame({"rank": [1], "park": ["东营"], "value": [100.0], "display": ["100"]})
    return charts.ranking_bar(df, "revenue", "2024年", "zh")


def test_bars_export_in_their_colour_even_under_the_streamlit_template(monkeypatch):
    import streamlit  # noqa: F401 - registers the "streamlit" template, whose bars export black

    monkeypatch.setattr(pio.templates, "default", "streamlit")  # as the first import did; undone after
    image = png_image(render.figure_png(bar_figure(), width=800, height=400, scale=1))
    # Sample a band through the middle of the plot: the bar spans most of it.
    pixels = [image.getpixel((x, 250)) for x in range(200, 700, 10)]
    expected = tuple(int(charts.COLORWAY[0][i : i + 2], 16) for i in (1, 3, 5))
    bar_pixels = [p for p in pixels if max(abs(a - b) for a, b in zip(p, expected, strict=True)) <= 6]
    assert len(bar_pixels) >= len(pixels) // 2, pixels
    assert not any(max(p) < 40 for p in pixels), "black bars: the streamlit template leaked into the export"


def test_data_text_stays_literal_in_the_drawn_image():
    df = pd.DataFrame({"rank": [1, 2], "park": ["<b>x</b>", "a<br>b"], "value": [2.0, 1.0], "display": ["2", "1"]})
    svg = render.figure_svg(charts.ranking_bar(df, "revenue", "2024年", "zh"), width=600, height=300)
    texts = [el.text for el in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "<b>x</b>" in texts and "a<br>b" in texts  # drawn as those characters, on one line
    assert "font-weight:bold" not in svg.replace(" ", "")


def test_threads_each_get_their_own_image():
    sizes = [(300 + 20 * n, 200 + 10 * n) for n in range(6)]
    results: dict[int, tuple[int, int]] = {}

    def work(n):
        w, h = sizes[n]
        results[n] = png_image(render.figure_png(title_only(f"园区{n}"), width=w, height=h, scale=1)).size

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(sizes))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert results == dict(enumerate(sizes))


def test_no_browser_raises_render_unavailable(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(render, "_SERVER", render._WarmServer())  # a cold server, as in a new process
    ok, reason = render.png_available("zh")
    assert not ok and "BROWSER_PATH" in reason and "无法导出图片" in reason
    assert "cannot export images" in render.png_available("en")[1]
    with pytest.raises(render.RenderUnavailable) as info:
        render.figure_png(title_only("东营"))
    assert "无法导出图片" in info.value.message("zh") and "cannot export" in info.value.message("en")
    assert not render.server_running()


def test_stopping_closes_the_browser_and_the_next_image_restarts_it():
    # The same stop() runs at interpreter exit (registered with atexit after the browser opened, so it
    # closes the browser before kaleido deletes its profile; the CLI tests assert a clean stderr).
    render.figure_png(title_only("东营"), width=200, height=100, scale=1)
    browser = render._SERVER._kaleido.subprocess
    render.stop_server()
    assert not render.server_running()
    assert browser.wait(timeout=20) is not None  # the browser process has exited
    assert png_image(render.figure_png(title_only("潍坊"), width=200, height=100, scale=1)).size == (200, 100)
    assert render.server_running()
