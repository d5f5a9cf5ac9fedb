#!/usr/bin/env bash
# The test command: makes sure the integration tests have a RabbitMQ broker, runs every test of the solution,
# and ends with one line of its own: "tests: N passed, N failed, N skipped".
#
#   tests/run.sh                                                  # everything
#   tests/run.sh --filter FullyQualifiedName~Aims.Risk.IntegrationTests   # extra arguments go to dotnet test
#
# Where the broker comes from, first match wins:
#   1. one already listening on AIMS_RISK_TEST_RABBITMQ_HOST:AIMS_RISK_TEST_RABBITMQ_PORT (default localhost:5672);
#   2. a Docker engine that answers: the tests start their own broker with Testcontainers;
#   3. Debian's rabbitmq-server, installed with apt-get when missing (as root, or through sudo) and started here.
# A broker this script starts is left running: the next run finds it at once. `rabbitmqctl stop` stops it.
# The report's browser tests need Chromium: Debian's chromium is installed when missing (as root, or through sudo);
# without either, or when apt-get fails, those tests are skipped with the reason. AIMS_RISK_CHROMIUM names another one.
#
# AIMS_RISK_TEST_RESULTS: folder for the TRX files (default tests/TestResults; emptied at each run).
# AIMS_RISK_TEST_BROKER_WAIT: seconds to wait for a started broker (default 120).
# AIMS_RISK_TEST_RABBITMQ_VHOST: the tests' virtual host; by default 'aims-risk-tests', created with rabbitmqctl where
#   this script controls the local broker (elsewhere the tests use "/" unless this names another).
# Exit status: that of dotnet build or dotnet test, and non-zero as well when no test ran.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

host=${AIMS_RISK_TEST_RABBITMQ_HOST:-localhost}
port=${AIMS_RISK_TEST_RABBITMQ_PORT:-5672}
results=${AIMS_RISK_TEST_RESULTS:-$root/tests/TestResults}
broker_wait=${AIMS_RISK_TEST_BROKER_WAIT:-120}

script_name=run.sh
# shellcheck source=../deploy/local-broker.sh
. "$root/deploy/local-broker.sh"

# Debian's chromium for the report's browser tests; never fatal: the tests skip, saying why, without a browser.
ensure_chromium() {
  if [ -n "${AIMS_RISK_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    say "no chromium, and installing it needs root or sudo: the browser tests will be skipped"
    return 0
  fi
  say "installing Debian's chromium for the browser tests"
  { as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } >/dev/null \
    || say "installing chromium failed: the browser tests will be skipped"
}

ensure_chromium

if broker_answers; then
  say "using the RabbitMQ broker on $host:$port"
elif timeout 20 docker info >/dev/null 2>&1; then
  say "no broker on $host:$port; a Docker engine answers, so the tests start one with Testcontainers"
elif [ "$port" != 5672 ] || { [ "$host" != localhost ] && [ "$host" != 127.0.0.1 ]; }; then
  say "nothing answers on $host:$port and it is not a local default broker this script can start; the RabbitMQ tests will fail"
else
  [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1 \
    || fail "no broker on $host:$port, and installing and starting one needs root or sudo, which this user lacks. Run as root, start a broker yourself, or set AIMS_RISK_TEST_RABBITMQ_HOST/PORT/USER/PASSWORD."
  install_broker
  start_broker
fi

# The tests' own virtual host, so that they never take messages from (or give them to) a worker running on "/".
# Created here where this script controls the local broker; elsewhere (Testcontainers, a remote broker) only a
# virtual host named in the environment is used.
if [ -n "${AIMS_RISK_TEST_RABBITMQ_VHOST:-}" ] || { broker_answers && { [ "$host" = localhost ] || [ "$host" = 127.0.0.1 ]; } \
    && [ -x "$(sbin rabbitmqctl)" ] && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }; }; then
  vhost=${AIMS_RISK_TEST_RABBITMQ_VHOST:-aims-risk-tests}
  if [ "$vhost" != / ] && [ -x "$(sbin rabbitmqctl)" ] && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }; then
    as_root "$(sbin rabbitmqctl)" -q list_vhosts 2>/dev/null | grep -qx "$vhost" \
      || as_root "$(sbin rabbitmqctl)" -q add_vhost "$vhost" >/dev/null
    as_root "$(sbin rabbitmqctl)" -q set_permissions -p "$vhost" "${AIMS_RISK_TEST_RABBITMQ_USER:-guest}" '.*' '.*' '.*' >/dev/null
  fi
  export AIMS_RISK_TEST_RABBITMQ_VHOST="$vhost"
  say "the tests use the virtual host '$vhost'"
fi

rm -rf "$results"
mkdir -p "$results"
status=0
# dotnet test builds the test projects and what they reference, not the worker: build everything first.
dotnet build Aims.Risk.sln -c Release || status=$?
if [ "$status" -eq 0 ]; then
  dotnet test Aims.Risk.sln -c Release --no-build --logger trx --results-directory "$results" "$@" || status=$?
fi

# Sum one attribute of the <Counters .../> element over every TRX file.
count() {
  local sum=0 n f
  while IFS= read -r -d '' f; do
    n=$(tr '\r\n' '  ' <"$f" | grep -o '<Counters [^>]*>' | grep -o " $1=\"[0-9]*\"" | tr -dc '0-9' || true)
    sum=$((sum + ${n:-0}))
  done < <(find "$results" -name '*.trx' -print0)
  echo "$sum"
}
total=$(count total)
passed=$(count passed)
failed=$(($(count failed) + $(count error) + $(count timeout) + $(count aborted)))
skipped=$((total - passed - failed))

if [ "$status" -eq 0 ] && [ "$total" -eq 0 ]; then
  say "no test ran"
  status=1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
