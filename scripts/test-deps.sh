#!/usr/bin/env bash
# System packages the tests (and, with --bench, the benchmarks) need.
# Installs only what is missing; needs root (as on CI and the dev machines).
set -euo pipefail
need=()
command -v tmux >/dev/null || need+=(tmux)
if [[ "${1:-}" == "--bench" ]]; then
  command -v rsync >/dev/null || need+=(rsync)
fi
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "test-deps: please install: ${need[*]} (needs root)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
