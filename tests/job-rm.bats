#!/usr/bin/env bats
# job-rm.bats: removing jobs (SPEC "Removing: job-rm"): by id, a
# recurring job by name, finished jobs by state and age; running jobs
# only with -f, which stops their handler.

bats_require_minimum_version 1.5.0
load helper

# jobs_gone ID...: those jobs are not in the store.
jobs_gone() {
	local id
	for id; do
		! job-list "$id" >/dev/null 2>&1 ||
			{ echo "job $id is still there"; return 1; }
	done
}

# alive PID: the process exists and is not a zombie (an orphan's exit
# may wait a while for init to reap it).
alive() {
	local stat
	stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[[ $stat != Z* ]]
}

# rm_older_than_1s_done: removes done jobs finished 1s ago, then checks
# that job 1 is gone.
rm_older_than_1s_done() {
	[ "$(job-rm --state done --older-than 1s)" = 1 ] && jobs_gone 1
}

@test "job-rm ID: the job is gone, silently, the others stay" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-add ok >/dev/null
	job-add ok >/dev/null
	run --separate-stderr job-rm 2
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	jobs_gone 2
	[ "$(json_ids)" = "1 3" ]
}

@test "job-rm ID...: all of them" {
	handler ok 'exit 0'
	for i in 1 2 3 4; do job-add ok >/dev/null; done
	run --separate-stderr job-rm 4 1 3
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ "$(json_ids)" = 2 ]
}

@test "job-rm ID: whatever state the job is in but running" {
	done_failed_pending
	job-recur --every 1h ok >/dev/null
	run --separate-stderr job-rm 1 2 3 4
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	jobs_gone 1 2 3 4
	is_count 0 0 0 0
}

@test "an unknown ID is an error (exit 1); the other ids are still removed" {
	handler ok 'exit 0'
	for i in 1 2 3; do job-add ok >/dev/null; done
	run --separate-stderr job-rm 1 99 3
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-rm: job 99: no such job" ]
	[ "$(json_ids)" = 2 ]
}

@test "an unknown ID first or last: the others are still removed" {
	handler ok 'exit 0'
	for i in 1 2 3; do job-add ok >/dev/null; done
	run --separate-stderr job-rm 98 1 2 99
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = $'job-rm: job 98: no such job\njob-rm: job 99: no such job' ]
	[ "$(json_ids)" = 3 ]
}

@test "an id removed twice: the second time it is unknown" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	run --separate-stderr job-rm 1
	[ "$status" -eq 0 ]
	run --separate-stderr job-rm 1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-rm: job 1: no such job" ]
}

@test "a removed job's log goes with it" {
	handler ok 'echo hello'
	job-add ok >/dev/null
	job-run --once 2>/dev/null
	[ "$(job-list -l 1 | tail -n 1)" = hello ]
	logs_are 1
	run job-rm 1
	[ "$status" -eq 0 ]
	logs_are
	run --separate-stderr job-list -l 1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
}

@test "each way of removing jobs takes their logs with them, and only theirs" {
	handler ok 'echo out'
	handler bad 'echo err; exit 3'
	job-add ok >/dev/null                            # 1: done
	job-add bad >/dev/null                           # 2: failed
	job-add -r 3 bad >/dev/null                      # 3: pending, to retry
	job-recur --every 1h --name tick ok >/dev/null   # 4: ran, next in 1h
	job-add ok >/dev/null                            # 5: done
	job-add ok >/dev/null                            # 6: done
	job-run --once 2>/dev/null
	is_count 2 0 3 1
	logs_are 1 2 3 4 5 6
	job-rm 5
	logs_are 1 2 3 4 6
	job-rm --name tick
	logs_are 1 2 3 6
	[ "$(job-rm --state failed)" = 1 ]
	logs_are 1 3 6
	[ "$(job-rm --state pending)" = 1 ]
	logs_are 1 6
	[ "$(job-rm --state done --older-than 1h)" = 0 ]
	logs_are 1 6
	[ "$(job-rm --state done)" = 2 ]
	logs_are
	is_count 0 0 0 0
}

@test "job-rm -f of a running job takes its log with it" {
	a_running_job
	logs_are 1
	job-rm -f 1
	poll 10 pid_gone "$(cat "$TMP/pid")"
	logs_are
}

@test "bad ids are a usage error and remove nothing" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-add ok >/dev/null
	snap
	local id
	for id in x 0 1x '' ' 1' 1.0 -- -1; do
		echo "# '$id'"
		rejected job-rm -- 1 "$id"
	done
	rejected job-rm -1
	rejected job-rm 1 x 2
	unchanged
}

@test "nothing to remove is a usage error" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	snap
	rejected job-rm
	rejected job-rm -f
	rejected job-rm --
	unchanged
}

@test "ids, --name and --state are one or another" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-recur --every 1h --name tick ok >/dev/null
	job-run --once 2>/dev/null
	snap
	rejected job-rm --name tick 1
	rejected job-rm --state done 1
	rejected job-rm --state done --name tick
	unchanged
}

@test "an unknown option is a usage error" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	snap
	rejected job-rm -Z 1
	rejected job-rm --bogus 1
	rejected job-rm --name
	rejected job-rm --state
	rejected job-rm --state done --older-than
	unchanged
}

@test "--name NAME removes that recurring job, and only it" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-recur --every 1h --name tick ok >/dev/null
	job-recur --every 1h --name tock ok >/dev/null
	job-recur --every 1h ok >/dev/null
	run --separate-stderr job-rm --name tick
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ "$(json_ids)" = "1 3 4" ]
	# A recurring job named after its handler.
	run --separate-stderr job-rm --name ok
	[ "$status" -eq 0 ]
	[ "$(json_ids)" = "1 3" ]
	# The name is free again, for a new job.
	run job-recur --every 1h --name tick ok
	[ "$status" -eq 0 ]
	[ "$output" = 5 ]
}

@test "--name with an unknown name: exit 1, nothing removed" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-recur --every 1h --name tick ok >/dev/null
	snap
	for n in tock TICK tic; do
		run --separate-stderr job-rm --name "$n"
		cannot job-rm
	done
	unchanged
}

@test "--name is not a handler: a non-recurring job is not removed by name" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	snap
	run --separate-stderr job-rm --name ok
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ $stderr == "job-rm: "* ]]
	unchanged
}

@test "--state done removes every done job, and only them" {
	done_failed_pending
	job-add ok >/dev/null
	job-run --once 2>/dev/null
	[ "$(state 4)" = done ]
	run --separate-stderr job-rm --state done
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$stderr" = "" ]
	[ "$(json_ids -a)" = "2 3" ]
}

@test "--state failed removes every failed job, and only them" {
	done_failed_pending
	run --separate-stderr job-rm --state failed
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	[ "$(json_ids -a)" = "1 3" ]
}

@test "--state with no such jobs: exit 0, 0 removed" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-run --once 2>/dev/null
	snap
	for s in failed pending; do
		run --separate-stderr job-rm --state $s
		[ "$status" -eq 0 ]
		[ "$output" = 0 ]
		[ "$stderr" = "" ]
	done
	unchanged
}

@test "--state takes only pending, done or failed" {
	done_failed_pending
	snap
	for s in running bogus '' Done done,failed pending,done; do
		echo "# --state '$s'"
		rejected job-rm --state "$s"
	done
	unchanged
}

@test "--state --older-than D: only jobs finished at least D ago" {
	done_failed_pending
	run --separate-stderr job-rm --state done --older-than 1h
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	[ "$stderr" = "" ]
	[ "$(json_ids -a)" = "1 2 3" ]
	run --separate-stderr job-rm --state failed --older-than 1d
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	[ "$(json_ids -a)" = "1 2 3" ]
	# Once a second has passed, a 1s age takes the done job, not the
	# failed one.
	poll 10 rm_older_than_1s_done
	[ "$(json_ids -a)" = "2 3" ]
}

@test "--older-than takes a DURATION" {
	done_failed_pending
	snap
	for d in 0 -5m 1h30 30m1h 1.5h '' x; do
		echo "# --older-than '$d'"
		rejected job-rm --state done --older-than "$d"
	done
	unchanged
}

@test "--older-than goes with --state" {
	done_failed_pending
	snap
	rejected job-rm --older-than 1h 1
	rejected job-rm --older-than 1h --name x
	rejected job-rm --older-than 1h
	rejected job-rm --older-than 1h --state pending
	[ "${stderr_lines[0]}" = "job-rm: --older-than goes with --state done or failed" ]
	unchanged
}

@test "a running job is refused (exit 1) without -f" {
	a_running_job
	snap
	run --separate-stderr job-rm 1
	cannot job-rm
	[ "$(state 1)" = running ]
	alive "$(cat "$TMP/pid")"
	[ ! -e "$TMP/got" ]
	unchanged
}

@test "a running job refused; the other ids are still removed" {
	handler ok 'exit 0'
	a_running_job
	job-schedule --in 1h ok >/dev/null
	run --separate-stderr job-rm 2 1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ $stderr == "job-rm: "* ]]
	jobs_gone 2
	[ "$(state 1)" = running ]
}

@test "--state done never touches a running job" {
	a_running_job
	run --separate-stderr job-rm --state done
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	[ "$(state 1)" = running ]
}

@test "--state pending cancels every pending job, recurring ones included, and prints how many" {
	done_failed_pending
	handler ok 'echo "$JOB_ID" >>"$TMP/ran"'
	job-recur --every 1h --name tick ok >/dev/null    # 4
	job-add -r 3 bad >/dev/null                       # 5: waits for a retry
	job-run --once 2>/dev/null
	[ "$(state 5)" = pending ]
	[ "$(jf 5 attempts)" = 1 ]
	rm -f "$TMP/ran"
	job-add ok >/dev/null                             # 6
	job-schedule --in 1d ok >/dev/null                # 7
	run --separate-stderr job-rm --state pending
	[ "$status" -eq 0 ]
	[ "$output" = 5 ]
	[ "$stderr" = "" ]
	jobs_gone 3 4 5 6 7
	[ "$(json_ids -a)" = "1 2" ]
	# Their logs go with them, and nothing is left to run.
	run --separate-stderr job-list -l 5
	[ "$status" -eq 1 ]
	job-run --once 2>/dev/null
	[ ! -e "$TMP/ran" ]
	is_count 0 0 1 1
}

@test "--state pending leaves a running job alone" {
	handler ok 'exit 0'
	a_running_job
	job-add ok >/dev/null
	run --separate-stderr job-rm --state pending
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	jobs_gone 2
	[ "$(state 1)" = running ]
	[ ! -e "$TMP/got" ]
}

@test "-f: a running job is gone, its handler's process group gets SIGTERM" {
	a_running_job
	local pid child
	pid=$(cat "$TMP/pid")
	child=$(cat "$TMP/child")
	run --separate-stderr job-rm -f 1
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	jobs_gone 1
	poll 10 test -s "$TMP/got"
	[ "$(cat "$TMP/got")" = term ]
	# The whole group: the handler's child too.
	poll 10 eval '! alive "$pid" && ! alive "$child"'
}

@test "--force is -f" {
	a_running_job
	run --separate-stderr job-rm --force 1
	[ "$status" -eq 0 ]
	jobs_gone 1
	poll 10 test -s "$TMP/got"
}

@test "-f: the job stays gone once its handler has stopped" {
	a_running_job
	handler ok 'exit 0'
	run --separate-stderr job-rm -f 1
	[ "$status" -eq 0 ]
	# The executor (one slot) can take the next job only once the
	# removed one has stopped.
	job-add ok >/dev/null
	poll 10 is_state 2 done
	jobs_gone 1
	is_count 0 0 1 0
}

@test "-f: a handler that ignores SIGTERM is killed after the grace" {
	# The pids it notes are killed after the test if still there.
	EXTRA_PID_FILES+=("$TMP/pid" "$TMP/child")
	handler stubborn 'trap "" TERM
echo $$ >"$JOB_DB/../pid"
sleep 1000 &
echo $! >"$JOB_DB/../child"
wait'
	job-add stubborn >/dev/null
	start_runner --grace 1s
	poll 10 is_state 1 running
	poll 10 test -s "$TMP/child"
	local pid child
	pid=$(cat "$TMP/pid")
	child=$(cat "$TMP/child")
	run --separate-stderr job-rm -f 1
	[ "$status" -eq 0 ]
	jobs_gone 1
	poll 10 eval '! alive "$pid" && ! alive "$child"'
}

@test "-f on jobs that are not running removes them as usual" {
	done_failed_pending
	run --separate-stderr job-rm -f 1 2 3
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	jobs_gone 1 2 3
}

@test "--name: a running recurring job is refused without -f, removed with it" {
	blocking_handler tick
	job-recur --every 1h --name ticker tick >/dev/null
	start_runner
	poll 10 is_state 1 running
	poll 10 test -s "$TMP/child"
	run --separate-stderr job-rm --name ticker
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ $stderr == "job-rm: "* ]]
	[ "$(state 1)" = running ]
	run --separate-stderr job-rm -f --name ticker
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	jobs_gone 1
	poll 10 test -s "$TMP/got"
}

@test "a store that does not exist: an id is unknown; --state removes nothing; no store made" {
	run --separate-stderr job-rm 1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-rm: job 1: no such job" ]
	run --separate-stderr job-rm --name x
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ $stderr == "job-rm: "* ]]
	for s in done failed pending; do
		run --separate-stderr job-rm --state $s
		[ "$status" -eq 0 ]
		[ "$output" = 0 ]
		[ "$stderr" = "" ]
	done
	[ ! -e "$JOB_DB" ]
}

@test "a full disk: exit 1, a clean message, the store unchanged" {
	done_failed_pending
	snap
	run --separate-stderr full_disk 0 job-rm 3
	if [ "$status" -eq 0 ]; then
		# It fitted after all: then it is done, and said nothing.
		[ "$output" = "" ]
		jobs_gone 3
	else
		cannot job-rm
		unchanged
	fi
	snap
	run --separate-stderr full_disk 0 job-rm --state done
	if [ "$status" -ne 0 ]; then
		[ "$status" -eq 1 ]
		[ "$output" = "" ]
		[[ $stderr == "job-rm: "* ]]
		unchanged
	fi
}

@test "a store path that is a file: exit 1, a clean message" {
	printf 'x' >"$TMP/file"
	run --separate-stderr job-rm -d "$TMP/file" 1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-rm: $TMP/file: Not a directory" ]
	[ "$(cat "$TMP/file")" = x ]
}

@test "-d DIR is the store" {
	handler ok 'exit 0'
	job-add -d "$TMP/other" ok >/dev/null
	job-add ok >/dev/null
	run --separate-stderr job-rm -d "$TMP/other" 1
	[ "$status" -eq 0 ]
	[ "$(job-list -d "$TMP/other" -c)" = "$(counts 0 0 0 0)" ]
	[ "$(json_ids)" = 1 ]
}
