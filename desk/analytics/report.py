"""The owner's numbers as lines of Chinese text (the CLI prints them; wording in responses/owner.yml)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from desk.analytics.apply import ThresholdChange
from desk.analytics.dashboard import Dashboard
from desk.analytics.handoffs import HandoffReason
from desk.analytics.period import Period
from desk.analytics.texts import label, text
from desk.analytics.thresholds import ALWAYS_AGENT, NEVER, NOT_ENOUGH, Proposal
from desk.routing import IntentRoute


def percent(value: float | None) -> str:
    return text("dashboard.none") if value is None else f"{100 * value:.1f}%"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return text("dashboard.none")
    if seconds < 120:
        return text("dashboard.seconds", value=seconds)
    return text("dashboard.minutes", value=seconds / 60)


def _period_fields(period: Period) -> dict[str, str]:
    last = period.local(period.end - timedelta(microseconds=1))
    return {
        "start": period.local(period.start).strftime("%Y-%m-%d %H:%M"),
        "end": last.strftime("%Y-%m-%d %H:%M"),
        "timezone": period.timezone,
    }


def handoff_label(reason: HandoffReason) -> str:
    name = label("route_codes", reason.code)
    return f"{name}：{label('handoff_reasons', reason.detail)}" if reason.detail else name


def dashboard_lines(board: Dashboard, *, response_minutes: float) -> list[str]:
    """Every dashboard number, one block per figure."""
    lines = [text("dashboard.title", **_period_fields(board.period))]
    volume = board.volume
    lines.append(text("dashboard.volume", total=volume.total))
    lines += [text("dashboard.per_day", day=day.isoformat(), count=count) for day, count in volume.per_day]
    if volume.total:
        hours = sorted(range(24), key=lambda h: (-volume.by_hour_of_day[h], h))[:3]
        busiest = "、".join(text("dashboard.hour", hour=h, count=volume.by_hour_of_day[h]) for h in hours)
        lines.append(text("dashboard.busiest_hours", hours=busiest))
    auto = board.automation
    lines.append(
        text(
            "dashboard.automation",
            auto_sent=auto.auto_sent,
            drafts=auto.drafts,
            rate=percent(auto.rate),
            agent_sent=auto.agent_sent,
            rejected=auto.rejected,
            superseded=auto.superseded,
            waiting=auto.waiting,
        )
    )
    lines.append(text("dashboard.decisions_header"))
    for row in board.decisions:
        lines.append(
            text(
                "dashboard.decisions_row",
                intent=row.intent,
                decided=row.decided,
                unchanged=f"{row.counts['unchanged']}（{percent(row.rate('unchanged'))}）",
                edited=f"{row.counts['edited']}（{percent(row.rate('edited'))}）",
                rejected=f"{row.counts['rejected']}（{percent(row.rate('rejected'))}）",
            )
        )
    if not board.decisions:
        lines.append(text("dashboard.nothing"))
    first = board.first_response
    lines.append(text("dashboard.first_response", p50=duration(first.p50), p90=duration(first.p90)))
    lines.append(
        text(
            "dashboard.within_rule",
            minutes=f"{response_minutes:g}",
            within=first.within_rule,
            judged=len(first.answered_seconds) + first.unanswered,
            share=percent(first.share_within_rule),
            unanswered=first.unanswered,
            still_open=first.still_open,
        )
    )
    lines.append(text("dashboard.handoffs_header"))
    lines += [text("dashboard.handoff_row", label=handoff_label(r), count=r.count) for r in board.handoffs]
    if not board.handoffs:
        lines.append(text("dashboard.nothing"))
    return lines


def route_words(route: IntentRoute) -> str:
    if not route.auto_send:
        return text("thresholds.current_off")
    if route.max_grievance < 1.0:
        words = text(
            "thresholds.current_auto_capped", threshold=route.threshold, max_grievance=route.max_grievance
        )
    else:
        words = text("thresholds.current_auto", threshold=route.threshold)
    if route.max_tone < 1.0:
        words += text("thresholds.tone_capped", max_tone=route.max_tone)
    return words


def proposal_lines(
    proposals: list[Proposal], period: Period, *, precision: float, min_decisions: int, bands: bool = True
) -> list[str]:
    """Each intent's proposal and, under it, its confidence bands."""
    lines = [
        text(
            "thresholds.header",
            **_period_fields(period),
            precision=percent(precision),
            min_decisions=min_decisions,
        )
    ]
    for p in proposals:
        fields = {"intent": p.intent, "current": route_words(p.current), "decisions": p.decisions}
        if p.status == ALWAYS_AGENT:
            lines.append(text("thresholds.row_always_agent", **fields))
            continue
        if p.status == NOT_ENOUGH:
            lines.append(text("thresholds.row_not_enough", **fields, min_decisions=min_decisions))
        elif p.status == NEVER:
            lines.append(text("thresholds.row_never", **fields))
        else:
            lines.append(
                text(
                    "thresholds.row_proposed",
                    **fields,
                    threshold=p.threshold,
                    precision=percent(p.precision),
                    coverage=percent(p.coverage),
                )
            )
        if p.applicable and not p.changes:
            lines[-1] += text("thresholds.same")
        if bands:
            lines += [
                text("thresholds.bands", low=b.low, high=b.high, decided=b.decided, unchanged=b.unchanged)
                for b in p.bands
                if b.decided
            ]
    return lines


def _clock(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _route_of(auto_send: bool, threshold: float) -> str:
    return route_words(IntentRoute(auto_send, threshold))


def applied_line(change: ThresholdChange, timezone: str) -> str:
    return text(
        "thresholds.applied",
        intent=change.intent,
        old=_route_of(change.old_auto_send, change.old_threshold),
        new=_route_of(change.new_auto_send, change.new_threshold),
        by=change.applied_by,
        at=_clock(change.applied_at, timezone),
    )


def history_lines(changes: list[ThresholdChange], timezone: str) -> list[str]:
    lines = [text("thresholds.history_header")]
    for change in changes:
        lines.append(
            text(
                "thresholds.history_row",
                at=_clock(change.applied_at, timezone),
                intent=change.intent,
                old=_route_of(change.old_auto_send, change.old_threshold),
                new=_route_of(change.new_auto_send, change.new_threshold),
                by=change.applied_by,
            )
        )
    if not changes:
        lines.append(text("dashboard.nothing"))
    return lines
