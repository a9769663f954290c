"""`python -m metrics push`: the briefing and the summary image to a WeCom or DingTalk group robot (cron-friendly)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace

from metrics import cli_view, queries

SECRET_ENV = "PARKDASH_DINGTALK_SECRET"  # a DingTalk 加签 secret, kept out of the command line (and `ps`)

_T = {
    "failed": ("推送失败：{reason}", "Push failed: {reason}"),
    "no_image": (
        "汇总图未能生成，只发送文字：{reason}",
        "The summary image could not be made; sending the text only: {reason}",
    ),
    "sent": ("已推送 {n} 条消息（{kind}）。", "Sent {n} message(s) ({kind})."),
    "dry_run": ("试运行：以下消息不会发送（{kind}）。", "Dry run: these messages are not sent ({kind})."),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


def run(args) -> int:
    """Push, or print what would be pushed (--dry-run); exit 1 with a message when it fails."""
    from metrics import push
    from metrics.briefing import briefing
    from metrics.store import Store, StoreError
    from metrics.summary import SummaryUnavailable, summary_png

    lang = args.lang or "zh"
    period, problem = cli_view.period_option(args.period, lang)
    if problem:
        return cli_view.fail(problem)
    kind = args.kind or push.robot_kind(args.webhook)
    if kind is None or not args.webhook.startswith(("http://", "https://")):
        key = "bad_url" if not args.webhook.startswith(("http://", "https://")) else "unknown_kind"
        return cli_view.fail(_t("failed", lang).format(reason=push._error(key, url=args.webhook).message(lang)))
    problem = cli_view.missing_database(args.db, lang)
    if problem:
        return cli_view.fail(problem)
    try:
        store = Store(args.db)
        parks = cli_view.canonical_parks(store, args.park)
        f = queries.Filters(period=period, parks=parks)
        if f.period is None:
            f = replace(f, period=queries.default_period(queries.period_coverage(store)))
        text = briefing(store, f, lang)
        png = None
        if kind == "wecom" and not args.no_image:  # a DingTalk robot takes no image upload (see metrics.push)
            try:
                png = summary_png(store, lang, f.period, parks)
            except SummaryUnavailable as exc:
                print(_t("no_image", lang).format(reason=exc.message(lang)), file=sys.stderr)
        secret = os.environ.get(SECRET_ENV)
        sent = push.push(args.webhook, kind, text, png, secret=secret, image_url=args.image_url, dry_run=args.dry_run)
    except push.PushError as exc:
        return cli_view.fail(_t("failed", lang).format(reason=exc.message(lang)))
    except StoreError as exc:
        return cli_view.fail(_t("failed", lang).format(reason=exc.message(lang)))
    if args.dry_run:
        print(_t("dry_run", lang).format(kind=kind))
        for message in sent:
            print(json.dumps(message.shown(), ensure_ascii=False, indent=2))
    else:
        print(_t("sent", lang).format(n=len(sent), kind=kind))
    return 0
