#!/usr/bin/env bash
# Prints the figures Tremplin holds itself to. Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
scripts/install-deps.sh bench
export LANG=${LANG:-C.UTF-8}
echo "== durable append, next item, audio (go test -bench)"
go test -run '^$' -bench . -benchtime 2s ./sync/journal/ ./assessment/... ./audio/... 2>&1 | grep -E '^(Benchmark|ok|FAIL|---)' || true
echo "== start-up and memory under Xvfb 1024x768, kiosk beside Chromium --kiosk"
go test -run '^$' -bench Startup -benchtime 3x ./cmd/tremplin 2>&1 | grep -E 'Benchmark|ms to window|FAIL|skip' || true
echo "== opening each practice sandbox, after the first (target < 100 ms)"
CGO_ENABLED=0 go test -run '^$' -bench Open -benchmem ./app/learn/sandbox 2>&1 | grep -E '^(Benchmark|ok|FAIL|---)' || true
