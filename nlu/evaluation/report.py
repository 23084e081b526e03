"""Render the evaluation report: Markdown tables and confusion-matrix PNGs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlu.evaluation.metrics import confusion_text, top_confusions

# Axis words: Chinese beside the English when a CJK font can draw it (chart_font), else English only.
AXES = {
    "predicted": ("predicted (served)", "预测意图 predicted (served)"),
    "gold": ("gold", "正确意图 gold"),
    "change": ("candidate − live: green better, red worse", "候选 − 线上：绿色变好，红色变差"),
}


def _words(key: str) -> str:
    from chart_font import cjk_font

    english, chinese = AXES[key]
    return chinese if cjk_font() else english


def _heat_map(labels: list[str], matrix: list[list[int]], path: Path, title: str, colours: Any) -> None:
    """A labelled grid of counts (rows gold, columns predicted), cell colours from `colours(i, j, value)`."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and CI
    import matplotlib.pyplot as plt

    _words("gold")  # the CJK font (if any) before any text is made
    fig, ax = plt.subplots(figsize=(10, 9))
    ax.imshow(
        [[colours(i, j, v) for j, v in enumerate(row)] for i, row in enumerate(matrix)], **colours.style
    )
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels)
    ax.set_xlabel(_words("predicted"))
    ax.set_ylabel(_words("gold"))
    ax.set_title(title)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value:
                ax.text(
                    j,
                    i,
                    colours.label(value),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=colours.ink(i, j, value),
                )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


class _Counts:
    """Blues by count, as `make evaluate` always drew them."""

    style = {"cmap": "Blues"}

    def __init__(self, matrix: list[list[int]]) -> None:
        self.peak = max((v for row in matrix for v in row), default=0)

    def __call__(self, i: int, j: int, value: int) -> float:
        return value

    def label(self, value: int) -> str:
        return str(value)

    def ink(self, i: int, j: int, value: int) -> str:
        return "white" if value > self.peak / 2 else "black"


class _Changes:
    """Green where the candidate is better (more right on the diagonal, fewer confusions off it), red worse."""

    def __init__(self, matrix: list[list[int]]) -> None:
        peak = max((abs(v) for row in matrix for v in row), default=0) or 1
        self.style = {"cmap": "RdYlGn", "vmin": -peak, "vmax": peak}

    def __call__(self, i: int, j: int, value: int) -> float:
        if not value:
            return float("nan")  # drawn blank: only the changed cells catch the eye
        return value if i == j else -value

    def label(self, value: int) -> str:
        return f"{value:+d}"

    def ink(self, i: int, j: int, value: int) -> str:
        return "black"


def write_confusion_png(table: dict[str, Any], path: Path, title: str) -> None:
    """A heat map of the confusion matrix (rows gold, columns predicted)."""
    _heat_map(table["labels"], table["matrix"], path, f"intent confusion: {title}", _Counts(table["matrix"]))


def change_table(candidate: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    """Candidate minus live, cell by cell, over both tables' labels."""
    labels = sorted(set(candidate["labels"]) | set(live["labels"]))

    def cell(table: dict[str, Any], gold: str, predicted: str) -> int:
        index = {label: n for n, label in enumerate(table["labels"])}
        if gold not in index or predicted not in index:
            return 0
        return table["matrix"][index[gold]][index[predicted]]

    matrix = [[cell(candidate, g, p) - cell(live, g, p) for p in labels] for g in labels]
    return {"labels": labels, "matrix": matrix}


def write_change_png(candidate: dict[str, Any], live: dict[str, Any], path: Path, title: str) -> None:
    """The confusion cells that changed from the live model to the candidate (unchanged cells blank)."""
    table = change_table(candidate, live)
    _heat_map(
        table["labels"], table["matrix"], path, f"{title}: {_words('change')}", _Changes(table["matrix"])
    )


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def _summary_rows(report: dict[str, Any]) -> list[str]:
    rows = [
        "| pipeline | held-out macro-F1 | accuracy | Traditional macro-F1 | CV macro-F1 (pooled) "
        "| CV fold mean ± sd | latency p50 / p95 ms | fallbacks (wrong anyway) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, result in report["pipelines"].items():
        held, trad = result["heldout"], result["heldout_traditional"]
        cv = result.get("cross_validation")
        cv_cells = (
            f"{_pct(cv['intent']['macro_f1'])} | {_pct(cv['fold_macro_f1_mean'])} ± {_pct(cv['fold_macro_f1_std'])}"
            if cv
            else "skipped | skipped"
        )
        lat = held.get("latency_ms", {})
        rows.append(
            f"| {name} | {_pct(held['intent']['macro_f1'])} | {_pct(held['intent']['accuracy'])} "
            f"| {_pct(trad['intent']['macro_f1'])} | {cv_cells} "
            f"| {lat.get('p50', 0):.1f} / {lat.get('p95', 0):.1f} "
            f"| {held['fallbacks']['count']} ({held['fallbacks']['classifier_wrong']}) |"
        )
    return rows


def _mean(values: list[float]) -> str:
    return f"{sum(values) / len(values):.0f}" if values else "-"


def _training_rows(report: dict[str, Any]) -> list[str]:
    rows = [
        "| pipeline | project model: trained in this run? | wall s | CPU s | CV fold train wall s (mean) | CPU s (mean) |",
        "|---|---|---|---|---|---|",
    ]
    for name, result in report["pipelines"].items():
        t = result.get("training", {})
        cv = result.get("cross_validation") or {}
        walls, cpus = cv.get("fold_train_seconds") or [], cv.get("fold_train_cpu_seconds") or []
        note = "yes" if t.get("trained_now") else "no (cached; times are the look-up)"
        rows.append(
            f"| {name} | {note} | {t.get('wall_seconds', '-')} | {t.get('cpu_seconds', '-')} "
            f"| {_mean(walls)} | {_mean(cpus)} |"
        )
    return rows


def _per_intent_rows(report: dict[str, Any]) -> list[str]:
    names = list(report["pipelines"])
    rows = [
        "| intent | support | " + " | ".join(f"{n} P / R / F1" for n in names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    first = report["pipelines"][names[0]]["heldout"]["intent"]["per_intent"]
    for intent, row in first.items():
        cells = []
        for name in names:
            r = report["pipelines"][name]["heldout"]["intent"]["per_intent"][intent]
            cells.append(f"{_pct(r['precision'])} / {_pct(r['recall'])} / {_pct(r['f1'])}")
        rows.append(f"| {intent} | {row['support']} | " + " | ".join(cells) + " |")
    return rows


def _entity_rows(result: dict[str, Any], label: str) -> list[str]:
    rows = [
        f"| entity ({label}) | gold | predicted | value match | span match | exact recall | exact precision |",
        "|---|---|---|---|---|---|---|",
    ]
    entities = result["entities"]
    for name, r in [*entities["per_entity"].items(), ("**all**", entities["overall"])]:
        rows.append(
            f"| {name} | {r['gold']} | {r['predicted']} | {_pct(r['value_match'])} | {_pct(r['span_match'])} "
            f"| {_pct(r['exact_recall'])} | {_pct(r['exact_precision'])} |"
        )
    return rows


def _sweep_rows(sweep: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| threshold | fallbacks | of which wrong anyway | correct answers thrown away | served macro-F1 |",
        "|---|---|---|---|---|",
    ]
    for s in sweep:
        rows.append(
            f"| {s['threshold']:.2f} | {s['fallbacks']} | {s['fallbacks_wrong']} "
            f"| {s['correct_thrown_away']} | {_pct(s['served_macro_f1'])} |"
        )
    return rows


def autosend_rows(table: dict[str, Any]) -> list[str]:
    """Per intent acted on and overall: threshold, grievance and tone caps, auto-sent, coverage,
    wrong, harmful."""
    rows = [
        "| intent | threshold | grievance at most | tone at most | auto-sent | coverage % | wrong | wrong % "
        "| harmful |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for intent, r in table["per_intent"].items():
        caps = " | ".join(
            "-" if cap >= 1.0 else f"{cap:.2f}"
            for cap in (r.get("max_grievance", 1.0), r.get("max_tone", 1.0))
        )
        rows.append(
            f"| {intent} | {r['threshold']:.2f} | {caps} | {r['sent']} "
            f"| {_pct(r['coverage'])} | {r['wrong']} | {_pct(r['wrong_rate'])} | {r['harmful']} |"
        )
    o = table["overall"]
    rows.append(
        f"| **all** ({o['messages']} messages) | | | | {o['sent']} | {_pct(o['coverage'])} | {o['wrong']} "
        f"| {_pct(o['wrong_rate'])} | {o['harmful']} |"
    )
    if table.get("harmful_pairs"):
        rows += [
            "",
            "Harmful auto-sends (gold -> answered as): "
            + ", ".join(f"{pair}: {n}" for pair, n in table["harmful_pairs"].items()),
        ]
    return rows


def _labelled_lines(report: dict[str, Any]) -> list[str]:
    """The labelled file's section: summary per pipeline and half, then ours in detail."""
    first = next((r["labelled"] for r in report["pipelines"].values() if "labelled" in r), None)
    if first is None:
        return []
    name = Path(first["file"]).name
    lines = [
        "",
        f"## Labelled file: {first['file']} ({first['messages']} messages)",
        "",
        f"Halves by md5(text) % 2: analysis {first['analysis']['messages']}, check {first['check']['messages']}. "
        f"Large intents (>= {first['min_rows']} rows): {len(first['large_intents'])}; rows per intent: "
        + ", ".join(f"{k} {v}" for k, v in first["rows_per_intent"].items())
        + ".",
        "",
        f"| pipeline | part | messages | macro-F1, all intents | macro-F1, intents >= {first['min_rows']} rows "
        "| accuracy | auto-sent % | wrong among auto-sent % | harmful auto-sent |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for pipeline, result in report["pipelines"].items():
        labelled = result.get("labelled")
        if not labelled:
            continue
        for part in ("whole", "analysis", "check"):
            r = labelled[part]
            sent = (r.get("autosend") or {}).get("overall")
            cells = (
                f"{_pct(sent['coverage'])} | {_pct(sent['wrong_rate'])} | {sent['harmful']}"
                if sent
                else "– | – | –"
            )
            lines.append(
                f"| {pipeline} | {part} | {r['intent']['n']} | {_pct(r['macro_f1_all'])} | {_pct(r['macro_f1_large'])} "
                f"| {_pct(r['intent']['accuracy'])} | {cells} |"
            )
    ours = report["pipelines"].get("ours", {}).get("labelled")
    if ours:
        whole = ours["whole"]
        lines += ["", f"### Per-intent scores on {name} (ours, whole file)", ""]
        lines += ["| intent | support | P | R | F1 |", "|---|---|---|---|---|"]
        for intent, r in whole["intent"]["per_intent"].items():
            small = "" if intent in ours["large_intents"] else " (too few rows)"
            lines.append(
                f"| {intent}{small} | {r['support']} | {_pct(r['precision'])} | {_pct(r['recall'])} | {_pct(r['f1'])} |"
            )
        for part in ("whole", "analysis", "check"):
            if "autosend" in ours[part]:
                lines += ["", f"### Auto-send with responses/routing.yml's thresholds ({name}, {part})", ""]
                lines += autosend_rows(ours[part]["autosend"])
        lines += ["", f"Most frequent confusions on {name} (gold → served):"]
        lines += [f"- {g} → {p}: {n}" for g, p, n in top_confusions(whole["confusion"])] or ["- none"]
        lines += ["", "```", confusion_text(whole["confusion"]), "```"]
    return lines


def write_markdown(report: dict[str, Any]) -> str:
    """The whole report as Markdown (numbers in percent)."""
    lines = [
        "# NLU evaluation report",
        "",
        f"{report['date']}, {report['machine']['cpus']} CPUs; {report['heldout_messages']} held-out messages"
        + (f", {report['training_examples']} training examples" if "training_examples" in report else "")
        + ". Scores in %; the served intent counts nlu_fallback as out_of_scope.",
        "",
        *_summary_rows(report),
        "",
        "## Training time",
        "",
        *_training_rows(report),
        "",
        "CV fold times come from the fold cache when the fold was not retrained.",
        "",
        "## Per-intent scores (held-out, Simplified)",
        "",
        *_per_intent_rows(report),
        *_labelled_lines(report),
    ]
    for name, result in report["pipelines"].items():
        held = result["heldout"]
        lines += ["", f"## {name}: {result['config']} (model {result['model']})", ""]
        lines += _entity_rows(held, "held-out") + [""]
        lines += _entity_rows(result["heldout_traditional"], "Traditional") + [""]
        if "threshold_sweep" in result:
            cfg = result["fallback_config"]
            lines += [
                f"Fallback (configured threshold {cfg['threshold']}, ambiguity {cfg['ambiguity_threshold']}), "
                "replayed on the classifier's held-out rankings:",
                "",
                *_sweep_rows(result["threshold_sweep"]),
                "",
            ]
        lines += ["Most frequent confusions (gold → served): "]
        lines += [f"- {g} → {p}: {n}" for g, p, n in top_confusions(held["confusion"])] or ["- none"]
        lines += ["", "```", confusion_text(held["confusion"]), "```"]
        cv_autosend = (result.get("cross_validation") or {}).get("autosend")
        if cv_autosend:
            lines += [
                "",
                "Auto-send with responses/routing.yml's thresholds, on the out-of-fold CV predictions:",
                "",
            ]
            lines += autosend_rows(cv_autosend)
    return "\n".join(lines) + "\n"
