#!/bin/sh
# Builds the ucwa-mock image (IMAGE, default ucwa-mock:latest).
set -eu
cd "$(dirname "$0")/.."
. scripts/container-engine.sh
# shellcheck disable=SC2086
$ENGINE build $BUILD_FLAGS -f docker/Dockerfile -t "$IMAGE" .
