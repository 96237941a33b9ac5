#!/bin/sh
# Installs the Debian packages tiersim needs when they are missing: with
# apt-get when run as root, otherwise prints the command and stops.
# `deps.sh bench` does the same for the bench-only packages (python3-numpy:
# the numpy baseline of make bench and make crosscheck), which make, make test
# and CI never need.
PKGS="build-essential libgsl-dev libinih-dev libcsv-dev libcunit1-dev libxlsxwriter-dev zlib1g-dev gnuplot-nox fonts-noto-cjk libopenmpi-dev openmpi-bin"
[ "${1:-}" = bench ] && PKGS="python3-numpy"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q --no-install-recommends $missing && exit 0
    echo "deps: apt-get failed" >&2
    exit 1
fi
echo "deps: missing Debian packages:$missing" >&2
echo "deps: run as root:  apt-get update && apt-get install -y$missing" >&2
exit 1
