"""`./trainer.sh` / `python -m trainer`: the trainers' commands, in plain words.

Every command prints what it did and, on a refusal, why and what to do next;
the exit status is 0 on success, 1 on a refusal or error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timezone

from shop.db.errors import ShopError
from trainer import audit
from trainer import state as st
from trainer.bluegreen import Switch
from trainer.settings import Project, database_url, known_trainers, load_project, trainer_name

HELP = """\
Improve the shop assistant's understanding without editing files.
不用改文件，也能教会客服机器人听懂顾客。

Usual round / 常规流程:
  ./trainer.sh inbox                 see messages the assistant got wrong / 查看没听懂的消息
  ./trainer.sh label 12 ask_size     file message #12 under an intent / 把第12条归到某个意图
  ./trainer.sh add "能便宜点吗" bargain   add a new way of saying it / 添加新说法
  ./trainer.sh train                 train a new candidate model / 训练候选模型
  ./trainer.sh evaluate              compare candidate and live model / 对比候选和线上模型
  ./trainer.sh promote               put the candidate live (refused if worse) / 上线（变差会被拒绝）
  ./trainer.sh rollback              go back to the previous model / 回退到上一个模型
  ./trainer.sh status                what is live, what is waiting / 当前状态
  ./trainer.sh history               who promoted or rolled back, when, why / 上线记录
"""


def _date(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("use a date like 2026-11-22 / 日期格式如 2026-11-22") from exc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="trainer", description=HELP, formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--project", help="project folder (default: TRAINER_PROJECT or this checkout)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("inbox", help="messages that need a trainer / 待处理消息")
    c.add_argument(
        "--reason", choices=["rejected", "edited", "low_confidence", "unhandled"], help="only this reason"
    )
    c.add_argument("--intent", help="only messages the model or the agent put under this intent")
    c.add_argument("--since", type=_date, metavar="DATE", help="only messages since DATE (2026-11-22)")
    c.add_argument("--all", action="store_true", help="also labelled and ignored ones / 包括已处理的")

    c = sub.add_parser("label", help="file an inbox message under an intent / 给消息归类")
    c.add_argument("id", type=int, help="the message number shown by 'inbox' (#12 → 12)")
    c.add_argument("intent", nargs="?", help="the intent (default: the one the agent picked)")

    c = sub.add_parser("ignore", help="drop a message from the inbox, learn nothing / 忽略")
    c.add_argument("id", type=int)

    c = sub.add_parser("add", help="add a new way of saying something / 添加新说法")
    c.add_argument("text", help='the phrasing, in quotes: "能便宜点吗"')
    c.add_argument("intent", help="the intent it belongs to")

    sub.add_parser("train", help="train a candidate model (not live yet) / 训练候选模型")
    sub.add_parser("evaluate", help="candidate vs live model on the test set / 对比评估")

    c = sub.add_parser("promote", help="put the candidate live, no pause / 候选模型上线")
    c.add_argument("--force", action="store_true", help="promote even if the evaluation says it is worse")
    c.add_argument(
        "--by", help="who decides (recorded; default: your user name; with --force a name in TRAINERS)"
    )
    c.add_argument("--why", help="why (recorded; required with --force)")

    c = sub.add_parser("rollback", help="go back to the previous live model / 回退")
    c.add_argument("--by")
    c.add_argument("--why")

    sub.add_parser("status", help="live model, candidate, last evaluation / 当前状态")
    sub.add_parser("history", help="every promote and rollback: who, when, why / 上线记录")
    return p


def _status(project: Project) -> str:
    from trainer.evaluation import load_last

    state = st.load(project.trainer_dir)
    lines = [
        f"live model / 线上模型:    {state.live or '— (the model trained from the current data)'}",
        f"candidate / 候选模型:     {state.candidate or '— (run ./trainer.sh train)'}",
    ]
    if state.candidate and state.candidate == state.live:
        lines.append("  (the candidate is live)")
    last = load_last(project)
    if last:
        cand = last["models"]["candidate"]["macro_f1"]
        live = last["models"].get("live", {}).get("macro_f1")
        versus = f" vs live {live:.3f}" if live is not None else ""
        stale = "" if last.get("candidate") == state.candidate else " (for an older candidate)"
        verdict = (
            "refused: " + "; ".join(last["refused_because"]) if last["refused_because"] else "may be promoted"
        )
        lines.append(
            f"last evaluation / 上次评估: {last['at']}{stale}: macro-F1 {cand:.3f}{versus}; {verdict}"
        )
    changes = audit.entries(project.trainer_dir)
    if changes:
        lines.append(f"last change / 上次变更:   {audit.render_entry(changes[-1])}")
        lines.append("  (all changes / 全部记录: ./trainer.sh history)")
    upstream = project.run_dir / "upstream.json"
    if upstream.exists():
        lines.append(f"serving / 服务中:         {json.loads(upstream.read_text())['urls']}")
    return "\n".join(lines)


def run(args: argparse.Namespace, project: Project) -> int:
    from trainer import labelling, promote, training

    who = getattr(args, "by", None) or trainer_name()
    if args.command == "inbox":
        from trainer.inbox import render

        status = None if args.all else "new"
        rows = labelling.inbox(
            database_url(project), reason=args.reason, intent=args.intent, since=args.since, status=status
        )
        print(render(rows))
    elif args.command in ("label", "add"):
        if args.command == "label":
            intent = args.intent
            if intent is None:
                from desk.inbox import get_item
                from shop.db.engine import session_scope

                with session_scope(database_url(project)) as s:
                    intent = get_item(args.id, session=s).agent_intent
                if not intent:
                    print(
                        "no agent pick for this message: say the intent, e.g. ./trainer.sh label 12 ask_size"
                    )
                    return 1
            written = labelling.label(project, database_url(project), args.id, intent, by=who)
        else:
            written = labelling.add(project, args.text, args.intent, by=who)
        print(f"added to {written.file.relative_to(project.root)} line {written.line}: {written.text}")
        if written.changed:
            print("  (line breaks joined with a space / brackets written full-width / spaces trimmed)")
        print("next / 下一步: ./trainer.sh train")
    elif args.command == "ignore":
        labelling.ignore(database_url(project), args.id)
        print(f"#{args.id} ignored / 已忽略")
    elif args.command == "train":
        model = training.train(project)
        print(f"candidate / 候选模型: {training.relative(project, model)}")
        print("next / 下一步: ./trainer.sh evaluate")
    elif args.command == "evaluate":
        from trainer.evaluation import evaluate, render

        print("evaluating candidate and live model (a minute or two) / 评估中…", file=sys.stderr)
        print(render(evaluate(project, on_progress=lambda line: print(f"  {line}", file=sys.stderr))))
    elif args.command == "promote":
        switch, overridden = promote.promote(
            project, force=args.force, by=who, why=args.why, trainers=known_trainers()
        )
        print(_switch_text(switch))
        if overridden:
            print("FORCED past / 强制通过: " + "; ".join(overridden))
    elif args.command == "rollback":
        print(_switch_text(promote.rollback(project, by=who, why=args.why)))
    elif args.command == "status":
        print(_status(project))
    elif args.command == "history":
        print(audit.render(audit.entries(project.trainer_dir)))
    return 0


def _switch_text(s: Switch) -> str:
    if s.mode == "state-only":
        return f"done / 完成: {s.note}"
    return (
        f"live / 已上线: {s.new_urls} replaced {s.old_urls}; new server ready in {s.start_s:.1f} s, "
        f"switch {s.switch_s * 1000:.1f} ms, old server drained in {s.drain_s:.1f} s, total {s.total_s:.1f} s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help()  # `./trainer.sh` alone: what it can do, not an argparse error
        return 0
    args = parser.parse_args(argv)
    project = load_project(args.project)
    from trainer.nludata import Refused as DataRefused
    from trainer.promote import Refused

    try:
        return run(args, project)
    except (DataRefused, Refused, ShopError, RuntimeError) as exc:
        print(f"not done / 未完成: {exc}", file=sys.stderr)
        if args.command == "label" and "already" in str(exc):
            print(f"to clear it from the inbox / 清出收件箱: ./trainer.sh ignore {args.id}", file=sys.stderr)
        return 1
