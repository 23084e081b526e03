"""Trains the assistant only when its training inputs changed.

The model is named after a hash of everything that shapes it (config.yml,
domain.yml, the Rasa data paths, nlu/ code and lexicon), so an unchanged
project reuses `models/<hash>.tar.gz` and a changed dictionary or pattern file
always yields a new model (Rasa's own cache fingerprints side files by path).

    python scripts/train.py            # train if needed, print the model path
    python scripts/train.py --check    # print the path, or exit 3 if not trained
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_PATHS = ["data/nlu", "data/rules", "data/stories", "responses/templates"]
HASHED = [
    "config.yml",
    "domain.yml",
    "data/nlu",
    "data/rules",
    "data/stories",
    "data/lexicon",
    "responses",
    "nlu",
]
SKIP_PARTS = {"__pycache__", ".pytest_cache"}


def inputs_hash(root: Path = ROOT, config: str = "config.yml") -> str:
    digest = hashlib.sha256()
    for name in [config] + HASHED[1:]:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if SKIP_PARTS & set(file.parts) or not file.exists():
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def data_paths(root: Path = ROOT) -> list[str]:
    return [p for p in DATA_PATHS if (root / p).is_dir() and any((root / p).glob("*.yml"))]


def model_path(root: Path = ROOT, config: str = "config.yml", prefix: str = "") -> Path:
    return root / "models" / f"{prefix}{inputs_hash(root, config)}.tar.gz"


def train(root: Path, config: str, prefix: str, quiet: bool) -> Path:
    target = model_path(root, config, prefix)
    if target.exists():
        return target
    rasa = Path(sys.executable).with_name("rasa")
    cmd = [
        str(rasa),
        "train",
        "--config",
        config,
        "--domain",
        "domain.yml",
        "--data",
        *data_paths(root),
        "--out",
        "models",
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    print(f"train: training {target.name} (inputs changed); this takes a few minutes", file=sys.stderr)
    out = subprocess.DEVNULL if quiet else None
    result = subprocess.run(cmd, cwd=root, env=env, stdout=out)
    if result.returncode != 0 or not target.exists():
        sys.exit(f"train: rasa train failed (exit {result.returncode}); run 'make train' to see why")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only print the path; exit 3 if missing")
    parser.add_argument("--config", default="config.yml", help="the pipeline config to train")
    parser.add_argument("--prefix", default="", help="model name prefix (e.g. 'baseline-')")
    parser.add_argument("--quiet", action="store_true", help="hide Rasa's training output")
    args = parser.parse_args()
    if args.check:
        path = model_path(ROOT, args.config, args.prefix)
        if not path.exists():
            print(f"no trained model for the current data ({path.name}): run 'make train'", file=sys.stderr)
            sys.exit(3)
        print(path)
        return
    print(train(ROOT, args.config, args.prefix, args.quiet))


if __name__ == "__main__":
    main()
