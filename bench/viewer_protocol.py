"""A simulated viewer: one browser tab's page views over Streamlit's websocket protocol (streamlit.proto).

What the browser does, as far as the server can tell: `GET /_stcore/health` (sets the `_streamlit_xsrf`
cookie), the websocket `/_stcore/stream` with subprotocols `streamlit` and that cookie's value, then per
page view a `BackMsg.rerun_script` whose `ClientState` carries the query string and, on the first view,
the page's URL name (later views the page's script hash from the `navigation` ForwardMsg); a view ends
at `script_finished`. Used by bench/bench_viewers.py and by tests/test_browser_viewers.py, which checks
it against one view of a real browser.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

XSRF_COOKIE = "_streamlit_xsrf"
FINISHED_OK = "FINISHED_SUCCESSFULLY"
# A message of a view that is still on its way; far above any view here, it only keeps a dead server from hanging.
VIEW_TIMEOUT_S = 300.0


@dataclass
class View:
    """One page view as the server sent it."""

    seconds: float
    status: str  # script_finished status name
    messages: Counter = field(default_factory=Counter)  # ForwardMsg type -> count
    elements: Counter = field(default_factory=Counter)  # delta new_element type -> count
    bytes: int = 0  # serialized ForwardMsg bytes received
    exceptions: list[str] = field(default_factory=list)  # st.exception elements' messages (a broken view)
    page_not_found: bool = False

    @property
    def ok(self) -> bool:
        return self.status == FINISHED_OK and not self.exceptions and not self.page_not_found


def message_kind(msg: ForwardMsg) -> str:
    """A ForwardMsg's type (`delta`, `new_session`, `script_finished`, ...)."""
    return msg.WhichOneof("type") or "none"


def element_kind(msg: ForwardMsg) -> str | None:
    """The element type of a delta that draws one (`plotly_chart`, `metric`, ...); else the delta's type."""
    if message_kind(msg) != "delta":
        return None
    delta = msg.delta
    kind = delta.WhichOneof("type")
    if kind == "new_element":
        return delta.new_element.WhichOneof("type")
    return kind


def xsrf_cookie(base_url: str, timeout: float = 10.0) -> str:
    """The `_streamlit_xsrf` cookie value the health check sets (as the browser's first request gets it)."""
    with urllib.request.urlopen(f"{base_url.rstrip('/')}/_stcore/health", timeout=timeout) as reply:
        headers = reply.headers.get_all("Set-Cookie") or []
    for header in headers:
        jar = SimpleCookie()
        jar.load(header)
        if XSRF_COOKIE in jar:
            return jar[XSRF_COOKIE].value
    return ""


class Viewer:
    """One browser tab: a websocket session and its page views."""

    def __init__(self, base_url: str, cookie: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.cookie = cookie
        self.ws = None
        self.pages: dict[str, str] = {}  # url pathname -> page script hash (from `navigation`)
        self.page_hash = ""  # the page the last view ran

    async def __aenter__(self) -> Viewer:
        if self.cookie is None:
            self.cookie = await asyncio.to_thread(xsrf_cookie, self.base_url)
        parts = urlparse(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        path = parts.path.rstrip("/")
        protocols = ["streamlit", self.cookie] if self.cookie else ["streamlit"]
        self.ws = await connect(
            f"{scheme}://{parts.netloc}{path}/_stcore/stream",
            subprotocols=protocols,
            additional_headers={"Cookie": f"{XSRF_COOKIE}={self.cookie}", "Origin": self.base_url},
            max_size=None,  # a page's chart JSON can be large; the server sets its own limit
            open_timeout=60,
            ping_interval=None,  # the server's own heartbeat keeps it open; pings would add noise
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def view(self, page: str, query: str = "") -> View:
        """One page view of `page` (its URL name: "" for the entry page, `parks` for pages/parks.py) with
        the URL query string `query` (`period=2024&family=talent`), as a browser tab reloading it would."""
        state = ClientState(query_string=query)
        known = self.pages.get(page)
        if known:
            state.page_script_hash = known
        else:
            state.page_name = page
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        started = time.perf_counter()
        seen = View(seconds=0.0, status="")
        while True:
            data = await asyncio.wait_for(self.ws.recv(), VIEW_TIMEOUT_S)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            seen.bytes += len(data)
            kind = message_kind(msg)
            seen.messages[kind] += 1
            element = element_kind(msg)
            if element:
                seen.elements[element] += 1
                if element == "exception":
                    seen.exceptions.append(msg.delta.new_element.exception.message)
            if kind == "navigation":
                for app_page in msg.navigation.app_pages:
                    self.pages[app_page.url_pathname] = app_page.page_script_hash
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "page_not_found":
                seen.page_not_found = True
            elif kind == "script_finished":
                seen.status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    break
        seen.seconds = time.perf_counter() - started
        return seen
