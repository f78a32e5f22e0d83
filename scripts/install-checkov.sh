#!/usr/bin/env bash
# Installs the pinned checkov into a project-local virtual environment (.venv-checkov/),
# never globally. Idempotent: re-running with the right version installed does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKOV_VERSION="$(cat security/checkov-version)"
VENV="${CHECKOV_VENV:-.venv-checkov}"
PYTHON="${PYTHON:-python3}"

if [ -x "$VENV/bin/checkov" ] && [ "$("$VENV/bin/checkov" --version 2>/dev/null)" = "$CHECKOV_VERSION" ]; then
  echo "checkov $CHECKOV_VERSION already installed in $VENV"
  exit 0
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "checkov==$CHECKOV_VERSION"
echo "checkov $("$VENV/bin/checkov" --version) installed in $VENV"
