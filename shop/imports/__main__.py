"""Import a shop's exports: ``python -m shop.imports [KIND] FILE... [--dry-run] [--strict]``.

KIND (products, size_charts, stock, buyers, orders, tracking) is recognised from
the headers when left out; several files are imported catalogue first. With
``--folder DIR`` every export in DIR not imported before is (for cron). Bad rows
are listed with row, column and reason; the rest of the file is imported
(``--strict``: nothing is). Exit status 1 when any row had a problem.
Columns and samples: docs/imports.md, data/samples/.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from shop.db.engine import make_engine
from shop.db.migrate import upgrade
from shop.imports.columns import KINDS, detect_kind
from shop.imports.folder import import_folder
from shop.imports.report import ImportReport
from shop.imports.run import ORDER, import_file
from shop.imports.tables import UnreadableFile, read_table

CATALOGUE_KINDS = {"products", "stock"}  # what the lexicon and stock answers are made of
MAX_CHANGES_SHOWN = 50


def _rank(path: Path) -> int:
    try:
        kind = detect_kind(read_table(path).headers)
    except (UnreadableFile, OSError):
        return len(ORDER)
    return ORDER.index(kind.name) if kind else len(ORDER)


def _print(report: ImportReport, verbose: bool) -> None:
    print(report.summary())
    shown = report.changes if verbose else report.changes[:MAX_CHANGES_SHOWN]
    for line in shown:
        print(f"  {line}")
    if len(report.changes) > len(shown):
        print(f"  … {len(report.changes) - len(shown)} more changes (--verbose lists all)")
    for problem in report.problems:
        print(f"  ! {problem.line()}", file=sys.stderr)
    if report.problems and not report.applied and not report.dry_run:
        print("  --strict: nothing of this file was imported", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shop.imports",
        description=__doc__.split("\n\n")[0],
        epilog="docs/imports.md lists the columns read of each kind; data/samples/ has a sample of each.",
    )
    parser.add_argument("paths", nargs="*", metavar="[KIND] FILE", help=f"KIND: one of {', '.join(KINDS)}")
    parser.add_argument("--folder", type=Path, help="import every new export in this folder (each file once)")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    parser.add_argument("--strict", action="store_true", help="import nothing of a file with a bad row")
    parser.add_argument("--verbose", action="store_true", help="list every change")
    args = parser.parse_args(argv)
    kind = args.paths[0] if args.paths and args.paths[0] in KINDS else None
    files = [Path(p) for p in (args.paths[1:] if kind else args.paths)]
    if not files and args.folder is None:
        parser.error("give export files or --folder DIR")
    engine = make_engine()
    upgrade(engine=engine)
    reports = []
    if args.folder is not None:
        if not args.folder.is_dir():
            parser.error(f"--folder {args.folder}: no such folder")
        reports += import_folder(args.folder, engine=engine, dry_run=args.dry_run, strict=args.strict)
        if not reports:
            print(f"{args.folder}: no new exports")
    for path in files if kind else sorted(files, key=_rank):
        with Session(engine) as session:
            reports.append(import_file(path, kind, session=session, dry_run=args.dry_run, strict=args.strict))
    for report in reports:
        _print(report, args.verbose)
    if any(r.applied and r.changed and r.kind in CATALOGUE_KINDS for r in reports):
        print(
            "The catalogue changed: `make lexicon` updates the assistant's words (it retrains only if they changed)."
        )
    return 1 if any(r.problems for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
