#!/usr/bin/env bash
# Make the base image that submissions build FROM available (default python:3.11-slim):
# reuse it if present, else pull it, else build a compatible one offline from Debian packages
# (debootstrap bookworm gives Python 3.11). Idempotent; needs a running engine.
set -euo pipefail

image=${1:-python:3.11-slim}
here=$(cd "$(dirname "$0")" && pwd)

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "base image: $image present"
  exit 0
fi

if timeout 60 docker pull "$image" >/dev/null 2>&1; then
  echo "base image: pulled $image"
  exit 0
fi

case "$image" in
  python:3.11-slim|python:3.11-slim-bookworm) ;;
  *) echo "base image: $image cannot be pulled and only python:3.11-slim can be built offline" >&2; exit 1 ;;
esac

if ! command -v debootstrap >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "base image: $image cannot be pulled, and debootstrap is missing (needs root and apt-get to install)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
echo "base image: building $image offline with debootstrap (about a minute)" >&2
debootstrap --variant=minbase --include=python3,python3-pip,python3-venv,ca-certificates \
  bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || {
  tail -n 20 "$work/debootstrap.log" >&2
  exit 1
}
# The host's CA bundle, so that pip inside a build trusts whatever TLS proxy the host trusts.
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
tar -C "$rootfs" -c . | docker import - grader-base-rootfs:bookworm >/dev/null
docker build -q -t "$image" -f "$here/base-image.Dockerfile" "$here" >"$work/build.log" 2>&1 || {
  cat "$work/build.log" >&2
  exit 1
}
docker rmi grader-base-rootfs:bookworm >/dev/null
echo "base image: built $image offline ($(docker run --rm "$image" python --version))"
