#!/usr/bin/env bash
# Creates the reference harness's Python environment from the wheels on this machine (no network):
# transformers 5.17.0 and CPU torch 2.13.0 with the exact tokenizers/safetensors/pillow/numpy/jinja2 the committed
# files were made with. Never torchvision (the on-disk wheels are CUDA builds; transformers imports it eagerly and
# then fails next to the CPU torch). Idempotent: an environment that already has the pins is left as it is.
#   models/reference/setup.sh            -> models/reference/.venv
#   MASK_IMPACT_PYREF=/some/dir setup.sh -> that folder
# Prints the environment's python on success.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${MASK_IMPACT_PYREF:-$here/.venv}"
pins=("torch==2.13.0+cpu" "transformers==5.17.0" "tokenizers==0.23.2" "safetensors==0.8.0" "pillow==12.3.0"
      "numpy==2.4.6" "jinja2==3.1.6")

has_pins() {
  "$venv/bin/python" - "${pins[@]}" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    try:
        if version(name) != want:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
try:
    version("torchvision")
    sys.exit(1)
except PackageNotFoundError:
    pass
PY
}

if [[ -x "$venv/bin/python" ]] && has_pins; then
  echo "$venv/bin/python"
  exit 0
fi

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 \
      && [[ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" == "3.11" ]]; then
    python="$candidate"
    break
  fi
done
if [[ -z "$python" ]]; then
  echo "setup.sh: needs Python 3.11 (the torch wheel on disk is cp311); none found on PATH" >&2
  exit 1
fi

# Folders that hold the wheels: the usual places first, else a search of the whole machine.
dirs=()
for d in /opt/pypi/files /opt/wheels; do
  [[ -d "$d" ]] && dirs+=("$d")
done
for wheel in 'transformers-5.17.0-*.whl' 'torch-2.13.0+cpu-*.whl'; do
  found=""
  for d in "${dirs[@]}"; do
    compgen -G "$d/$wheel" >/dev/null && found="$d"
  done
  if [[ -z "$found" ]]; then
    found="$(find / -xdev -name "$wheel" -print -quit 2>/dev/null || true)"
    [[ -n "$found" ]] && dirs+=("$(dirname "$found")")
  fi
  if [[ -z "$found" ]]; then
    echo "setup.sh: no wheel $wheel on this machine (looked in /opt/pypi/files, /opt/wheels and with find /)" >&2
    exit 1
  fi
done

links=()
for d in "${dirs[@]}"; do
  links+=(--find-links "$d")
done
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --no-index "${links[@]}" "${pins[@]}" >&2
if ! has_pins; then
  echo "setup.sh: $venv does not have the pinned versions after installing (${pins[*]})" >&2
  exit 1
fi
echo "$venv/bin/python"
