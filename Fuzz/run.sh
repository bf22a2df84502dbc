#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address) from the sources they test and
# runs each for SECONDS_PER_TARGET seconds (default 60) on its seed corpus in Fuzz/corpus/<target>/.
# New inputs go to a scratch corpus under .build/fuzz, not into the committed seeds; a crash leaves
# its input in .build/fuzz/<target>/ and the script exits non-zero.
#   Fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     targets: png jpeg npy safetensors clipconfig
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(png jpeg npy safetensors clipconfig)
out=.build/fuzz
mkdir -p "$out/modules"
sanitize=(-sanitize=fuzzer,address)

# Module maps for the two C shims, as SwiftPM makes them.
for lib in CPNG CJPEG; do
    mkdir -p "$out/modules/$lib"
    header=$(ls "$PWD/Sources/$lib/include/"*.h)
    printf 'module %s {\n    header "%s"\n    export *\n}\n' "$lib" "$header" > "$out/modules/$lib/module.modulemap"
done
rm -f "$out"/*.o "$out"/fuzz-*
for source in Sources/CPNG/*.c Sources/CJPEG/*.c; do
    dir=$(dirname "$source")
    clang -O1 -g -fsanitize=fuzzer-no-link,address -I "$dir/include" -c "$source" \
        -o "$out/$(basename "$source" .c).o"
done

# FineXLSupport as its own module, then the Swift sources the targets reach compiled as one module
# named FineXLCore: their `import FineXLCore` then names the module itself and is ignored.
module_flags=(-Xcc "-fmodule-map-file=$out/modules/CPNG/module.modulemap"
              -Xcc "-fmodule-map-file=$out/modules/CJPEG/module.modulemap")
rm -f "$out/FineXLSupport.o" "$out/FineXLCore.o"
swiftc "${sanitize[@]}" -package-name finexl -O -g -parse-as-library -enable-testing -wmo -module-name FineXLSupport \
    -emit-module -emit-module-path "$out/FineXLSupport.swiftmodule" \
    -c Sources/FineXLSupport/*.swift -o "$out/FineXLSupport.o"
swift_sources=(
    Sources/FineXLCore/*.swift
    Sources/FineXLImage/ImageDecoder.swift Sources/FineXLImage/PNGCodec.swift Sources/FineXLImage/JPEGCodec.swift
    Sources/FineXLCLIP/NPY.swift Sources/FineXLCLIP/SafeTensors.swift Sources/FineXLCLIP/CLIPConfig.swift
    Sources/FineXLCLIP/CLIPImagePreprocessor.swift Sources/FineXLCLIP/Kernels.swift
)
swiftc "${sanitize[@]}" -package-name finexl -O -g -parse-as-library -enable-testing -wmo -module-name FineXLCore -I "$out" \
    "${module_flags[@]}" -emit-module -emit-module-path "$out/FineXLCore.swiftmodule" \
    -c "${swift_sources[@]}" -o "$out/FineXLCore.o" 2>&1 | grep -v "ignoring import\|^ *[0-9]* |\|^ *|" || true
[ -f "$out/FineXLCore.o" ] || { echo "error: the fuzzed sources did not compile" >&2; exit 1; }

status=0
for target in "${targets[@]}"; do
    swiftc "${sanitize[@]}" -package-name finexl -O -g -parse-as-library -I "$out" "${module_flags[@]}" "Fuzz/Targets/$target.swift" \
        "$out/FineXLCore.o" "$out/FineXLSupport.o" "$out"/cpng*.o "$out"/cjpeg*.o -lpng16 -ldeflate -ljpeg -o "$out/fuzz-$target" \
        2>&1 | grep -v "Cannot export local symbol" || true
    [ -x "$out/fuzz-$target" ] || { echo "error: the $target target did not build" >&2; exit 1; }
    mkdir -p "$out/$target/corpus"
    echo "== $target: ${seconds}s"
    # 2 GB RSS and 1 GB per allocation: anything more for inputs this small is a finding.
    if ! (cd "$out/$target" && "../fuzz-$target" -max_total_time="$seconds" -rss_limit_mb=2048 \
            -malloc_limit_mb=1024 -timeout=20 -max_len=65536 -print_final_stats=1 \
            corpus "$OLDPWD/Fuzz/corpus/$target" 2>&1 | grep -E "^(==|#[0-9]+ *DONE|stat::number_of_executed_units|SUMMARY|artifact_prefix|Test unit written|.*ERROR)" ); then
        :
    fi
    if ls "$out/$target"/crash-* "$out/$target"/oom-* "$out/$target"/timeout-* >/dev/null 2>&1; then
        echo "error: $target found failing inputs: $(ls "$out/$target"/crash-* "$out/$target"/oom-* "$out/$target"/timeout-* 2>/dev/null | tr '\n' ' ')" >&2
        status=1
    fi
done
exit $status
