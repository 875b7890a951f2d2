#!/usr/bin/env bash
# Installs (when missing), starts and stops the real servers that the integration tests use, as plain processes on
# loopback with private ports and data folders: RabbitMQ and PostgreSQL from Debian's packages, s3rver (an S3 API
# server) from npm. No Docker, no systemd. Also the AsyncAPI CLI and the Node packages of the subscriber example (npm). Also installs dcmtk, dicom3tools (dciodvfy), poppler-utils and DejaVu fonts (the PDF report), Chromium (the browser tests), Orthanc with its DICOMweb plugin and the JPEG-LS and JPEG 2000 libraries.
#
#   tests/infra/test-services.sh start            install what is missing, start all three, write the env file
#   tests/infra/test-services.sh stop             stop all three
#   tests/infra/test-services.sh env              print the env file (source it to run tests by hand)
#   tests/infra/test-services.sh rabbitmq-stop [INSTANCE]    stop a broker the tests restart ("restartable" or "faults")
#   tests/infra/test-services.sh rabbitmq-start [INSTANCE]   start it again on the same port and data
#
# State lives in .test-services/ at the repository root (git-ignored). Ports can be moved with SPINE_TEST_AMQP_PORT,
# SPINE_TEST_S3_PORT and SPINE_TEST_PG_PORT.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
state="$root/.test-services"
amqp_port=${SPINE_TEST_AMQP_PORT:-25682}
s3_port=${SPINE_TEST_S3_PORT:-19300}
pg_port=${SPINE_TEST_PG_PORT:-15433}
s3rver_version=3.7.1
# Node tools of the contract tests, pinned: the AsyncAPI CLI, and the subscriber example's ajv and amqplib. Kept outside
# the checkout (the CLI is about 440 MB), so a clean checkout installs them once per machine and version.
npm_tools="@asyncapi/cli@6.2.0 ajv@8.20.0 amqplib@2.3.1"
tools="${XDG_CACHE_HOME:-$HOME/.cache}/spine-platform/npm-tools/$(printf '%s' "$npm_tools" | sha256sum | cut -c1-12)"

log() { printf '[test-services] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() { # name port seconds
  local deadline=$((SECONDS + $3))
  until port_open "$2"; do
    if ((SECONDS > deadline)); then log "$1 did not accept connections on port $2 within $3 s"; return 1; fi
    sleep 0.3
  done
}

apt_updated=0
apt_install() {
  if ((apt_updated == 0)); then log "apt-get update"; apt-get update -qq >/dev/null; apt_updated=1; fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install() {
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || apt_install rabbitmq-server
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  command -v node >/dev/null || apt_install nodejs npm
  # DICOM peers and the native codecs that Spine.Dicom calls (JPEG-LS, JPEG 2000).
  command -v dcmdump >/dev/null || apt_install dcmtk
  command -v dciodvfy >/dev/null || apt_install dicom3tools
  command -v pdftoppm >/dev/null || apt_install poppler-utils
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || apt_install fonts-dejavu-core
  command -v chromium >/dev/null || apt_install chromium
  [ -x /usr/sbin/Orthanc ] || apt_install orthanc
  [ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || apt_install orthanc-dicomweb
  ldconfig -p | grep -q 'libcharls.so.2 ' || apt_install libcharls2
  ldconfig -p | grep -q 'libopenjp2.so.7 ' || apt_install libopenjp2-7
  # The deployment tests render deploy/k8s with the kustomize built into kubectl (no cluster is contacted).
  command -v kubectl >/dev/null || apt_install kubectl
  # promtool checks and unit-tests the Helm chart's Prometheus alerting rules.
  command -v promtool >/dev/null || apt_install prometheus
  if [ ! -x "$tools/node_modules/.bin/asyncapi" ] || [ ! -d "$tools/node_modules/amqplib" ]; then
    log "installing $npm_tools"
    mkdir -p "$tools"
    # shellcheck disable=SC2086
    npm install --prefix "$tools" --no-audit --no-fund --silent $npm_tools >/dev/null
  fi
  local s3rver="$state/s3rver/node_modules/s3rver"
  if [ ! -f "$s3rver/package.json" ] || ! grep -q "\"version\": \"$s3rver_version\"" "$s3rver/package.json"; then
    log "installing s3rver@$s3rver_version"
    mkdir -p "$state/s3rver"
    npm install --prefix "$state/s3rver" --no-audit --no-fund --silent "s3rver@$s3rver_version" >/dev/null
  fi
  # s3rver answers listings in a namespace that the Minio SDK does not recognise (it then returns empty listings
  # without error); use the namespace S3 itself uses.
  grep -rl 'http://doc.s3.amazonaws.com/2006-03-01/' "$s3rver/lib" 2>/dev/null | xargs -r sed -i 's#http://doc.s3.amazonaws.com/2006-03-01/#http://s3.amazonaws.com/doc/2006-03-01/#g' || true
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

# Three brokers: "main" for most tests; "restartable", which the bus's restart test stops and starts; "faults", which
# the six-process fault suite restarts. Each restart so disturbs no test running at the same time on another broker.
brokers=(main restartable faults)
rabbitmq_port() {
  case "$1" in
    restartable) echo $((amqp_port + 1)) ;;
    faults) echo $((amqp_port + 2)) ;;
    *) echo "$amqp_port" ;;
  esac
}
rabbitmq_management_port() { echo $(($(rabbitmq_port "$1") + 2000)); }

rabbitmq_env() { # instance
  local dir="$state/rabbitmq-$1" port; port=$(rabbitmq_port "$1")
  export HOME="$dir" RABBITMQ_NODENAME="spine-test-$1@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT=$((port + 100)) ERL_EPMD_PORT=$((port + 30000))
  export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
}

rabbitmq_launch() { # instance
  local dir="$state/rabbitmq-$1" port; port=$(rabbitmq_port "$1")
  mkdir -p "$dir/mnesia" "$dir/log"
  # The management API lets the tests list and delete the queues of their own prefix when they finish.
  printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = %s\n' \
    "$port" "$(rabbitmq_management_port "$1")" >"$dir/rabbitmq.conf"
  printf '[rabbitmq_management].\n' >"$dir/enabled_plugins"
  : >"$dir/rabbitmq-env.conf"
  [ -f "$dir/advanced.config" ] || printf '[].\n' >"$dir/advanced.config"
  (rabbitmq_env "$1"; /usr/lib/rabbitmq/bin/rabbitmq-server -detached >>"$dir/log/start.log" 2>&1)
}

rabbitmq_wait() { # instance
  # The node answers pings a few seconds before the AMQP listener exists, so wait for the port itself. A node that
  # cannot boot (its name still held, a damaged store) writes why only to its own logs: show them.
  local dir="$state/rabbitmq-$1"
  if ! wait_for_port "RabbitMQ ($1)" "$(rabbitmq_port "$1")" 120; then
    log "RabbitMQ ($1) processes: $(pgrep -af "spine-test-$1@" | cut -c1-160 | tr '\n' ';')"
    tail -n 40 "$dir/log/start.log" "$dir/log/spine-test-$1@localhost.log" >&2 2>/dev/null
    return 1
  fi
  log "RabbitMQ ($1) on 127.0.0.1:$(rabbitmq_port "$1")"
}

rabbitmq_start() { rabbitmq_launch "$1"; rabbitmq_wait "$1"; }

rabbitmq_stop() { # instance
  local pidfile="$state/rabbitmq-$1/rabbitmq.pid" port; port=$(rabbitmq_port "$1")
  if [ -f "$pidfile" ]; then
    local pid; pid=$(cat "$pidfile")
    if kill -TERM "$pid" 2>/dev/null; then
      # A clean stop can take long on a loaded machine; only then is the node killed. Either way the next start must
      # not begin until the old node is gone: while it lives, it holds its name and port and the new node cannot boot.
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      if kill -KILL "$pid" 2>/dev/null; then
        log "RabbitMQ ($1) did not stop within 60 s of SIGTERM: killed"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      fi
    fi
    rm -f "$pidfile"
  fi
  for _ in $(seq 1 50); do port_open "$port" || break; sleep 0.2; done
  epmd -port $((port + 30000)) -kill >/dev/null 2>&1 || true
}

s3_start() {
  local dir="$state/s3"
  mkdir -p "$dir/data"
  node "$state/s3rver/node_modules/s3rver/bin/s3rver.js" -d "$dir/data" -a 127.0.0.1 -p "$s3_port" --silent >"$dir/s3rver.log" 2>&1 &
  echo $! >"$dir/s3rver.pid"
  wait_for_port s3rver "$s3_port" 30
  log "S3 API (s3rver) on 127.0.0.1:$s3_port"
}

s3_stop() {
  local pidfile="$state/s3/s3rver.pid"
  [ -f "$pidfile" ] && kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

# initdb and postgres refuse to run as root, so they run as the postgres user on a folder it owns.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  local dir="$state/postgres" bin; bin=$(pg_bin)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1
  fi
  as_postgres "$bin/pg_ctl" -D "$dir/data" -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" -l "$dir/postgres.log" -w start >/dev/null
  wait_for_port PostgreSQL "$pg_port" 30
  log "PostgreSQL on 127.0.0.1:$pg_port"
}

pg_stop() {
  local dir="$state/postgres"
  [ -f "$dir/data/postmaster.pid" ] && as_postgres "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
}

write_env() {
  cat >"$state/env" <<ENV
export SPINE_TEST_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:$(rabbitmq_port main)/
export SPINE_TEST_RESTARTABLE_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:$(rabbitmq_port restartable)/
export SPINE_TEST_RABBITMQ_MANAGEMENT_URL=http://127.0.0.1:$(rabbitmq_management_port main)/
export SPINE_TEST_RESTARTABLE_RABBITMQ_MANAGEMENT_URL=http://127.0.0.1:$(rabbitmq_management_port restartable)/
export SPINE_TEST_FAULTS_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:$(rabbitmq_port faults)/
export SPINE_TEST_FAULTS_RABBITMQ_MANAGEMENT_URL=http://127.0.0.1:$(rabbitmq_management_port faults)/
export SPINE_TEST_RABBITMQ_CONTROL="$root/tests/infra/test-services.sh"
export SPINE_TEST_S3_ENDPOINT=127.0.0.1:$s3_port
export SPINE_TEST_S3_ACCESS_KEY=S3RVER
export SPINE_TEST_S3_SECRET_KEY=S3RVER
export SPINE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
export SPINE_TEST_ASYNCAPI_CLI="$tools/node_modules/.bin/asyncapi"
export SPINE_TEST_NODE_PATH="$tools/node_modules"
ENV
}

case "${1:-}" in
  start)
    mkdir -p "$state"
    install
    for b in "${brokers[@]}"; do rabbitmq_stop "$b"; done
    s3_stop; pg_stop
    # Every run starts from empty brokers and bucket store: what a killed earlier run left cannot meet this one.
    for b in "${brokers[@]}"; do rm -rf "$state/rabbitmq-$b/mnesia"; done
    rm -rf "$state/s3/data"
    for b in "${brokers[@]}"; do rabbitmq_launch "$b"; done
    s3_start; pg_start
    for b in "${brokers[@]}"; do rabbitmq_wait "$b"; done
    write_env
    log "endpoints written to $state/env"
    ;;
  stop) for b in "${brokers[@]}"; do rabbitmq_stop "$b"; done; s3_stop; pg_stop; log "stopped" ;;
  env) cat "$state/env" ;;
  rabbitmq-stop) rabbitmq_stop "${2:-restartable}"; log "RabbitMQ (${2:-restartable}) stopped" ;;
  rabbitmq-start) rabbitmq_start "${2:-restartable}" ;;
  *) echo "usage: $0 start|stop|env|rabbitmq-stop [INSTANCE]|rabbitmq-start [INSTANCE]" >&2; exit 2 ;;
esac
