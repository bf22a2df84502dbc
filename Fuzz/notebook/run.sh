#!/usr/bin/env bash
# Fuzz the notebook parser with libFuzzer for N seconds (default 60):
#   bash Fuzz/notebook/run.sh [SECONDS]
# Builds into .build/fuzz (its own build folder, with -sanitize=fuzzer,address), runs over a
# copy of the seed corpus in .build/fuzz/notebook-corpus and leaves any crash input as
# .build/fuzz/crash-*. Exit non-zero when libFuzzer found a fault.
# Replay only (no fuzzer, as CI does): swift run finexl-fuzz-notebook Fuzz/notebook/corpus
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
swift build --build-path .build/fuzz --product finexl-fuzz-notebook \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -D -Xswiftc FUZZING
mkdir -p .build/fuzz/notebook-corpus
cp -n Fuzz/notebook/corpus/* .build/fuzz/notebook-corpus/ 2>/dev/null || true
exec .build/fuzz/debug/finexl-fuzz-notebook .build/fuzz/notebook-corpus Fuzz/notebook/corpus \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
    -artifact_prefix=.build/fuzz/ -print_final_stats=1
