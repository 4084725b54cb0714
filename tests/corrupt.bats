#!/usr/bin/env bats
# A record that cannot be decoded (made by tests/tools/corrupt.c) is
# reported and skipped by every command, never run, and removable.  An
# index entry whose record is missing is taken out of the indexes.

load helper

corrupt() { "$TOP/build/tests/corrupt" "$JOB_DB" "$1"; }

setup_jobs_plain() {
	handler ok 'exit 0'
	job-add ok one >/dev/null
	job-add ok two >/dev/null
	job-add ok three >/dev/null
}

setup_jobs() {
	setup_jobs_plain
	corrupt 2
}

@test "job-list reports a corrupt record, shows the others, exits 1" {
	setup_jobs
	run --separate-stderr job-list --json
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-list: job 2: corrupt record, skipped" ]
	[ "$(printf '%s\n' "$output" | sed 's/.*"args":\["\([a-z]*\)".*/\1/')" = "$(printf 'one\nthree')" ]
}

@test "job-list ID of a corrupt record: exit 1, the others still shown" {
	setup_jobs
	run --separate-stderr job-list 2 3
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-list: job 2: corrupt record or store" ]
	[ "${lines[0]}" = "id: 3" ]
}

@test "job-run skips a corrupt record and runs the others" {
	setup_jobs
	run --separate-stderr job-run --once
	[ "$status" -eq 0 ]
	[ "$(state 1)" = done ]
	[ "$(state 3)" = done ]
	[ "$(grep -c 'event=start' <<<"$stderr")" -eq 2 ]
	# It left the due index: it counts in no state and is never picked.
	run job-list -c
	[ "$output" = "$(counts 0 0 2 0)" ]
	run job-run --once
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "job-rm removes a corrupt record and its index entries" {
	setup_jobs
	run job-rm 2
	[ "$status" -eq 0 ]
	run job-list -c
	[ "$output" = "$(counts 2 0 0 0)" ]
	run --separate-stderr job-list --json
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	run job-run --once
	[ "$(state 1)" = done ]
	[ "$(state 3)" = done ]
}

@test "a corrupt key record frees its key when removed" {
	handler ok 'exit 0'
	job-add -k K ok >/dev/null
	corrupt 1
	job-rm 1
	run job-add -k K ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

# --- dangling index entries: an id an index names without a record ---------

unrecord() { "$TOP/build/tests/corrupt" -m "$JOB_DB" "$1"; }

REPAIR="store needs repair: its indexes count jobs it does not hold (job-run repairs it)"
DANGLING='error="no such job: taken out of the store'"'"'s indexes"'

@test "job-list of a store whose index names a missing job: the others, exit 1, what repairs it" {
	setup_jobs_plain
	unrecord 2
	run --separate-stderr job-list --json
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-list: $REPAIR" ]
	[ "$(json_ids)" = "1 3" ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 2 ]
}

@test "job-run --once takes a dangling due entry out, says so once, runs the others" {
	setup_jobs_plain
	unrecord 2
	run --separate-stderr timeout 20 job-run --once
	[ "$status" -eq 0 ]
	[ "$(state 1)" = done ]
	[ "$(state 3)" = done ]
	[ "$(grep -c 'event=error' <<<"$stderr")" -eq 1 ]
	[[ $(grep 'event=error' <<<"$stderr") == *" event=error job=2 $DANGLING" ]]
	run --separate-stderr job-list -c
	[ "$output" = "$(counts 0 0 2 0)" ]
	run --separate-stderr job-list -a --json
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

@test "a running job-run takes out a dangling entry it finds when claiming" {
	handler ok 'exit 0'
	start_runner
	job-schedule --in 2s ok a >/dev/null
	job-schedule --in 2s ok b >/dev/null
	unrecord 1
	poll 10 is_state 2 done
	poll 5 grep -q 'event=error job=1 ' "$TMP/run.log"
	[ "$(grep -c 'event=error' "$TMP/run.log")" -eq 1 ]
	[ "$(job-list -c)" = "$(counts 0 0 1 0)" ]
}

@test "job-rm --state of a store whose finished index names a missing job" {
	done_failed_pending
	unrecord 2
	run --separate-stderr job-rm --state failed
	[ "$status" -eq 0 ]
	[ "$(job-list -c)" = "$(counts 1 0 1 0)" ]
}

@test "a key or name whose job is missing is free again" {
	handler ok 'exit 0'
	job-add -k K ok >/dev/null
	job-recur --every 1h --name N ok >/dev/null
	unrecord 1
	unrecord 2
	run --separate-stderr job-add -k K ok
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
	run --separate-stderr job-recur --every 1h --name N ok
	[ "$status" -eq 0 ]
	[ "$output" = 4 ]
	[ "$(job-list -c)" = "$(counts 2 0 0 0)" ]
}

@test "job-run --once gives up with exit 1 after repeated store errors" {
	handler ok 'exit 0'
	head -c 300000 /dev/zero >"$TMP/big"
	job-add -i "$TMP/big" ok >/dev/null
	local kb=$(( $(stat -c %s "$JOB_DB/data.mdb") / 1024 ))
	run --separate-stderr timeout 30 bash -c 'trap "" XFSZ; ulimit -f "$1"; exec job-run --once' _ "$kb"
	[ "$status" -eq 1 ]
	[ "$(grep -c 'event=error' <<<"$stderr")" -eq 5 ]
	[[ ${stderr_lines[-1]} == "job-run: "* ]]
	[ "$(state 1)" = pending ]
}

@test "a long-running job-run retries store errors with a growing delay" {
	handler ok 'exit 0'
	head -c 300000 /dev/zero >"$TMP/big"
	job-add -i "$TMP/big" ok >/dev/null
	local kb=$(( $(stat -c %s "$JOB_DB/data.mdb") / 1024 ))
	bash -c 'trap "" XFSZ; ulimit -f "$1"; exec job-run' _ "$kb" 2>>"$TMP/run.log" &
	RUNNER_PID=$!
	RUN_PIDS+=("$RUNNER_PID")
	poll 20 sh -c "[ \$(grep -c event=error '$TMP/run.log') -ge 4 ]"
	# 1 s, then 2 s, then 4 s apart: not once a second.
	local t
	t=($(grep event=error "$TMP/run.log" | head -4 |
	    sed 's/ .*//' | while read -r s; do date -d "$s" +%s%N; done))
	[ $(( (t[1] - t[0]) / 1000000 )) -ge 900 ]
	[ $(( (t[2] - t[1]) / 1000000 )) -ge 1900 ]
	[ $(( (t[3] - t[2]) / 1000000 )) -ge 3900 ]
}
