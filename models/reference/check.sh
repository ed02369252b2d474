#!/usr/bin/env bash
# CI check of the reference harness: sets up its Python environment from the wheels on disk (models/reference/
# setup.sh), regenerates every committed checkpoint, pair image and reference dump in a temp folder with the fixed
# seeds and compares them with the committed ones; prints one line per difference and exits non-zero if any.
# A few minutes on 2 cores. Extra arguments go to `harness.py check` (e.g. --with-training).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="$("$here/setup.sh")"
exec "$python" "$here/harness.py" check "$@"
