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

# The layer's Makefile runs pip through this interpreter (a pip recent enough for its resolver).
export PYTHON="$sam_venv/bin/python"
export SAM_CLI_TELEMETRY=0
cd "$repo_root"
exec "$sam_venv/bin/sam" build "$@"
