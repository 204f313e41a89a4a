# The image bench/containers.py runs: pidone's image as scripts/build-images.sh
# makes it, plus the benchmark's application and a static dumb-init.
ARG BASE=pidone:latest
FROM ${BASE}
COPY bench-app dumb-init /bin/
