#!/usr/bin/env bash
# Response-cache overhead per request, end to end through `llmlab serve --demo` (lab 10.3; BENCHMARKS.md).
# For each configuration (no cache, --cache exact, --cache semantic, --cache exact --cache-redis), N requests with
# unique prompts (all misses) then N repeats of one prompt (hits after the first); prints the median of curl's
# time_total per request. max_tokens=1 keeps generation small, so the differences are the cache's own work.
# Usage: bench/cache/overhead.sh [N=40]   (needs curl; redis-server for the Redis row)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-40}
CLI=${CLI:-src/LlmLab.Cli/bin/Debug/net10.0/LlmLab.Cli.dll}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)*1000 " ms"}'; }
run() {
  local name=$1; shift
  local port=$((20000 + RANDOM % 20000))
  dotnet "$CLI" serve --demo --port "$port" --rate-limit 0 --threads 1 "$@" > /tmp/llmlab-bench-serve.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  ask() { curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/v1/chat/completions" -H 'Content-Type: application/json' \
    -d "{\"messages\":[{\"role\":\"user\",\"content\":\"$1\"}],\"max_tokens\":1,\"temperature\":0}"; }
  for i in $(seq 1 5); do ask "warm up $i" >/dev/null; done
  miss=$(for i in $(seq 1 "$N"); do ask "unique question number $i about caching"; done | median)
  hit=$(for i in $(seq 1 "$N"); do ask "the same question about caching"; done | median)
  echo "$name | misses: $miss | repeats: $hit"
  kill -TERM "$pid"; wait "$pid" || true   # SIGTERM drains like Ctrl+C (a background job ignores SIGINT)
}
run "no cache"
run "exact (memory)" --cache exact
run "semantic (MiniLM)" --cache semantic
if command -v redis-server >/dev/null; then
  rport=$((40000 + RANDOM % 20000)); rdir=$(mktemp -d)
  redis-server --port "$rport" --bind 127.0.0.1 --dir "$rdir" --save "" --appendonly no >/dev/null &
  rpid=$!; sleep 0.5
  run "exact (redis)" --cache exact --cache-redis "127.0.0.1:$rport"
  kill "$rpid"; wait "$rpid" || true; rm -rf "$rdir"
fi
