"""Pushing to group robots, against a local HTTP server on 127.0.0.1 that records every request."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import random
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import ROOT, python_env
from parsed_factory import figure, parsed
from PIL import Image

from metrics import push
from metrics.briefing import Briefing


class Robot:
    """A fake robot: records (path, body) of each POST and answers with `reply` (status, JSON)."""

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.reply = (200, {"errcode": 0, "errmsg": "ok"})
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.requests.append((self.path, json.loads(body)))
                status, reply = robot.reply
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def robot():
    r = Robot()
    yield r
    r.server.shutdown()
    r.server.server_close()


TEXT = Briefing(("2024年，全部3个园区，园区整体数据。", "营业收入合计10亿元，同比+11.4%。"), "zh")


def png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def test_wecom_gets_markdown_then_the_image_with_its_md5(robot):
    image = png()
    push.push(robot.url, "wecom", TEXT, image)
    (p1, markdown), (p2, picture) = robot.requests
    assert p1 == p2 == "/cgi-bin/webhook/send?key=test"
    assert markdown == {
        "msgtype": "markdown",
        "markdown": {"content": "### 园区发展指标 · 数据解读\n" + "\n\n".join(TEXT.paragraphs)},
    }
    assert picture["msgtype"] == "image"
    assert base64.b64decode(picture["image"]["base64"]) == image
    assert picture["image"]["md5"] == hashlib.md5(image).hexdigest()


def test_dingtalk_gets_markdown_only_and_a_signed_url(robot):
    push.push(robot.url, "dingtalk", TEXT, png(), secret="SECabc")
    ((path, body),) = robot.requests
    assert body["msgtype"] == "markdown" and body["markdown"]["title"] == "园区发展指标 · 数据解读"
    assert "营业收入合计10亿元" in body["markdown"]["text"]
    assert "钉钉机器人不接收图片上传" in body["markdown"]["text"]  # the image is said to be elsewhere
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()
    assert base64.b64decode(sign) == expected and query["key"] == ["test"]


def test_dingtalk_shows_a_published_image_by_url(robot):
    push.push(robot.url, "dingtalk", TEXT, None, image_url="https://intranet.example/summary.png")
    text = robot.requests[0][1]["markdown"]["text"]
    assert text.endswith("![汇总图](https://intranet.example/summary.png)")


def test_refused_requests_raise_with_the_reply(robot):
    robot.reply = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    with pytest.raises(push.PushError) as info:
        push.push(robot.url, "wecom", TEXT, None)
    assert "errcode 93000: invalid webhook url" in info.value.message("zh")
    assert info.value.message("zh").startswith("机器人拒绝了消息")
    robot.reply = (500, {"error": "boom"})
    with pytest.raises(push.PushError) as info:
        push.push(robot.url, "dingtalk", TEXT, None)
    assert "HTTP 500" in info.value.message("en") and info.value.message("en").startswith("The robot refused")
    assert len(robot.requests) == 2  # the first refusal stopped the image from being sent


def test_dry_run_sends_nothing_and_kind_comes_from_the_host(robot):
    sent = push.push(robot.url, "wecom", TEXT, png(), dry_run=True)
    assert robot.requests == [] and [m.body["msgtype"] for m in sent] == ["markdown", "image"]
    assert sent[1].shown()["image"]["base64"].startswith("<")
    assert push.robot_kind("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x") == "wecom"
    assert push.robot_kind("https://oapi.dingtalk.com/robot/send?access_token=x") == "dingtalk"
    with pytest.raises(push.PushError):
        push.push(robot.url, None, TEXT, None)  # 127.0.0.1 names neither robot
    with pytest.raises(push.PushError):
        push.push("file:///etc/passwd", "wecom", TEXT, None)


def test_large_images_and_texts_fit_wecom_limits():
    noise = random.Random(1).randbytes(1500 * 1000 * 3)  # noise does not compress: a PNG over 2 MB
    raw = io.BytesIO()
    Image.frombytes("RGB", (1500, 1000), noise).save(raw, format="PNG")
    assert len(raw.getvalue()) > push.WECOM_IMAGE_LIMIT
    small = push.fit_png(raw.getvalue())
    assert len(small) <= push.WECOM_IMAGE_LIMIT and Image.open(io.BytesIO(small)).width < 1500
    long = Briefing(tuple("营业收入合计10亿元。" * 60 for _ in range(5)), "zh")
    content = push.messages("wecom", long, None)[0].body["markdown"]["content"]
    assert len(content.encode()) <= push.WECOM_TEXT_LIMIT


def test_cli_push_end_to_end(robot, db_path):
    from metrics.store import Store

    figs = [figure(p, "revenue", v) for p, v in (("东营经济技术开发区", 50000), ("威海南海新区", 18000))]
    Store(db_path).load(parsed("p.xlsx", figs))
    cmd = [sys.executable, "-m", "metrics", "push", "--db", str(db_path), "--webhook", robot.url]
    dry = subprocess.run(
        [*cmd, "--kind", "wecom", "--dry-run", "--no-image"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=python_env(db_path),
        timeout=120,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    assert "试运行" in dry.stdout and "营业收入合计6.8亿元" in dry.stdout and robot.requests == []
    sent = subprocess.run(
        [*cmd, "--kind", "wecom", "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=python_env(db_path),
        timeout=300,
        check=False,
    )
    assert sent.returncode == 0, sent.stderr
    kinds = [body["msgtype"] for _, body in robot.requests]
    assert kinds == ["markdown", "image"]
    assert "Operating revenue: 680 M CNY in total" in robot.requests[0][1]["markdown"]["content"]
    image = Image.open(io.BytesIO(base64.b64decode(robot.requests[1][1]["image"]["base64"])))
    assert image.width >= 1600  # the one-page summary
    robot.reply = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    refused = subprocess.run(
        [*cmd, "--kind", "dingtalk"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=python_env(db_path),
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1 and "推送失败：机器人拒绝了消息：errcode 310000" in refused.stderr
