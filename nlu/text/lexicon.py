"""Generate the jieba user dictionary and the catalogue look-up table.

    python -m nlu.text.lexicon           # (re)write data/lexicon/
    python -m nlu.text.lexicon --check   # exit 1 if data/lexicon/ is out of date
    python -m nlu.text.lexicon --shop var/catalogue.json   # from the shop database (make lexicon)

Inputs: data/demo_shop/shop.yaml (products, colours), or with --shop the
catalogue `make lexicon` exported from the shop database (same shape; curated
aliases of products or colours the shop does not sell are then left out), and nlu/text/shop_terms.txt
(curated terms, courier/concern/colour/product aliases). Outputs, both committed:
data/lexicon/jieba/userdict.txt and data/lexicon/catalogue.json. One generator
keeps the tokenizer's words and the extractor's look-ups from drifting apart.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from nlu.text.extract import DEFAULT_ORDER_ID_LENGTHS
from nlu.text.normalize import fold_for_matching

ROOT = Path(__file__).resolve().parents[2]
SHOP_YAML = ROOT / "data" / "demo_shop" / "shop.yaml"
TERMS = Path(__file__).resolve().parent / "shop_terms.txt"
OUT_DIR = ROOT / "data" / "lexicon"
USERDICT = Path("jieba") / "userdict.txt"
CATALOGUE = Path("catalogue.json")

CONCERNS = {"fading", "pilling", "shrinking", "material", "washing"}
SECTIONS = {"terms", "courier", "concern", "color", "product", "color_short"}
# High enough that jieba keeps a dictionary word whole against its base dictionary.
FREQ_ENTITY = 50000
FREQ_TERM = 20000


def read_terms(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Parse shop_terms.txt into {section: [(key, value)]}; value is '' in [terms]."""
    sections: dict[str, list[tuple[str, str]]] = {name: [] for name in SECTIONS}
    current = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            if current not in SECTIONS:
                raise ValueError(f"{path}:{number}: unknown section {line}")
            continue
        if current is None:
            raise ValueError(f"{path}:{number}: entry before any section")
        key, _, value = (part.strip() for part in line.partition("="))
        if (current == "terms") == bool(value):
            raise ValueError(f"{path}:{number}: malformed entry {raw!r}")
        sections[current].append((fold_for_matching(key), value))
    return sections


def _order_id_lengths(shop: dict) -> list[int]:
    """The lengths the snapshot of the shop database gives, else those of the file's orders."""
    if shop.get("order_id_lengths"):
        return sorted({int(n) for n in shop["order_id_lengths"]})
    found = {len(str(order["id"])) for order in shop.get("orders") or []}
    return sorted(found or DEFAULT_ORDER_ID_LENGTHS)


def build(
    shop_yaml: Path = SHOP_YAML, terms_path: Path = TERMS, *, other_shop: bool = False
) -> dict[Path, str]:
    """Return {relative output path: file content} for the lexicon folder.

    ``other_shop``: the catalogue is a shop's own, so curated aliases naming
    products or colours it does not have are dropped rather than refused.
    """
    shop = yaml.safe_load(shop_yaml.read_text(encoding="utf-8"))
    terms = read_terms(terms_path)
    if other_shop:
        codes = {str(p["code"]) for p in shop["products"]}
        sold = {c for p in shop["products"] for c in p.get("colors", [])}
        terms["product"] = [(alias, code) for alias, code in terms["product"] if code in codes]
        for section in ("color", "color_short"):
            terms[section] = [(alias, colour) for alias, colour in terms[section] if colour in sold]
    products = {
        str(p["code"]): {"name": p["name"], "colors": list(p.get("colors", []))} for p in shop["products"]
    }
    colours = {c for p in products.values() for c in p["colors"]}

    product_aliases = {fold_for_matching(p["name"]): code for code, p in products.items()}
    for alias, code in terms["product"]:
        if code not in products:
            raise ValueError(f"product alias {alias!r}: unknown code {code!r}")
        product_aliases.setdefault(alias, code)

    colour_aliases = {fold_for_matching(c): c for c in colours}
    short_colours = {}
    for section, target in (("color", colour_aliases), ("color_short", short_colours)):
        for alias, colour in terms[section]:
            if colour not in colours:
                raise ValueError(f"colour alias {alias!r}: {colour!r} not in catalogue")
            target[alias] = colour

    concerns = {}
    for word, concern in terms["concern"]:
        if concern not in CONCERNS:
            raise ValueError(f"concern {word!r}: unknown category {concern!r}")
        concerns[word] = concern

    catalogue = {
        "products": products,
        "product_aliases": product_aliases,
        "colors": colour_aliases,
        "color_short": short_colours,
        "couriers": dict(terms["courier"]),
        "concerns": concerns,
        # A pasted Taobao/Tmall link's id= -> the product it lists (nlu/text/extract.py).
        "item_ids": {str(i): str(p["code"]) for p in shop["products"] for i in p.get("item_ids", [])},
        # How many digits the shop's order ids have: a digit run that long is an order id.
        "order_id_lengths": _order_id_lengths(shop),
    }

    words: dict[str, tuple[int, str]] = {}
    for word, _ in terms["terms"]:
        words[word] = (FREQ_TERM, "n")
    for table, tag in (
        (product_aliases, "nz"),
        (colour_aliases, "n"),
        (catalogue["couriers"], "nt"),
        (concerns, "v"),
    ):
        for word in table:
            words[word] = (FREQ_ENTITY, tag)
    for code in products:
        words[code] = (FREQ_ENTITY, "m")
    userdict = "".join(f"{word} {freq} {tag}\n" for word, (freq, tag) in sorted(words.items()))
    return {
        USERDICT: userdict,
        CATALOGUE: json.dumps(catalogue, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
    }


def stale_files(out_dir: Path = OUT_DIR, shop: Path | None = None) -> list[Path]:
    """Output files whose content differs from what the generator would write."""
    return [
        rel
        for rel, content in _build(shop).items()
        if not (out_dir / rel).exists() or (out_dir / rel).read_text(encoding="utf-8") != content
    ]


def _build(shop: Path | None) -> dict[Path, str]:
    return build() if shop is None else build(shop, other_shop=True)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument(
        "--shop", type=Path, help="the shop's catalogue (make lexicon exports it from the database)"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(args.out, args.shop)
        for rel in stale:
            print(f"out of date: {args.out / rel} (run python -m nlu.text.lexicon)")
        return 1 if stale else 0
    for rel, content in _build(args.shop).items():
        target = args.out / rel
        if target.exists() and target.read_text(encoding="utf-8") == content:
            print(f"unchanged {target}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
