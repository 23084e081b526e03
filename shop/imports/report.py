"""What one import did: counts, the changes, and the rows it could not import."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """A row that was not imported: where (row, column) and why, in Chinese and English."""

    row: int
    column: str
    zh: str
    en: str

    def line(self) -> str:
        where = f"第{self.row}行" + (f"「{self.column}」" if self.column else "")
        return f"{where}: {self.zh} / row {self.row}: {self.en}"


@dataclass
class ImportReport:
    kind: str
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What could be read of each refused row (row, {column key: value}): an order
    # export leaves out the whole order of a refused line.
    refused: list[tuple[int, dict]] = field(default_factory=list, repr=False)
    dry_run: bool = False
    applied: bool = False  # committed (False for a dry run or a refused strict import)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def note(self, created: bool, what: str, diffs: list[str]) -> None:
        """Count one record: created, updated (with its field changes) or unchanged."""
        if created:
            self.created += 1
            self.changes.append(f"+ {what}")
        elif diffs:
            self.updated += 1
            self.changes.append(f"~ {what}: " + "; ".join(diffs))
        else:
            self.unchanged += 1

    def summary(self) -> str:
        verb = "would import" if self.dry_run else ("imported" if self.applied else "did not import")
        return (
            f"{self.source}: {verb} {self.kind}: {self.rows} rows; {self.created} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, {len(self.problems)} rows with problems"
        )
