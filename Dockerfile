# pidone: a FROM-scratch base image whose ENTRYPOINT is pidone, the tiny init.
#
#   docker build -t pidone .                      minimal image, this machine's architecture
#   docker build --target full -t pidone:full .   adds Debian's CA bundle and zoneinfo
#   docker buildx build --platform linux/amd64,linux/arm64 .
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
# toolchain), plus what the full flavour ships.
COPY scripts/install-deps.sh scripts/debian-packages.txt scripts/
RUN scripts/install-deps.sh toolchain \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates tzdata \
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
 && docker/assemble-rootfs.sh "build/$preset/bin" /out

FROM ${ROOTFS_SOURCE} AS rootfs-source

FROM scratch AS minimal
# COPY first: the legacy builder's cache would otherwise match this stage's
# first step across platforms.
COPY --from=rootfs-source /out/rootfs/ /
ARG PIDONE_VERSION=1.0.0
LABEL org.opencontainers.image.title="pidone" \
      org.opencontainers.image.description="FROM-scratch base image with pidone, a tiny init for containers, as ENTRYPOINT" \
      org.opencontainers.image.version="${PIDONE_VERSION}" \
      org.opencontainers.image.source="https://github.com/pidone/pidone" \
      org.opencontainers.image.licenses="MIT"
ENV HOME=/home/nonroot USER=nonroot
# nonroot, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 65532:65532
WORKDIR /home/nonroot
ENTRYPOINT ["/bin/pidone", "--"]

FROM minimal AS full
COPY --from=rootfs-source /out/full/ /

# `docker build .` without --target gives the minimal image.
FROM minimal
