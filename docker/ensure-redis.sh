#!/usr/bin/env bash
# Make a Redis server reachable for distributed grading (`grader worker`, `grader grade --broker`):
# reuse one answering on 127.0.0.1:$GRADER_REDIS_PORT (default 6379), else install Debian's
# redis-server (root, apt-get) and start it bound to loopback, with a pidfile.
# Idempotent. Prints one line saying what it did; exits non-zero if no server can be had.
set -euo pipefail

port=${GRADER_REDIS_PORT:-6379}
dir=${GRADER_REDIS_DIR:-/var/lib/grader-redis}
log=${GRADER_REDIS_LOG:-/var/log/grader-redis.log}
pidfile=${GRADER_REDIS_PIDFILE:-/var/run/grader-redis.pid}

redis_up() { redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; }

if command -v redis-cli >/dev/null 2>&1 && redis_up; then
  echo "redis: already running on 127.0.0.1:$port ($(redis-cli -h 127.0.0.1 -p "$port" info server | tr -d '\r' | sed -n 's/^redis_version://p'))"
  exit 0
fi

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "redis: not running and cannot be installed here (needs root and apt-get); install redis-server and start it" >&2
    exit 1
  fi
  echo "redis: installing Debian's redis-server" >&2
  apt-get update -qq
  # the package's own service is not started here (no init system); this script starts it
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
fi

mkdir -p "$dir"
# loopback only; no snapshots to disk are needed for a queue that workers re-fill on restart,
# but the append-only file keeps queued jobs across a restart of the server
redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --appendonly yes --save '' \
  --daemonize yes --pidfile "$pidfile" --logfile "$log"
for _ in $(seq 1 40); do
  if redis_up; then
    echo "redis: started redis-server on 127.0.0.1:$port (pid $(cat "$pidfile"), log $log)"
    exit 0
  fi
  sleep 0.25
done
echo "redis: redis-server did not answer in 10 s; see $log" >&2
tail -n 20 "$log" >&2 || true
exit 1
