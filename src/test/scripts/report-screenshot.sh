#!/bin/sh
# Renders a search run's report.html in headless Chromium and saves a screenshot, to check the page by eye.
# Usage: src/test/scripts/report-screenshot.sh RUN_DIR [OUT.png]   (needs /usr/bin/chromium: apt-get install -y chromium)
set -eu
run=$(cd "$1" && pwd)
out=${2:-$run/report-screenshot.png}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
  --screenshot="$out" --window-size=1200,2000 "file://$run/report.html"
echo "screenshot: $out"
