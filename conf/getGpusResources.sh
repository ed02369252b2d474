#!/usr/bin/env bash
# GPU discovery script for Spark (spark.executor.resource.gpu.discoveryScript): prints the
# addresses of this machine's GPUs as Spark's ResourceInformation JSON, e.g.
#   {"name": "gpu", "addresses": ["0", "1"]}
# Respects CUDA_VISIBLE_DEVICES when a resource manager has narrowed the visible GPUs.
set -euo pipefail
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  addresses=$(echo "$CUDA_VISIBLE_DEVICES" | tr -d ' ' | sed 's/,/","/g')
else
  command -v nvidia-smi >/dev/null || { echo '{"name": "gpu", "addresses": []}'; exit 0; }
  addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | paste -sd, - | sed 's/,/","/g')
fi
if [[ -z "$addresses" ]]; then
  echo '{"name": "gpu", "addresses": []}'
else
  echo "{\"name\": \"gpu\", \"addresses\": [\"$addresses\"]}"
fi
