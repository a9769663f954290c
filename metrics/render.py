"""PNG export through kaleido and Debian's chromium, with one warm browser per process."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import subprocess
import threading
import warnings
from concurrent.futures import TimeoutError as FutureTimeout

import plotly.graph_objects as go

# Per-image time limit (s); the first image also waits for the browser to start.
RENDER_TIMEOUT = float(os.environ.get("PARKDASH_RENDER_TIMEOUT", "60"))
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

warnings.filterwarnings("ignore", message="The kopts argument is ignored", category=UserWarning)


class _DropClosingNoise(logging.Filter):
    # Chromium can write half a message while it closes; choreographer ignores it but logs a traceback.
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("JSONError decoding message")


_DROP_CLOSING_NOISE = _DropClosingNoise()


class RenderUnavailable(RuntimeError):
    """The image cannot be made here (no browser, no CJK font, the browser failed); reason in zh and en."""

    def __init__(self, reason: str, reason_en: str = ""):
        self.reason = reason
        self.reason_en = reason_en or reason
        super().__init__(reason if not reason_en else f"{reason} ({reason_en})")

    def message(self, lang: str = "zh") -> str:
        return self.reason_en if lang == "en" else self.reason


def find_browser() -> str | None:
    """The browser kaleido will use: BROWSER_PATH when set (no fallback, as kaleido), else one on PATH."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def cjk_font_installed() -> bool:
    """True when fontconfig knows a font covering Chinese (else every character renders as a box)."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and bool(out.stdout.strip())


def png_available(lang: str = "zh") -> tuple[bool, str]:
    """Whether PNG export can work here, and if not why (in the chosen language)."""
    if find_browser() is None:
        if os.environ.get("BROWSER_PATH"):
            return False, (
                f"BROWSER_PATH={os.environ['BROWSER_PATH']} 不是可执行的浏览器，无法导出图片"
                if lang != "en"
                else f"BROWSER_PATH={os.environ['BROWSER_PATH']} is not an executable browser; cannot export images"
            )
        return False, (
            "未找到 Chromium 浏览器，无法导出图片（请安装 Debian 软件包 chromium）"
            if lang != "en"
            else "No Chromium browser found; cannot export images (install the Debian package chromium)"
        )
    if not cjk_font_installed():
        return False, (
            "未安装中文字体，导出的图片中汉字会显示为方框（请安装 fonts-noto-cjk）"
            if lang != "en"
            else "No Chinese font installed; Chinese text would render as boxes (install fonts-noto-cjk)"
        )
    return True, ""


def _reasons(exc: BaseException | None = None) -> tuple[str, str]:
    detail = f": {type(exc).__name__}: {exc}" if exc else ""
    return (f"图片渲染失败{detail}", f"Image rendering failed{detail}")


class _WarmServer:
    """One kaleido browser kept open on its own event loop thread.

    kaleido.start_sync_server is not used: its server hangs every caller forever when the browser
    fails to start, and hands results to the wrong caller when two threads render at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._atexit_registered = False

    def _start(self) -> None:
        import choreographer.channels.pipe  # its logger is logistro's class: create it before we touch it
        import kaleido

        choreographer.channels.pipe._logger.addFilter(_DROP_CLOSING_NOISE)

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido-warm-server", daemon=True)
        thread.start()

        async def open_browser():
            k = kaleido.Kaleido(n=1, mathjax=False, timeout=RENDER_TIMEOUT)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(RENDER_TIMEOUT)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            raise
        self._loop, self._thread = loop, thread
        if not self._atexit_registered:
            # Registered after the browser opened, so it runs before (atexit is LIFO) the weakref
            # finalizer that deletes the browser's profile directory: closing first leaves nothing behind.
            atexit.register(self.stop)
            self._atexit_registered = True

    def running(self) -> bool:
        return self._kaleido is not None

    def ensure_started(self):
        """Start the browser unless it runs; (loop, kaleido)."""
        with self._lock:  # one start per process, even when Streamlit calls from many threads
            if self._kaleido is None:
                self._start()
            return self._loop, self._kaleido

    def render(self, fig_dict: dict, opts: dict) -> bytes:
        loop, k = self.ensure_started()
        future = asyncio.run_coroutine_threadsafe(k.calc_fig(fig_dict, opts=opts), loop)
        try:
            return future.result(RENDER_TIMEOUT)
        except FutureTimeout:
            future.cancel()
            raise

    def stop(self) -> None:
        with self._lock:
            k, loop, thread = self._kaleido, self._loop, self._thread
            self._kaleido = self._loop = self._thread = None
        if k is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(15)
        except Exception:  # noqa: BLE001, S110 - best effort at exit; the browser dies with us anyway
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


_SERVER = _WarmServer()


def server_running() -> bool:
    """Whether this process already holds a warm browser."""
    return _SERVER.running()


def stop_server() -> None:
    """Close the warm browser (it restarts on the next image)."""
    _SERVER.stop()


def warm_up_in_background() -> threading.Thread | None:
    """Start the browser on a background thread (e.g. while queries run); None when PNG is unavailable."""
    if _SERVER.running() or not png_available()[0]:
        return None

    def start():
        try:
            _SERVER.ensure_started()
        except Exception:  # noqa: BLE001, S110 - the next figure_png retries and reports the reason
            pass

    thread = threading.Thread(target=start, name="kaleido-warm-up", daemon=True)
    thread.start()
    return thread


def figure_image(
    fig: go.Figure | dict, fmt: str = "png", width: int = 1200, height: int = 700, scale: float = 2
) -> bytes:
    """The figure as image bytes (png or svg) through the warm browser; RenderUnavailable when impossible."""
    if not _SERVER.running():  # checked once per browser start; fc-list costs ~50 ms
        ok, reason = png_available("zh")
        if not ok:
            raise RenderUnavailable(reason, png_available("en")[1])
    fig_dict = fig.to_plotly_json() if isinstance(fig, go.Figure) else fig
    opts = {"format": fmt, "width": int(width), "height": int(height), "scale": scale}
    last: BaseException | None = None
    for _attempt in range(2):  # a crashed browser is restarted once
        try:
            data = _SERVER.render(fig_dict, opts)
        except (ValueError, TypeError):
            raise  # a bad figure: the caller's error, not the renderer's
        except Exception as exc:  # noqa: BLE001 - browser died, timed out or would not start
            last = exc
            _SERVER.stop()
            continue
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    raise RenderUnavailable(*_reasons(last))


def figure_png(fig: go.Figure | dict, width: int = 1200, height: int = 700, scale: float = 2) -> bytes:
    """PNG bytes of the figure, width*scale × height*scale pixels."""
    return figure_image(fig, "png", width, height, scale)


def figure_svg(fig: go.Figure | dict, width: int = 1200, height: int = 700) -> str:
    """SVG text of the figure as the browser draws it (used to check that data text stays literal)."""
    return figure_image(fig, "svg", width, height, 1).decode("utf-8")
