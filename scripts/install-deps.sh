#!/bin/sh
# Installs the Debian 12 packages ucwa-mock builds with, when any is missing.
# Usage: scripts/install-deps.sh [extra-package ...]
set -eu

packages="g++ cmake make ccache pkg-config libboost1.81-dev libboost-url1.81-dev rapidjson-dev libtinyxml2-dev doctest-dev libssl-dev libjemalloc-dev libre2-dev libcli11-dev prometheus-cpp-dev libspdlog-dev zlib1g-dev libjpeg-dev python3 python3-yaml $*"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "installing:$missing"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
