"""The owner's numbers in a terminal, before (or beside) the web console.

    python -m desk.analytics [--days 7]                 the dashboard of the last days
    python -m desk.analytics --from 2026-11-01 [--to 2026-11-30]   ... of chosen days (shop time)
    python -m desk.analytics --thresholds [--days 30]    auto-send thresholds proposed from agents' decisions
    python -m desk.analytics --apply INTENT [--by NAME]  write one proposal into routing.yml (recorded)
    python -m desk.analytics --history                   the threshold changes applied so far

The database is DATABASE_URL (default var/shop.db); the routing file ROUTING_FILE
(default responses/routing.yml), whose timezone and response_minutes the numbers use.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from desk.analytics.apply import NotApplicable, apply_proposal, threshold_history
from desk.analytics.dashboard import dashboard
from desk.analytics.period import Period
from desk.analytics.report import applied_line, dashboard_lines, history_lines, proposal_lines
from desk.analytics.texts import text
from desk.analytics.thresholds import MIN_DECISIONS, TARGET_PRECISION, proposals
from desk.routing import load_routing
from shop.db.engine import make_engine
from shop.models import utcnow
from stack.settings import load_settings

DASHBOARD_DAYS, THRESHOLD_DAYS = 7, 30


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desk.analytics", description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--thresholds", action="store_true", help="propose auto-send thresholds")
    what.add_argument("--apply", metavar="INTENT", help="apply the proposal for INTENT to the routing file")
    what.add_argument("--history", action="store_true", help="threshold changes applied so far")
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        help=f"today and the days before it (default {DASHBOARD_DAYS}; {THRESHOLD_DAYS} for thresholds)",
    )
    parser.add_argument(
        "--from", dest="first", type=date.fromisoformat, help="first day YYYY-MM-DD (shop time)"
    )
    parser.add_argument(
        "--to", dest="last", type=date.fromisoformat, help="last day YYYY-MM-DD (default today)"
    )
    parser.add_argument("--by", default=None, help="who applies (default: cli:<login name>)")
    parser.add_argument("--precision", type=float, default=TARGET_PRECISION)
    parser.add_argument("--min-decisions", type=int, default=MIN_DECISIONS)
    args = parser.parse_args(argv)
    if args.days is not None and args.days < 1:
        parser.error("--days must be 1 or more")

    settings = load_settings()
    routing = load_routing(settings.routing_file)
    now = utcnow()
    default_days = DASHBOARD_DAYS if not (args.thresholds or args.apply) else THRESHOLD_DAYS
    if args.first is not None:
        last = args.last or now.astimezone(ZoneInfo(routing.timezone)).date()
        if last < args.first:
            parser.error("--to is before --from")
        period = Period.between(args.first, last, timezone=routing.timezone)
    else:
        period = Period.last_days(args.days or default_days, now=now, timezone=routing.timezone)
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        if args.history:
            lines = history_lines(threshold_history(session=session), routing.timezone)
        elif args.thresholds or args.apply:
            found = proposals(
                session=session,
                period=period,
                routing=routing,
                precision=args.precision,
                min_decisions=args.min_decisions,
            )
            if not args.apply:
                lines = proposal_lines(
                    found, period, precision=args.precision, min_decisions=args.min_decisions
                )
            else:
                chosen = next((p for p in found if p.intent == args.apply), None)
                if chosen is None:
                    print(
                        text("thresholds.not_applicable.unknown_intent", intent=args.apply), file=sys.stderr
                    )
                    return 2
                try:
                    change = apply_proposal(
                        chosen,
                        routing_file=settings.routing_file,
                        applied_by=args.by or f"cli:{getpass.getuser()}",
                        period=period,
                        session=session,
                        now=now,
                    )
                except NotApplicable as refused:
                    print(
                        text(f"thresholds.not_applicable.{refused.code}", intent=args.apply), file=sys.stderr
                    )
                    return 1
                session.commit()
                lines = [applied_line(change, routing.timezone)]
        else:
            board = dashboard(session=session, period=period, routing=routing, now=now)
            lines = dashboard_lines(board, response_minutes=routing.response_minutes)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
