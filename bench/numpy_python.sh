#!/bin/sh
# Prints the first Python 3 that imports numpy ($PYTHON, then python3 on PATH,
# then Debian's /usr/bin/python3, where apt-get install python3-numpy puts
# it); exits 1, printing nothing, when there is none.
for py in "${PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$py" ] || continue
    command -v "$py" >/dev/null 2>&1 || continue
    if "$py" -c 'import numpy' >/dev/null 2>&1; then
        command -v "$py"
        exit 0
    fi
done
exit 1
