#!/usr/bin/env bats
# A record that cannot be decoded (made by tests/tools/corrupt.c) is
# reported and skipped by every command, never run, and removable.

load helper

corrupt() { "$TOP/build/tests/corrupt" "$JOB_DB" "$1"; }

setup_jobs() {
	handler ok 'exit 0'
	job-add ok one >/dev/null
	job-add ok two >/dev/null
	job-add ok three >/dev/null
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
