# The legacy builder's thin cross-platform step (see scripts/build-images.sh):
# an image of the target platform holding the /out tree that the builder stage
# cross-compiled, so that the root Dockerfile's final stages can copy from it.
# ADD keeps the owners and modes recorded in the archive.
FROM scratch
ADD out.tar /
