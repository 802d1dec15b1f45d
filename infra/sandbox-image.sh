#!/usr/bin/env bash
# Builds the sandbox base image (Debian with python3, pytest, git, patch, coreutils, grep, sed,
# findutils) without an image registry: debootstrap a root file system, then `docker import` it.
# Skips the build when the image already exists. With a registry, infra/Dockerfile.sandbox builds
# the same image.
set -euo pipefail
source "$(dirname "$0")/env.sh"

docker_running || die "no Docker engine answers; run infra/docker.sh first"
if docker image inspect "$SANDBOX_IMAGE" >/dev/null 2>&1; then
  log "sandbox image $SANDBOX_IMAGE exists; skipping build"
  exit 0
fi

# The Debian mirror this machine's apt already uses (no host name is baked into the project).
debian_mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1)
  [ -n "$uri" ] || uri=$(grep -hsE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1)
  [ -n "$uri" ] || die "cannot find a Debian mirror in the apt sources; set SWE_RL_DEBIAN_MIRROR"
  echo "$uri"
}
mirror="${SWE_RL_DEBIAN_MIRROR:-$(debian_mirror)}"

command -v debootstrap >/dev/null 2>&1 || {
  [ "$(id -u)" = 0 ] || die "debootstrap is missing and installing it needs root"
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
}

rootfs=$(mktemp -d "${TMPDIR:-/tmp}/swe-rl-rootfs.XXXXXX")
trap 'rm -rf "$rootfs"' EXIT
packages=python3,python3-pytest,git,patch,coreutils,grep,sed,findutils,ca-certificates,procps
log "debootstrap $SANDBOX_SUITE into $rootfs"
debootstrap --variant=minbase --include="$packages" "$SANDBOX_SUITE" "$rootfs" "$mirror" \
  > "$rootfs.log" 2>&1 || { tail -n 30 "$rootfs.log" >&2; die "debootstrap failed (log above)"; }
rm -f "$rootfs.log"
# Trim what a sandbox never needs, and give it a non-root user and the /testbed convention.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
chroot "$rootfs" useradd --create-home --uid 1000 --shell /bin/bash agent
mkdir -p "$rootfs/testbed" && chroot "$rootfs" chown agent:agent /testbed
chroot "$rootfs" git config --system user.email agent@swe-rl.local
chroot "$rootfs" git config --system user.name swe-rl-agent
chroot "$rootfs" git config --system --add safe.directory '*'

log "importing $SANDBOX_IMAGE"
tar -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PYTHONDONTWRITEBYTECODE=1' \
  --change 'WORKDIR /testbed' \
  --change 'CMD ["/bin/bash"]' \
  - "$SANDBOX_IMAGE" >/dev/null
log "sandbox image $SANDBOX_IMAGE built ($(docker image inspect -f '{{.Size}}' "$SANDBOX_IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
