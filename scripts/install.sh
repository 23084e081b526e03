#!/usr/bin/env bash
# Installs both virtual environments from the committed lock files.
# Idempotent: an env whose lock file has not changed since its last install is
# left alone, so `make demo` and `make test` can call this every time.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "install: $*" >&2; exit 1; }

# Finds an interpreter of the wanted minor version: on PATH first, then pyenv.
find_python() {
  local minor="$1" candidate
  for candidate in "python${minor}" "${HOME}/.pyenv/versions/${minor}"*/bin/python "/usr/bin/python${minor}" "/usr/local/bin/python${minor}"; do
    if command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ]; then
      if "$candidate" -c "import sys, venv; sys.exit(sys.version_info[:2] != tuple(map(int, '${minor}'.split('.'))))" 2>/dev/null; then
        command -v "$candidate" 2>/dev/null || echo "$candidate"
        return 0
      fi
    fi
  done
  return 1
}

# install_env DIR MINOR LOCK PURPOSE
install_env() {
  local dir="$1" minor="$2" lock="$3" purpose="$4" python stamp want hashed
  stamp="$dir/.installed-lock"
  hashed="${lock%.lock}-hashed.lock"  # packages installed only if their wheel's hash matches
  want="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [ -f "$hashed" ]; then want="$want-$(sha256sum "$hashed" | cut -d' ' -f1)"; fi
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$dir/bin/python" ]; then
    return 0
  fi
  python="$(find_python "$minor")" || die "Python ${minor} is needed for ${purpose} but was not found.
Install it (e.g. 'pyenv install ${minor}' or your distribution's python${minor} and python${minor}-venv package) and run 'make install' again."
  echo "install: setting up ${dir} (${purpose}) with ${python}; this takes a few minutes the first time"
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
  # The lock file holds every package at an exact version (setuptools and wheel
  # too): no resolution, identical installs.
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$lock"
  if [ -f "$hashed" ]; then
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$hashed"
  fi
  echo "$want" > "$stamp"
}

install_env .venv-rasa 3.10 requirements/rasa.lock "the Rasa server and training"
install_env .venv 3.11 requirements/app.lock "the gateway, actions and tests"
