"""`trainer promote` and `trainer rollback`: change the live model, safely.

Promote refuses a candidate that the held-out evaluation shows to be worse
(trainer/gate.py) unless forced; a forced promotion is recorded with who and
why. The state (var/trainer/state.json) changes only after the running servers
were switched successfully.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from trainer import state as st
from trainer.bluegreen import Switch, switch_to
from trainer.evaluation import evaluate, load_last, resolve
from trainer.settings import Project


class Refused(Exception):
    """The promotion was refused; the message says why and how to force it."""


def _fresh_comparison(project: Project, state: st.State) -> dict[str, Any]:
    last = load_last(project)
    if last and last.get("candidate") == state.candidate and last.get("live") == state.live:
        return last
    return evaluate(project)  # stale or missing: the gate needs these two models' scores


def promote(project: Project, *, force: bool, by: str, why: str | None) -> tuple[Switch, list[str]]:
    """Puts the candidate live; returns the switch and the gate reasons that were overridden."""
    state = st.load(project.trainer_dir)
    candidate = resolve(project, state.candidate)
    if candidate is None or not candidate.exists():
        raise Refused("there is no candidate model: run './trainer.sh train' first")
    if state.candidate == state.live:
        raise Refused("the candidate is already live / 候选模型已经在线上")
    # Nothing live yet: nothing it could be worse than, so no evaluation is needed.
    reasons = _fresh_comparison(project, state).get("refused_because") or [] if state.live else []
    if reasons and not force:
        raise Refused(
            "the candidate is worse than the live model / 候选模型比线上差:\n  - "
            + "\n  - ".join(reasons)
            + "\nFix the data and train again, or: ./trainer.sh promote --force --by NAME --why TEXT"
        )
    if force and not why:
        raise Refused("a forced promotion needs --why TEXT (it is recorded) / 强制上线请写明原因")
    switch = switch_to(project, candidate)
    if state.live:
        state.history.append(state.live)
    previous, state.live = state.live, state.candidate
    state.promotions.append(
        {
            "action": "promote",
            "model": state.live,
            "previous": previous,
            "at": st.now_iso(),
            "by": by,
            "why": why,
            "forced": bool(force and reasons),
            "overridden": reasons if force else [],
            "switch": asdict(switch),
        }
    )
    st.save(project.trainer_dir, state)
    return switch, reasons


def rollback(project: Project, *, by: str, why: str | None) -> Switch:
    """Back to the model that was live before the current one."""
    state = st.load(project.trainer_dir)
    if not state.history:
        raise Refused("there is no earlier live model to go back to / 没有可回退的模型")
    target = resolve(project, state.history[-1])
    if target is None or not target.exists():
        raise Refused(f"the earlier model {state.history[-1]} no longer exists")
    switch = switch_to(project, target)
    previous, state.live = state.live, state.history.pop()
    state.promotions.append(
        {
            "action": "rollback",
            "model": state.live,
            "previous": previous,
            "at": st.now_iso(),
            "by": by,
            "why": why,
            "forced": False,
            "switch": asdict(switch),
        }
    )
    st.save(project.trainer_dir, state)
    return switch
