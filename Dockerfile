# pidone: a FROM-scratch base image whose ENTRYPOINT is pidone, the tiny init.
#
#   docker build -t pidone .                      minimal image, this machine's architecture
#   docker build --target full -t pidone:full .   adds Debian's CA bundle and zoneinfo
# scripts/oci-image.py assembles the same images, reproducibly, from the
# release's binaries (see "Building a release" in README.md).
#
# The builder stage runs on the build machine's own platform and cross-compiles
# for the target one with the project's CMake presets. The legacy builder
# (DOCKER_BUILDKIT=0) sets no platform arguments and cannot copy between stages
# of different platforms: scripts/build-images.sh drives that case.
#
# Platform arguments are declared without defaults: under BuildKit a default
# would win over the value BuildKit fills in.
ARG BUILDPLATFORM
ARG DEBIAN_IMAGE=debian:12
# Where the final stages take the file tree from: the builder stage, or an image
# holding the builder's /out for the target platform (legacy builder, arm64:
# scripts/build-images.sh then builds this line and everything from
# `FROM ${ROOTFS_SOURCE} AS rootfs-source` on, unchanged).
ARG ROOTFS_SOURCE=builder

FROM --platform=${BUILDPLATFORM:-linux/amd64} ${DEBIAN_IMAGE} AS builder
WORKDIR /src
# The static presets' toolchain (scripts/debian-packages.txt, section
# toolchain), and the pinned packages whose files the full flavour ships.
COPY scripts/install-deps.sh scripts/debian-packages.txt scripts/
COPY docker/fetch-debian-files.sh docker/debian-files.txt docker/
RUN scripts/install-deps.sh toolchain \
 && docker/fetch-debian-files.sh /debs \
 && rm -rf /var/lib/apt/lists/*
COPY . .
ARG TARGETARCH
ARG PIDONE_COMMIT
RUN case "${TARGETARCH:-amd64}" in \
      amd64) preset=x86_64 ;; \
      arm64) preset=aarch64 ;; \
      *) echo "no CMake preset for TARGETARCH=${TARGETARCH}" >&2; exit 1 ;; \
    esac \
 && cmake --preset "$preset" ${PIDONE_COMMIT:+"-DPIDONE_COMMIT=$PIDONE_COMMIT"} \
 && cmake --build --preset "$preset" \
 && docker/assemble-rootfs.sh "build/$preset/bin" /debs /out

FROM ${ROOTFS_SOURCE} AS rootfs-source

FROM scratch AS minimal
# COPY first: the legacy builder's cache would otherwise match this stage's
# first step across platforms.
COPY --from=rootfs-source /out/rootfs/ /
ARG PIDONE_VERSION=1.0.0
ARG PIDONE_COMMIT=unknown
LABEL org.opencontainers.image.title="pidone" \
      org.opencontainers.image.description="FROM-scratch base image with pidone, a tiny init for containers, as ENTRYPOINT" \
      org.opencontainers.image.version="${PIDONE_VERSION}" \
      org.opencontainers.image.revision="${PIDONE_COMMIT}" \
      org.opencontainers.image.licenses="MIT"
ENV HOME=/home/nonroot USER=nonroot
# nonroot, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 65532:65532
WORKDIR /home/nonroot
# No "--": pidone's options end at the first word that is not one, so both
# `docker run IMAGE --help` and `docker run IMAGE /app ARGS` do what they say.
ENTRYPOINT ["/bin/pidone"]

FROM minimal AS full
COPY --from=rootfs-source /out/full/ /

# `docker build .` without --target gives the minimal image.
FROM minimal
