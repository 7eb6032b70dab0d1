#!/usr/bin/env bash
# Make a headless Chromium available for the HTML report tests and `grader report --screenshot`:
# reuse one on PATH, else install Debian's `chromium` package (root, apt-get). No browser is
# downloaded from anywhere else. Idempotent. Prints one line saying what it did; exits non-zero
# if no Chromium can be had.
set -euo pipefail

find_chromium() {
  for name in "${GRADER_CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
    if [ -n "$name" ] && command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
  return 1
}

if binary=$(find_chromium); then
  echo "chromium: already installed ($binary)"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: not found and cannot be installed here (needs root and apt-get); install Chromium, or set GRADER_CHROMIUM" >&2
  exit 1
fi

echo "chromium: installing Debian's chromium package" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
if binary=$(find_chromium); then
  echo "chromium: installed ($binary)"
  exit 0
fi
echo "chromium: the chromium package installed no chromium command" >&2
exit 1
