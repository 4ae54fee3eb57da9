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

# Slim, as Debian's own -slim images: dpkg installs no documentation (but the copyright
# files), man pages or message translations, here and in the images built on it (the
# setting stays in /etc/dpkg/dpkg.cfg.d); /usr is merged by mmdebstrap's hook instead
# of the usrmerge package, which would leave Perl behind.
# shellcheck disable=SC2016  # $1 is the hook's own argument: the root directory
cleanup='rm -rf "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/*'
echo "-----> Making a $suite rootfs with mmdebstrap"
mmdebstrap --variant=minbase --include=ca-certificates \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
    --customize-hook="copy-in $host_bundle /etc/ssl/certs" \
    --customize-hook="$cleanup" \
    "$suite" "$workdir/rootfs.tar"

echo "-----> Importing it as $image"
# The official debian images start bash when given no command; so does this one.
docker import --change 'CMD ["bash"]' "$workdir/rootfs.tar" "$image"
