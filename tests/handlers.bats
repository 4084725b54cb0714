#!/usr/bin/env bats
# handlers.bats: which handlers may run (SPEC "Executing: job-run"): the
# one check that job-run makes at each start and the enqueue commands at
# enqueue: the file, its handlers directory, and, through every symbolic
# link, each directory on the way from /, none of which anyone but the
# user or root may change.

bats_require_minimum_version 1.5.0
load helper

# script FILE: an executable sh script at FILE (mode 755) that notes in
# $TMP/ran that it ran.
script() {
	printf '#!/bin/sh\necho ran >"$TMP/ran"\n' >"$1"
	chmod 755 "$1"
}

# dir PATH MODE: a directory with that mode, whatever the umask.
dir() {
	mkdir -p "$1"
	chmod "$2" "$1"
}

# refused NAME WHY: job-add, job-schedule and job-recur refuse NAME (exit
# 2) with WHY; job-add -f adds it, and job-run fails its attempt with WHY
# as last_error, without running anything.
refused() {
	local name=$1 why=$2 id
	snap
	rejected job-add "$name"
	[ "${stderr_lines[0]}" = "job-add: $why (-f to enqueue anyway)" ] ||
		{ echo "job-add said: ${stderr_lines[0]}"; return 1; }
	rejected job-schedule --in 1h "$name"
	[ "${stderr_lines[0]}" = "job-schedule: $why (-f to enqueue anyway)" ]
	rejected job-recur --every 1h "$name"
	unchanged
	id=$(job-add -f "$name")
	job-run --once 2>>"$TMP/run.log"
	[ "$(jf "$id" state)" = failed ]
	[ "$(jf "$id" last_error)" = "$why" ] ||
		{ echo "last_error: $(jf "$id" last_error)"; return 1; }
	[ "$(jf "$id" last_exit)" = null ]
	[ ! -e "$TMP/ran" ]
}

# accepted NAME: job-add takes NAME and job-run runs it.
accepted() {
	local id
	id=$(job-add "$1")
	job-run --once 2>>"$TMP/run.log"
	[ "$(jf "$id" state)" = done ]
	[ "$(cat "$TMP/ran")" = ran ]
	rm -f "$TMP/ran"
}

# R: $TMP with no symbolic link in it, as the messages show paths.
real_tmp() {
	R=$(realpath "$TMP")
}

@test "a symlink into a world-writable directory (not sticky) is refused, naming it" {
	real_tmp
	dir "$TMP/ww" 777
	script "$TMP/ww/target"
	ln -s "$TMP/ww/target" "$JOB_HANDLERS/linked"
	refused linked "cannot run handler linked: $R/ww is writable by group or others"
}

@test "a relative symlink through .. into a world-writable directory is refused" {
	real_tmp
	dir "$TMP/ww" 777
	script "$TMP/ww/target"
	ln -s ../ww/target "$JOB_HANDLERS/linked"
	refused linked "cannot run handler linked: $R/ww is writable by group or others"
}

@test "a symlink chain through a world-writable directory is refused, even to a safe file" {
	real_tmp
	dir "$TMP/ww" 777
	dir "$TMP/safe" 755
	script "$TMP/safe/target"
	ln -s "$TMP/safe/target" "$TMP/ww/hop"
	ln -s "$TMP/ww/hop" "$JOB_HANDLERS/chain"
	refused chain "cannot run handler chain: $R/ww is writable by group or others"
	# The same chain without the world-writable hop runs.
	ln -s "$TMP/safe/target" "$JOB_HANDLERS/direct"
	accepted direct
}

@test "a symlink to a group-writable file is refused" {
	real_tmp
	dir "$TMP/safe" 755
	script "$TMP/safe/target"
	chmod 775 "$TMP/safe/target"
	ln -s "$TMP/safe/target" "$JOB_HANDLERS/linked"
	refused linked "cannot run handler linked: $R/safe/target is writable by group or others"
}

@test "a group-writable handler file is refused" {
	real_tmp
	script "$JOB_HANDLERS/gw"
	chmod 775 "$JOB_HANDLERS/gw"
	refused gw "cannot run handler gw: $R/handlers/gw is writable by group or others"
}

@test "a handler file, a symlink's target, or a directory on the way owned by another user is refused" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to chown"
	real_tmp
	script "$JOB_HANDLERS/foreign"
	chown 12345 "$JOB_HANDLERS/foreign"
	refused foreign "cannot run handler foreign: $R/handlers/foreign belongs to neither the user nor root"
	dir "$TMP/safe" 755
	script "$TMP/safe/target"
	chown 12345 "$TMP/safe/target"
	ln -s "$TMP/safe/target" "$JOB_HANDLERS/linked"
	refused linked "cannot run handler linked: $R/safe/target belongs to neither the user nor root"
	dir "$TMP/theirs" 755
	script "$TMP/theirs/target"
	chown 12345 "$TMP/theirs"
	ln -s "$TMP/theirs/target" "$JOB_HANDLERS/inside"
	refused inside "cannot run handler inside: $R/theirs belongs to neither the user nor root"
}

@test "a group-writable handlers directory is refused" {
	real_tmp
	script "$JOB_HANDLERS/ok"
	chmod 775 "$JOB_HANDLERS"
	refused ok "cannot run handler ok: handlers directory $R/handlers is writable by group or others"
}

@test "a handlers directory with the sticky bit but writable by others is refused" {
	real_tmp
	script "$JOB_HANDLERS/ok"
	chmod 1777 "$JOB_HANDLERS"
	refused ok "cannot run handler ok: handlers directory $R/handlers is writable by group or others"
}

@test "a world-writable parent (not sticky) of the handlers directory is refused" {
	real_tmp
	dir "$TMP/ww/handlers" 755
	chmod 777 "$TMP/ww"
	script "$TMP/ww/handlers/ok"
	export JOB_HANDLERS="$TMP/ww/handlers"
	refused ok "cannot run handler ok: $R/ww is writable by group or others"
}

@test "a handlers directory reached through a symlink in a world-writable directory is refused" {
	real_tmp
	dir "$TMP/safe/handlers" 755
	dir "$TMP/ww" 777
	script "$TMP/safe/handlers/ok"
	ln -s "$TMP/safe/handlers" "$TMP/ww/h"
	export JOB_HANDLERS="$TMP/ww/h"
	refused ok "cannot run handler ok: $R/ww is writable by group or others"
	export JOB_HANDLERS="$TMP/safe/handlers"
	accepted ok
}

@test "a relative handlers directory is checked from / through the working directory" {
	real_tmp
	dir "$TMP/ww/h" 755
	chmod 777 "$TMP/ww"
	script "$TMP/ww/h/ok"
	cd "$TMP/ww"
	export JOB_HANDLERS=h
	refused ok "cannot run handler ok: $R/ww is writable by group or others"
}

@test "sticky world-writable directories on the way are accepted, as /tmp" {
	dir "$TMP/st" 1777
	dir "$TMP/st/handlers" 755
	script "$TMP/st/handlers/ok"
	dir "$TMP/st/mine" 755
	script "$TMP/st/mine/target"
	ln -s "$TMP/st/mine/target" "$TMP/st/handlers/linked"
	export JOB_HANDLERS="$TMP/st/handlers"
	accepted ok
	accepted linked
}

@test "a symlink loop is refused" {
	real_tmp
	ln -s loop2 "$JOB_HANDLERS/loop1"
	ln -s loop1 "$JOB_HANDLERS/loop2"
	refused loop1 "cannot run handler loop1: $R/handlers/loop1: Too many levels of symbolic links"
}

@test "a symlink to nothing is not registered, at enqueue and at run" {
	real_tmp
	ln -s "$TMP/nowhere" "$JOB_HANDLERS/dangling"
	refused dangling "handler dangling not registered: $R/nowhere: No such file or directory"
}

@test "a symlink to a directory, or a file that is not executable, is refused" {
	real_tmp
	dir "$TMP/safe" 755
	ln -s "$TMP/safe" "$JOB_HANDLERS/todir"
	refused todir "cannot run handler todir: $R/safe is not a regular file"
	script "$TMP/safe/noexec"
	chmod 644 "$TMP/safe/noexec"
	ln -s "$TMP/safe/noexec" "$JOB_HANDLERS/noexec"
	refused noexec "cannot run handler noexec: $R/safe/noexec is not executable"
}

@test "symlinks to safe files run: absolute, relative, and to a system program" {
	dir "$TMP/safe" 755
	script "$TMP/safe/target"
	ln -s "$TMP/safe/target" "$JOB_HANDLERS/abs"
	ln -s ../safe/target "$JOB_HANDLERS/rel"
	ln -s "$(type -P true)" "$JOB_HANDLERS/tru"
	accepted abs
	accepted rel
	run job-add tru
	[ "$status" -eq 0 ]
	job-run --once 2>>"$TMP/run.log"
	[ "$(state 3)" = done ]
}

@test "an empty -H is a usage error, for the enqueue commands and job-run" {
	script "$JOB_HANDLERS/ok"
	rejected job-add -H '' ok
	[ "${stderr_lines[0]}" = "job-add: empty handlers directory" ]
	rejected job-schedule -H '' --in 1h ok
	rejected job-recur -H '' --every 1h ok
	rejected job-run -H '' --once
	[ "${stderr_lines[0]}" = "job-run: empty handlers directory" ]
	[ ! -e "$JOB_DB" ]
}
