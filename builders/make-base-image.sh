#!/bin/sh
# Make a local Debian base image for the builder images where no registry can be reached:
# a minbase rootfs from Debian's mirror, carrying this host's CA bundle so that pip and uv
# in the containers trust a TLS-intercepting proxy, imported into the local Docker engine.
#
# Usage: make-base-image.sh SUITE IMAGE_NAME     (SUITE: bookworm or trixie)
# Then: docker build --build-arg BASE_IMAGE=IMAGE_NAME ...
set -eu

usage() {
    echo "usage: $0 SUITE IMAGE_NAME   (SUITE: bookworm or trixie)" >&2
    exit 2
}

[ "$#" -eq 2 ] || usage
suite=$1
image=$2
case "$suite" in
    bookworm | trixie) ;;
    *) usage ;;
esac

host_bundle=/etc/ssl/certs/ca-certificates.crt
[ -r "$host_bundle" ] || {
    echo "error: no CA bundle at $host_bundle" >&2
    exit 1
}

workdir=$(mktemp -d "${TMPDIR:-/tmp}/warpdrive-base.XXXXXX")
trap 'rm -rf "$workdir"' EXIT
trap 'exit 130' INT TERM

echo "-----> Making a $suite rootfs with mmdebstrap"
mmdebstrap --variant=minbase --include=ca-certificates \
    --customize-hook="copy-in $host_bundle /etc/ssl/certs" \
    "$suite" "$workdir/rootfs.tar"

echo "-----> Importing it as $image"
# The official debian images start bash when given no command; so does this one.
docker import --change 'CMD ["bash"]' "$workdir/rootfs.tar" "$image"
