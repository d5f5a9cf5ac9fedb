#!/usr/bin/env bash
# Runs the worker from the repository on this machine, as the README's quick start does: when no broker answers on
# localhost:5672 it installs (Debian's rabbitmq-server, as root or through sudo) and starts one first, as tests/run.sh
# does, then runs the worker with ./rules and the SQLite file ./aims-risk.db. Extra arguments go to the worker.
# AIMS_RISK_BROKER_WAIT: seconds to wait for a started broker (default 120).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

host=localhost
port=5672
broker_wait=${AIMS_RISK_BROKER_WAIT:-120}
script_name=run-local.sh
# shellcheck source=local-broker.sh
. "$root/deploy/local-broker.sh"

if broker_answers; then
  say "using the RabbitMQ broker on $host:$port"
else
  [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1 \
    || fail "no broker on $host:$port, and installing and starting one needs root or sudo, which this user lacks. Start a broker yourself, or set RabbitMq__Host and RabbitMq__Port for one elsewhere."
  install_broker
  start_broker
fi

exec dotnet run --project src/Aims.Risk.Worker -c Release -- "$@"
