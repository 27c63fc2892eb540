#!/usr/bin/env bash
# Fuzzes every reader's target in turn for SECONDS each (default 600) and prints one line per target:
# executions, time and whether Jazzer reported a finding (a finding is saved under
# tools/src/test/resources/io/mssd/tools/fuzz/ReaderFuzzTestInputs/TARGET by Jazzer: keep it there).
# Usage: bench/fuzz_all.sh [SECONDS] [TARGET ...]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(tflite caffemodel prototxt tfjs cocoGroundTruth cocoResults vocXml modelJson safetensors onnx)
mvn -B -q -o -DskipTests package >/dev/null 2>&1 || mvn -B -q -DskipTests package
for t in "${targets[@]}"; do
  log=$(mktemp)
  start=$(date +%s)
  mvn -B -o -Pfuzz test -pl tools -am -Dtest="ReaderFuzzTest#$t" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dfuzz.seconds="$seconds" >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  execs=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -1 | sed -E 's/^#([0-9]+).*/\1/')
  finding=$(grep -cE "== Java Exception|FuzzerSecurityIssue|Java Assertion Error|ERROR: libFuzzer" "$log")
  echo "$t: ${execs:-?} executions in $((end - start)) s (build and start included), maven exit $rc, findings $finding (log $log)"
done
