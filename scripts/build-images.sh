#!/usr/bin/env bash
# Builds the pidone images, minimal and full, for amd64 and arm64, with the
# root Dockerfile and its builder stage, on Docker's legacy builder (no buildx
# or registry needed), then prints their sizes.
#   usage: scripts/build-images.sh [ARCH...]   (default: amd64 arm64)
# Tags: pidone:<version>-<arch>, pidone:<version>-full-<arch>, and pidone:latest,
# pidone:full for this machine's architecture. PIDONE_IMAGE=NAME tags NAME:...
# instead (checkouts that share one engine keep their images apart).
set -euo pipefail
shopt -s inherit_errexit
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOCKER_BUILDKIT=0  # the same path with or without buildx installed

minimal_limit_amd64=32768
image=${PIDONE_IMAGE:-pidone}
host_arch=$(dpkg --print-architecture)
version=$(sed -n 's/^project(pidone VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
commit=$(git rev-parse --short=7 HEAD 2>/dev/null) || commit=unknown
logs=$root/build/docker
mkdir -p "$logs"
temp_dirs=()
trap 'rm -rf "${temp_dirs[@]}"' EXIT

# docker build with the arguments every build shares; output goes to a log.
build() {
  local log=$1
  shift
  if ! docker build --network host --force-rm \
      --build-arg "BUILDPLATFORM=linux/$host_arch" \
      --build-arg "PIDONE_VERSION=$version" \
      --build-arg "PIDONE_COMMIT=$commit" \
      "$@" >"$log" 2>&1; then
    echo "build-images: docker build $* failed; the end of $log:" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
}

# The builder stage, tagged <image>-builder:<version>-ARCH (its own per PIDONE_IMAGE:
# checkouts sharing an engine may hold different Dockerfiles) so that its layers
# (the toolchain above all) stay cached between runs.
build_builder() {
  local arch=$1
  build "$logs/builder-$arch.log" --target builder --build-arg "TARGETARCH=$arch" \
    -t "$image-builder:$version-$arch" .
}

# The legacy builder refuses to build a stage of another platform than the
# one asked for, and builds every stage before the target. So for a foreign
# ARCH, the builder's /out becomes <image>-rootfs:<version>-ARCH, an image of
# platform linux/ARCH (docker/rootfs.Dockerfile), and the root Dockerfile's
# final stages, copied unchanged into CONTEXT/Dockerfile, assemble the image
# from that one.
prepare_foreign_arch() {
  local arch=$1 context=$2 container
  container=$(docker create "$image-builder:$version-$arch" true)
  docker cp "$container:/out" - >"$context/out.tar"
  docker rm "$container" >/dev/null
  build "$logs/rootfs-$arch.log" --platform "linux/$arch" -t "$image-rootfs:$version-$arch" \
    -f docker/rootfs.Dockerfile "$context"
  rm "$context/out.tar"
  sed -n -e '/^ARG ROOTFS_SOURCE=/p' -e '/^FROM ${ROOTFS_SOURCE} AS rootfs-source$/,$p' \
    Dockerfile >"$context/Dockerfile"
}

build_arch() {
  local arch=$1 context=. args=(--build-arg "TARGETARCH=$arch")
  build_builder "$arch"
  if [ "$arch" != "$host_arch" ]; then
    context=$(mktemp -d)
    temp_dirs+=("$context")
    prepare_foreign_arch "$arch" "$context"
    args+=(--platform "linux/$arch" --build-arg "ROOTFS_SOURCE=$image-rootfs:$version-$arch")
  fi
  build "$logs/minimal-$arch.log" "${args[@]}" --target minimal -t "$image:$version-$arch" "$context"
  build "$logs/full-$arch.log" "${args[@]}" --target full -t "$image:$version-full-$arch" "$context"
  if [ "$arch" = "$host_arch" ]; then
    docker tag "$image:$version-$arch" "$image:latest"
    docker tag "$image:$version-full-$arch" "$image:full"
  fi
}

print_size() {
  local tag=$1 size
  size=$(docker image inspect -f '{{.Size}}' "$tag")
  awk -v tag="$tag" -v size="$size" 'BEGIN { printf "%-28s %9d bytes %9.1f KiB\n", tag, size, size / 1024 }'
}

docker/debian-base.sh debian:12
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(amd64 arm64)
for arch in "${archs[@]}"; do
  start=$SECONDS
  build_arch "$arch"
  echo "build-images: built $image:$version-$arch and $image:$version-full-$arch in $((SECONDS - start))s"
done

echo "Image sizes (uncompressed, docker image inspect .Size):"
for arch in "${archs[@]}"; do
  print_size "$image:$version-$arch"
  print_size "$image:$version-full-$arch"
done
if [[ " ${archs[*]} " == *" amd64 "* ]]; then
  size=$(docker image inspect -f '{{.Size}}' "$image:$version-amd64")
  if [ "$size" -gt "$minimal_limit_amd64" ]; then
    echo "build-images: $image:$version-amd64 is $size bytes, over the $minimal_limit_amd64-byte limit" >&2
    exit 1
  fi
fi
