#!/usr/bin/env bats
# job-run-output.bats: the output of processes a handler leaves behind
# (job-run(1), "Output of leftover processes"): kept in the job's log,
# as cron keeps it, until they close it, with the outcome recorded when
# the handler itself exits; and where that stops.

bats_require_minimum_version 1.5.0
load helper

# leaver NAME [BEFORE [AFTER]]: a handler that runs BEFORE, leaves a
# process (its pid in $TMP/left.$JOB_ID) that waits for $TMP/go, then
# writes "late" and "later" (a write each), and notes
# $TMP/survived.$JOB_ID if it could; then the handler prints "early" and
# runs AFTER (default: exit 0).
leaver() {
	handler "$1" "${2:-:}"'
(while [ ! -e "$TMP/go" ]; do sleep 0.01; done
echo late; sleep 0.1; echo later && echo yes >"$TMP/survived.$JOB_ID") &
echo $! >"$TMP/left.$JOB_ID"
echo early
'"${3:-exit 0}"
}

# ended_first: job 1's first attempt failed and waits for its retry.
ended_first() {
	[ "$(jf 1 attempts)" = 1 ] && [ "$(state 1)" = pending ]
}

# left ID...: the leftovers of those jobs are killed after the test.
left() {
	local id
	for id; do EXTRA_PID_FILES+=("$TMP/left.$id"); done
}

# log_has ID LINE: job ID's log has LINE.
log_has() {
	job-list -l "$1" | grep -qxF "$2"
}

@test "what a handler leaves behind writes into the log until it closes it; the outcome is recorded at the handler's exit" {
	leaver leaves
	left 1
	start_runner
	job-add leaves >/dev/null
	poll 10 is_state 1 done
	poll 5 has_file "$TMP/left.1"
	# Done while what it left still runs.
	kill -0 "$(cat "$TMP/left.1")"
	[ "$(jf 1 last_exit)" = 0 ]
	touch "$TMP/go"
	poll 10 has_file "$TMP/survived.1"
	poll 5 log_has 1 later
	run job-list -l 1
	[[ "${lines[0]}" =~ ^==\ attempt\ 1\ at\ $TIME_RE:\ exit\ 0\ after\ [0-9.]+s\ *==$ ]]
	[ "${lines[1]}" = early ]
	[ "${lines[2]}" = late ]
	[ "${lines[3]}" = later ]
	[ "${#lines[@]}" -eq 4 ]
	# The slot was free meanwhile, the events as for any job.
	[ "$(grep -c ' event=done job=1 ' "$TMP/run.log")" -eq 1 ]
}

@test "-v shows what a handler's leftovers write too" {
	leaver leaves
	left 1
	start_runner -v
	job-add leaves >/dev/null
	poll 10 is_state 1 done
	touch "$TMP/go"
	poll 10 grep -qE " event=output job=1 handler=leaves attempt=1 line=later\$" "$TMP/run.log"
	grep -qE " event=output job=1 handler=leaves attempt=1 line=late\$" "$TMP/run.log"
}

@test "the slot is free for the next job while a handler's leftovers still write" {
	leaver leaves
	left 1
	handler ok 'exit 0'
	start_runner -j 1
	job-add leaves >/dev/null
	poll 10 is_state 1 done
	job-add ok >/dev/null
	poll 5 is_state 2 done
	kill -0 "$(cat "$TMP/left.1")"
}

@test "the job's next attempt starts: the earlier attempt's leftovers write no more into its log" {
	# Attempt 1 fails and leaves a process; attempt 2 succeeds.
	leaver flaky '[ "$JOB_ATTEMPT" -gt 1 ] && { echo second; exit 0; }' 'exit 1'
	left 1
	start_runner
	job-add -r 1 flaky >/dev/null
	poll 10 is_state 1 done
	[ "$(jf 1 attempts)" = 2 ]
	touch "$TMP/go"
	# Its pipe was closed: its first write fails, and it dies of SIGPIPE.
	poll 10 pid_gone "$(cat "$TMP/left.1")"
	[ ! -e "$TMP/survived.1" ]
	run job-list -l 1
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^== attempt ')" -eq 2 ]
	[[ "${lines[0]}" == "== attempt 1 at "*": exit 1 after "* ]]
	[ "${lines[1]}" = early ]
	[[ "${lines[2]}" == "== attempt 2 at "*": exit 0 after "* ]]
	[ "${lines[3]}" = second ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "the next attempt starts on another executor: the leftovers' output is not written over it" {
	leaver flaky '[ "$JOB_ATTEMPT" -gt 1 ] && { echo second; exit 0; }' 'exit 1'
	left 1
	blocking_handler block
	start_runner -j 1 -q a
	local first=$RUNNER_PID
	job-add -q a -r 1 flaky >/dev/null
	poll 10 ended_first
	# The first executor, busy, leaves the retry to a second one.
	job-add -q a -p 9 block >/dev/null
	poll 10 is_state 2 running
	start_runner -q a
	poll 10 is_state 1 done
	touch "$TMP/go"
	poll 10 pid_gone "$(cat "$TMP/left.1")"
	[ ! -e "$TMP/survived.1" ]
	run job-list -l 1
	[[ "${lines[2]}" == "== attempt 2 at "*": exit 0 after "* ]]
	[ "${lines[3]}" = second ]
	[ "${#lines[@]}" -eq 4 ]
	kill -0 "$first"
}

@test "the job is removed: its leftovers' output goes nowhere, and they get EPIPE" {
	leaver leaves
	left 1
	start_runner
	job-add leaves >/dev/null
	poll 10 is_state 1 done
	job-rm 1
	touch "$TMP/go"
	poll 10 pid_gone "$(cat "$TMP/left.1")"
	[ ! -e "$TMP/survived.1" ]
	[ ! -e "$JOB_DB/logs/1" ]
}

@test "job-run stops without waiting for a finished handler's leftovers; what they wrote is kept" {
	leaver leaves 'echo first'
	left 1
	start_runner --grace 10s
	job-add leaves >/dev/null
	poll 10 is_state 1 done
	poll 5 log_has 1 early
	stop_runner
	# It exited while the leftover still runs, which it leaves alone.
	kill -0 "$(cat "$TMP/left.1")"
	touch "$TMP/go"
	poll 10 pid_gone "$(cat "$TMP/left.1")"
	[ ! -e "$TMP/survived.1" ]
	run job-list -l 1
	[ "${lines[1]}" = first ]
	[ "${lines[2]}" = early ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "at most 64 leftovers' pipes are read at once: past that, the oldest is closed" {
	mkfifo "$TMP/fifo"
	# Each leaves a process that blocks until the FIFO opens, then writes.
	handler leaves '(read x <"$TMP/fifo"; echo "late $JOB_ID") &
echo $! >"$TMP/left.$JOB_ID"'
	# The first alone, so that its pipe is the one read longest (with
	# -j 4, which of the first four handlers exits first is chance).
	job-add leaves >/dev/null
	left 1
	start_runner -j 4
	poll 10 is_count 0 0 1 0
	for i in $(seq 2 65); do job-add leaves >/dev/null; left "$i"; done
	poll 30 is_count 0 0 65 0
	# The first one's pipe was closed to make room for the 65th.
	: 7<>"$TMP/fifo"
	for i in $(seq 65); do poll 10 pid_gone "$(cat "$TMP/left.$i")"; done
	for i in $(seq 2 65); do poll 5 log_has "$i" "late $i"; done
	! log_has 1 "late 1"
}
