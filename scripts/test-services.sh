#!/usr/bin/env bash
# Installs the real parts the test-suite runs against, from Debian's packages:
#   - PostgreSQL server binaries (the tests start their own throw-away cluster on 127.0.0.1)
#   - Chromium (the review page is checked in a real headless browser)
#   - Noto fonts for the scripts of the member cities' languages (Tamil, Kannada, Chinese,
#     Arabic...), so that the browser's screenshots of the review show real glyphs
# Idempotent and quiet when everything is already there. Needs root for apt-get; without it,
# it says what is missing and the tests that need it report why they cannot run.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/share/fonts/truetype/noto/NotoSansTamil-Regular.ttf >/dev/null 2>&1 || need+=(fonts-noto-core)
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || need+=(fonts-noto-cjk)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "test-services: missing ${need[*]}; install them (apt-get install ${need[*]}) or run as root" >&2
    exit 0
fi
echo "test-services: installing ${need[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a cluster on install where it can; the tests use their own, so stop it.
if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
        pg_ctlcluster "$ver" "$name" stop >/dev/null 2>&1 || true
    done
fi
