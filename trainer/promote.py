"""`trainer promote` and `trainer rollback`: change the live model, safely.

Promote refuses a candidate that the held-out evaluation shows to be worse
(trainer/gate.py) unless forced. Forcing needs a non-blank reason and a known
trainer (TRAINERS / TRAINER_IDS, trainer/settings.py) as `by`. Every promote
and rollback is appended to the audit log (trainer/audit.py) with who, when and
why. The state (var/trainer/state.json) changes only after the running servers
were switched successfully.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from trainer import audit
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


def _check_force(by: str, why: str | None, trainers: frozenset[str]) -> None:
    if not (why or "").strip():
        raise Refused("a forced promotion needs --why TEXT (it is recorded) / 强制上线请写明原因")
    if not trainers:
        raise Refused(
            "nobody may force a promotion: set TRAINERS=name1,name2 (or TRAINER_IDS) / 未配置可强制上线的训练员"
        )
    if by not in trainers:
        raise Refused(f"'{by}' is not a known trainer (TRAINERS / TRAINER_IDS) / 不是已登记的训练员")


def promote(
    project: Project, *, force: bool, by: str, why: str | None, trainers: frozenset[str] = frozenset()
) -> tuple[Switch, list[str]]:
    """Puts the candidate live; returns the switch and the gate reasons that were overridden."""
    why = (why or "").strip() or None
    if force:
        _check_force(by, why, trainers)  # before anything else: a refused force changes nothing
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
    switch = switch_to(project, candidate)
    if state.live:
        state.history.append(state.live)
    previous, state.live = state.live, state.candidate
    entry = audit.record(
        project.trainer_dir,
        action="promote",
        model=state.live,
        previous=previous,
        by=by,
        why=why,
        forced=bool(force and reasons),
        overridden=reasons if force else [],
        switch=switch.mode,
    )
    state.promotions.append({**entry, "switch": asdict(switch)})
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
    entry = audit.record(
        project.trainer_dir,
        action="rollback",
        model=state.live,
        previous=previous,
        by=by,
        why=(why or "").strip() or None,
        forced=False,
        switch=switch.mode,
    )
    state.promotions.append({**entry, "switch": asdict(switch)})
    st.save(project.trainer_dir, state)
    return switch
