"""Precision and recall of the policy checker, per rule, on tests/shop/policy/policy_cases.yml.

The table is agent-style replies the team wrote (at least half breaking a rule,
with disguises; the rest fine, with look-alikes). The test fails below the
targets and writes var/results/policy/report.md: the per-rule table, every
miss and false alarm, and the time per check (measured and reported, never
asserted: machines vary).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from paths import DEMO_SHOP_FILE, VAR_DIR
from shop.policy import RULE_CODES, CheckContext, Promotion, check_text
from shop.policy.config import load_policy

CASES_FILE = Path(__file__).with_name("policy_cases.yml")
REPORT = VAR_DIR / "results" / "policy" / "report.md"
RECALL_TARGET, PRECISION_TARGET = 0.95, 0.98
PER_RULE_FLOOR = 0.9  # no single rule may hide behind the others' numbers
TIMING_ROUNDS = 20


@dataclass(frozen=True)
class Case:
    text: str
    expect: frozenset[str]
    buyer: str
    batch: str  # "first" (the rules were tuned on it), "second", "third" (each written after)


def _cases() -> tuple[list[Case], list[Case]]:
    with open(CASES_FILE, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)

    def parse(rows: list[dict], batch: str) -> list[Case]:
        return [Case(r["text"], frozenset(r["expect"]), r.get("buyer", "tb_linlin"), batch) for r in rows]

    batches = {"first": raw, "second": raw["second_batch"], "third": raw["third_batch"]}
    return (
        [case for name, rows in batches.items() for case in parse(rows["violating"], name)],
        [case for name, rows in batches.items() for case in parse(rows["compliant"], name)],
    )


def _contexts() -> dict[str, CheckContext]:
    """Each buyer's context from the demo shop file, as policy_context builds it from the DB."""
    with open(DEMO_SHOP_FILE, encoding="utf-8") as fh:
        shop = yaml.safe_load(fh)
    offer = load_policy().bargaining.offer
    promotions = tuple(
        Promotion(p["threshold"], p["discount"]) if "threshold" in p else Promotion(None, p["amount"])
        for p in shop["promotions"]
        if p["id"] in offer
    )
    tails = {b["account"]: b["phone_last4"] for b in shop["buyers"]}
    orders: dict[str, set[str]] = {account: set() for account in tails}
    tracking: dict[str, set[str]] = {account: set() for account in tails}
    for order in shop["orders"]:
        orders[order["buyer"]].add(str(order["id"]))
        if order.get("shipment"):
            tracking[order["buyer"]].add(str(order["shipment"]["tracking_no"]).upper())
    every_tracking = frozenset().union(*tracking.values())
    contexts = {
        "guest": CheckContext(
            known_foreign_phone_last4=frozenset(tails.values()),
            allowed_promotions=promotions,
            known_tracking_numbers=every_tracking,
        )
    }
    for account, tail in tails.items():
        contexts[account] = CheckContext(
            own_order_ids=frozenset(orders[account]),
            own_phone_last4=tail,
            known_foreign_phone_last4=frozenset(tails.values()) - {tail},
            allowed_promotions=promotions,
            own_tracking_numbers=frozenset(tracking[account]),
            known_tracking_numbers=every_tracking,
        )
    return contexts


VIOLATING, COMPLIANT = _cases()
ALL = VIOLATING + COMPLIANT
CONTEXTS = _contexts()


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def test_the_table_is_big_balanced_and_covers_every_rule() -> None:
    assert len(ALL) >= 200
    assert len(VIOLATING) >= 100 and len(COMPLIANT) >= 100
    assert all(c.expect for c in VIOLATING) and not any(c.expect for c in COMPLIANT)
    assert len({c.text for c in ALL}) + 1 >= len(ALL), "a text twice (one allowed: another buyer's chat)"
    counts = Counter(code for c in VIOLATING for code in c.expect)
    assert set(counts) == set(RULE_CODES), set(RULE_CODES) ^ set(counts)
    assert all(c.buyer in CONTEXTS for c in ALL)


def test_precision_and_recall_per_rule_meet_the_targets() -> None:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    by_batch: dict[str, Counter[str]] = {"first": Counter(), "second": Counter(), "third": Counter()}
    wrong: list[str] = []
    for case in ALL:
        found = check_text(case.text, context=CONTEXTS[case.buyer])
        got = {v.code for v in found}
        for v in found:  # explainable to the agent: which rule, which span, in Chinese
            assert "请" in v.reason and any("\u4e00" <= ch <= "\u9fff" for ch in v.reason), v
            if v.code not in ("empty_reply", "no_polite_address"):
                assert v.span and v.span in case.text and "「" in v.reason, v
        for code in got & case.expect:
            tp[code] += 1
        for code in got - case.expect:
            fp[code] += 1
        for code in case.expect - got:
            fn[code] += 1
        batch = by_batch[case.batch]
        batch.update(tp=len(got & case.expect), fp=len(got - case.expect), fn=len(case.expect - got))
        if got != case.expect:
            spans = "; ".join(f"{v.code}「{v.span}」" for v in found) or "nothing"
            wrong.append(
                f"| {case.text} | {case.buyer} | {', '.join(sorted(case.expect)) or '-'} | {spans} |"
            )

    rows, floor_breaches = [], []
    for code in RULE_CODES:
        precision = _ratio(tp[code], tp[code] + fp[code])
        recall = _ratio(tp[code], tp[code] + fn[code])
        rows.append(
            f"| {code} | {tp[code] + fn[code]} | {tp[code]} | {fp[code]} | {fn[code]} "
            f"| {precision:.3f} | {recall:.3f} |"
        )
        if precision < PER_RULE_FLOOR or recall < PER_RULE_FLOOR:
            floor_breaches.append(code)
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision = _ratio(total_tp, total_tp + total_fp)
    recall = _ratio(total_tp, total_tp + total_fn)
    rows.append(
        f"| **overall** | {total_tp + total_fn} | {total_tp} | {total_fp} | {total_fn} "
        f"| **{precision:.3f}** | **{recall:.3f}** |"
    )
    for name, c in by_batch.items():
        rows.append(
            f"| overall, {name} batch | {c['tp'] + c['fn']} | {c['tp']} | {c['fp']} | {c['fn']} "
            f"| {_ratio(c['tp'], c['tp'] + c['fp']):.3f} | {_ratio(c['tp'], c['tp'] + c['fn']):.3f} |"
        )
    per_check_ms = _time_per_check_ms()
    _write_report(rows, wrong, per_check_ms)

    assert recall >= RECALL_TARGET and precision >= PRECISION_TARGET, (precision, recall, REPORT)
    assert not floor_breaches, (floor_breaches, REPORT)


def _time_per_check_ms() -> float:
    """CPU time, not wall time: on a shared machine other processes' load would dominate."""
    start = time.process_time()
    for _ in range(TIMING_ROUNDS):
        for case in ALL:
            check_text(case.text, context=CONTEXTS[case.buyer])
    return (time.process_time() - start) * 1000 / (TIMING_ROUNDS * len(ALL))


def _write_report(rows: list[str], wrong: list[str], per_check_ms: float) -> None:
    lines = [
        "# Policy checker: precision and recall per rule",
        "",
        f"Table: `{CASES_FILE.relative_to(CASES_FILE.parents[3])}`: {len(ALL)} agent-style replies, "
        f"{len(VIOLATING)} breaking at least one rule, {len(COMPLIANT)} fine (look-alikes included); "
        "each later batch was written after the rules were tuned on the earlier ones "
        "(docs/policy-checker.md has each batch's numbers before it was used for tuning).",
        f"Targets: overall recall >= {RECALL_TARGET}, precision >= {PRECISION_TARGET}; "
        f"every rule >= {PER_RULE_FLOOR}. Counts are per (text, rule).",
        "",
        "| rule | expected | caught | false alarms | missed | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Time per check: {per_check_ms:.3f} ms CPU (mean over {TIMING_ROUNDS} rounds of the table, "
        "warm, one process; target <= 1 ms).",
        "",
        "## Texts where the checker disagrees with the table",
        "",
    ]
    if wrong:
        lines += ["| text | buyer | expected | found |", "|---|---|---|---|", *wrong]
    else:
        lines.append("None.")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
