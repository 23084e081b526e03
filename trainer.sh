#!/usr/bin/env bash
# The trainers' command (see README "For trainers"): ./trainer.sh inbox | label | add | train | evaluate | promote | rollback | status
# (Named trainer.sh because the folder trainer/ holds its Python package.)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x "$here/.venv/bin/python" ]; then
  echo "first run: installing the environments (a few minutes)…" >&2
  make -C "$here" install >&2
fi
cd "$here"
exec "$here/.venv/bin/python" -m trainer "$@"
