#!/usr/bin/env bats
# job-run: executing jobs (SPEC.md, "Executing: job-run", and job-rm -f).

bats_require_minimum_version 1.5.0

load helper

# stop_with SIGNAL: sends SIGNAL to the last runner and waits for it;
# its exit status is left in STOP_STATUS.
stop_with() {
	kill -"$1" "$RUNNER_PID"
	STOP_STATUS=0
	wait "$RUNNER_PID" || STOP_STATUS=$?
}

# ticks PID: CPU time (utime + stime, in clock ticks) of all its threads.
ticks() {
	local t sum=0 f
	for f in /proc/"$1"/task/*/stat; do
		t=$(sed 's/.*) //' "$f" | awk '{ print $12 + $13 }')
		sum=$((sum + t))
	done
	echo "$sum"
}

# wakeups PID: context switches of all its threads.
wakeups() {
	cat /proc/"$1"/task/*/status |
	    awk '/ctxt_switches/ { n += $2 } END { print n }'
}

# observe SECONDS: a fixed observation window, used only to measure that
# an idle runner does nothing (no event can end the wait: the point is
# that nothing happens).  read -t on a private FIFO rather than sleep.
observe() {
	local f="$TMP/observe.fifo"
	mkfifo "$f"
	read -r -t "$1" <>"$f" || true
	rm -f "$f"
}

# quiet PID: for poll; its CPU time and wake-ups stay put for 0.2 s.
quiet() {
	local t w
	t=$(ticks "$1")
	w=$(wakeups "$1")
	observe 0.2
	SEEN="ticks $t -> $(ticks "$1"), wake-ups $w -> $(wakeups "$1")"
	[ "$(ticks "$1")" -eq "$t" ] && [ "$(wakeups "$1")" -eq "$w" ]
}

# event_line EVENT JOB: the one event line for that job (fails unless
# exactly one).
event_line() {
	local lines
	lines=$(grep -E " event=$1 (.* )?job=$2( |$)" "$TMP/run.log" || true)
	[ -n "$lines" ] && [ "$(printf '%s\n' "$lines" | wc -l)" -eq 1 ] ||
	    { echo "want one event=$1 job=$2 in:" >&2; cat "$TMP/run.log" >&2; return 1; }
	printf '%s\n' "$lines"
}

# header N OUTCOME_RE: the regex of the log line heading attempt N.
header() {
	echo "^== attempt $1 at $TIME_RE: $2 *==\$"
}

# --- command line -----------------------------------------------------------

@test "job-run -h prints usage on stdout and exits 0" {
	run --separate-stderr job-run -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: job-run "* ]]
	[ "$stderr" = "" ]
	run --separate-stderr job-run --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: job-run "* ]]
}

@test "job-run with a wrong command line exits 2 with a prefixed message" {
	for args in "--bogus" "--keep 0" "--keep -5m" "--grace 1h30" \
	    "--grace x" "-j 0" "-j x" "extra"; do
		# shellcheck disable=SC2086
		run --separate-stderr job-run --once $args
		echo "args: $args" >&2
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[[ "$stderr" == "job-run: "* ]]
	done
	[ ! -e "$JOB_DB" ]
}

@test "job-run --once creates a missing store (0700, files 0600) and exits 0" {
	run --separate-stderr job-run --once
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ -d "$JOB_DB" ]
	[ "$(stat -c %a "$JOB_DB")" = 700 ]
	[ "$(find "$JOB_DB" -type f ! -perm 600)" = "" ]
	is_count 0 0 0 0
}

@test "job-run -d serves that store, not JOB_DB" {
	handler ok 'exit 0'
	job-add -d "$TMP/other" ok
	job-add ok
	run --separate-stderr job-run --once -d "$TMP/other"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(job-list -d "$TMP/other" -c)" = "$(counts 0 0 1 0)" ]
	is_count 1 0 0 0
}

@test "job-run -H runs handlers from that directory" {
	mkdir -m 755 "$TMP/h2"
	printf '#!/bin/sh\necho from-h2\n' >"$TMP/h2/only"
	chmod 755 "$TMP/h2/only"
	job-add -H "$TMP/h2" only
	job-run --once -H "$TMP/h2"
	[ "$(state 1)" = done ]
	run job-list -l 1
	[ "${lines[1]}" = from-h2 ]
}

# --- the handler's process ------------------------------------------------------

@test "handler gets its args exactly, with no shell" {
	handler args 'for a in "$@"; do printf "<%s>\n" "$a"; done >"$TMP/args"'
	job-add args 'a b' '' '*' '$HOME' "it's" 'x;y' -n "$(printf 'new\nline')" '`id`'
	run once
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(cat "$TMP/args")" = "$(printf '%s\n' '<a b>' '<>' '<*>' '<$HOME>' \
	    "<it's>" '<x;y>' '<-n>' '<new' 'line>' '<`id`>')" ]
	[ "$(state 1)" = done ]
}

@test "handler stdin is the payload (-i FILE, -i -)" {
	handler cat 'cat >"$TMP/in.$JOB_ID"'
	printf 'line 1\nline 2\000bin\377\n' >"$TMP/payload"
	job-add -i "$TMP/payload" cat
	printf 'from stdin' | job-add -i - cat
	once
	cmp "$TMP/payload" "$TMP/in.1"
	[ "$(cat "$TMP/in.2")" = "from stdin" ]
	is_count 0 0 2 0
}

@test "handler stdin is /dev/null without a payload" {
	handler nul 'readlink /proc/$$/fd/0 >"$TMP/stdin"; cat >"$TMP/in"'
	job-add nul
	once </dev/zero
	[ "$(cat "$TMP/stdin")" = /dev/null ]
	[ ! -s "$TMP/in" ]
	[ "$(state 1)" = done ]
}

@test "handler environment: job-run's plus JOB_ID, JOB_HANDLER, JOB_ATTEMPT, JOB_QUEUE, JOB_RUN_AT, JOB_DB" {
	handler envh 'env | grep "^JOB_" | grep -v "^JOB_HANDLERS=" | sort >"$TMP/env"; echo "FOO=$FOO" >>"$TMP/env"'
	job-add envh
	job-add -q q1 envh
	FOO=bar once -q q1
	[ "$(cat "$TMP/env")" = "$(printf '%s\n' \
	    JOB_ATTEMPT=1 \
	    "JOB_DB=$JOB_DB" \
	    JOB_HANDLER=envh \
	    JOB_ID=2 \
	    JOB_QUEUE=q1 \
	    "JOB_RUN_AT=$(epoch "$(jf 2 run_at)")" \
	    FOO=bar)" ]
	[ "$(state 1)" = pending ]
	[ "$(state 2)" = done ]
}

@test "handler environment: JOB_DB is the store given with -d" {
	handler envh 'echo "$JOB_DB" >"$TMP/db"'
	job-add -d "$TMP/s2" envh
	env -u JOB_DB job-run --once -d "$TMP/s2"
	[ "$(cat "$TMP/db")" = "$TMP/s2" ]
}

@test "handler environment: JOB_NAME for a recurring job, which stays pending" {
	handler envh 'echo "$JOB_NAME $JOB_HANDLER $JOB_ATTEMPT" >"$TMP/env"'
	job-recur --every 1h --name nightly envh
	run once
	[ "$status" -eq 0 ]
	[ "$(cat "$TMP/env")" = "nightly envh 1" ]
	[ "$(state 1)" = pending ]
	[ "$(jf 1 runs)" = 1 ]
	[ "$(jf 1 failures)" = 0 ]
	[ "$(jf 1 last_exit)" = 0 ]
	[ "$(jf 1 last_error)" = null ]
}

@test "handler runs in a new process group" {
	handler pg 'echo "$$ $(sed "s/.*) //" /proc/$$/stat | cut -d" " -f3)" >"$TMP/pg"'
	job-add pg
	once
	read -r pid pgid <"$TMP/pg"
	[ "$pid" = "$pgid" ]
	[ "$pgid" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]
}

@test "handler does not inherit descriptors of the store" {
	handler fds 'ls -l /proc/$$/fd/ >"$TMP/fds"'
	job-add fds
	once
	[ -s "$TMP/fds" ]
	run grep -F "$JOB_DB" "$TMP/fds"
	echo "store descriptors in the handler: $output" >&2
	[ "$output" = "" ]
}

@test "handler symlinked into the handlers directory runs" {
	mkdir -m 755 "$TMP/real"
	printf '#!/bin/sh\necho via-link\n' >"$TMP/real/target"
	chmod 755 "$TMP/real/target"
	ln -s "$TMP/real/target" "$JOB_HANDLERS/linked"
	job-add linked
	once
	[ "$(state 1)" = done ]
	run job-list -l 1
	[ "${lines[1]}" = via-link ]
}

# --- outcomes -----------------------------------------------------------------

@test "exit 0: done, outcome recorded, output in the log under its header" {
	handler ok 'echo hello; echo oops >&2; echo again'
	job-add ok
	run once
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	is_count 0 0 1 0
	[ "$(jf 1 state)" = done ]
	[ "$(jf 1 attempts)" = 1 ]
	[ "$(jf 1 max_attempts)" = 1 ]
	[ "$(jf 1 last_exit)" = 0 ]
	[ "$(jf 1 last_signal)" = null ]
	[ "$(jf 1 last_error)" = null ]
	[ "$(field 1 state)" = done ]
	[ "$(field 1 last_exit)" = 0 ]
	run job-list -l 1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[0]}" =~ $(header 1 'exit 0 after [0-9]+(\.[0-9]+)?s') ]]
	[ "${lines[1]}" = hello ]
	[ "${lines[2]}" = oops ]
	[ "${lines[3]}" = again ]
}

@test "non-zero exit with no retries: failed, last_exit, last_error names the handler" {
	handler fails 'echo bad; exit 3'
	job-add fails
	run once
	[ "$status" -eq 0 ]
	is_count 0 0 0 1
	[ "$(jf 1 attempts)" = 1 ]
	[ "$(jf 1 last_exit)" = 3 ]
	[ "$(jf 1 last_signal)" = null ]
	[[ "$(jf 1 last_error)" == *fails* ]]
	run job-list -l 1
	[[ "${lines[0]}" =~ $(header 1 'exit 3 after [0-9.]+s') ]]
	[ "${lines[1]}" = bad ]
	# It stays failed: another run does not touch it.
	once
	[ "$(jf 1 state)" = failed ]
	[ "$(jf 1 attempts)" = 1 ]
}

@test "killed by a signal: failed, last_signal, last_error names the handler" {
	handler sig 'kill -9 $$'
	job-add sig
	once
	[ "$(jf 1 state)" = failed ]
	[ "$(jf 1 last_signal)" = 9 ]
	[ "$(jf 1 last_exit)" = null ]
	[[ "$(jf 1 last_error)" == *sig* ]]
	run job-list -l 1
	[[ "${lines[0]}" =~ $(header 1 'signal 9 after [0-9.]+s') ]]
}

@test "unregistered handler (job-add -f): attempt fails with 'not registered'" {
	job-add -f ghost
	run once
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = failed ]
	[ "$(jf 1 attempts)" = 1 ]
	[[ "$(jf 1 last_error)" == *ghost* ]]
	[[ "$(jf 1 last_error)" == *"not registered"* ]]
	[ "$(jf 1 last_exit)" = null ]
	[ "$(jf 1 last_signal)" = null ]
	run job-list -l 1
	[[ "${lines[0]}" =~ $(header 1 'error') ]]
}

@test "unregistered handler is retried while attempts remain" {
	job-add -f -r 1 ghost
	once
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 attempts)" = 1 ]
	[[ "$(jf 1 last_error)" == *"not registered"* ]]
}

@test "handler that is not executable: attempt fails, naming the handler" {
	handler noexec 'echo ran >"$TMP/ran"'
	chmod 644 "$JOB_HANDLERS/noexec"
	job-add -f noexec
	once
	[ "$(jf 1 state)" = failed ]
	[[ "$(jf 1 last_error)" == *noexec* ]]
	[ ! -e "$TMP/ran" ]
}

@test "handler writable by group or others is refused" {
	handler gw 'echo ran >"$TMP/ran"'
	handler ow 'echo ran >"$TMP/ran"'
	chmod 775 "$JOB_HANDLERS/gw"
	chmod 757 "$JOB_HANDLERS/ow"
	job-add -f gw
	job-add -f ow
	once
	[ ! -e "$TMP/ran" ]
	for id in 1 2; do
		[ "$(jf $id state)" = failed ]
		[ "$(jf $id last_exit)" = null ]
	done
	[[ "$(jf 1 last_error)" == *gw*"writable by group or others"* ]]
	[[ "$(jf 2 last_error)" == *ow*"writable by group or others"* ]]
}

@test "handler symlinked to a file writable by others is refused" {
	mkdir -m 755 "$TMP/real"
	printf '#!/bin/sh\necho ran >"$TMP/ran"\n' >"$TMP/real/target"
	chmod 777 "$TMP/real/target"
	ln -s "$TMP/real/target" "$JOB_HANDLERS/linked"
	job-add -f linked
	once
	[ ! -e "$TMP/ran" ]
	[ "$(jf 1 state)" = failed ]
	[[ "$(jf 1 last_error)" == *linked*"writable by group or others"* ]]
}

@test "handlers directory writable by group or others: handlers are refused" {
	handler ok 'echo ran >"$TMP/ran"'
	chmod 775 "$JOB_HANDLERS"
	job-add -f ok
	once
	[ ! -e "$TMP/ran" ]
	[ "$(jf 1 state)" = failed ]
	[[ "$(jf 1 last_error)" == *ok* ]]
	[[ "$(jf 1 last_error)" == *"writable by group or others"* ]]
}

@test "handler belonging to neither the user nor root is refused" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to chown"
	handler foreign 'echo ran >"$TMP/ran"'
	chown nobody "$JOB_HANDLERS/foreign"
	job-add -f foreign
	once
	[ ! -e "$TMP/ran" ]
	[ "$(jf 1 state)" = failed ]
	[[ "$(jf 1 last_error)" == *foreign*"belongs to neither the user nor root"* ]]
}

# --- retries --------------------------------------------------------------------

# ended_attempt ID N: job ID's attempt N is over and it is pending again.
ended_attempt() {
	[ "$(jf "$1" attempts)" = "$2" ] && [ "$(jf "$1" state)" = pending ]
}

@test "retries: JOB_ATTEMPT counts up, backoff 1 s then 2 s (+25%), then failed" {
	handler flaky 'echo "$JOB_ATTEMPT $(date +%s%N)" >>"$TMP/starts"; exit 1'
	job-add -r 2 flaky
	[ "$(jf 1 max_attempts)" = 3 ]
	# --once leaves a retry that comes due later for the next run.
	run once
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 attempts)" = 1 ]
	[ "$(jf 1 last_exit)" = 1 ]
	[[ "$(jf 1 last_error)" == *flaky* ]]
	# run_at is finish + [1 s, 1.25 s]; both shown in whole seconds.
	local d
	d=$(($(epoch "$(jf 1 run_at)") - $(epoch "$(jf 1 finished_at)")))
	[ "$d" -ge 1 ] && [ "$d" -le 2 ]
	event_line retry 1

	start_runner
	# Attempt 2 may be claimed a moment ahead of its time: wait for its end.
	poll 10 ended_attempt 1 2
	d=$(($(epoch "$(jf 1 run_at)") - $(epoch "$(jf 1 finished_at)")))
	[ "$d" -ge 2 ] && [ "$d" -le 3 ]
	poll 10 is_state 1 failed
	[ "$(jf 1 attempts)" = 3 ]
	[ "$(jf 1 max_attempts)" = 3 ]
	[ "$(cut -d' ' -f1 "$TMP/starts" | tr '\n' ' ')" = "1 2 3 " ]
	# Never before their time: each retry waits its backoff after the
	# previous attempt started (and so finished later still).
	local s1 s2 s3
	{ read -r _ s1; read -r _ s2; read -r _ s3; } <"$TMP/starts"
	[ $((s2 - s1)) -ge 1000000000 ]
	[ $((s3 - s2)) -ge 2000000000 ]
	run job-list -l 1
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^== attempt ')" -eq 3 ]
	event_line fail 1
}

@test "a retry that succeeds: done, last outcome is the success" {
	handler second '[ "$JOB_ATTEMPT" -ge 2 ] || exit 7; echo fine'
	job-add -r 3 second
	start_runner
	poll 10 is_state 1 done
	[ "$(jf 1 attempts)" = 2 ]
	[ "$(jf 1 max_attempts)" = 4 ]
	[ "$(jf 1 last_exit)" = 0 ]
	[ "$(jf 1 last_error)" = null ]
	run job-list -l 1
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" =~ $(header 1 'exit 7 after [0-9.]+s') ]]
	[[ "${lines[1]}" =~ $(header 2 'exit 0 after [0-9.]+s') ]]
	[ "${lines[2]}" = fine ]
}

# --- timeouts -------------------------------------------------------------------

@test "timeout kills the handler's whole group; the attempt fails with 'timeout'" {
	handler slow 'echo $$ >"$TMP/pid"; sleep 60 & echo $! >"$TMP/gc"; sleep 60'
	job-add -t 1s slow
	run once --grace 1s
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = failed ]
	[ "$(jf 1 timeout)" = 1 ]
	[[ "$(jf 1 last_error)" == *timeout* ]]
	[[ "$(jf 1 last_error)" == *slow* ]]
	poll 5 pid_gone "$(cat "$TMP/pid")"
	poll 5 pid_gone "$(cat "$TMP/gc")"
	run job-list -l 1
	[[ "${lines[0]}" =~ $(header 1 'timeout after ([0-9.]+)s') ]]
	# Never before its time.
	[ "${BASH_REMATCH[3]%%.*}" -ge 1 ]
	event_line timeout 1
}

@test "timeout: a handler ignoring SIGTERM is killed after the grace" {
	handler stubborn 'trap "" TERM; echo $$ >"$TMP/pid"; sleep 60 & echo $! >"$TMP/gc"; wait'
	job-add -t 1s stubborn
	local t0
	t0=$(now_ns)
	run once --grace 1s
	[ "$status" -eq 0 ]
	# timeout 1 s + grace 1 s, never less
	[ $(($(now_ns) - t0)) -ge 2000000000 ]
	[ "$(jf 1 state)" = failed ]
	[[ "$(jf 1 last_error)" == *timeout* ]]
	poll 5 pid_gone "$(cat "$TMP/pid")"
	poll 5 pid_gone "$(cat "$TMP/gc")"
}

@test "timeout with retries left: pending again" {
	handler slow 'sleep 60'
	job-add -t 1s -r 1 slow
	once --grace 1s
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 attempts)" = 1 ]
	[[ "$(jf 1 last_error)" == *timeout* ]]
}

# --- choosing jobs ----------------------------------------------------------------

@test "-j 1 runs highest priority first, then earliest run_at, then lowest id" {
	handler order 'echo "$JOB_ID" >>"$TMP/order"'
	local now
	now=$(date +%s)
	job-add order                                        # 1: p0, now
	job-add -p 5 order                                   # 2: p5, now
	job-schedule --at "@$((now - 100))" order            # 3: p0, -100
	job-schedule -p 5 --at "@$((now - 200))" order       # 4: p5, -200
	job-add -p -1 order                                  # 5: p-1, now
	job-schedule --at "@$((now - 200))" order            # 6: p0, -200
	job-schedule --at "@$((now - 100))" order            # 7: p0, -100
	run once -j 1
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <"$TMP/order")" = "4 2 6 3 7 1 5 " ]
	is_count 0 0 7 0
}

@test "-q serves only the named queues" {
	handler q 'echo "$JOB_ID $JOB_QUEUE" >>"$TMP/ran"'
	job-add -q a q
	job-add -q b q
	job-add q
	job-add -q a q
	job-add -q c q
	once -q a
	[ "$(cat "$TMP/ran")" = "$(printf '1 a\n4 a')" ]
	is_count 3 0 2 0
	once -q b,default
	[ "$(cat "$TMP/ran")" = "$(printf '1 a\n4 a\n2 b\n3 default')" ]
	[ "$(state 5)" = pending ]
	[ "$(jf 5 attempts)" = 0 ]
}

@test "-q: a daemon serving queue a leaves a job added to queue b alone" {
	handler q 'echo "$JOB_ID" >>"$TMP/ran"'
	start_runner -q a
	job-add -q b q
	job-add -q a q
	poll 5 is_state 2 done
	[ "$(state 1)" = pending ]
	[ "$(cat "$TMP/ran")" = 2 ]
}

# barrier handler: marks itself running, records how many are, waits for
# the barrier file.
barrier_handler() {
	mkdir -p "$TMP/running"
	handler wait 'touch "$TMP/running/$JOB_ID"; ls "$TMP/running" | wc -l >>"$TMP/conc"
while [ ! -e "$TMP/barrier" ]; do sleep 0.02; done
rm "$TMP/running/$JOB_ID"'
}

@test "-j 3 runs three handlers at once, never more" {
	barrier_handler
	for i in 1 2 3 4 5; do job-add wait; done
	start_runner -j 3
	poll 10 is_count 2 3 0 0
	poll 5 sh -c '[ "$(ls "$TMP/running" | wc -l)" -eq 3 ]'
	touch "$TMP/barrier"
	poll 10 is_count 0 0 5 0
	[ "$(sort -n "$TMP/conc" | tail -1)" -eq 3 ]
	[ "$(wc -l <"$TMP/conc")" -eq 5 ]
}

@test "default is one job at a time" {
	barrier_handler
	job-add wait
	job-add wait
	start_runner
	poll 10 is_count 1 1 0 0
	poll 5 has_file "$TMP/conc"
	touch "$TMP/barrier"
	poll 10 is_count 0 0 2 0
	[ "$(cat "$TMP/conc")" = "$(printf '1\n1')" ]
}

# --- waking -----------------------------------------------------------------------

@test "a waiting daemon starts a job added while it waits" {
	handler ok 'echo "$JOB_ID" >>"$TMP/ran"'
	start_runner
	job-add ok
	poll 5 is_state 1 done
	# Now it is surely waiting.
	job-add ok
	poll 3 is_state 2 done
	[ "$(cat "$TMP/ran")" = "$(printf '1\n2')" ]
}

@test "a scheduled job starts at its time, never before (--in)" {
	handler at 'date +%s%N >"$TMP/start"'
	start_runner
	local t0
	t0=$(now_ns)
	job-schedule --in 1s at
	poll 6 is_state 1 done
	[ "$(cat "$TMP/start")" -ge $((t0 + 1000000000)) ]
}

@test "a scheduled job starts at its time, never before (--at)" {
	handler at 'date +%s%N >"$TMP/start"'
	start_runner
	local at
	at=$(($(date +%s) + 2))
	job-schedule --at "@$at" at
	[ "$(epoch "$(jf 1 run_at)")" = "$at" ]
	poll 6 is_state 1 done
	[ "$(cat "$TMP/start")" -ge $((at * 1000000000)) ]
}

@test "a daemon waiting for a later job starts an earlier one added meanwhile" {
	handler ok 'date +%s%N >"$TMP/start.$JOB_ID"'
	start_runner
	job-schedule --in 1h ok
	job-add ok
	poll 5 is_state 2 done
	local t0
	t0=$(now_ns)
	job-schedule --in 1s ok
	poll 6 is_state 3 done
	[ "$(cat "$TMP/start.3")" -ge $((t0 + 1000000000)) ]
	[ "$(state 1)" = pending ]
	[ "$(jf 1 attempts)" = 0 ]
}

@test "idle, job-run uses no CPU and never wakes up" {
	handler ok 'exit 0'
	job-add ok
	job-schedule --in 1h ok
	start_runner
	poll 5 is_state 1 done
	# Let it settle back into its wait (the event writer, the prune
	# plan): its CPU time and wake-up count stop moving.
	poll 5 quiet "$RUNNER_PID"
	local t w
	t=$(ticks "$RUNNER_PID")
	w=$(wakeups "$RUNNER_PID")
	observe 2
	[ "$(ticks "$RUNNER_PID")" -eq "$t" ]
	[ "$(wakeups "$RUNNER_PID")" -eq "$w" ]
	[ "$(state 2)" = pending ]
}

# --- stopping -----------------------------------------------------------------------

@test "SIGTERM while idle: exit 0" {
	handler ok 'exit 0'
	job-add ok
	start_runner
	poll 5 is_state 1 done
	stop_with TERM
	[ "$STOP_STATUS" -eq 0 ]
}

@test "SIGINT while idle: exit 0" {
	handler ok 'exit 0'
	job-add ok
	env --default-signal=INT job-run 2>>"$TMP/run.log" &
	RUNNER_PID=$!
	RUN_PIDS+=("$RUNNER_PID")
	poll 5 is_state 1 done
	stop_with INT
	[ "$STOP_STATUS" -eq 0 ]
}

# term_handler: the first attempt waits for SIGTERM (recording it), later
# ones succeed.
term_handler() {
	handler term 'echo "$JOB_ATTEMPT" >>"$TMP/attempts"
if [ "$JOB_ATTEMPT" = 1 ]; then
	echo $$ >"$TMP/pid"
	trap "echo got >\"\$TMP/got\"; exit 143" TERM
	sleep 60 & echo $! >"$TMP/gc"
	wait
fi
echo second'
}

@test "SIGTERM with a running job: handler group gets SIGTERM, job pending and due, no retry used, exit 0" {
	term_handler
	handler ok 'exit 0'
	job-add term
	start_runner
	poll 5 sleeping "$TMP/gc"
	job-add ok
	stop_with TERM
	[ "$STOP_STATUS" -eq 0 ]
	[ "$(cat "$TMP/got")" = got ]
	poll 5 pid_gone "$(cat "$TMP/pid")"
	poll 5 pid_gone "$(cat "$TMP/gc")"
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 attempts)" = 1 ]
	[ "$(jf 1 max_attempts)" = 1 ]
	[ "$(epoch "$(jf 1 run_at)")" -le "$(date +%s)" ]
	# It took no new job.
	[ "$(jf 2 state)" = pending ]
	[ "$(jf 2 attempts)" = 0 ]
	run job-list -l 1
	[[ "${lines[0]}" =~ $(header 1 'interrupted') ]]
	# The interruption used no retry: the -r 0 job runs again and is done.
	run once
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = done ]
	[ "$(jf 1 attempts)" = 2 ]
	[ "$(jf 1 last_exit)" = 0 ]
	[ "$(jf 2 state)" = done ]
	[ "$(cat "$TMP/attempts")" = "$(printf '1\n2')" ]
}

@test "an interrupted job keeps its place: after a restart it runs before the jobs added while it ran" {
	handler rec 'if [ "$JOB_ID" = 1 ] && [ "$JOB_ATTEMPT" = 1 ]; then
	echo $$ >"$TMP/pid"; exec sleep 60
fi
echo "$JOB_ID" >>"$TMP/order"'
	job-add rec >/dev/null
	start_runner
	poll 5 sleeping "$TMP/pid"
	local run_at
	run_at=$(jf 1 run_at)
	seq 3 | job-add --each rec >/dev/null
	stop_with TERM
	[ "$STOP_STATUS" -eq 0 ]
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 run_at)" = "$run_at" ]
	once
	[ "$(paste -sd ' ' "$TMP/order")" = "1 2 3 4" ]
}

@test "SIGINT with a running job: same as SIGTERM" {
	term_handler
	job-add term
	env --default-signal=INT job-run 2>>"$TMP/run.log" &
	RUNNER_PID=$!
	RUN_PIDS+=("$RUNNER_PID")
	poll 5 sleeping "$TMP/gc"
	stop_with INT
	[ "$STOP_STATUS" -eq 0 ]
	[ "$(cat "$TMP/got")" = got ]
	poll 5 pid_gone "$(cat "$TMP/gc")"
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 attempts)" = 1 ]
	once
	[ "$(jf 1 state)" = done ]
}

# stops_after_grace: once the handler's child runs, SIGTERM stops job-run,
# which exits 0, and not before its grace of 1 s is over.
stops_after_grace() {
	poll 5 sleeping "$TMP/gc"
	local t0
	t0=$(now_ns)
	stop_with TERM
	[ "$STOP_STATUS" -eq 0 ]
	[ $(($(now_ns) - t0)) -ge 1000000000 ]
}

@test "SIGTERM: what a handler leaves in its group is killed after --grace, and job-run waits for it" {
	# The handler dies of the SIGTERM; its child ignores it.
	handler leaves '(trap "" TERM; exec sleep 60) & echo $! >"$TMP/gc"; wait'
	job-add leaves
	start_runner --grace 1s
	stops_after_grace
	pid_gone "$(cat "$TMP/gc")"
	[ "$(jf 1 state)" = pending ]
}

@test "SIGTERM: a handler ignoring SIGTERM is killed after --grace" {
	handler stubborn 'trap "" TERM; echo $$ >"$TMP/pid"; sleep 60 & echo $! >"$TMP/gc"; wait'
	job-add stubborn
	start_runner --grace 1s
	stops_after_grace
	poll 5 pid_gone "$(cat "$TMP/pid")"
	poll 5 pid_gone "$(cat "$TMP/gc")"
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 attempts)" = 1 ]
	[ "$(jf 1 max_attempts)" = 1 ]
}

# --- job-rm on a running job ------------------------------------------------------

@test "job-rm of a running job without -f: exit 1, job keeps running" {
	handler block 'echo $$ >"$TMP/pid"; sleep 60 & wait'
	job-add block
	start_runner
	poll 5 has_file "$TMP/pid"
	run --separate-stderr job-rm 1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ "$stderr" == "job-rm: "* ]]
	[ "$(state 1)" = running ]
	run pid_gone "$(cat "$TMP/pid")"
	[ "$status" -ne 0 ]
}

@test "job-rm -f of a running job: its group gets SIGTERM, the job is gone, the runner goes on" {
	handler block 'echo $$ >"$TMP/pid"; trap "echo got >\"\$TMP/got\"; exit 143" TERM; sleep 60 & echo $! >"$TMP/gc"; wait'
	handler ok 'exit 0'
	job-add block
	start_runner
	poll 5 sleeping "$TMP/gc"
	run --separate-stderr job-rm -f 1
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	poll 2 pid_gone "$(cat "$TMP/pid")"
	poll 2 pid_gone "$(cat "$TMP/gc")"
	[ "$(cat "$TMP/got")" = got ]
	run job-list 1
	[ "$status" -eq 1 ]
	poll 5 is_count 0 0 0 0
	job-add ok
	poll 5 is_state 2 done
	[ "$(job-list --json -a | jq -c .id)" = 2 ]
	run grep -q ' event=retry ' "$TMP/run.log"
	[ "$status" -eq 1 ]
}

@test "job-rm -f of a handler ignoring SIGTERM: killed after the grace" {
	handler stubborn 'trap "" TERM; echo $$ >"$TMP/pid"; sleep 60 & echo $! >"$TMP/gc"; wait'
	job-add stubborn
	start_runner --grace 1s
	poll 5 sleeping "$TMP/gc"
	run job-rm -f 1
	[ "$status" -eq 0 ]
	poll 5 pid_gone "$(cat "$TMP/pid")"
	poll 5 pid_gone "$(cat "$TMP/gc")"
	run job-list 1
	[ "$status" -eq 1 ]
	is_count 0 0 0 0
}

# --- the event log -------------------------------------------------------------------

@test "event log: one line per event, time first, event= and key=value fields" {
	handler ok 'echo hello'
	handler bad 'exit 4'
	job-add ok
	job-add -r 1 bad
	once
	job-add bad
	once
	local line
	while IFS= read -r line; do
		[[ "$line" =~ ^$TIME_RE\ event=(start|done|fail|retry|timeout|lost|prune)( [a-z_]+=(\"[^\"]*\"|[^ \"]*))*$ ]] ||
		    { echo "bad line: $line" >&2; false; }
	done <"$TMP/run.log"
	run grep -q ' event=output ' "$TMP/run.log"
	[ "$status" -eq 1 ]

	line=$(event_line done 1)
	[[ "$line" == *" handler=ok"* ]]
	[[ "$line" == *" attempt=1"* ]]
	[[ "$line" =~ \ status=[^\ ]+ ]]
	[[ "$line" =~ \ duration=[0-9]+(\.[0-9]+)?( |$) ]]
	line=$(event_line start 1)
	[[ "$line" == *" handler=ok"* ]]
	[[ "$line" == *" attempt=1"* ]]
	line=$(event_line retry 2)
	[[ "$line" == *" handler=bad"* ]]
	[[ "$line" == *" attempt=1"* ]]
	[[ "$line" =~ \ status=[^\ ]*4 ]]
	line=$(event_line fail 3)
	[[ "$line" == *" handler=bad"* ]]
	[[ "$line" =~ \ duration=[0-9]+(\.[0-9]+)?( |$) ]]
}

@test "event log: -v adds the handler's output lines" {
	handler ok 'echo hello; echo "two words" >&2'
	job-add ok
	run --separate-stderr job-run --once -v
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run grep ' event=output ' <<<"$stderr"
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^$TIME_RE\ event=output\ .*job=1 ]]
	[[ "${lines[0]}" =~ \ line=\"?hello\"?$ ]]
	[[ "${lines[1]}" =~ \ line=\"two\ words\"$ ]]
}

# attempts_of KIND: "JOB:ATTEMPT EVENT" for each event line of KIND
# (start, or closing: done, fail, retry, interrupt, lost), sorted.
attempts_of() {
	local re='done|fail|retry|interrupt|lost'
	[ "$1" = start ] && re=start
	sed -nE "s/^.* event=($re) job=([0-9]+) (handler=[^ ]+ )?attempt=([0-9]+)( .*)?\$/\2:\4 \1/p" \
	    "$TMP/run.log" | sort
}

@test "event log: every start is followed by exactly one closing event of its attempt, whatever ends it" {
	handler ok 'exit 0'
	handler bad 'exit 3'
	handler slow 'sleep 60'
	printf '#!/nonexistent/interpreter\n' >"$JOB_HANDLERS/badint"
	chmod 755 "$JOB_HANDLERS/badint"
	# The first attempt waits to be stopped, a later one succeeds.
	handler hold '[ "$JOB_ATTEMPT" -gt 1 ] && exit 0
echo $$ >"$TMP/hold.$JOB_ID"; sleep 60 & wait'
	job-add ok >/dev/null                # 1: done
	job-add -r 1 bad >/dev/null          # 2: retry (left for later)
	job-add -t 1s slow >/dev/null        # 3: timeout, then fail
	job-add badint >/dev/null            # 4: the exec fails
	job-add -f ghost >/dev/null          # 5: not registered
	once -j 4 --grace 1s
	job-rm 2                             # no second attempt
	start_runner
	job-add hold >/dev/null              # 6: removed with job-rm -f
	poll 10 has_file "$TMP/hold.6"
	job-rm -f 6
	poll 10 grep -q " event=interrupt job=6 " "$TMP/run.log"
	job-add hold >/dev/null              # 7: interrupted by a shutdown
	poll 10 has_file "$TMP/hold.7"
	stop_runner
	job-add hold >/dev/null              # 8: its executor is lost
	start_runner
	poll 10 has_file "$TMP/hold.8"
	kill -KILL "$RUNNER_PID"
	wait "$RUNNER_PID" || true
	start_runner
	poll 10 is_state 8 done
	poll 10 is_state 7 done
	stop_runner
	[ "$(attempts_of start)" = "$(printf '%s start\n' 1:1 2:1 3:1 4:1 5:1 6:1 7:1 7:2 8:1 8:2)" ]
	[ "$(attempts_of closing)" = "$(printf '%s\n' '1:1 done' '2:1 retry' \
	    '3:1 fail' '4:1 fail' '5:1 fail' '6:1 interrupt' '7:1 interrupt' \
	    '7:2 done' '8:1 lost' '8:2 done')" ]
	# An interrupt says how long the attempt ran, and why it ended.
	grep -qE "^$TIME_RE event=interrupt job=6 handler=hold attempt=1 duration=[0-9]+\.[0-9]{3} error=\"job removed while running\"\$" "$TMP/run.log"
	grep -qE "^$TIME_RE event=interrupt job=7 handler=hold attempt=1 duration=[0-9]+\.[0-9]{3} error=\"interrupted by executor shutdown\"\$" "$TMP/run.log"
}

@test "event log: a job claimed ahead whose handler cannot run has its start, then its fail, never a negative duration" {
	job-schedule -f --in 1s ghost >/dev/null
	start_runner
	poll 10 is_state 1 failed
	event_line start 1 >/dev/null
	[[ "$(event_line fail 1)" =~ \ duration=[0-9]+\.[0-9]{3}\  ]]
}

@test "a handler writing faster than the executor reads cannot keep it from its timers" {
	handler flood 'exec yes'
	job-add -t 1s flood >/dev/null
	local t0
	t0=$(now_ns)
	status=0
	timeout -s KILL 30 job-run --once -v --grace 1s 2>/dev/null || status=$?
	[ "$status" -eq 0 ]
	[ $(($(now_ns) - t0)) -lt 15000000000 ]
	[ "$(jf 1 state)" = failed ]
	[[ "$(jf 1 last_error)" == *timeout* ]]
	# The log kept to its cap meanwhile.
	[ "$(stat -c %s "$JOB_DB/logs/1")" -le $((2 * 1024 * 1024)) ]
}

# chatty NAME: a handler that writes lines as fast as it can, for ever.
chatty() {
	handler "$1" 'while :; do echo "a line of output, and another one, and another one, and another one"; done'
}

@test "event log: a stalled reader never stops the executor: timeouts are still enforced, and --once ends" {
	chatty chatty
	job-add -t 1s chatty >/dev/null
	mkfifo "$TMP/log.fifo"
	# Open for reading, so that job-run's open does not wait, and never read.
	local fd t0
	exec {fd}<>"$TMP/log.fifo"
	t0=$(now_ns)
	status=0
	timeout -s KILL 30 job-run --once -v --grace 1s 2>"$TMP/log.fifo" || status=$?
	exec {fd}>&-
	[ "$status" -eq 0 ]
	# 1 s to the timeout, 1 s of grace at most, 2 s for the writer at exit.
	[ $(($(now_ns) - t0)) -lt 15000000000 ]
	[ "$(jf 1 state)" = failed ]
	[[ "$(jf 1 last_error)" == *timeout* ]]
}

@test "event log: lines dropped while the reader stalled are counted, in a dropped line once it reads again" {
	handler burst 'i=0; while [ $i -lt 40000 ]; do echo "line $i of a burst of output that the reader does not read yet"; i=$((i + 1)); done'
	handler ok 'exit 0'
	mkfifo "$TMP/log.fifo"
	local fd
	exec {fd}<>"$TMP/log.fifo"
	job-run -v 2>"$TMP/log.fifo" &
	RUNNER_PID=$!
	RUN_PIDS+=("$RUNNER_PID")
	job-add burst >/dev/null
	poll 30 is_state 1 done
	# The reader catches up; the next line comes after the count.  Job
	# 2 waits until the buffer has room again (more than the 1 MiB it
	# holds has been read), else its lines would be dropped as well.
	cat <&"$fd" >"$TMP/read.log" &
	EXTRA_PIDS+=("$!")
	exec {fd}>&-
	poll 10 sh -c '[ "$(stat -c %s "$1")" -gt 1048576 ]' _ "$TMP/read.log"
	job-add ok >/dev/null
	poll 10 grep -q " event=done job=2 " "$TMP/read.log"
	grep -qE "^$TIME_RE event=dropped count=[1-9][0-9]*\$" "$TMP/read.log"
	[ "$(grep -c ' event=dropped ' "$TMP/read.log")" -eq 1 ]
	# Where the lines went missing: after the last line kept of the
	# burst, and before job 2's events.
	local dropped last_kept done2
	dropped=$(grep -n ' event=dropped ' "$TMP/read.log" | cut -d: -f1)
	last_kept=$(grep -n ' event=output job=1 ' "$TMP/read.log" | tail -1 | cut -d: -f1)
	done2=$(grep -n ' event=done job=2 ' "$TMP/read.log" | cut -d: -f1)
	[ "$last_kept" -lt "$dropped" ] && [ "$dropped" -lt "$done2" ]
}

# --- pruning -------------------------------------------------------------------------

# finished_before ID SECONDS: the job finished at least SECONDS ago (at
# whole-second precision, so one more).
finished_before() {
	[ $(($(date +%s) - $(epoch "$(jf "$1" finished_at)"))) -gt "$2" ]
}

@test "--keep: done jobs older than it are pruned at start, failed ones stay" {
	handler ok 'exit 0'
	handler bad 'exit 1'
	job-add ok
	job-add bad
	once
	is_count 0 0 1 1
	poll 5 finished_before 1 1
	# The default (7d) and a long --keep keep it.
	once
	once --keep 1h
	is_count 0 0 1 1
	logs_are 1 2
	run once --keep 1s
	[ "$status" -eq 0 ]
	is_count 0 0 0 1
	run job-list 1
	[ "$status" -eq 1 ]
	[ "$(state 2)" = failed ]
	grep -qE "^$TIME_RE event=prune( |$)" "$TMP/run.log"
	# The pruned job's log went with it.
	logs_are 2
	run_empty
}

@test "--keep: a daemon prunes old done jobs" {
	handler ok 'exit 0'
	job-add ok
	once
	poll 5 finished_before 1 1
	logs_are 1
	start_runner --keep 1s
	poll 5 is_count 0 0 0 0
	logs_are
	stop_runner
	run_empty
}

@test "a script without #! is run by /bin/sh, as execvp does, its args still passed as given" {
	printf 'echo "no shebang: $0"; for a in "$@"; do printf "<%%s>\\n" "$a"; done\n' >"$JOB_HANDLERS/plain"
	chmod 755 "$JOB_HANDLERS/plain"
	job-add plain '$HOME' '*' 'a b' '`id`' >/dev/null
	once
	[ "$(state 1)" = done ]
	run job-list -l 1
	[ "${lines[1]}" = "no shebang: $JOB_HANDLERS/plain" ]
	[ "$(printf '%s\n' "${lines[@]:2}")" = "$(printf '%s\n' '<$HOME>' '<*>' '<a b>' '<`id`>')" ]
}

@test "a handler the kernel cannot exec fails its attempt with the reason, in last_error and the log" {
	printf '#!/nonexistent/interpreter\n' >"$JOB_HANDLERS/badint"
	chmod 755 "$JOB_HANDLERS/badint"
	job-add -r 1 badint >/dev/null
	job-run --once 2>"$TMP/run.log"
	[ "$(state 1)" = pending ]
	[ "$(field 1 last_error)" = "cannot run handler badint: No such file or directory" ]
	[ "$(field 1 last_exit)" = null ]
	run job-list -l 1
	[ "${lines[1]}" = "cannot run handler badint: No such file or directory" ]
	[[ "${lines[0]}" == "== attempt 1 at "*": error "*"==" ]]
	grep -q ' event=retry job=1 handler=badint attempt=1 status=error ' "$TMP/run.log"
}

# --- the handlers directory ------------------------------------------------------

@test "a missing or unusable handlers directory: job-run does not start (exit 1, one message naming it), nothing is failed" {
	handler ok 'exit 0'
	job-add ok
	job-schedule --in 1h ok
	snap
	run --separate-stderr env JOB_HANDLERS="$TMP/nonexistent" job-run --once
	cannot job-run
	[ "$stderr" = "job-run: handlers directory $TMP/nonexistent: No such file or directory" ]
	# Not as a daemon either.
	run --separate-stderr timeout 10 job-run -H "$TMP/nonexistent"
	cannot job-run
	touch "$TMP/file"
	run --separate-stderr job-run --once -H "$TMP/file"
	cannot job-run
	[ "$stderr" = "job-run: handlers directory $TMP/file: Not a directory" ]
	unchanged
	[ "$(jf 1 attempts)" = 0 ]
	# Nothing is made: no store where there was none.
	run --separate-stderr job-run --once -d "$TMP/fresh" -H "$TMP/nonexistent"
	cannot job-run
	[ ! -e "$TMP/fresh" ]
}

# error_times: the times of job-run's event=error lines, in ns.
error_times() {
	grep ' event=error ' "$TMP/run.log" | sed 's/ .*//' |
	    while read -r t; do date -d "$t" +%s%N; done
}

# errors_at_least N: for poll.
errors_at_least() {
	local n
	n=$(grep -c ' event=error ' "$TMP/run.log" || true)
	SEEN="$n error lines"
	[ "$n" -ge "$1" ]
}

@test "a store the executor cannot ask what is due: error lines, retried 1 s then 2 s apart, never a silent sleep" {
	handler ok 'exit 0'
	job-schedule --in 1h ok >/dev/null
	"$TOP/build/tests/corrupt" -w "$JOB_DB"
	start_runner
	poll 10 errors_at_least 3
	local t
	t=($(error_times))
	[ $(( (t[1] - t[0]) / 1000000 )) -ge 900 ]
	[ $(( (t[2] - t[1]) / 1000000 )) -ge 1900 ]
	run grep -vc ' event=error error="corrupt record or store"$' "$TMP/run.log"
	[ "$output" = 0 ]
	# --once does not take it for "nothing due": it gives up, exit 1.
	stop_runner
	: >"$TMP/run.log"
	run --separate-stderr timeout 30 job-run --once
	[ "$status" -eq 1 ]
	[ "$(grep -c ' event=error ' <<<"$stderr")" -eq 5 ]
	[ "${stderr_lines[-1]}" = "job-run: corrupt record or store" ]
}

@test "store errors, then nothing left to do: job-run sleeps again, no busy retrying" {
	handler ok 'exit 0'
	head -c 300000 /dev/zero >"$TMP/big"
	job-add -i "$TMP/big" ok >/dev/null
	local kb=$(( $(stat -c %s "$JOB_DB/data.mdb") / 1024 ))
	# Its claims fail: the store's file cannot grow past its size.
	bash -c 'trap "" XFSZ; ulimit -f "$1"; exec job-run' _ "$kb" 2>>"$TMP/run.log" &
	RUNNER_PID=$!
	RUN_PIDS+=("$RUNNER_PID")
	poll 10 errors_at_least 1
	job-rm 1
	# The retry, a second after the error, finds nothing due.
	local t
	t=$(ticks "$RUNNER_PID")
	observe 3
	[ $(( $(ticks "$RUNNER_PID") - t )) -le 20 ]
	poll 5 quiet "$RUNNER_PID"
}

# no_log_reader CMD...: runs CMD with its stderr a pipe whose reader is
# gone, SIGPIPE at its default; sets status.
no_log_reader() {
	status=0
	perl -e '$SIG{PIPE} = "DEFAULT";
		pipe(my $r, my $w) or die "pipe: $!";
		close $r;
		open(STDERR, ">&", $w) or die "dup: $!";
		close $w;
		exec @ARGV or die "exec: $!"' "$@" || status=$?
}

@test "a log whose reader is gone: job-run ends with its own exit status, never killed by SIGPIPE" {
	handler ok 'echo out'
	seq 20 | job-add --each ok >/dev/null
	no_log_reader job-run --once -v
	[ "$status" -eq 0 ]
	is_count 0 0 20 0
	# Its last message, after job_run() returned, goes nowhere: exit 1.
	no_log_reader job-run --once -H "$TMP/nonexistent"
	[ "$status" -eq 1 ]
}

# error_lines: how many event=error lines job-run logged.
error_lines() {
	grep -c " event=error " "$TMP/run.log" || true
}

@test "a handlers directory that vanishes while job-run runs: jobs wait, one error line says so, work resumes when it is back" {
	handler ok 'echo "$JOB_ID $JOB_ATTEMPT" >>"$TMP/ran"'
	start_runner
	job-add ok
	poll 5 is_state 1 done
	mv "$JOB_HANDLERS" "$TMP/away"
	job-add -f ok
	job-add -f ok
	poll 5 grep -q " event=error " "$TMP/run.log"
	# Rechecked about once a second, said once.
	observe 2.5
	[ "$(error_lines)" -eq 1 ]
	grep -qE "^$TIME_RE event=error error=\"handlers directory $JOB_HANDLERS: No such file or directory\"\$" "$TMP/run.log"
	for id in 2 3; do
		[ "$(state $id)" = pending ]
		[ "$(jf $id attempts)" = 0 ]
	done
	mv "$TMP/away" "$JOB_HANDLERS"
	poll 5 is_state 3 done
	[ "$(state 2)" = done ]
	[ "$(cat "$TMP/ran")" = "$(printf '1 1\n2 1\n3 1')" ]
	[ "$(error_lines)" -eq 1 ]
}

@test "--once: a handlers directory that vanishes midway leaves the due jobs pending and exits 1, saying so" {
	# Job 1's handler takes the directory away.
	handler away 'mv "$JOB_HANDLERS" "$TMP/away"'
	handler ok 'exit 0'
	job-add away
	job-add ok
	try job-run --once
	[ "$status" -eq 1 ]
	[ "${stderr_lines[-1]}" = "job-run: handlers directory $JOB_HANDLERS: No such file or directory; due jobs left pending" ]
	[ "$(grep -c ' event=error ' "$TMP/stderr")" -eq 1 ]
	[ "$(state 1)" = done ]
	[ "$(state 2)" = pending ]
	[ "$(jf 2 attempts)" = 0 ]
	mv "$TMP/away" "$JOB_HANDLERS"
	once
	[ "$(state 2)" = done ]
}

# rfc3339_ns NS: a time in nanoseconds since the epoch as RFC 3339 UTC.
rfc3339_ns() {
	date -u -d "@$(($1 / 1000000000)).$(printf %09d $(($1 % 1000000000)))" +%Y-%m-%dT%H:%M:%S.%NZ
}

# lost_race: job B was claimed and is pending again.
lost_race() {
	[ "$(state "$B")" = pending ] && [ "$(jf "$B" attempts)" = 1 ]
}

# race_once: job A (mv) takes the handlers directory away at its time;
# job B, claimed ahead of a time 10 ms later, finds it gone at its exec.
# Returns 1 if the race went otherwise (B ran, A being slow; or B was
# not claimed before A ran, the executor being slow): try again.
race_once() {
	local t
	t=$(($(now_ns) + 1500000000))
	ln -sfn "$(type -P mv)" "$JOB_HANDLERS/mv"
	handler ok 'echo "$JOB_ATTEMPT" >>"$TMP/ran.$JOB_ID"'
	A=$(job-schedule --at "$(rfc3339_ns "$t")" mv "$JOB_HANDLERS" "$TMP/away")
	B=$(job-schedule --at "$(rfc3339_ns $((t + 10000000)))" ok)
	poll 10 is_state "$A" done
	poll 3 eval 'lost_race || [ -s "$TMP/ran.$B" ]' && ! [ -s "$TMP/ran.$B" ] &&
	    return 0
	echo "missed the race: job $B $(state "$B"), attempts $(jf "$B" attempts)" >&2
	mv "$TMP/away" "$JOB_HANDLERS"
	poll 10 is_state "$B" done
	return 1
}

@test "a start that loses the race with the handlers directory's removal: pending again, its attempt not charged" {
	start_runner -j 2
	local try=0
	until race_once; do
		try=$((try + 1))
		[ "$try" -lt 10 ] ||
			{ echo "never lost the race" >&2; cat "$TMP/run.log" >&2; false; }
	done
	[ "$(jf "$B" attempts)" = 1 ]
	[ "$(jf "$B" max_attempts)" = 1 ]
	[ "$(jf "$B" last_error)" = "$(manual_error \
	    "cannot run handler NAME: handlers directory DIR: REASON" NAME=ok \
	    DIR="$JOB_HANDLERS" REASON="No such file or directory")" ]
	run job-list -l "$B"
	[[ "${lines[0]}" =~ $(header 1 'interrupted') ]]
	mv "$TMP/away" "$JOB_HANDLERS"
	poll 5 is_state "$B" done
	[ "$(cat "$TMP/ran.$B")" = 2 ]
	# It never started: no start line, so no closing one.
	[ "$(grep -cE " event=[a-z]+ job=$B .*attempt=1( |\$)" "$TMP/run.log")" -eq 0 ]
}
