#!/usr/bin/env bats
# Every text a job's last_error can hold is the one job-run(1) lists: each
# case here makes one happen and compares it, whole, with the manual's
# text (manual_error in helper.bash), so that the code and the manual
# cannot drift apart.

bats_require_minimum_version 1.5.0

load helper

# last_error_is ID PREFIX WORD=VALUE...: job ID's last_error is the text
# of job-run(1) starting with PREFIX, its placeholders filled in.
last_error_is() {
	local id=$1 want got
	shift
	want=$(manual_error "$@") || return 1
	# Through the listing, which does not read payloads: one case has lost
	# its payload, and job-list ID would call its record corrupt.
	got=$(job-list -a --json | jq -r "select(.id == $id) | .last_error")
	[ "$got" = "$want" ] || { echo "last_error: '$got', want '$want'" >&2; return 1; }
}

H() {
	printf '%s' "$JOB_HANDLERS"
}

@test "every text job-run(1) lists is made here, or where this file says" {
	local list t
	list=$(sed -n '/^\.\\" tests\/outcome-texts.bats reads this list/,/^\.Ed/p' \
	    "$TOP/man/job-run.1" | grep -v '^\.')
	[ "$(printf '%s\n' "$list" | wc -l)" -ge 15 ]
	while IFS= read -r t; do
		# The prefix each case names: the text up to its first placeholder
		# but one, enough to tell it from the others.
		grep -qF -- "\"${t%% REASON*}" "$BATS_TEST_FILENAME" ||
		    grep -qF -- "\"${t%% PATH*}" "$BATS_TEST_FILENAME" ||
		    { echo "no case for: $t" >&2; return 1; }
	done <<<"$list"
}

@test "exit, signal and timeout" {
	handler bad 'exit 3'
	handler sig 'kill -9 $$'
	handler slow 'exec sleep 100'
	job-add bad >/dev/null
	job-add sig >/dev/null
	job-add -t 1 slow >/dev/null
	once
	last_error_is 1 "handler NAME exited with status N" NAME=bad N=3
	last_error_is 2 "handler NAME killed by signal N" NAME=sig N=9
	last_error_is 3 "handler NAME timeout" NAME=slow
}

@test "not registered, not a regular file, not executable" {
	mkdir "$JOB_HANDLERS/adir"
	printf '#!/bin/sh\n' >"$JOB_HANDLERS/noexec"
	chmod 644 "$JOB_HANDLERS/noexec"
	job-add -f ghost >/dev/null
	job-add -f adir >/dev/null
	job-add -f noexec >/dev/null
	once
	last_error_is 1 "handler NAME not registered: PATH: REASON" NAME=ghost \
	    PATH="$(H)/ghost" REASON="No such file or directory"
	last_error_is 2 "cannot run handler NAME: PATH is not a regular file" \
	    NAME=adir PATH="$(H)/adir"
	last_error_is 3 "cannot run handler NAME: PATH is not executable" \
	    NAME=noexec PATH="$(H)/noexec"
}

@test "a handler file others could change" {
	handler gw 'exit 0'
	chmod g+w "$JOB_HANDLERS/gw"
	handler foreign 'exit 0'
	chown 12345 "$JOB_HANDLERS/foreign"
	job-add -f gw >/dev/null
	job-add -f foreign >/dev/null
	once
	last_error_is 1 "cannot run handler NAME: PATH is writable by group or others" \
	    NAME=gw PATH="$(H)/gw"
	last_error_is 2 "cannot run handler NAME: PATH belongs to neither the user nor root" \
	    NAME=foreign PATH="$(H)/foreign"
}

@test "a handlers directory others could change" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	chmod g+w "$JOB_HANDLERS"
	once
	last_error_is 1 "cannot run handler NAME: handlers directory DIR is writable by group or others" \
	    NAME=ok DIR="$(H)"
	chmod g-w "$JOB_HANDLERS"
	chown 12345 "$JOB_HANDLERS"
	job-add -f ok >/dev/null
	once
	last_error_is 2 "cannot run handler NAME: handlers directory DIR belongs to neither the user nor root" \
	    NAME=ok DIR="$(H)"
}

@test "a path that cannot be followed, and an exec that fails" {
	ln -s loop "$JOB_HANDLERS/loop"
	printf '#!/nonexistent/interpreter\n' >"$JOB_HANDLERS/badsh"
	chmod 755 "$JOB_HANDLERS/badsh"
	job-add -f loop >/dev/null
	job-add -f badsh >/dev/null
	once
	last_error_is 1 "cannot run handler NAME: PATH: REASON" NAME=loop \
	    PATH="$(H)/loop" REASON="Too many levels of symbolic links"
	last_error_is 2 "cannot run handler NAME: REASON" NAME=badsh \
	    REASON="No such file or directory"
}

@test "a payload that cannot be read" {
	handler take 'cat >/dev/null'
	printf 'x%.0s' $(seq 100) >"$TMP/in"
	job-add -i "$TMP/in" take >/dev/null
	"$TOP/build/tests/corrupt" -p "$JOB_DB" 1
	once
	last_error_is 1 "payload of handler NAME could not be read: REASON" \
	    NAME=take REASON="corrupt record or store"
}

@test "a shutdown, and a lost executor" {
	handler block 'echo $$ >"$JOB_DB/../pid"; exec sleep 1000'
	EXTRA_PID_FILES+=("$TMP/pid")
	job-add block >/dev/null
	start_runner
	poll 10 is_state 1 running
	poll 10 sleeping "$TMP/pid"
	stop_runner
	last_error_is 1 "interrupted by executor shutdown"
	job-rm 1 >/dev/null
	handler killer 'kill -9 "$PPID"'
	job-add killer >/dev/null
	once || true	# killed by its handler
	once || true	# recovers job 2, then runs it again: killed again
	last_error_is 2 "executor lost while running handler NAME (attempt N)" \
	    NAME=killer N=1
}

# Not made here, with the file that makes them:
#   "cannot run handler NAME: handlers directory DIR: REASON" (a start
#   that loses the race with the directory's removal: job-run.bats);
#   "cannot run handler NAME: handlers directory DIR: PATH: REASON" (the
#   same race, for a directory on the way to it: not made by any test);
#   "invalid handler name" (no valid record holds one: the name is checked
#   at enqueue; tests/unit/test_spec.c);
#   "output log incomplete: REASON" (a full disk: full-disk.bats);
#   "TEXT; output log incomplete: REASON" (the same, for a failed attempt:
#   not made by any test).
