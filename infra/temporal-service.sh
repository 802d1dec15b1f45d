#!/usr/bin/env bash
# A production-shaped Temporal Service beside the dev server: the Temporal server (frontend, history,
# matching and worker services in one process) on PostgreSQL, as a cluster runs it.
#   ensure  installs PostgreSQL (Debian's `postgresql`, as root) and builds the server and its schema
#           tool from the Go module proxy into the tools folder
#   start   ensure, then PostgreSQL (its own cluster in TEMPORAL_SERVICE_PG_DIR, its own port), the
#           `temporal` role, the `temporal` and `temporal_visibility` databases and their schema, the
#           server, the `default` namespace and the project's search attributes; waits until it answers
#   stop    stops the server and the PostgreSQL that `start` started (by the state folder's records)
#   status  says what answers; exit status 0 when the frontend is serving
#   sql DATABASE QUERY  runs QUERY on one of its databases as PostgreSQL's superuser, unaligned output
# Every step is idempotent. The server uses the ports TEMPORAL_SERVICE_PORT .. TEMPORAL_SERVICE_PORT+19.
set -euo pipefail
source "$(dirname "$0")/env.sh"

server_dir="$SWE_RL_TOOLS_DIR/temporal-server-$TEMPORAL_SERVER_VERSION"
server_bin="$server_dir/temporal-server"
sql_tool="$server_dir/temporal-sql-tool"
pg_data="$TEMPORAL_SERVICE_PG_DIR"
pg_port="$TEMPORAL_SERVICE_PG_PORT"
db_user="temporal"
db_password="${TEMPORAL_SERVICE_DB_PASSWORD:-temporal}"
config_dir="$SWE_RL_STATE_DIR/temporal-service"
pg_started_marker="$SWE_RL_STATE_DIR/temporal-service-postgres.started"

address() { echo "127.0.0.1:$TEMPORAL_SERVICE_PORT"; }

# --- PostgreSQL ---------------------------------------------------------------------------------

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_postgres() {
  [ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/postgres" ] && return 0
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
    || die "PostgreSQL is missing: install the Debian package postgresql (as root this script does)"
  log "installing PostgreSQL (Debian package postgresql)"
  # Debian's package would create and start a cluster of its own on port 5432; this service runs
  # its own cluster, so ask for none (the package keeps an existing createcluster.conf).
  mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1 apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confold postgresql >/dev/null
}

# PostgreSQL refuses to run as root: as root its cluster belongs to the `postgres` user.
pg_os_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }
as_pg_user() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg() { local tool=$1; shift; as_pg_user "$(pg_bindir)/$tool" "$@"; }
# psql DATABASE SQL: as the cluster's superuser, over the unix socket in the data folder.
psql_admin() { pg psql -X -q -h "$pg_data" -p "$pg_port" -U "$(pg_os_user)" -d "$1" -v ON_ERROR_STOP=1 -tAc "$2"; }
pg_running() { pg pg_ctl -D "$pg_data" status >/dev/null 2>&1; }
pg_ready() { pg pg_isready -q -h 127.0.0.1 -p "$pg_port"; }

init_cluster() {
  [ -f "$pg_data/PG_VERSION" ] && return 0
  log "creating the PostgreSQL cluster in $pg_data"
  mkdir -p "$pg_data"
  if [ "$(id -u)" = 0 ]; then chown "$(pg_os_user)" "$pg_data"; fi
  chmod 700 "$pg_data"
  as_pg_user test -w "$pg_data" \
    || die "user $(pg_os_user) cannot write $pg_data (every folder above it must be searchable by that user)"
  pg initdb -D "$pg_data" -U "$(pg_os_user)" -E UTF8 --locale=C --auth-local=peer --auth-host=scram-sha-256 >/dev/null
}

start_postgres() {
  init_cluster
  if pg_running; then
    log "PostgreSQL already runs on $pg_data"
  else
    log "starting PostgreSQL on 127.0.0.1:$pg_port (data $pg_data)"
    : >> "$SWE_RL_LOG_DIR/temporal-service-postgres.log"
    if [ "$(id -u)" = 0 ]; then chown "$(pg_os_user)" "$SWE_RL_LOG_DIR/temporal-service-postgres.log"; fi
    # Port, address and socket folder on the command line, so a data folder can move between ports.
    pg pg_ctl -D "$pg_data" -l "$SWE_RL_LOG_DIR/temporal-service-postgres.log" -w -t 60 \
      -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $pg_data" start >/dev/null
    echo "$pg_data" > "$pg_started_marker"
  fi
  wait_until 60 "PostgreSQL on 127.0.0.1:$pg_port" pg_ready
}

# The role and the two databases the server uses, then their schema (setup at 0.0 is skipped when
# the schema is newer; update applies only the versions the database lacks).
prepare_databases() {
  local schema_log="$SWE_RL_LOG_DIR/temporal-service-schema.log"
  local sql_password=${db_password//\'/\'\'}
  if [ -z "$(psql_admin postgres "SELECT 1 FROM pg_roles WHERE rolname = '$db_user'")" ]; then
    psql_admin postgres "CREATE ROLE $db_user LOGIN PASSWORD '$sql_password'"
  fi
  local db schema
  for db in temporal temporal_visibility; do
    if [ -z "$(psql_admin postgres "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      psql_admin postgres "CREATE DATABASE $db OWNER $db_user"
    fi
    # The schema files are the module's own (schema/postgresql/v12/...), embedded in the tool.
    schema=postgresql/v12/temporal; [ "$db" = temporal_visibility ] && schema=postgresql/v12/visibility
    local tool=("$sql_tool" --quiet --plugin postgres12 --ep 127.0.0.1 -p "$pg_port" -u "$db_user" --pw "$db_password" --db "$db")
    { "${tool[@]}" setup-schema -v 0.0 && "${tool[@]}" update-schema --schema-name "$schema"; } >>"$schema_log" 2>&1 \
      || { tail -n 20 "$schema_log" >&2; die "the schema of $db could not be set up (log $schema_log)"; }
  done
}

stop_postgres() {
  [ -f "$pg_started_marker" ] || return 0
  local data; data=$(cat "$pg_started_marker")
  if [ -f "$data/PG_VERSION" ] && pg pg_ctl -D "$data" status >/dev/null 2>&1; then
    local pid; pid=$(head -n 1 "$data/postmaster.pid")
    pg pg_ctl -D "$data" -m fast -w -t 60 stop >/dev/null
    # pg_ctl returns once the pid file is gone, a moment before the postmaster has exited.
    wait_until 20 "PostgreSQL (pid $pid) to exit" eval '! kill -0 '"$pid"
    log "stopped PostgreSQL ($data, pid $pid)"
  fi
  rm -f "$pg_started_marker"
}

# --- the Temporal server ------------------------------------------------------------------------

build_server() {
  [ -x "$server_bin" ] && [ -x "$sql_tool" ] && return 0
  command -v go >/dev/null 2>&1 || die "Go is missing to build the Temporal server"
  log "building the Temporal server $TEMPORAL_SERVER_VERSION and its schema tool into $server_dir"
  local gobin; gobin=$(mktemp -d)
  GOBIN="$gobin" go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
  mkdir -p "$server_dir"
  mv "$gobin/sql" "$sql_tool"
  mv "$gobin/server" "$server_bin"
  rmdir "$gobin"
}

ensure() {
  "$(dirname "$0")/temporal.sh" ensure-cli
  install_postgres
  build_server
}

# One datastore of the server's config: DATABASE MAX_CONNECTIONS.
config_store() {
  cat <<EOF
      sql:
        pluginName: postgres12
        databaseName: $1
        connectAddr: "127.0.0.1:$pg_port"
        connectProtocol: tcp
        user: $db_user
        password: "$db_password"
        maxConns: $2
        maxIdleConns: $2
        maxConnLifetime: 1h
EOF
}

# One service of the server's config: NAME GRPC_PORT MEMBERSHIP_PORT.
config_service() {
  printf '  %s:\n    rpc:\n      grpcPort: %d\n      membershipPort: %d\n      bindOnLocalHost: true\n' "$1" "$2" "$3"
}

# The server's config (single node: all four services in one process, both stores on PostgreSQL);
# rewritten at each start so ports and paths follow the environment.
write_config() {
  local f=$TEMPORAL_SERVICE_PORT
  mkdir -p "$config_dir"
  {
    cat <<EOF
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: $TEMPORAL_SERVICE_HISTORY_SHARDS
  datastores:
    postgres-default:
$(config_store temporal 20)
    postgres-visibility:
$(config_store temporal_visibility 10)
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
$(config_service frontend "$f" $((f + 10)))
$(config_service history $((f + 1)) $((f + 11)))
$(config_service matching $((f + 2)) $((f + 12)))
$(config_service worker $((f + 6)) $((f + 16)))
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:$f"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "$config_dir/dynamicconfig.yaml"
  pollInterval: 10s
EOF
  } > "$config_dir/service.yaml"
  # Visibility queries at the dev server's rate (the CLI and `swe-rl` list runs); extra values from
  # SWE_RL_TEMPORAL_DYNAMIC_CONFIG ("key=value ..."), as the dev server takes them.
  {
    printf 'frontend.namespaceRPS.visibility:\n  - value: 100\n'
    local spec
    for spec in ${SWE_RL_TEMPORAL_DYNAMIC_CONFIG:-}; do printf '%s:\n  - value: %s\n' "${spec%%=*}" "${spec#*=}"; done
  } > "$config_dir/dynamicconfig.yaml"
}

healthy() { "$(temporal_bin)" operator cluster health --address "$(address)" 2>/dev/null | grep -q SERVING; }
namespace_ready() { "$(temporal_bin)" operator namespace describe --namespace default --address "$(address)" >/dev/null 2>&1; }

# Registers what is missing, then holds only when every attribute is listed (the namespace may
# take a moment to reach the frontend's cache after it is created).
search_attributes_ready() {
  register_search_attributes "$(address)" || return 1
  local listed spec; listed=$("$(temporal_bin)" operator search-attribute list --namespace default --address "$(address)") || return 1
  for spec in "${SWE_RL_SEARCH_ATTRIBUTES[@]}"; do grep -qw "${spec%%=*}" <<<"$listed" || return 1; done
}

prepare_namespace() {
  if ! namespace_ready; then
    log "creating the default namespace"
    "$(temporal_bin)" operator namespace create --namespace default --retention 72h --address "$(address)" >/dev/null
  fi
  wait_until 60 "the default namespace on $(address)" namespace_ready
  wait_until 60 "the search attributes on $(address)" search_attributes_ready
}

start_server() {
  if healthy; then
    log "the Temporal Service already answers on $(address)"
    return 0
  fi
  pid_alive temporal-service && die "the Temporal Service (pid $(cat "$SWE_RL_STATE_DIR/temporal-service.pid")) runs but does not answer on $(address); see $SWE_RL_LOG_DIR/temporal-service.log"
  write_config
  log "starting the Temporal Service $TEMPORAL_SERVER_VERSION on $(address) (PostgreSQL 127.0.0.1:$pg_port)"
  setsid "$server_bin" --root / --config "$config_dir" --env service --allow-no-auth start \
    >>"$SWE_RL_LOG_DIR/temporal-service.log" 2>&1 < /dev/null &
  echo $! > "$SWE_RL_STATE_DIR/temporal-service.pid"
  local deadline=$(( $(date +%s) + 120 )) why=""
  until healthy; do
    if ! pid_alive temporal-service; then why="exited"
    elif [ "$(date +%s)" -ge "$deadline" ]; then why="did not answer within 120s"
    fi
    if [ -n "$why" ]; then
      tail -n 5 "$SWE_RL_LOG_DIR/temporal-service.log" | cut -c 1-400 >&2
      die "the Temporal Service $why (log $SWE_RL_LOG_DIR/temporal-service.log)"
    fi
    sleep 0.5
  done
}

# step NAME FUNCTION: runs FUNCTION and prints its timing line as env.sh's `timed` does; unlike
# `timed`, it keeps `set -e` in force inside FUNCTION (a function called in `cmd || ...` loses it).
step() {
  local name=$1 start; start=$(date +%s%N); shift
  "$@"
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '[swe-rl timing] %-16s %4d.%01ds\n' "$name" $((ms / 1000)) $((ms % 1000 / 100)) >&2
}

start() {
  mkdir -p "$SWE_RL_STATE_DIR" "$SWE_RL_LOG_DIR"
  step svc_tools ensure
  step svc_postgres start_postgres
  step svc_schema prepare_databases
  step svc_server start_server
  step svc_namespace prepare_namespace
  log "Temporal Service ready on $(address) (no Web UI: the server has none)"
}

stop() {
  stop_process temporal-service
  stop_postgres
}

status() {
  local rc=1
  if healthy; then echo "temporal-service: running on $(address)"; rc=0; else echo "temporal-service: not running"; fi
  if [ -n "$(pg_bindir)" ] && [ -f "$pg_data/PG_VERSION" ] && pg_running; then
    echo "postgres: running on 127.0.0.1:$pg_port (data $pg_data)"
  else
    echo "postgres: not running"
  fi
  return $rc
}

case "${1:-}" in
  ensure) ensure ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  healthy) healthy ;;
  address) address ;;
  sql) [ $# = 3 ] || die "usage: temporal-service.sh sql DATABASE QUERY"; psql_admin "$2" "$3" ;;
  *) die "usage: temporal-service.sh ensure|start|stop|status|healthy|address|sql DATABASE QUERY" ;;
esac
