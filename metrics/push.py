"""Push the briefing and the summary image to a 企业微信 (WeCom) or 钉钉 (DingTalk) group robot webhook.

Message formats as the robots document them:
- WeCom: `{"msgtype": "markdown", "markdown": {"content": ...}}`, then
  `{"msgtype": "image", "image": {"base64": ..., "md5": ...}}` (the PNG itself, at most 2 MB).
- DingTalk: `{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}`. A DingTalk robot takes no
  image upload: markdown shows an image only from a URL. With `image_url` (where a job publishes the
  summary PNG) the text ends with `![...](url)`; without one the image is not sent and the text says so.
  A robot with 加签 (signing) gets `timestamp` and `sign` added to the URL from its secret.
A refused request (an HTTP error, or a JSON `errcode` other than 0) raises PushError naming the reply.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from metrics.briefing import Briefing

WECOM_IMAGE_LIMIT = 2 * 1024 * 1024  # bytes of the PNG before base64 (WeCom's limit)
WECOM_TEXT_LIMIT = 4096  # bytes of a WeCom markdown message
TIMEOUT = 20  # seconds per request
KINDS = ("wecom", "dingtalk")

_T = {
    "title": ("园区发展指标 · 数据解读", "Park indicators · briefing"),
    "image_elsewhere": (
        "（汇总图未随消息发送：钉钉机器人不接收图片上传，请在看板中查看。）",
        "(The summary image is not attached: DingTalk robots take no image upload; see the dashboard.)",
    ),
    "image_alt": ("汇总图", "summary"),
    "refused": ("机器人拒绝了消息：{reason}", "The robot refused the message: {reason}"),
    "unreachable": ("无法连接机器人地址：{reason}", "Cannot reach the robot's address: {reason}"),
    "bad_url": (
        "机器人地址必须以 http:// 或 https:// 开头：{url}",
        "The webhook must start with http:// or https://: {url}",
    ),
    "unknown_kind": (
        "无法从地址判断机器人类型，请用 --kind wecom 或 --kind dingtalk 指定：{url}",
        "Cannot tell the robot from the address; say --kind wecom or --kind dingtalk: {url}",
    ),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


class PushError(RuntimeError):
    """A push that failed (refused, unreachable, bad address); the reason in zh and en."""

    def __init__(self, message_zh: str, message_en: str):
        self.message_zh, self.message_en = message_zh, message_en
        super().__init__(message_en)

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


def _error(key: str, **fields) -> PushError:
    return PushError(_T[key][0].format(**fields), _T[key][1].format(**fields))


def robot_kind(url: str) -> str | None:
    """wecom or dingtalk from the webhook's host (qyapi.weixin.qq.com, oapi.dingtalk.com); None otherwise."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if host.endswith("weixin.qq.com"):
        return "wecom"
    if host.endswith("dingtalk.com"):
        return "dingtalk"
    return None


@dataclass(frozen=True)
class Message:
    """One request body to post, and a short description for --dry-run."""

    body: dict
    what: str

    def shown(self) -> dict:
        """The body with an image's base64 shortened (the dry run prints it)."""
        body = json.loads(json.dumps(self.body))
        image = body.get("image")
        if image and "base64" in image:
            image["base64"] = f"<{len(self.body['image']['base64'])} characters of base64>"
        return body


def _markdown_text(briefing: Briefing, heading: str) -> str:
    return f"### {heading}\n" + "\n\n".join(briefing.paragraphs)


def _fit_wecom_text(text: str) -> str:
    """Cut a markdown text to WeCom's byte limit at a paragraph, else at a character."""
    if len(text.encode("utf-8")) <= WECOM_TEXT_LIMIT:
        return text
    paragraphs = text.split("\n\n")
    while len(paragraphs) > 1 and len("\n\n".join(paragraphs).encode("utf-8")) > WECOM_TEXT_LIMIT - 3:
        paragraphs.pop()
    text = "\n\n".join(paragraphs)
    while len(text.encode("utf-8")) > WECOM_TEXT_LIMIT - 3:
        text = text[:-1]
    return text + "…"


def fit_png(png: bytes, limit: int = WECOM_IMAGE_LIMIT) -> bytes:
    """The PNG as it is when under `limit` bytes, else scaled down until it is."""
    if len(png) <= limit:
        return png
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    while True:
        image = image.resize((max(1, image.width * 3 // 4), max(1, image.height * 3 // 4)))
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        if out.tell() <= limit:
            return out.getvalue()


def messages(
    kind: str, briefing: Briefing, png: bytes | None, heading: str | None = None, image_url: str | None = None
) -> list[Message]:
    """The request bodies a push sends to a robot of `kind`, in order."""
    lang = briefing.lang
    heading = heading or _t("title", lang)
    text = _markdown_text(briefing, heading)
    if kind == "wecom":
        out = [Message({"msgtype": "markdown", "markdown": {"content": _fit_wecom_text(text)}}, "markdown")]
        if png:
            png = fit_png(png)
            image = {"base64": base64.b64encode(png).decode("ascii"), "md5": hashlib.md5(png).hexdigest()}
            out.append(Message({"msgtype": "image", "image": image}, f"image ({len(png):,} bytes PNG)"))
        return out
    if image_url:
        text += f"\n\n![{_t('image_alt', lang)}]({image_url})"
    elif png:
        text += "\n\n" + _t("image_elsewhere", lang)
    return [Message({"msgtype": "markdown", "markdown": {"title": heading, "text": text}}, "markdown")]


def signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """A DingTalk webhook with 加签: `timestamp` and `sign` = base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def post(url: str, body: dict) -> dict:
    """POST one JSON body; the robot's JSON reply, or PushError when refused or unreachable."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (http/https checked)
            raw = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise _error("refused", reason=f"HTTP {exc.code} {exc.reason} {detail}".strip()) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise _error("unreachable", reason=getattr(exc, "reason", exc)) from exc
    try:
        reply = json.loads(raw or b"{}")
    except ValueError as exc:
        raise _error("refused", reason=raw[:300].decode("utf-8", "replace")) from exc
    if not isinstance(reply, dict) or reply.get("errcode", 0) != 0:
        errcode = reply.get("errcode") if isinstance(reply, dict) else None
        errmsg = reply.get("errmsg", "") if isinstance(reply, dict) else reply
        raise _error("refused", reason=f"errcode {errcode}: {errmsg}")
    return reply


def push(
    url: str,
    kind: str | None,
    briefing: Briefing,
    png: bytes | None,
    *,
    secret: str | None = None,
    image_url: str | None = None,
    dry_run: bool = False,
) -> list[Message]:
    """Send the briefing (and the image where the robot takes one); returns what was (or would be) sent."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise _error("bad_url", url=url)
    kind = kind or robot_kind(url)
    if kind not in KINDS:
        raise _error("unknown_kind", url=url)
    out = messages(kind, briefing, png, image_url=image_url)
    if dry_run:
        return out
    target = signed_url(url, secret) if secret and kind == "dingtalk" else url
    for message in out:
        post(target, message.body)
    return out
