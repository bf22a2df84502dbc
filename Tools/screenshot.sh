#!/bin/sh
# Renders the browser tests' sample report and screenshots it in light and dark mode.
# Usage: Tools/screenshot.sh [OUTPUT_DIR]   (default /tmp/finexl-report-shots)
# Needs Debian's `chromium` (or FINEXL_CHROMIUM naming another Chromium/Chrome).
set -eu
cd "$(dirname "$0")/.."
out="${1:-/tmp/finexl-report-shots}"
mkdir -p "$out"
browser="${FINEXL_CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
if [ -z "$browser" ]; then
    echo "error: chromium not found; install it (apt-get install -y chromium) or set FINEXL_CHROMIUM" >&2
    exit 1
fi
FINEXL_REPORT_SAMPLE="$out" swift test --filter 'BrowserTests.testEveryFigureLoadsInFolderMode' >/dev/null
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
for scheme in light dark; do
    flag=""
    [ "$scheme" = dark ] && flag="--force-dark-mode"
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
        --user-data-dir="$profile" $flag --window-size=1200,2800 \
        --screenshot="$out/report-$scheme.png" "file://$out/sample.html" 2>/dev/null
done
echo "$out/sample.html"
echo "$out/report-light.png"
echo "$out/report-dark.png"
