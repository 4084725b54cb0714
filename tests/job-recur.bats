#!/usr/bin/env bats
# job-recur: recurring jobs (SPEC.md, "Enqueueing", job-recur, and the
# recurring parts of job-list, job-rm and job-run; man/job-recur.1).

bats_require_minimum_version 1.5.0

load helper

# now_s: the current time in seconds.
now_s() {
	date +%s
}

# reached NS: for poll; the clock has reached NS (nanoseconds).
reached() {
	[ "$(now_ns)" -ge "$1" ]
}

# field_is ID KEY VALUE: for poll.
field_is() {
	[ "$(jf "$1" "$2")" = "$3" ]
}

# ended N: for poll; $TMP/runs has at least N "end" lines.
ended() {
	[ -e "$TMP/runs" ] && [ "$(grep -c '^end' "$TMP/runs")" -ge "$1" ]
}

# usage_err: the last `run --separate-stderr` was a command-line error:
# exit 2, nothing on stdout, a message prefixed "job-recur: ".
usage_err() {
	[ "$status" -eq 2 ] || { echo "status $status, want 2: $stderr" >&2; return 1; }
	[ "$output" = "" ] || { echo "stdout: $output" >&2; return 1; }
	[[ ${stderr_lines[0]} == "job-recur: "* ]] ||
	    { echo "message not prefixed: $stderr" >&2; return 1; }
}

# grid A E NS: the first point of the grid A + k*E (seconds) strictly
# after NS (nanoseconds, NS >= A).
grid() {
	echo $(($1 + $2 * ((($3 - $1 * 1000000000) / ($2 * 1000000000)) + 1)))
}

# --- the definition: add, re-add, conflict, --replace ------------------------

@test "NAME defaults to HANDLER; the id is printed alone; the job is recurring and pending" {
	handler ok 'exit 0'
	run --separate-stderr job-recur --every 1h ok a
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	[ "$(jf 1 name)" = ok ]
	[ "$(jf 1 handler)" = ok ]
	[ "$(jf 1 args)" = '["a"]' ]
	[ "$(jf 1 every)" = 3600 ]
	[ "$(jf 1 cron)" = null ]
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 runs)" = 0 ]
	[ "$(jf 1 failures)" = 0 ]
	[ "$(field 1 name)" = ok ]
	run --separate-stderr job-recur --every 1h --name other ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(jf 2 name)" = other ]
}

@test "boot script: the same definition added three times prints the same id and changes nothing" {
	handler ok 'exit 0'
	local before t0 i
	run --separate-stderr job-recur --every 1h --in 10m --name nightly -q q1 -p 3 -r 2 -t 5m ok /srv
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	before=$(job-list --json 1)
	for i in 1 2 3; do
		# Let the clock pass a second, so that a reset schedule would show.
		t0=$(now_s)
		poll 3 reached $(((t0 + 1) * 1000000000))
		run --separate-stderr job-recur --every 1h --in 10m --name nightly -q q1 -p 3 -r 2 -t 5m ok /srv
		[ "$status" -eq 0 ]
		[ "$output" = 1 ]
		[ "$stderr" = "" ]
		[ "$(job-list --json 1)" = "$before" ]
	done
	[ "$(job-list --json | wc -l)" -eq 1 ]
	# Same for a cron job.
	job-recur --cron '0 3 * * *' --name daily ok >/dev/null
	before=$(job-list --json 2)
	run --separate-stderr job-recur --cron '0 3 * * *' --name daily ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(job-list --json 2)" = "$before" ]
}

@test "--at / --in / -k are not part of the definition: a re-add with others changes nothing" {
	handler ok 'exit 0'
	job-recur --every 1h --at 2030-01-01T00:00:00Z --name tick ok >/dev/null
	local before
	before=$(job-list --json 1)
	for opt in "--at 2031-06-01T00:00:00Z" "--in 2h" "--at 2020-01-01T00:00:00Z" "" "-k kk"; do
		# shellcheck disable=SC2086
		run --separate-stderr job-recur --every 1h $opt --name tick ok
		echo "opt: $opt" >&2
		[ "$status" -eq 0 ]
		[ "$output" = 1 ]
		[ "$stderr" = "" ]
		[ "$(job-list --json 1)" = "$before" ]
	done
	[ "$(jf 1 run_at)" = 2030-01-01T00:00:00Z ]
}

@test "a different definition (each element in turn) exits 1, says so, and changes nothing" {
	handler ok 'exit 0'
	handler ok2 'exit 0'
	printf 'payload one' >"$TMP/p1"
	printf 'payload two' >"$TMP/p2"
	local base="--every 1h --name nightly -q q1 -p 1 -r 2 -t 5m --catch-up once --jitter 10s"
	# shellcheck disable=SC2086
	run --separate-stderr job-recur $base -i "$TMP/p1" --in 10m ok a b
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	local before
	before=$(job-list --json 1)
	local variants=(
		# args
		"$base -i $TMP/p1 ok a"
		"$base -i $TMP/p1 ok a b c"
		"$base -i $TMP/p1 ok a c"
		"$base -i $TMP/p1 ok b a"
		# handler
		"$base -i $TMP/p1 ok2 a b"
		# payload
		"$base -i $TMP/p2 ok a b"
		"$base ok a b"
		# schedule
		"--every 2h --name nightly -q q1 -p 1 -r 2 -t 5m --jitter 10s -i $TMP/p1 ok a b"
		"--cron @hourly --name nightly -q q1 -p 1 -r 2 -t 5m --jitter 10s -i $TMP/p1 ok a b"
		# queue
		"--every 1h --name nightly -q q2 -p 1 -r 2 -t 5m --jitter 10s -i $TMP/p1 ok a b"
		"--every 1h --name nightly -p 1 -r 2 -t 5m --jitter 10s -i $TMP/p1 ok a b"
		# priority
		"--every 1h --name nightly -q q1 -p 2 -r 2 -t 5m --jitter 10s -i $TMP/p1 ok a b"
		"--every 1h --name nightly -q q1 -r 2 -t 5m --jitter 10s -i $TMP/p1 ok a b"
		# retries
		"--every 1h --name nightly -q q1 -p 1 -r 1 -t 5m --jitter 10s -i $TMP/p1 ok a b"
		"--every 1h --name nightly -q q1 -p 1 -t 5m --jitter 10s -i $TMP/p1 ok a b"
		# timeout
		"--every 1h --name nightly -q q1 -p 1 -r 2 -t 6m --jitter 10s -i $TMP/p1 ok a b"
		"--every 1h --name nightly -q q1 -p 1 -r 2 --jitter 10s -i $TMP/p1 ok a b"
		# catch-up
		"--every 1h --name nightly -q q1 -p 1 -r 2 -t 5m --catch-up skip --jitter 10s -i $TMP/p1 ok a b"
		# jitter
		"--every 1h --name nightly -q q1 -p 1 -r 2 -t 5m --jitter 20s -i $TMP/p1 ok a b"
		"--every 1h --name nightly -q q1 -p 1 -r 2 -t 5m -i $TMP/p1 ok a b"
	)
	local v
	for v in "${variants[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr job-recur $v
		echo "variant: $v" >&2
		[ "$status" -eq 1 ]
		[ "$output" = "" ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "job-recur: "*nightly* ]]
		[ "$(job-list --json 1)" = "$before" ]
		[ "$(job-list --json | wc -l)" -eq 1 ]
	done
	# The same definition written differently is the same definition:
	# payload from stdin, default catch-up, durations in other units.
	run --separate-stderr job-recur --every 60m --name nightly -q q1 -p 1 -r 2 -t 300 --jitter 10 -i - ok a b <"$TMP/p1"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(job-list --json 1)" = "$before" ]
}

@test "--replace updates in place: same id, same counts, new schedule" {
	handler ok 'exit 0'
	local a=$(($(now_s) - 10))
	job-recur --every 1h --at "@$a" --name tick ok x >/dev/null
	once
	[ "$(jf 1 runs)" = 1 ]
	local created
	created=$(jf 1 created_at)
	# Without --replace: refused.
	run --separate-stderr job-recur --every 2h --at 2030-01-01T00:00:00Z --name tick ok x
	[ "$status" -eq 1 ]
	[ "$(jf 1 every)" = 3600 ]
	# --every, new anchor at --at, other elements too.
	run --separate-stderr job-recur --replace --every 2h --at 2030-01-01T00:00:00Z -q q2 -p 4 --name tick ok y
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	[ "$(job-list --json | wc -l)" -eq 1 ]
	[ "$(jf 1 id)" = 1 ]
	[ "$(jf 1 every)" = 7200 ]
	[ "$(jf 1 cron)" = null ]
	[ "$(jf 1 run_at)" = 2030-01-01T00:00:00Z ]
	[ "$(jf 1 queue)" = q2 ]
	[ "$(jf 1 priority)" = 4 ]
	[ "$(jf 1 args)" = '["y"]' ]
	[ "$(jf 1 runs)" = 1 ]
	[ "$(jf 1 failures)" = 0 ]
	[ "$(jf 1 last_exit)" = 0 ]
	[ "$(jf 1 created_at)" = "$created" ]
	[ "$(jf 1 state)" = pending ]
	# To a cron schedule: the next matching time.
	local w1 w2
	w1=$(job-recur --cron '0 3 * * *' --next 1)
	run --separate-stderr job-recur --replace --cron '0 3 * * *' --name tick ok y
	w2=$(job-recur --cron '0 3 * * *' --next 1)
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(jf 1 every)" = null ]
	[ "$(jf 1 cron)" = '0 3 * * *' ]
	[[ $(jf 1 run_at) == "$w1" || $(jf 1 run_at) == "$w2" ]]
	[ "$(jf 1 runs)" = 1 ]
	# Back to --every without --at: first run as soon as possible.
	local t0 t1
	t0=$(now_s)
	run --separate-stderr job-recur --replace --every 1h --name tick ok y
	t1=$(now_s)
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(jf 1 every)" = 3600 ]
	[ "$(jf 1 cron)" = null ]
	local r
	r=$(epoch "$(jf 1 run_at)")
	[ "$r" -ge "$t0" ]
	[ "$r" -le "$t1" ]
	[ "$(jf 1 runs)" = 1 ]
	# --replace with the same definition changes nothing.
	local before
	before=$(job-list --json 1)
	run --separate-stderr job-recur --replace --every 1h --in 5h --name tick ok y
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(job-list --json 1)" = "$before" ]
	# --replace of a name not in the store adds it.
	run --separate-stderr job-recur --replace --every 1h --name fresh ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(jf 2 name)" = fresh ]
}

@test "concurrent adds of one name end with one job, and all print its id" {
	handler ok 'exit 0'
	local i pids=()
	for i in 1 2 3 4 5 6 7 8; do
		job-recur --every 1h --name conc ok >"$TMP/out.$i" 2>"$TMP/err.$i" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}"
	done
	[ "$(job-list --json --name conc | wc -l)" -eq 1 ]
	[ "$(job-list --json | wc -l)" -eq 1 ]
	local id
	id=$(job-list --json --name conc | jq -r .id)
	for i in 1 2 3 4 5 6 7 8; do
		[ "$(cat "$TMP/out.$i")" = "$id" ]
		[ ! -s "$TMP/err.$i" ]
	done
}

# --- --every -----------------------------------------------------------------

@test "--every: the first run is as soon as possible, then the grid it anchors" {
	handler ok 'date +%s%N >>"$TMP/starts"'
	local t0 t1
	t0=$(now_s)
	job-recur --every 1h ok >/dev/null
	t1=$(now_s)
	local r
	r=$(epoch "$(jf 1 run_at)")
	[ "$r" -ge "$t0" ]
	[ "$r" -le "$t1" ]
	start_runner
	poll 10 field_is 1 runs 1
	[ "$(wc -l <"$TMP/starts")" -eq 1 ]
	[ "$(jf 1 run_at)" = "$(date -u -d "@$((r + 3600))" +%Y-%m-%dT%H:%M:%SZ)" ]
	[ "$(jf 1 state)" = pending ]
}

@test "--every with --at / --in: the first run is then" {
	handler ok 'exit 0'
	job-recur --every 1h --at 2030-01-01T10:00:00Z --name a ok >/dev/null
	[ "$(jf 1 run_at)" = 2030-01-01T10:00:00Z ]
	local t0 t1 r
	t0=$(now_s)
	job-recur --every 1h --in 10m --name b ok >/dev/null
	t1=$(now_s)
	r=$(epoch "$(jf 2 run_at)")
	[ "$r" -ge $((t0 + 600)) ]
	[ "$r" -le $((t1 + 600)) ]
	# Not due: --once does not run them.
	once
	[ "$(jf 1 runs)" = 0 ]
	[ "$(jf 2 runs)" = 0 ]
}

@test "--every 1s with a 1.5 s handler: on the grid, never early, never overlapping, no burst" {
	handler slow 'echo "start $JOB_RUN_AT $(date +%s%N)" >>"$TMP/runs"; sleep 1.5; echo "end $(date +%s%N)" >>"$TMP/runs"'
	local a=$(($(now_s) + 1))
	job-recur --every 1s --at "@$a" slow >/dev/null
	[ "$(epoch "$(jf 1 run_at)")" -eq "$a" ]
	start_runner -j 4
	poll 20 ended 4
	cat "$TMP/runs" >&2
	local kind ra ns starts=() runats=() ends=()
	while read -r kind ra ns; do
		case $kind in
		start) runats+=("$ra"); starts+=("$ns") ;;
		end) ends+=("$ra") ;;
		esac
	done <"$TMP/runs"
	# Lines alternate start/end: no two runs at once.
	[ "$(sed -n 'p;n' "$TMP/runs" | grep -vc '^start')" -eq 0 ]
	[ "$(sed -n 'n;p' "$TMP/runs" | grep -vc '^end')" -eq 0 ]
	# The first run at its time, never before.
	[ "${runats[0]}" -eq "$a" ]
	[ "${starts[0]}" -ge $((a * 1000000000)) ]
	local k
	for ((k = 1; k < 4; k++)); do
		# No overlap: run k starts after run k-1 ended.
		[ "${starts[$k]}" -ge "${ends[$((k - 1))]}" ]
		# Its time is the first grid point after the previous run ended.
		[ "${runats[$k]}" -eq "$(grid "$a" 1 "${ends[$((k - 1))]}")" ]
		# Never before its grid point.
		[ "${starts[$k]}" -ge $((runats[k] * 1000000000)) ]
		# No burst: starts at least the interval apart.
		[ $((starts[k] - starts[k - 1])) -ge 1000000000 ]
	done
}

@test "missed runs are coalesced into one run, then the grid after it" {
	handler quick 'echo "$JOB_RUN_AT $(date +%s%N)" >>"$TMP/runs"'
	# Its first time passed 3.5 intervals ago, with no executor.
	local a=$(($(now_s) - 7))
	job-recur --every 2s --at "@$a" quick >/dev/null
	once
	[ "$(wc -l <"$TMP/runs")" -eq 1 ]
	[ "$(jf 1 runs)" = 1 ]
	[ "$(jf 1 state)" = pending ]
	local f r
	f=$(epoch "$(jf 1 finished_at)")
	r=$(epoch "$(jf 1 run_at)")
	[ "$r" -eq $((a + 2 * ((f - a) / 2 + 1))) ]
	# No executor for three more grid points.
	poll 10 reached $(((r + 4) * 1000000000 + 200000000))
	once
	[ "$(wc -l <"$TMP/runs")" -eq 2 ]
	[ "$(jf 1 runs)" = 2 ]
	local ra ns
	read -r ra ns < <(sed -n 2p "$TMP/runs")
	[ "$ns" -ge $((r * 1000000000)) ]
	f=$(epoch "$(jf 1 finished_at)")
	r=$(epoch "$(jf 1 run_at)")
	[ "$r" -eq $((a + 2 * ((f - a) / 2 + 1))) ]
	[ "$r" -gt "$f" ]
}

@test "--catch-up skip: a run long past its time is dropped; the next grid point waits" {
	handler ok 'date +%s%N >>"$TMP/ran"'
	local a=$(($(now_s) - 10 * 3600 - 1800))
	job-recur --every 1h --at "@$a" --catch-up skip ok >/dev/null
	[ "$(jf 1 catch_up)" = skip ]
	once
	[ ! -e "$TMP/ran" ]
	local now r
	now=$(now_s)
	r=$(epoch "$(jf 1 run_at)")
	[ "$r" -eq $((a + 11 * 3600)) ]
	[ "$r" -gt "$now" ]
	[ "$(jf 1 runs)" = 0 ]
	[ "$(jf 1 failures)" = 0 ]
	[ "$(jf 1 last_exit)" = null ]
	[ "$(jf 1 state)" = pending ]
}

@test "--catch-up skip: a run within 60 s of its time still runs" {
	handler ok 'date +%s%N >>"$TMP/ran"'
	local a=$(($(now_s) - 20))
	job-recur --every 1h --at "@$a" --catch-up skip ok >/dev/null
	once
	[ "$(wc -l <"$TMP/ran")" -eq 1 ]
	[ "$(jf 1 runs)" = 1 ]
	[ "$(epoch "$(jf 1 run_at)")" -eq $((a + 3600)) ]
}

@test "--catch-up once (the default): a run long past its time runs once, then the next grid point" {
	handler ok 'date +%s%N >>"$TMP/ran"'
	local a=$(($(now_s) - 10 * 3600 - 1800))
	job-recur --every 1h --at "@$a" --name dflt ok >/dev/null
	job-recur --every 1h --at "@$a" --catch-up once --name expl ok >/dev/null
	[ "$(jf 1 catch_up)" = once ]
	[ "$(jf 2 catch_up)" = once ]
	once
	[ "$(wc -l <"$TMP/ran")" -eq 2 ]
	[ "$(jf 1 runs)" = 1 ]
	[ "$(jf 2 runs)" = 1 ]
	[ "$(epoch "$(jf 1 run_at)")" -eq $((a + 11 * 3600)) ]
	[ "$(epoch "$(jf 2 run_at)")" -eq $((a + 11 * 3600)) ]
}

# --- --jitter --------------------------------------------------------------------

@test "--jitter: run_at is its time plus 0 to the jitter, and the delays do not add up" {
	handler ok 'exit 0'
	local i d ds=()
	for i in 1 2 3 4 5 6; do
		job-recur --every 1h --at 2030-01-01T00:00:00Z --jitter 30s --name "j$i" ok >/dev/null
		d=$(($(epoch "$(jf "$i" run_at)") - $(epoch 2030-01-01T00:00:00Z)))
		[ "$d" -ge 0 ]
		[ "$d" -le 30 ]
		ds+=("$d")
		[ "$(jf "$i" jitter)" = 30 ]
	done
	echo "delays: ${ds[*]}" >&2
	# Random: not all six on the point itself.
	[ "$(printf '%s\n' "${ds[@]}" | grep -vcx 0)" -gt 0 ]
	# A cron job too.
	job-recur --cron '0 3 * * *' --at 2030-01-01T00:00:00Z --jitter 10m --name jc ok >/dev/null
	d=$(($(epoch "$(jf 7 run_at)") - $(epoch 2030-01-01T03:00:00Z)))
	[ "$d" -ge 0 ]
	[ "$d" -le 600 ]
	# After a run the next time is the grid point plus a fresh delay.
	local a=$(($(now_s) - 2 * 3600 - 100))
	job-recur --every 1h --at "@$a" --jitter 30m --name jr ok >/dev/null
	once
	[ "$(jf 8 runs)" = 1 ]
	d=$(($(epoch "$(jf 8 run_at)") - (a + 3 * 3600)))
	[ "$d" -ge 0 ]
	[ "$d" -le 1800 ]
}

# --- retries and failures --------------------------------------------------

@test "-r applies to each run; failures never delay the next run; runs, failures, last outcome per run" {
	# Fails its first two attempts, then succeeds.
	handler flaky 'n=$(($(cat "$TMP/n" 2>/dev/null || echo 0) + 1)); echo $n >"$TMP/n"
echo "$JOB_RUN_AT $JOB_ATTEMPT $(date +%s%N)" >>"$TMP/runs"
[ $n -ge 3 ] && exit 0; exit 3'
	local a=$(($(now_s) + 1))
	job-recur --every 3s --at "@$a" -r 5 flaky >/dev/null
	[ "$(jf 1 max_attempts)" = 6 ]
	start_runner
	# Run 1: attempt 1 fails, the retry (1 s later) fails, the next retry
	# would come at or after the next run's time: the run fails.
	poll 10 field_is 1 runs 1
	run job-list --json 1
	[ "$(jq -r .failures <<<"$output")" = 1 ]
	[ "$(jq -r .last_exit <<<"$output")" = 3 ]
	[[ $(jq -r .last_error <<<"$output") == *flaky* ]]
	[ "$(jq -r .state <<<"$output")" = pending ]
	[ "$(epoch "$(jq -r .run_at <<<"$output")")" -eq $((a + 3)) ]
	# Run 2: at its grid point, with attempts starting again at 1; it succeeds.
	poll 10 field_is 1 runs 2
	[ "$(jf 1 failures)" = 1 ]
	[ "$(jf 1 last_exit)" = 0 ]
	[ "$(jf 1 last_error)" = null ]
	[ "$(jf 1 state)" = pending ]
	cat "$TMP/runs" >&2
	[ "$(cut -d' ' -f2 "$TMP/runs" | tr '\n' ' ')" = "1 2 1 " ]
	local ra at ns
	read -r ra at ns < <(sed -n 1p "$TMP/runs")
	[ "$ra" -eq "$a" ]
	read -r ra at ns < <(sed -n 3p "$TMP/runs")
	[ "$ra" -eq $((a + 3)) ]
	[ "$ns" -ge $(((a + 3) * 1000000000)) ]
}

@test "a failing recurring job counts failures and stays pending, never failed" {
	handler bad 'exit 4'
	job-recur --every 1h --at "@$(($(now_s) - 5))" bad >/dev/null
	once
	[ "$(jf 1 state)" = pending ]
	[ "$(jf 1 runs)" = 1 ]
	[ "$(jf 1 failures)" = 1 ]
	[ "$(jf 1 last_exit)" = 4 ]
	[[ $(jf 1 last_error) == *bad* ]]
	is_count 1 0 0 0
}

# --- job-list, job-rm, job-run -----------------------------------------------

@test "a recurring job is running while it runs, then pending again, never done" {
	handler blk 'touch "$TMP/started"; while [ ! -e "$TMP/go" ]; do sleep 0.02; done'
	job-recur --every 1h blk >/dev/null
	start_runner
	poll 10 is_state 1 running
	is_count 0 1 0 0
	touch "$TMP/go"
	poll 10 field_is 1 runs 1
	[ "$(jf 1 state)" = pending ]
	is_count 1 0 0 0
	[ "$(job-list --json -s done)" = "" ]
}

@test "job-list shows the name and schedule; --name filters" {
	handler ok 'exit 0'
	job-recur --every 2s --at 2030-01-01T00:00:00Z --name tick ok x >/dev/null
	job-recur --cron '0 3 * * *' --name daily ok >/dev/null
	job-schedule --at 2030-01-01T00:00:00Z ok >/dev/null
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[0]} == "1 "*" tick(every 2s) "*x ]]
	# 21 characters: cut to the column's 20, with a mark.
	[[ ${lines[1]} == "2 "*" daily(cron 0 3 * * "?* ]]
	[ "$(jf 1 name)" = tick ]
	[ "$(jf 1 every)" = 2 ]
	[ "$(jf 1 cron)" = null ]
	[ "$(jf 2 name)" = daily ]
	[ "$(jf 2 every)" = null ]
	[ "$(jf 2 cron)" = '0 3 * * *' ]
	[ "$(jf 2 runs)" = 0 ]
	[ "$(jf 2 failures)" = 0 ]
	[ "$(jf 3 name)" = null ]
	run --separate-stderr job-list --json --name daily
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .id <<<"$output")" = 2 ]
	run --separate-stderr job-list --name tick
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "1 "* ]]
}

@test "job-rm --name removes that recurring job; an unknown name exits 1" {
	handler ok 'exit 0'
	job-recur --every 1h --name tick ok >/dev/null
	job-recur --every 1h --name tock ok >/dev/null
	run --separate-stderr job-rm --name tick
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(job-list --json --name tick)" = "" ]
	[ "$(job-list --json | jq -r .name)" = tock ]
	run --separate-stderr job-rm --name nosuch
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ $stderr == "job-rm: "* ]]
	[ "$(job-list --json | wc -l)" -eq 1 ]
	# The name is free again: a new job, a new id.
	run --separate-stderr job-recur --every 1h --name tick ok
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
}

@test "JOB_NAME is in the handler's environment" {
	handler envh 'echo "$JOB_NAME $JOB_HANDLER" >>"$TMP/env"'
	local p=$(($(now_s) - 5))
	job-recur --every 1h --at "@$p" envh >/dev/null
	job-recur --every 1h --at "@$p" --name nightly envh >/dev/null
	job-add envh >/dev/null
	once
	[ "$(sort "$TMP/env")" = "$(printf '%s\n' ' envh' 'envh envh' 'nightly envh' | sort)" ]
}

# --- --cron ----------------------------------------------------------------------

# next EXPR N FROM: job-recur --cron EXPR --next N --from FROM, must succeed.
next() {
	run --separate-stderr job-recur --cron "$1" --next "$2" --from "$3"
	[ "$status" -eq 0 ] || { echo "$1: status $status: $stderr" >&2; return 1; }
	[ "$stderr" = "" ]
}

# want LINE...: the output of the last run, exactly.
want() {
	[ "$output" = "$(printf '%s\n' "$@")" ] ||
	    { printf 'want:\n%s\ngot:\n%s\n' "$(printf '%s\n' "$@")" "$output" >&2; return 1; }
}

@test "--cron: lists, ranges, steps" {
	next '0,30 9-10 * * *' 5 2026-12-01T00:00:00Z
	want 2026-12-01T09:00:00Z 2026-12-01T09:30:00Z 2026-12-01T10:00:00Z \
	    2026-12-01T10:30:00Z 2026-12-02T09:00:00Z
	next '*/20 1-3/2 * * *' 7 2026-12-01T00:00:00Z
	want 2026-12-01T01:00:00Z 2026-12-01T01:20:00Z 2026-12-01T01:40:00Z \
	    2026-12-01T03:00:00Z 2026-12-01T03:20:00Z 2026-12-01T03:40:00Z \
	    2026-12-02T01:00:00Z
	next '5/20 * * * *' 4 2026-02-01T00:00:00Z
	want 2026-02-01T00:05:00Z 2026-02-01T00:25:00Z 2026-02-01T00:45:00Z 2026-02-01T01:05:00Z
	next '0 0 */10 * *' 4 2026-12-01T00:00:00Z
	want 2026-12-11T00:00:00Z 2026-12-21T00:00:00Z 2026-12-31T00:00:00Z 2027-01-01T00:00:00Z
	next '0 0 1 * *' 2 2026-12-01T00:00:00Z
	want 2027-01-01T00:00:00Z 2027-02-01T00:00:00Z
	# Times strictly after --from.
	next '0 3 * * *' 2 2026-12-01T03:00:00Z
	want 2026-12-02T03:00:00Z 2026-12-03T03:00:00Z
}

@test "--cron: month and day names in any case, in ranges and lists; 0 and 7 are Sunday" {
	# 2026-12-01 is a Tuesday.
	next '0 0 * * MON-fri' 6 2026-12-04T00:00:00Z
	want 2026-12-07T00:00:00Z 2026-12-08T00:00:00Z 2026-12-09T00:00:00Z \
	    2026-12-10T00:00:00Z 2026-12-11T00:00:00Z 2026-12-14T00:00:00Z
	next '0 10 * * sat,SUN' 3 2026-12-01T00:00:00Z
	want 2026-12-05T10:00:00Z 2026-12-06T10:00:00Z 2026-12-12T10:00:00Z
	next '0 0 1 JAN,Jul *' 3 2026-12-01T00:00:00Z
	want 2027-01-01T00:00:00Z 2027-07-01T00:00:00Z 2028-01-01T00:00:00Z
	next '0 0 1 feb-APR *' 4 2026-12-01T00:00:00Z
	want 2027-02-01T00:00:00Z 2027-03-01T00:00:00Z 2027-04-01T00:00:00Z 2028-02-01T00:00:00Z
	next '0 0 1 Jan-Dec/5 *' 3 2026-12-01T00:00:00Z
	want 2027-01-01T00:00:00Z 2027-06-01T00:00:00Z 2027-11-01T00:00:00Z
	local d
	for d in 0 7 sun Sun SUN; do
		next "0 0 * * $d" 2 2026-12-01T00:00:00Z
		want 2026-12-06T00:00:00Z 2026-12-13T00:00:00Z
	done
	next '0 0 * * 5-7' 4 2026-12-01T00:00:00Z
	want 2026-12-04T00:00:00Z 2026-12-05T00:00:00Z 2026-12-06T00:00:00Z 2026-12-11T00:00:00Z
	next '0 0 * * mon-7' 2 2026-12-05T12:00:00Z
	want 2026-12-06T00:00:00Z 2026-12-07T00:00:00Z
}

@test "--cron: every @macro, in any case" {
	local from=2026-12-01T10:30:00Z m
	for m in @hourly @HOURLY; do
		next "$m" 2 $from
		want 2026-12-01T11:00:00Z 2026-12-01T12:00:00Z
	done
	for m in @daily @midnight @Daily @MIDNIGHT; do
		next "$m" 2 $from
		want 2026-12-02T00:00:00Z 2026-12-03T00:00:00Z
	done
	for m in @weekly @WeekLy; do
		next "$m" 2 $from
		want 2026-12-06T00:00:00Z 2026-12-13T00:00:00Z
	done
	for m in @monthly @MONTHLY; do
		next "$m" 2 $from
		want 2027-01-01T00:00:00Z 2027-02-01T00:00:00Z
	done
	for m in @yearly @annually @Yearly @ANNUALLY; do
		next "$m" 2 $from
		want 2027-01-01T00:00:00Z 2028-01-01T00:00:00Z
	done
}

@test "--cron: Vixie day rule: both restricted, either matches; one starting with *, both must" {
	# Both restricted: the 1st and every Monday.
	next '0 0 1 * mon' 6 2026-12-01T00:00:00Z
	want 2026-12-07T00:00:00Z 2026-12-14T00:00:00Z 2026-12-21T00:00:00Z \
	    2026-12-28T00:00:00Z 2027-01-01T00:00:00Z 2027-01-04T00:00:00Z
	# Both restricted: the 13th and every Friday.
	next '0 0 13 * 5' 4 2026-04-01T00:00:00Z
	want 2026-04-03T00:00:00Z 2026-04-10T00:00:00Z 2026-04-13T00:00:00Z 2026-04-17T00:00:00Z
	next '0 0 1-10 * mon' 5 2026-12-09T00:00:00Z
	want 2026-12-10T00:00:00Z 2026-12-14T00:00:00Z 2026-12-21T00:00:00Z \
	    2026-12-28T00:00:00Z 2027-01-01T00:00:00Z
	# Day-of-month starts with *: Mondays with an odd date.
	next '0 0 */2 * mon' 4 2026-12-01T00:00:00Z
	want 2026-12-07T00:00:00Z 2026-12-21T00:00:00Z 2027-01-11T00:00:00Z 2027-01-25T00:00:00Z
	# Day-of-week starts with *: the 13th on a Sunday or Friday.
	next '0 0 13 * */5' 4 2026-01-01T00:00:00Z
	want 2026-02-13T00:00:00Z 2026-03-13T00:00:00Z 2026-09-13T00:00:00Z 2026-11-13T00:00:00Z
	# One of them *: only the other counts.
	next '0 0 * * mon' 2 2026-12-01T00:00:00Z
	want 2026-12-07T00:00:00Z 2026-12-14T00:00:00Z
	next '0 0 15 * *' 2 2026-12-01T00:00:00Z
	want 2026-12-15T00:00:00Z 2027-01-15T00:00:00Z
}

@test "--cron is evaluated in local time: --next prints the offset; run_at is stored in UTC" {
	TZ=Asia/Tokyo next '0 3 * * mon-fri' 3 '2026-12-04 00:00'
	want 2026-12-04T03:00:00+09:00 2026-12-07T03:00:00+09:00 2026-12-08T03:00:00+09:00
	TZ=Asia/Tokyo next '0 3 * * *' 2 2026-12-01T00:00:00Z
	want 2026-12-02T03:00:00+09:00 2026-12-03T03:00:00+09:00
	handler ok 'exit 0'
	TZ=Asia/Tokyo job-recur --cron '0 3 * * *' --at 2030-01-01T00:00:00Z ok >/dev/null
	[ "$(jf 1 run_at)" = 2030-01-01T18:00:00Z ]
	# --cron with --at: the first matching time after it.
	job-recur --cron '0 3 * * *' --at 2030-01-01T05:00:00Z --name b ok >/dev/null
	[ "$(jf 2 run_at)" = 2030-01-02T03:00:00Z ]
	# Without: the first matching time after now.
	local w1 w2
	w1=$(job-recur --cron '*/15 * * * *' --next 1)
	job-recur --cron '*/15 * * * *' --name c ok >/dev/null
	w2=$(job-recur --cron '*/15 * * * *' --next 1)
	[[ $(jf 3 run_at) == "$w1" || $(jf 3 run_at) == "$w2" ]]
}

@test "--cron: daylight-saving in Europe/Berlin, spring forward (2026-03-29)" {
	export TZ=Europe/Berlin
	next '30 2 * * *' 3 '2026-03-28 12:00'
	want 2026-03-29T03:00:00+02:00 2026-03-30T02:30:00+02:00 2026-03-31T02:30:00+02:00
	next '*/30 * * * *' 4 '2026-03-29 01:00'
	want 2026-03-29T01:30:00+01:00 2026-03-29T03:00:00+02:00 \
	    2026-03-29T03:30:00+02:00 2026-03-29T04:00:00+02:00
	next '0-59/15 * * * *' 3 '2026-03-29 01:30'
	want 2026-03-29T01:45:00+01:00 2026-03-29T03:00:00+02:00 2026-03-29T03:15:00+02:00
}

@test "--cron: daylight-saving in Europe/Berlin, fall back (2026-10-25)" {
	export TZ=Europe/Berlin
	next '30 2 * * *' 3 '2026-10-24 12:00'
	want 2026-10-25T02:30:00+02:00 2026-10-26T02:30:00+01:00 2026-10-27T02:30:00+01:00
	next '*/30 * * * *' 5 '2026-10-25 01:00'
	want 2026-10-25T01:30:00+02:00 2026-10-25T02:00:00+02:00 2026-10-25T02:30:00+02:00 \
	    2026-10-25T03:00:00+01:00 2026-10-25T03:30:00+01:00
	next '0 * * * *' 3 '2026-10-25 00:30'
	want 2026-10-25T01:00:00+02:00 2026-10-25T02:00:00+02:00 2026-10-25T03:00:00+01:00
	# --every is absolute time: 1d keeps the UTC time of day.
	run --separate-stderr job-recur --every 1d --next 3 --from '2026-10-24 12:00'
	[ "$status" -eq 0 ]
	want 2026-10-24T12:00:00+02:00 2026-10-25T11:00:00+01:00 2026-10-26T11:00:00+01:00
}

@test "--cron: invalid expressions exit 2, naming the bad field, and store nothing" {
	local e f
	while IFS='|' read -r e f; do
		run --separate-stderr job-recur --cron "$e" -f ok
		echo "expr: $e" >&2
		usage_err
		[[ ${stderr_lines[0]} == *"$f"* ]]
		run --separate-stderr job-recur --cron "$e" --next 1
		usage_err
	done <<'EOF'
0 0 30 2 *|day-of-month
*/0 * * * *|minute
5-2 * * * *|minute
60 * * * *|minute
* 24 * * *|hour
* * 0 * *|day-of-month
* * 32 * *|day-of-month
* * * 13 *|month
* * * foo *|month
* * * dec-jan *|month
* * * * 8|day-of-week
* * * * mon-sun|day-of-week
* */0 * * *|hour
EOF
	for e in '* * * * * *' 'garbage' '* * * *' '' '@reboot' '@never' '0 0 * * * extra'; do
		run --separate-stderr job-recur --cron "$e" -f ok
		echo "expr: $e" >&2
		usage_err
	done
	[ ! -e "$JOB_DB" ]
}

# --- --next ---------------------------------------------------------------------

@test "--next for --every: the first run and the grid; with --at the first is --at" {
	run --separate-stderr job-recur --every 90m --next 3 --from 2026-12-01T00:00:00Z
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	want 2026-12-01T00:00:00Z 2026-12-01T01:30:00Z 2026-12-01T03:00:00Z
	run --separate-stderr job-recur --every 90m --at 2026-12-01T00:10:00Z --next 3 --from 2026-12-01T00:00:00Z
	[ "$status" -eq 0 ]
	want 2026-12-01T00:10:00Z 2026-12-01T01:40:00Z 2026-12-01T03:10:00Z
	TZ=Asia/Tokyo run --separate-stderr job-recur --every 90m --next 2 --from 2026-12-01T00:00:00Z
	[ "$status" -eq 0 ]
	want 2026-12-01T09:00:00+09:00 2026-12-01T10:30:00+09:00
	# Without --from: from now.
	local t0 t1 first
	t0=$(now_s)
	run --separate-stderr job-recur --every 1h --next 2
	t1=$(now_s)
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	first=$(epoch "${lines[0]}")
	[ "$first" -ge "$t0" ]
	[ "$first" -le "$t1" ]
	[ "$(epoch "${lines[1]}")" -eq $((first + 3600)) ]
	[ ! -e "$JOB_DB" ]
}

@test "--next stores nothing; HANDLER may be left out, and if given is checked unless -f" {
	handler ok 'exit 0'
	run --separate-stderr job-recur --cron '0 3 * * *' --next 2 --from 2026-12-01T00:00:00Z
	[ "$status" -eq 0 ]
	want 2026-12-01T03:00:00Z 2026-12-02T03:00:00Z
	run --separate-stderr job-recur --cron '0 3 * * *' --next 1 --from 2026-12-01T00:00:00Z --name x -q q ok a b
	[ "$status" -eq 0 ]
	want 2026-12-01T03:00:00Z
	run --separate-stderr job-recur --every 1h --next 1 --from @0 nothere
	usage_err
	run --separate-stderr job-recur -f --every 1h --next 1 --from @0 nothere
	[ "$status" -eq 0 ]
	want 1970-01-01T00:00:00Z
	[ ! -e "$JOB_DB" ]
	# Not even into an existing store.
	job-recur --every 1h --name x ok >/dev/null
	local before
	before=$(job-list --json)
	run --separate-stderr job-recur --every 2h --next 2 --name x ok
	[ "$status" -eq 0 ]
	[ "$(job-list --json)" = "$before" ]
}

@test "--next N: N from 1 to 100000" {
	run --separate-stderr job-recur --every 1s --next 100000 --from @0
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 100000 ]
	[ "${lines[99999]}" = 1970-01-02T03:46:39Z ]
	for n in 0 100001 -1 x ''; do
		run --separate-stderr job-recur --every 1s --next "$n"
		echo "n: $n" >&2
		usage_err
	done
	[ ! -e "$JOB_DB" ]
}

# --- bad usage ------------------------------------------------------------------

@test "bad usage exits 2 and stores nothing" {
	handler ok 'exit 0'
	local args
	while read -r args; do
		eval "set -- $args"
		run --separate-stderr job-recur "$@"
		echo "args: $args" >&2
		usage_err
	done <<'EOF'
ok
--every 1h --cron '* * * * *' ok
--every 0 ok
--every -5m ok
--every 1h30 ok
--every x ok
--every '' ok
--every 1m2h ok
--every 1h --jitter 0 ok
--every 1h --jitter -5m ok
--every 1h --jitter 1h30 ok
--every 1h --jitter x ok
--every 1h --catch-up maybe ok
--every 1h --catch-up '' ok
--every 1h --from 2026-12-01T00:00:00Z ok
--every 1h --at 2030-01-01T00:00:00Z --in 5m ok
--every 1h --at 2030-02-31T00:00:00Z ok
--every 1h --in 0 ok
--every 1h --name '' ok
--every 1h --name -bad ok
--every 1h --name 'a b' ok
--every 1h nothere
--every 1h
--cron '0 3 * * *'
--every 1h --next 2 --cron '0 3 * * *'
--next 2
EOF
	[ ! -e "$JOB_DB" ]
}

@test "an unknown TZ: --cron and --next say once that they use UTC, exit status unchanged" {
	handler ok 'exit 0'
	local warn="job-recur: TZ 'Mars/Base' is not a known time zone; using UTC"
	TZ=Mars/Base run --separate-stderr job-recur --cron '0 3 * * *' \
	    --next 2 --from '2026-12-01 00:00'
	[ "$status" -eq 0 ]
	[ "$output" = $'2026-12-01T03:00:00Z\n2026-12-02T03:00:00Z' ]
	[ "$stderr" = "$warn" ]
	TZ=Mars/Base run --separate-stderr job-recur --every 1h --next 1 \
	    --from 2026-12-01T00:00:00Z
	[ "$status" -eq 0 ]
	[ "$stderr" = "$warn" ]
	TZ=Mars/Base run --separate-stderr job-recur --cron '0 3 * * *' \
	    --at '2026-12-01 00:00' ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "$warn" ]
	[ "$(jf 1 run_at)" = 2026-12-01T03:00:00Z ]
	TZ=Mars/Base run --separate-stderr job-recur --every 1h --name e ok
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	TZ=Europe/Berlin run --separate-stderr job-recur --cron '0 3 * * *' \
	    --name b ok
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}
