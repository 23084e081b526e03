"""Imports of a shop's own data from the files its seller tools export (docs/imports.md).

``python -m shop.imports``; :func:`import_file` for a file, :func:`import_records`
for rows from anywhere else (a platform API client), :func:`import_folder` for
the exports dropped into a folder.
"""

from shop.imports.folder import import_folder
from shop.imports.report import ImportReport, Problem
from shop.imports.run import import_file, import_records, import_table

__all__ = ["ImportReport", "Problem", "import_file", "import_folder", "import_records", "import_table"]
