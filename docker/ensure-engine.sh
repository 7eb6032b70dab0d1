#!/usr/bin/env bash
# Make a Docker engine reachable: reuse a running one, else install (root, Debian) and start dockerd.
# Idempotent. Prints one line saying what it did; exits non-zero if no engine can be had.
set -euo pipefail

log=${GRADER_DOCKERD_LOG:-/var/log/grader-dockerd.log}
pidfile=${GRADER_DOCKERD_PIDFILE:-/var/run/grader-dockerd.pid}

engine_up() { docker info >/dev/null 2>&1; }

if engine_up; then
  echo "docker engine: already running ($(docker version --format '{{.Server.Version}}'))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "docker engine: not running and cannot be installed here (needs root and apt-get); install Docker and start it" >&2
    exit 1
  fi
  echo "docker engine: installing docker.io" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if [ "$(id -u)" != 0 ]; then
  echo "docker engine: dockerd is installed but not running, and only root can start it here" >&2
  exit 1
fi

# The docker.io package may ship a client older than the one on PATH; either speaks to this daemon.
setsid dockerd >"$log" 2>&1 < /dev/null &
echo $! >"$pidfile"
for _ in $(seq 1 60); do
  if engine_up; then
    echo "docker engine: started dockerd (pid $(cat "$pidfile"), log $log)"
    exit 0
  fi
  sleep 0.5
done
echo "docker engine: dockerd did not become ready in 30 s; see $log" >&2
tail -n 20 "$log" >&2 || true
exit 1
