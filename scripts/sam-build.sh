#!/usr/bin/env bash
# Builds the deployable artifacts into .aws-sam/build with a pinned SAM CLI.
# SAM CLI pins its own boto3, so it lives in its own virtualenv (.venv-sam), apart from .venv.
set -euo pipefail

SAM_CLI_VERSION="1.170.0"
PIP_VERSION="26.3"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sam_venv="$repo_root/.venv-sam"

if ! "$sam_venv/bin/sam" --version 2>/dev/null | grep -qF "$SAM_CLI_VERSION"; then
  "${PYTHON:-python3}" -m venv "$sam_venv"
  "$sam_venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pip==$PIP_VERSION" "aws-sam-cli==$SAM_CLI_VERSION"
fi

# The layer's bytecode must come from Lambda's python3.13: PYTHON313, else python3.13 on the
# PATH, else one that pyenv or uv installed.
find_python313() {
  local candidate
  for candidate in "${PYTHON313:-}" python3.13 "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13 \
      "$(uv python find 3.13 2>/dev/null)"; do
    if [ -n "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "sam-build: python3.13 is needed to compile the layer's bytecode; set PYTHON313 to one" >&2
  return 1
}

# The layer's Makefile runs pip through this interpreter (a pip recent enough for its resolver).
export PYTHON="$sam_venv/bin/python"
PYTHON313="$(find_python313)"
export PYTHON313
export SAM_CLI_TELEMETRY=0
cd "$repo_root"
"$sam_venv/bin/sam" build "$@"
"$PYTHON313" scripts/check_layer_bytecode.py .aws-sam/build/SharedLayer/python
