#!/usr/bin/env bash
# Every benchmark of issue #4, ending with one line per target (ratios measured in this run):
#   evaluation, evaluation-full, end-to-end, latency, rss, growth-rules, growth-register, and the probes' lines
#
#   tests/Aims.Risk.Benchmarks/run.sh           # full: longer BenchmarkDotNet runs, 1M-entry register, 50k events end to end
#   tests/Aims.Risk.Benchmarks/run.sh --quick   # short runs, no 1M register, 20k events (under 10 minutes)
#
# It builds Release, makes sure a RabbitMQ broker listens on localhost:5672 (starting Debian's rabbitmq-server
# as tests/run.sh does), uses its own virtual host (aims-risk-bench) so nothing else on the broker is touched,
# and leaves the broker running. Logs and BenchmarkDotNet reports: $AIMS_RISK_BENCH_OUT (default /tmp/aims-risk-bench).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
quick=
[ "${1:-}" = "--quick" ] && quick=--quick
out=${AIMS_RISK_BENCH_OUT:-${TMPDIR:-/tmp}/aims-risk-bench}
vhost=aims-risk-bench
mkdir -p "$out"

say() { printf 'bench: %s\n' "$*"; }
sbin() { command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
broker_answers() { timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/5672" 2>/dev/null; }

if ! broker_answers; then
  if [ ! -x "$(sbin rabbitmq-server)" ]; then
    say "installing Debian's rabbitmq-server"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server
  fi
  say "starting RabbitMQ"
  as_root "$(sbin rabbitmq-server)" -detached </dev/null >"$out/rabbitmq-start.log" 2>&1 || true
  deadline=$((SECONDS + 120))
  until as_root "$(sbin rabbitmqctl)" -q await_startup --timeout 10 >/dev/null 2>&1 && broker_answers; do
    [ "$SECONDS" -lt "$deadline" ] || { cat "$out/rabbitmq-start.log" >&2; say "RabbitMQ did not start"; exit 1; }
    sleep 2
  done
fi
as_root "$(sbin rabbitmqctl)" -q add_vhost "$vhost" >/dev/null 2>&1 || true
as_root "$(sbin rabbitmqctl)" -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null

say "building Release"
dotnet build Aims.Risk.sln -c Release -v q -nologo >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 1; }
bench=(dotnet tests/Aims.Risk.Benchmarks/bin/Release/net10.0/Aims.Risk.Benchmarks.dll)
worker=src/Aims.Risk.Worker/bin/Release/net10.0/Aims.Risk.Worker.dll

say "verifying that the hand-written baseline fires what the service fires"
"${bench[@]}" verify | tee "$out/verify.log"

say "end to end (log: $out/e2e.log)"
"${bench[@]}" e2e $quick --worker "$worker" --vhost "$vhost" 2>&1 | tee "$out/e2e.log"

say "rule-count probe: the growth sets with and without the rule index, in CPU time (log: $out/probe-rules.log)"
"${bench[@]}" probe-rules | tee "$out/probe-rules.log"

say "evaluation probe: target 1 in the thread's CPU time, and the cost of each rule the index keeps (log: $out/probe-eval.log)"
"${bench[@]}" probe-eval | tee "$out/probe-eval.log"

say "BenchmarkDotNet suites (log: $out/bench.log)"
"${bench[@]}" bench $quick --artifacts "$out/artifacts" >"$out/bench.log" 2>&1 || { tail -40 "$out/bench.log"; exit 1; }

echo
grep -E '^verify: ' "$out/verify.log"
grep -E '^evaluation: ' "$out/bench.log"
grep -E '^evaluation-full: ' "$out/bench.log"
grep -E '^(end-to-end|end-to-end-ceiling|latency|rss): ' "$out/e2e.log"
grep -E '^growth-(rules|register): ' "$out/bench.log"
grep -E '^rule-count-probe: ' "$out/probe-rules.log"
grep -E '^evaluation-probe: ' "$out/probe-eval.log"
