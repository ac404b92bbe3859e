#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Create the vncterm_base user and group.  A sandboxed vncterm drops to
# vncterm_base's ids plus the TCP port it bound (as the original did), so
# the whole range base .. base+65535 is reserved: no other account or
# group, and no subordinate id range (/etc/subuid, /etc/subgid, which
# containers map their users to), may fall in it, or an instance's id
# could own something.  Idempotent: when the user exists its range is
# checked again, and a clash fails with the names to move.  Needs root to
# create the user.
set -e
NAME=vncterm_base
# 0x70000000: above the subordinate ranges useradd hands out (100000 to
# 600100000) and systemd-nspawn's container ranges (below 0x70000000), and
# below 2^31, where tools that take ids as signed go wrong.
BASE=${VNCTERM_BASE_ID:-1879048192}
RANGE=65536
# Files to check, for the tests: the system's by default.
PASSWD=${VNCTERM_PASSWD_FILE:-}
GROUP=${VNCTERM_GROUP_FILE:-}
SUBUID=${VNCTERM_SUBUID_FILE:-/etc/subuid}
SUBGID=${VNCTERM_SUBGID_FILE:-/etc/subgid}

accounts() { # passwd|group
	if [ "$1" = passwd ] && [ -n "$PASSWD" ]; then cat "$PASSWD"
	elif [ "$1" = group ] && [ -n "$GROUP" ]; then cat "$GROUP"
	else getent "$1"
	fi
}

# Names in passwd/group (field 3) with an id in lo..hi, other than NAME.
in_range() { # passwd|group lo hi
	accounts "$1" | awk -F: -v lo="$2" -v hi="$3" -v me="$NAME" \
		'$1 != me && $3 >= lo && $3 <= hi {printf "%s(%s) ", $1, $3}'
}

# Subordinate ranges (name:start:count) that meet lo..hi.
sub_in_range() { # file lo hi
	[ -r "$1" ] || return 0
	awk -F: -v lo="$2" -v hi="$3" \
		'NF >= 3 && $2 <= hi && $2 + $3 - 1 >= lo {printf "%s(%s-%s) ", $1, $2, $2 + $3 - 1}' "$1"
}

check_range() { # base
	last=$(($1 + RANGE - 1))
	clash="$(in_range passwd "$1" "$last")$(in_range group "$1" "$last")"
	subs="$(sub_in_range "$SUBUID" "$1" "$last")$(sub_in_range "$SUBGID" "$1" "$last")"
	if [ -n "$clash$subs" ]; then
		echo "install-user: ids $1-$last (vncterm_base + every TCP port) are not free:" \
			"${clash:+accounts/groups $clash}${subs:+subordinate ranges $subs}" >&2
		return 1
	fi
}

existing=$(accounts passwd | awk -F: -v me="$NAME" '$1 == me {print $3 ":" $4}')
if [ -n "$existing" ]; then
	uid=${existing%%:*}
	gid=${existing#*:}
	if [ "$uid" != "$gid" ]; then
		echo "install-user: $NAME has uid $uid but gid $gid; the ranges of both are checked" >&2
		check_range "$gid" || { echo "install-user: move them, or recreate $NAME" \
			"with VNCTERM_BASE_ID set to a free range" >&2; exit 1; }
	fi
	check_range "$uid" || { echo "install-user: move them, or recreate $NAME with" \
		"VNCTERM_BASE_ID set to a free range" >&2; exit 1; }
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-user: creating user $NAME needs root" >&2
	exit 1
fi
case $BASE in
'' | *[!0-9]*) echo "install-user: VNCTERM_BASE_ID=$BASE is not a number" >&2; exit 1 ;;
esac
if [ "$BASE" -lt 1000 ] || [ $((BASE + RANGE - 1)) -gt 4294967294 ]; then
	echo "install-user: VNCTERM_BASE_ID=$BASE: the range must lie in 1000-4294967294" >&2
	exit 1
fi
check_range "$BASE" || { echo "install-user: set VNCTERM_BASE_ID to a free range" >&2; exit 1; }
groupadd --gid "$BASE" "$NAME"
# --system: no home, and no subordinate ids of its own allocated in the range.
useradd --system --uid "$BASE" --gid "$BASE" --no-create-home --home-dir /nonexistent \
	--shell /usr/sbin/nologin --comment "vncterm per-instance ids start here" "$NAME"
echo "install-user: created $NAME ($BASE:$BASE); instances use $BASE+PORT for TCP port PORT" \
	"($BASE-$((BASE + RANGE - 1)) reserved)"
