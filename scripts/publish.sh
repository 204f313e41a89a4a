#!/usr/bin/env bash
# Pushes the release's images to a registry: both flavours' multi-arch
# indexes (linux/amd64 and linux/arm64), as they are in the OCI archive, so
# the registry serves the release's digests. Tags: <version> and latest
# (minimal), <version>-full and full.
#   usage: scripts/publish.sh [--archive FILE] [--tls-verify=false] REGISTRY[/REPOSITORY]
#     REGISTRY    e.g. registry.example:5000 (repository pidone) or
#                 registry.example/team/pidone
#     --archive   default dist/pidone_<version>_image_oci.tar
#     --tls-verify=false  for a registry served over plain HTTP
# Credentials: `skopeo login REGISTRY` first, when the registry wants them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^project(pidone VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
archive=$root/dist/pidone_${version}_image_oci.tar
tls=()
usage() { echo "usage: $0 [--archive FILE] [--tls-verify=false] REGISTRY[/REPOSITORY]" >&2; exit 2; }
while [ $# -gt 1 ]; do
  case "$1" in
    --archive) archive=${2:?--archive needs a file}; shift ;;
    --tls-verify=*) tls=("--dest-tls-verify=${1#--tls-verify=}") ;;
    *) usage ;;
  esac
  shift
done
[ $# -eq 1 ] || usage
destination=$1
case "$destination" in
  */*) repository=$destination ;;
  *) repository=$destination/pidone ;;
esac
[ -f "$archive" ] || { echo "publish: no $archive (scripts/release.sh makes it)" >&2; exit 1; }

# Pushes one index of the archive under each of the given tags.
push() {
  local source=$1 tag
  shift
  for tag in "$@"; do
    skopeo copy --quiet --all --preserve-digests "${tls[@]}" \
      "oci-archive:$archive:$source" "docker://$repository:$tag"
    echo "publish: $repository:$tag"
  done
}
push "$version" "$version" latest
push "$version-full" "$version-full" full
