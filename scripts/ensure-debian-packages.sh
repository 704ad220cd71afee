#!/usr/bin/env bash
# Installs the Debian packages some tests need (e.g. python3-boto3 for the Python worker, chromium for the
# dev console), only when one is missing. CI runs as root on a fresh machine, so `npm test` can rely on this.
# Without root it only warns: those tests then skip locally, and fail under CI=true.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-debian-packages: missing ${missing[*]} (not root or no apt-get): tests that need them will skip" >&2
  exit 0
fi
echo "ensure-debian-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
