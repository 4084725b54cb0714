#!/usr/bin/env bats
# job-run: executors that die, and many executors and enqueuers on one
# store (SPEC.md, "Executing: job-run").

bats_require_minimum_version 1.5.0

load helper

# done_at_least N: for poll; SEEN says how many were done.
done_at_least() {
	local n
	n=$(job-list -c | sed -n 's/^done //p')
	SEEN="$n done"
	[ "$n" -ge "$1" ]
}

# kill9 PID: SIGKILL a runner and reap it.
kill9() {
	kill -KILL "$1"
	wait "$1" || true
}

# is_lost_error TEXT: last_error says the executor was lost.
is_lost_error() {
	[[ "$1" =~ [Ee]xecutor ]] && [[ "$1" == *lost* ]]
}

# The first attempt hangs (its pid in $TMP/pid1, to be killed by the
# test), later ones succeed.
hang_once_handler() {
	handler hang 'echo "$JOB_ATTEMPT" >>"$TMP/attempts"
if [ "$JOB_ATTEMPT" = 1 ]; then echo $$ >"$TMP/pid1"; exec sleep 30; fi
echo ran again'
}

# orphan: remembers the first attempt's handler, orphaned by the kill.
orphan() {
	poll 5 has_file "$TMP/pid1"
	EXTRA_PIDS+=("$(cat "$TMP/pid1")")
}

@test "a job of an executor killed with -9 is taken back by another executor and run" {
	hang_once_handler
	job-add hang
	start_runner
	local a=$RUNNER_PID
	poll 5 is_state 1 running
	orphan
	start_runner
	kill9 "$a"
	poll 10 is_state 1 done
	[ "$(jf 1 attempts)" = 2 ]
	[ "$(jf 1 max_attempts)" = 1 ]
	[ "$(jf 1 last_exit)" = 0 ]
	[ "$(cat "$TMP/attempts")" = "$(printf '1\n2')" ]
	is_count 0 0 1 0
	grep -qE ' event=lost (.* )?job=1( |$)' "$TMP/run.log"
	run job-list -l 1
	[ "${lines[-1]}" = "ran again" ]
	# The dead executor's file went when it was found dead, the other's
	# when it stops.
	stop_runner
	run_empty
}

@test "a lost job is pending again, due, with the loss recorded, while another executor serves the store" {
	hang_once_handler
	job-add hang
	start_runner
	local a=$RUNNER_PID
	poll 5 is_state 1 running
	orphan
	# This one serves another queue: it recovers the job but leaves it.
	start_runner -q other
	kill9 "$a"
	poll 10 is_state 1 pending
	[ "$(jf 1 attempts)" = 1 ]
	[ "$(jf 1 max_attempts)" = 1 ]
	is_lost_error "$(jf 1 last_error)"
	[[ "$(jf 1 last_error)" == *hang* ]]
	[ "$(epoch "$(jf 1 run_at)")" -le "$(date +%s)" ]
	# The loss used no retry: the -r 0 job runs again and is done.
	run once
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = done ]
	[ "$(jf 1 attempts)" = 2 ]
	[ "$(cat "$TMP/attempts")" = "$(printf '1\n2')" ]
}

@test "a job left running by a killed executor is recovered at the next start" {
	hang_once_handler
	job-add -r 0 hang
	start_runner
	poll 5 is_state 1 running
	orphan
	kill9 "$RUNNER_PID"
	# Nobody serves the store: it stays running.
	[ "$(state 1)" = running ]
	run once
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = done ]
	[ "$(jf 1 attempts)" = 2 ]
	[ "$(jf 1 max_attempts)" = 1 ]
	[ "$(cat "$TMP/attempts")" = "$(printf '1\n2')" ]
	grep -qE ' event=lost (.* )?job=1( |$)' "$TMP/run.log"
}

@test "a lost job does not use up a retry: a failure after it is still retried" {
	handler hang 'echo "$JOB_ATTEMPT" >>"$TMP/attempts"
if [ "$JOB_ATTEMPT" = 1 ]; then echo $$ >"$TMP/pid1"; exec sleep 30; fi
exit 5'
	job-add -r 1 hang
	start_runner
	poll 5 is_state 1 running
	orphan
	kill9 "$RUNNER_PID"
	once
	# attempt 2 failed: one retry left
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 attempts)" = 2 ]
	[ "$(jf 1 last_exit)" = 5 ]
	start_runner
	poll 10 is_state 1 failed
	[ "$(jf 1 attempts)" = 3 ]
	[ "$(cat "$TMP/attempts")" = "$(printf '1\n2\n3')" ]
}

# order_handler: job 1's first attempt hangs (its pid in $TMP/pid1);
# every other run appends its job's id to $TMP/order.
order_handler() {
	handler rec 'if [ "$JOB_ID" = 1 ] && [ "$JOB_ATTEMPT" = 1 ]; then
	echo $$ >"$TMP/pid1"; exec sleep 30
fi
echo "$JOB_ID" >>"$TMP/order"'
}

@test "a lost job keeps its place: it runs before the jobs added after it came due" {
	order_handler
	job-add rec >/dev/null
	start_runner
	poll 5 is_state 1 running
	orphan
	local run_at
	run_at=$(jf 1 run_at)
	kill9 "$RUNNER_PID"
	seq 3 | job-add --each rec >/dev/null
	once
	[ "$(paste -sd ' ' "$TMP/order")" = "1 2 3 4" ]
	[ "$(jf 1 attempts)" = 2 ]
	[ "$(jf 1 run_at)" = "$run_at" ]
}

@test "a job lost 5 times in a row is failed" {
	# The handler kills its executor every time.
	handler killer 'echo "$JOB_ATTEMPT" >>"$TMP/attempts"; kill -9 "$PPID"'
	job-add -r 3 killer
	for i in 1 2 3 4 5; do
		run once
		[ "$status" -eq 137 ]
		[ "$(jf 1 state)" = running ]
	done
	run once
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = failed ]
	[ "$(jf 1 attempts)" = 5 ]
	is_lost_error "$(jf 1 last_error)"
	[ "$(cat "$TMP/attempts")" = "$(printf '1\n2\n3\n4\n5')" ]
	is_count 0 0 0 1
}

# once_until_attempts N: for poll; runs job-run --once (a retry may not
# be due yet) until the job has N attempts.
once_until_attempts() {
	once || true
	[ "$(jf 1 attempts)" -ge "$1" ]
}

@test "an attempt that ends between losses breaks the row of losses" {
	handler killer 'echo "$JOB_ATTEMPT" >>"$TMP/attempts"
case $JOB_ATTEMPT in
5) exit 1 ;;
10) exit 0 ;;
*) kill -9 "$PPID" ;;
esac'
	job-add -r 5 killer
	for i in 1 2 3 4; do
		run once
		[ "$status" -eq 137 ]
	done
	# Recovers the 4th loss; attempt 5 fails, with a retry left.
	run once
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 attempts)" = 5 ]
	[ "$(jf 1 last_exit)" = 1 ]
	# Attempts 6 to 9 are lost: four in a row, not five.
	poll 5 once_until_attempts 6
	for i in 7 8 9; do
		run once
		[ "$status" -eq 137 ]
	done
	run once
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = done ]
	[ "$(jf 1 attempts)" = 10 ]
	[ "$(tr '\n' ' ' <"$TMP/attempts")" = "1 2 3 4 5 6 7 8 9 10 " ]
}

# ended: how many jobs are done or failed.
ended() {
	job-list -c | awk '$1 == "done" || $1 == "failed" { n += $2 } END { print n }'
}

# ended_more_than N: for poll; more than N jobs are done or failed.
ended_more_than() {
	local n
	n=$(ended)
	SEEN="$n ended"
	[ "$n" -gt "$1" ]
}

# until_ended N: waits until N jobs are done or failed, for as long as
# jobs keep ending; fails only when none ends for 30 s (a stall, not a
# slow machine), showing the jobs left and the executors' last lines.
until_ended() {
	local n=0
	while [ "$n" -lt "$1" ]; do
		poll 30 ended_more_than "$n" || {
			echo "no job ended in 30 s; left:"
			job-list
			tail -20 "$TMP/run.log"
			return 1
		} >&2
		n=$(ended)
	done
}

@test "two executors and four enqueuers: each of 300 jobs is done exactly once" {
	handler rec 'echo "$JOB_ID" >>"$TMP/ran"'
	start_runner -j 2
	start_runner -j 2
	local pids=() i pid
	for i in 1 2 3 4; do
		(for n in $(seq 75); do job-add rec "$i" "$n" || exit 1; done >"$TMP/ids.$i") &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	[ "$(cat "$TMP"/ids.* | sort -u | wc -l)" -eq 300 ]
	until_ended 300
	is_count 0 0 300 0 || { job-list -s failed; false; }
	[ "$(wc -l <"$TMP/ran")" -eq 300 ]
	[ "$(sort -n "$TMP/ran" | uniq -d)" = "" ]
	[ "$(sort -n "$TMP/ran")" = "$(cat "$TMP"/ids.* | sort -n)" ]
	[ "$(job-list --json -a | jq -r .attempts | sort -u)" = 1 ]
	# An event line follows its outcome's commit: the log is whole
	# once the executors have stopped, and they leave nothing in run/.
	for pid in "${RUN_PIDS[@]}"; do
		kill -TERM "$pid"
		wait "$pid"
	done
	run_empty
	# One whole line per event, even with two executors writing to one
	# file: no line torn by the other's.
	run grep -vE "^$TIME_RE event=[a-z]+( [a-z_]+=(\"[^\"]*\"|[^ \"]*))*\$" "$TMP/run.log"
	echo "torn lines: $output" >&2
	[ "$output" = "" ]
	[ "$(grep -c ' event=done ' "$TMP/run.log")" -eq 300 ]
	run grep -q ' event=lost ' "$TMP/run.log"
	[ "$status" -eq 1 ]
}

@test "executors killed with -9 amid many jobs: every job is run and recorded done once" {
	handler rec 'echo "$JOB_ID" >>"$TMP/ran"; sleep 0.05'
	start_runner -j 2
	local round a
	# Five rounds: an executor dies amid the work and only the first
	# one, which serves throughout, is left to take its jobs back.
	for round in 1 2 3 4 5; do
		seq 12 | job-add --each rec >/dev/null
		job-run -j 2 2>>"$TMP/run.log" &
		a=$!
		RUN_PIDS+=("$a")
		poll 20 done_at_least $(((round - 1) * 12 + 4))
		kill9 "$a"
		poll 10 is_count 0 0 $((round * 12)) 0 || {
			echo "round $round"; job-list -c; job-list
			tail -20 "$TMP/run.log"; false
		} >&2
	done
	# At least once each; more than once only for the (at most two)
	# jobs each killed executor was running.
	[ "$(sort -un "$TMP/ran")" = "$(seq 60)" ]
	[ "$(sort -n "$TMP/ran" | uniq -d | wc -l)" -le 10 ]
	[ "$(wc -l <"$TMP/ran")" -le 70 ]
	[ "$(job-list --json -a | jq -r .state | sort -u)" = done ]
}

@test "a killed executor's handlers die with their children before the job is recovered" {
	handler fork 'echo "$JOB_ATTEMPT" >>"$TMP/attempts"
if [ "$JOB_ATTEMPT" = 1 ]; then
	sleep 30 & echo $! >"$TMP/child"; echo $$ >"$TMP/leader"; wait
fi'
	job-add fork >/dev/null
	start_runner
	local a=$RUNNER_PID
	poll 10 has_file "$TMP/child"
	poll 10 has_file "$TMP/leader"
	local child leader
	child=$(cat "$TMP/child")
	leader=$(cat "$TMP/leader")
	EXTRA_PIDS+=("$child" "$leader")
	kill9 "$a"
	# The handler and its child are killed, and only then is the job
	# taken back (at the next start here) and run again.
	poll 10 pid_gone "$leader"
	poll 10 pid_gone "$child"
	once
	[ "$(state 1)" = done ]
	[ "$(cat "$TMP/attempts")" = "$(printf '1\n2')" ]
}
