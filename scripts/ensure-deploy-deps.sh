#!/usr/bin/env bash
# Installs deploy/'s own dependencies (aws-cdk-lib, constructs, cdk-nag, the CDK CLI) with
# `npm ci` when they are missing or deploy/package-lock.json changed; otherwise does nothing.
# They live apart from the library's so that installing Baton stays lean.
set -euo pipefail
cd "$(dirname "$0")/../deploy"
stamp=node_modules/.baton-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
