#!/bin/sh
# Sourced by docker.sh and docker-test.sh: picks a container engine and sets it up.
# A Docker engine when one answers; otherwise podman (installed if missing), with
# the settings these machines need and a Debian base image made with debootstrap,
# because no registry can be reached.

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The smoke test talks to the container with curl.
if ! command -v curl >/dev/null 2>&1; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq curl >/dev/null
fi

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    ENGINE=docker
    BUILD_FLAGS=""
else
    ENGINE=podman
    BUILD_FLAGS="--format docker --pull=never"
    need=""
    for p in podman runc debootstrap; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="$need $p"
    done
    if [ -n "$need" ]; then
        echo "installing:$need"
        as_root apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq $need >/dev/null
    fi
    # crun rejects this machine's cgroup setup and the default rlimits are not permitted.
    CONTAINERS_CONF="${TMPDIR:-/tmp}/ucwa-mock-containers.conf"
    cat > "$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=8192:8192", "nproc=8192:8192"]
[engine]
runtime = "runc"
CONF
    export CONTAINERS_CONF
    if ! podman image exists docker.io/library/debian:bookworm; then
        # The mirror comes from this machine's own apt sources.
        mirror=$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
                 | head -n1 | tr -d ' ')
        [ -n "$mirror" ] || { echo "no Debian mirror found in the apt sources" >&2; exit 1; }
        rootfs=$(mktemp -d)
        echo "building the debian:bookworm base image from $mirror (a few minutes, once)"
        as_root debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
        as_root rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
        as_root tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - docker.io/library/debian:bookworm >/dev/null
        as_root rm -rf "$rootfs"
    fi
    # bookworm-slim is bookworm without docs, manuals and locales, as Debian's own slim
    # images are; dpkg keeps them out of later installs too.
    full=$(podman image inspect --format '{{.Id}}' docker.io/library/debian:bookworm)
    slim=$(podman image inspect --format '{{.Id}}' docker.io/library/debian:bookworm-slim 2>/dev/null || true)
    if [ -z "$slim" ] || [ "$slim" = "$full" ]; then
        echo "making debian:bookworm-slim"
        podman rm -f ucwa-mock-slim-base >/dev/null 2>&1 || true
        podman run --name ucwa-mock-slim-base docker.io/library/debian:bookworm sh -c '
            find /usr/share/doc -type f ! -name copyright -delete
            rm -rf /usr/share/man/* /usr/share/locale/* /usr/share/info/* /var/cache/apt/* /var/lib/apt/lists/*
            printf "%s\n" "path-exclude /usr/share/doc/*" "path-include /usr/share/doc/*/copyright" \
                "path-exclude /usr/share/man/*" "path-exclude /usr/share/locale/*" "path-exclude /usr/share/info/*" \
                > /etc/dpkg/dpkg.cfg.d/slim' >/dev/null
        podman export ucwa-mock-slim-base |
            podman import --change 'CMD ["/bin/bash"]' - docker.io/library/debian:bookworm-slim >/dev/null 2>&1
        podman rm -f ucwa-mock-slim-base >/dev/null
    fi
fi
IMAGE="${IMAGE:-ucwa-mock:latest}"
