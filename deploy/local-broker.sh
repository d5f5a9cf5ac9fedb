# Shared by tests/run.sh and deploy/run-local.sh (sourced, not run): is a broker answering on $host:$port, and
# installing and starting Debian's rabbitmq-server where none does. The caller sets host, port, broker_wait and
# script_name (the prefix of its messages).

say() { printf '%s: %s\n' "$script_name" "$*"; }
fail() { printf '%s: %s\n' "$script_name" "$*" >&2; exit 1; }

broker_answers() { timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian puts these in /usr/sbin, which is not on every user's PATH.
sbin() { command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"; }

install_broker() {
  [ -x "$(sbin rabbitmq-server)" ] && return 0
  say "installing Debian's rabbitmq-server"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server
}

start_broker() {
  local server ctl log deadline
  server=$(sbin rabbitmq-server)
  ctl=$(sbin rabbitmqctl)
  log=${TMPDIR:-/tmp}/aims-risk-rabbitmq-start.log
  say "starting RabbitMQ (output in $log)"
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl start rabbitmq-server >"$log" 2>&1 || true
  else
    # The package's own start-up (where there is an init system) may have won the race: then this one fails
    # with "already running", harmlessly. The daemon gets no terminal output to hold open.
    as_root "$server" -detached </dev/null >"$log" 2>&1 || true
  fi
  # await_startup fails at once until the node has registered, hence the loop around it.
  deadline=$((SECONDS + broker_wait))
  until as_root "$ctl" -q await_startup --timeout 10 >/dev/null 2>&1 && broker_answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      cat "$log" >&2 || true
      fail "RabbitMQ did not start within ${broker_wait}s; see $log and /var/log/rabbitmq/"
    fi
    sleep 2
  done
  say "RabbitMQ is up on $host:$port (left running; 'rabbitmqctl stop' stops it)"
}
