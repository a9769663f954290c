"""A simulated viewer (bench/viewer_protocol.py, used by bench/bench_viewers.py) does what one browser page view does.

A real browser (Playwright, Debian chromium) opens a page while its websocket frames are recorded; the simulation
then views the same page with the same query string in a session of its own. Both must have received the same
ForwardMsgs of the view: the same elements drawn (delta types and counts), navigation and a successful
script_finished — so that the bench's figures are those of the pages people open, not of a shortcut.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from test_browser import (  # noqa: F401  (fixtures used by name)
    CHROMIUM,
    TIMEOUT_MS,
    browser,
    new_page,
    server,
    wait_ready,
)

sys.path.insert(0, str(ROOT / "bench"))
from viewer_protocol import FINISHED_OK, Viewer, element_kind, message_kind  # noqa: E402

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed")

# Messages that belong to the browser tab rather than to the page view: git info it asks for, heartbeats.
TAB_ONLY = {"git_info_changed", "heartbeat_ack", "session_status_changed", "session_event", "page_info_changed"}


class BrowserView:
    """The ForwardMsgs of a browser tab's first page view, read off its websocket frames."""

    def __init__(self):
        self.messages: Counter = Counter()
        self.elements: Counter = Counter()
        self.finished: list[str] = []

    def attach(self, page) -> None:
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if self.finished or isinstance(payload, str):  # only the first view; the protocol's frames are binary
            return
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        kind = message_kind(msg)
        self.messages[kind] += 1
        element = element_kind(msg)
        if element:
            self.elements[element] += 1
        if kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.finished.append(ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished))


def _simulated(url: str, page: str, query: str):
    """One simulated view, on a thread of its own (Playwright's sync API keeps an event loop on this one)."""

    async def view():
        async with Viewer(url) as viewer:
            return await viewer.view(page, query)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, view()).result(timeout=TIMEOUT_MS / 1000)


@pytest.mark.parametrize("page, query", [("", "period=2024&family=talent"), ("parks", "period=2023")])
def test_a_simulated_view_receives_what_a_browser_view_receives(server, new_page, page, query):  # noqa: F811
    # A first view of the fresh server loads the sample data under a spinner (transient deltas): done before both.
    assert _simulated(server.url, page, query).ok
    tab = new_page()
    seen = BrowserView()
    seen.attach(tab)
    tab.goto(f"{server.url}/{page}?{query}")
    wait_ready(tab)
    tab.wait_for_function("() => true")  # frames of the finished view are handled before reading them
    assert seen.finished == [FINISHED_OK]

    simulated = _simulated(server.url, page, query)

    assert simulated.ok, simulated.exceptions or simulated.status
    assert simulated.elements == seen.elements  # every chart, card, table and widget, as many of each
    assert seen.elements["plotly_chart"] >= 1 and seen.elements["metric" if not page else "dataframe"] >= 1
    view_messages = {k: v for k, v in seen.messages.items() if k not in TAB_ONLY}
    simulated_messages = {k: v for k, v in simulated.messages.items() if k not in TAB_ONLY}
    assert simulated_messages == view_messages
