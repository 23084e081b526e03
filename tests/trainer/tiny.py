"""A tiny project (4 intents × 6 examples, a fast stock pipeline) for trainer tests.

It has the layout of the real project (config, domain, data/nlu by topic,
rules, held-out file, scripts/train.py, our channel and tracker store), so the trainer
commands run on it unchanged through `--project`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from paths import PROJECT_ROOT

EXAMPLES = {
    "greet": ["你好", "您好", "在吗", "亲在吗", "哈喽", "有人吗"],
    "bargain": ["便宜点吧", "能便宜点吗", "打个折吧", "少点吧老板", "给个优惠", "再便宜一点"],
    "ask_stock": ["有货吗", "还有货吗", "什么时候补货", "这件还有吗", "缺货了吗", "有库存吗"],
    "ask_shipping_fee": ["运费多少", "包邮吗", "邮费多少钱", "运费怎么算", "偏远地区包邮吗", "要运费吗"],
}
HELDOUT = {
    "greet": ["你好呀", "在不在", "老板在吗"],
    "bargain": ["便宜一点吧", "能打折吗", "少一点吧"],
    "ask_stock": ["还有库存吗", "补货吗", "有没有货"],
    "ask_shipping_fee": ["包不包邮", "运费是多少", "邮费怎么算"],
}
# A labelled file for the tiny intents, as a shop's own export (text<TAB>label), written for these
# tests: `evaluate` scores both models on it (EVALUATION_TSV / Project.labelled_tsv).
LABELLED = Path(__file__).parent / "tiny_labelled.tsv"
# What our Rasa servers load besides the model: the channel (and the fixes it installs), the tracker store.
SERVER_MODULES = [
    "server/__init__.py",
    "server/__main__.py",
    "server/log_privacy.py",
    "server/channel.py",
    "server/action_outage.py",
    "server/answered.py",
    "server/action_http.py",
    "server/action_payload.py",
    "server/action_validation.py",
    "server/tracker_store.py",
]
# What `scripts/train.py --worker` (the trainer's `train`) runs.
TRAINING_MODULES = [
    "training/__init__.py",
    "training/worker.py",
    "training/warm_training.py",
    "training/batched_features.py",
    "training/regex_memo.py",
    "training/vector_memo.py",
    "training/warm_classifier.py",
    "components/__init__.py",
    "components/classifier.py",  # the classifier's column order, for warm_classifier
    "components/dense_tail.py",  # the classifier's training matrix
    "components/neighbours.py",  # the classifier's nearest-phrasings vote
    "components/char_neighbours.py",  # ... and its vote by characters
    "components/complaint_tone.py",  # ... and the complaint tone it adds to the parse
    "text/__init__.py",
    "text/normalize.py",  # the characters' vote reads normalised text
]
CONFIG = """\
recipe: default.v1
language: zh
assistant_id: tiny_shop
# A stock, deterministic pipeline: jieba words, character n-grams, logistic regression.
pipeline:
  - name: JiebaTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: LogisticRegressionClassifier
    random_state: 42
policies:
  - name: RulePolicy
"""
# Which file each intent lives in: two intents share one, as in data/nlu/smalltalk.yml.
FILES = {"greet": "smalltalk", "bargain": "bargain", "ask_stock": "presale", "ask_shipping_fee": "presale"}


def nlu_yaml(intents: dict[str, list[str]], comment: str = "") -> str:
    out = ['version: "3.1"', "", "nlu:"]
    for intent, examples in intents.items():
        out += [f"- intent: {intent}", "  examples: |", *[f"    - {e}" for e in examples]]
    return "\n".join(([comment] if comment else []) + out) + "\n"


def make_tiny_project(root: Path, examples: dict[str, list[str]] | None = None) -> Path:
    examples = examples or EXAMPLES
    (root / "data" / "nlu").mkdir(parents=True)
    (root / "data" / "rules").mkdir(parents=True)
    (root / "tests" / "nlu_heldout").mkdir(parents=True)
    (root / "scripts").mkdir()
    (root / "config.yml").write_text(CONFIG, encoding="utf-8")
    domain = ['version: "3.1"', "intents:", *[f"  - {i}" for i in examples], "responses:"]
    for intent in examples:
        domain += [f"  utter_{intent}:", f'    - text: "{intent} answered"']
    (root / "domain.yml").write_text("\n".join(domain) + "\n", encoding="utf-8")
    for name in sorted(set(FILES.values())):
        chosen = {i: ex for i, ex in examples.items() if FILES[i] == name}
        (root / "data" / "nlu" / f"{name}.yml").write_text(
            nlu_yaml(chosen, f"# {name}: hand-written, keep this comment"), encoding="utf-8"
        )
    rules = ['version: "3.1"', "", "rules:"]
    for intent in examples:
        rules += [f"- rule: {intent}", "  steps:", f"  - intent: {intent}", f"  - action: utter_{intent}"]
    (root / "data" / "rules" / "rules.yml").write_text("\n".join(rules) + "\n", encoding="utf-8")
    (root / "tests" / "nlu_heldout" / "heldout.yml").write_text(nlu_yaml(HELDOUT), encoding="utf-8")
    shutil.copy(PROJECT_ROOT / "scripts" / "train.py", root / "scripts" / "train.py")
    shutil.copy(PROJECT_ROOT / "credentials.yml", root / "credentials.yml")
    for env in (".venv", ".venv-rasa"):  # a project copy has its environments; link ours
        (root / env).symlink_to(PROJECT_ROOT / env)
    (root / "nlu").mkdir()
    for module in SERVER_MODULES + TRAINING_MODULES:
        (root / "nlu" / module).parent.mkdir(exist_ok=True)
        shutil.copy(PROJECT_ROOT / "nlu" / module, root / "nlu" / module)
    (root / "nlu" / "__init__.py").write_text("", encoding="utf-8")
    return root
