#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) in
# build-fuzz/ and runs each for a while on a copy of its seed corpus.
#
# Usage: scripts/fuzz.sh [seconds-per-target]     (default: $FUZZ_SECONDS, else 60)
#
# Environment:
#   FUZZ_SECONDS   seconds per target when no argument is given (default 60)
#   FUZZ_TARGETS   a space-separated subset of the targets to run (default: all)
#   FUZZ_BUILD_DIR the build folder (default: build-fuzz)
#   FUZZ_FRESH=1   start from the seeds only, forgetting what earlier runs found
#   FUZZ_SOURCE_DIR another ucwa-mock tree to fuzz (its server/, fixtures/ and
#                  scenarios/), e.g. `git archive HEAD` unpacked while server/ is mid-edit
#
# Seeds in tests/fuzz/corpus/<target>/ are copied to build-fuzz/corpus/<target>/,
# which is what the fuzzer grows, so the files in git are never touched. Crash,
# timeout and out-of-memory inputs go to build-fuzz/artifacts/<target>/, the
# full output to build-fuzz/logs/<target>.log. Inputs in
# tests/fuzz/regressions/<target>-* are replayed first. Exits non-zero when any
# target failed, naming it and its reproducers.
set -eu
set -o pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${1:-${FUZZ_SECONDS:-60}}
case $seconds in
    '' | *[!0-9]*)
        echo "usage: scripts/fuzz.sh [seconds-per-target]" >&2
        exit 2
        ;;
esac

all_targets="fuzz_json_codec fuzz_xml_codec fuzz_multipart fuzz_data_uri fuzz_scenario fuzz_fixtures fuzz_request_handler"
targets=${FUZZ_TARGETS:-$all_targets}
build=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${JOBS:-$(nproc)}

# clang and its runtimes (libFuzzer, ASan, UBSan), beside the usual packages.
scripts/install-deps.sh clang libclang-rt-14-dev

configure_flags=""
if command -v ninja >/dev/null 2>&1; then
    configure_flags="-G Ninja"
fi
if command -v ccache >/dev/null 2>&1; then
    configure_flags="$configure_flags -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
fi

source_dir=$root
if [ -n "${FUZZ_SOURCE_DIR:-}" ]; then
    source_dir=$(cd "$FUZZ_SOURCE_DIR" && pwd)
fi

started=$(date +%s)
# shellcheck disable=SC2086
CC=clang CXX=clang++ cmake -S "$source_dir" -B "$build" -DUCWA_MOCK_FUZZ=ON $configure_flags >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j "$jobs" --target $targets
echo "fuzz: built in $(( $(date +%s) - started )) s"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=""
summary=""
for target in $targets; do
    exe="$root/$build/$target"
    seeds="$root/tests/fuzz/corpus/$target"
    corpus="$root/$build/corpus/$target"
    artifacts="$root/$build/artifacts/$target"
    log="$root/$build/logs/$target.log"
    dict="$root/tests/fuzz/dict/${target#fuzz_}.dict"

    if [ "${FUZZ_FRESH:-0}" = 1 ]; then
        rm -rf "$corpus"
    fi
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    if [ -d "$seeds" ]; then
        cp -R "$seeds/." "$corpus/"
    fi

    # Known crashers first, one process each: every one must pass.
    regressions_failed=""
    for input in $(find "$root/tests/fuzz/regressions" -maxdepth 1 -type f -name "$target-*" 2>/dev/null | sort); do
        if ! "$exe" -timeout=10 -rss_limit_mb=2048 "$input" >"$log.regression" 2>&1; then
            regressions_failed="$regressions_failed $(basename "$input")"
            echo "fuzz: $target: regression input $(basename "$input") fails:"
            grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error:)' "$log.regression" | head -n 3 || true
        fi
    done

    options="-max_total_time=$seconds -timeout=10 -rss_limit_mb=2048 -print_final_stats=1"
    options="$options -artifact_prefix=$artifacts/"
    if [ -f "$dict" ]; then
        options="$options -dict=$dict"
    fi
    case $target in
        # Room for a request line and headers over the 8 KiB limit.
        fuzz_request_handler) options="$options -max_len=16384" ;;
    esac

    echo "fuzz: $target for ${seconds} s"
    stamp="$artifacts/.started"
    touch "$stamp"
    status=0
    # shellcheck disable=SC2086
    "$exe" $options "$corpus" >"$log" 2>&1 || status=$?

    # libFuzzer's last status line: "#123456 DONE cov: 789 ft: 1011 corp: 12/3456b ...".
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    runs=$(grep -E '^stat::number_of_executed_units:' "$log" | tail -n 1 | awk '{print $2}' || true)
    [ -n "$runs" ] || runs=$(printf '%s\n' "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
    cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')

    if [ "$status" -eq 0 ]; then
        result="ok"
    else
        result="FAILED (exit $status)"
    fi
    if [ -n "$regressions_failed" ]; then
        result="$result; regressions failing:$regressions_failed"
    fi
    if [ "$status" -ne 0 ] || [ -n "$regressions_failed" ]; then
        failed="$failed $target"
    fi
    line=$(printf '%-22s runs: %-9s cov: %-6s ft: %-6s corp: %-12s %s' \
        "$target" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result")
    echo "$line"
    summary="$summary$line\n"
    if [ "$status" -ne 0 ]; then
        # The sanitizer's or libFuzzer's verdict and the reproducer.
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error:|artifact_prefix|Test unit written to|==[0-9]+== ERROR: libFuzzer)' "$log" | head -n 10 || true
        find "$artifacts" -type f ! -name .started -newer "$stamp" | while read -r crash; do
            echo "  reproducer: $crash (replay: $exe $crash)"
        done
        echo "  log: $log"
    fi
done

echo
echo "fuzz summary (${seconds} s per target):"
printf '%b' "$summary"
if [ -n "$failed" ]; then
    echo "fuzz: FAILED:$failed" >&2
    exit 1
fi
echo "fuzz: all targets passed"
