#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Create the vncterm_base user and group, whose ids plus a VNC display
# number are the per-instance ids a sandboxed vncterm drops to.  The whole
# range base .. base+RANGE-1 must be free of other accounts, so that no
# instance's id can own anything.  Idempotent; needs root.
set -e
NAME=vncterm_base
BASE=${VNCTERM_BASE_ID:-131072}
RANGE=${VNCTERM_ID_RANGE:-1024}

if getent passwd "$NAME" >/dev/null; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-user: creating user $NAME needs root" >&2
	exit 1
fi
last=$((BASE + RANGE - 1))
clash=$(getent passwd | awk -F: -v lo="$BASE" -v hi="$last" '$3 >= lo && $3 <= hi {print $1}')
gclash=$(getent group | awk -F: -v lo="$BASE" -v hi="$last" '$3 >= lo && $3 <= hi {print $1}')
if [ -n "$clash$gclash" ]; then
	echo "install-user: ids $BASE-$last are not free (used by: $clash $gclash);" \
		"set VNCTERM_BASE_ID to a free range" >&2
	exit 1
fi
groupadd --gid "$BASE" "$NAME"
useradd --uid "$BASE" --gid "$BASE" --no-create-home --home-dir /nonexistent \
	--shell /usr/sbin/nologin --comment "vncterm per-instance ids start here" "$NAME"
echo "install-user: created $NAME ($BASE:$BASE); instances use $BASE+N for display N"
