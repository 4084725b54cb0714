#!/usr/bin/env bats
# time-range.bats: times and durations at the ends of job_time_t
# (1677-09-21 to 2262-04-11): every TIME and DURATION option refuses what
# cannot be represented, exit 2 with a message that says so, and the
# executor's own sums (deadlines, the grace) never wrap, so that nothing
# ever runs or is killed early (SPEC "Enqueueing": "never a wrapped time");
# and an unknown TZ, which the C library takes as UTC, is said once.

bats_require_minimum_version 1.5.0
load helper

END=2262-04-11T23:47:16Z
PAST="out of range: now plus it would be past $END, the last time that can be represented"
SUM="out of range: the run time plus it would be past $END, the last time that can be represented"
TIME_RANGE="time out of range (1677-09-21 to 2262-04-11 UTC)"

# max_secs [MARGIN]: the longest DURATION, in seconds, that now plus it
# can still represent, less MARGIN seconds (default 1).
max_secs() {
	echo $((9223372036 - $(date +%s) - ${1:-1}))
}

# refused MESSAGE PROG ARGS...: PROG ARGS is exit 2 with "PROG: MESSAGE"
# then the usage on stderr, and nothing on stdout.
refused() {
	local msg=$1
	shift
	rejected "$@"
	[ "${stderr_lines[0]}" = "$1: $msg" ] ||
		{ echo "message: ${stderr_lines[0]}"; echo "want:    $1: $msg"; return 1; }
}

# time_passes SECONDS: returns once SECONDS more seconds of the clock
# have begun (a wait for time itself, polled).
time_passes() {
	local t=$(($(date +%s) + $1))
	poll $(($1 + 5)) sh -c "[ \$(date +%s) -ge $t ]"
}

@test "job-schedule --in 13000w is refused: it would wrap to 1691 and run at once" {
	handler ok 'exit 0'
	refused "invalid duration: '13000w': $PAST" job-schedule --in 13000w ok
	[ ! -e "$JOB_DB" ]
	seed
	refused "invalid duration: '13000w': $PAST" job-schedule --in 13000w ok
	refused "invalid duration: '15250w': $PAST" job-schedule --in 15250w ok
	refused "invalid duration: '15251w': $PAST" job-schedule --in 15251w ok
	refused "invalid duration: '99999999999999999999': $PAST" \
	    job-schedule --in 99999999999999999999 ok
	unchanged
}

@test "job-recur --every 15000w is refused: it would run back to back" {
	seed
	refused "invalid interval: '15000w': $PAST" job-recur --every 15000w ok
	refused "invalid interval: '15000w': $PAST" \
	    job-recur --every 15000w --next 3
	unchanged
}

@test "every DURATION option: out of range is exit 2, the store unchanged" {
	seed
	local d=13000w
	refused "invalid timeout: '$d': $PAST" job-add -t $d ok
	refused "invalid timeout: '$d': $PAST" job-schedule -t $d --in 1h ok
	refused "invalid timeout: '$d': $PAST" job-recur -t $d --every 1h ok
	refused "invalid duration: '$d': $PAST" job-recur --in $d --every 1h ok
	refused "invalid jitter: '$d': $PAST" job-recur --jitter $d --every 1h ok
	refused "invalid keep: '$d': $PAST" job-run --once --keep $d
	refused "invalid grace: '$d': $PAST" job-run --once --grace $d
	refused "invalid age: '$d': $PAST" job-rm --state done --older-than $d
	unchanged
}

@test "the longest DURATION now plus it can hold is taken, and runs at its time" {
	handler ok 'exit 0'
	local max
	max=$(max_secs 2)
	run --separate-stderr job-schedule --in "${max}s" ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[[ $(field 1 run_at) == 2262-04-11T23:47:1[456]Z ]]
	once
	[ "$(state 1)" = pending ]
	[ "$(field 1 attempts)" = 0 ]
	run --separate-stderr job-rm --state done --older-than "${max}s"
	[ "$status" -eq 0 ]
}

@test "every TIME option: out of range is exit 2, saying so, the store unchanged" {
	seed
	local t
	for t in 2262-04-11T23:47:17Z 2262-04-12T00:00:00Z '2262-04-12 00:00' \
	    9999-12-31T23:59:59Z 1677-09-21T00:12:43Z 0000-01-01T00:00:00Z \
	    @9223372037 @-9223372037 @99999999999999999999; do
		echo "# '$t'"
		refused "invalid time: '$t': $TIME_RANGE" job-schedule --at "$t" ok
		refused "invalid time: '$t': $TIME_RANGE" \
		    job-recur --at "$t" --every 1h ok
		refused "invalid time: '$t': $TIME_RANGE" \
		    job-recur --every 1h --next 1 --from "$t"
	done
	unchanged
}

@test "TIME: a malformed time, a DST gap and an out-of-range year each say which" {
	seed
	refused "invalid time: '2026-02-31 10:00' (RFC 3339, 'YYYY-MM-DD HH:MM[:SS]' or @EPOCHSECONDS)" \
	    job-schedule --at '2026-02-31 10:00' ok
	refused "invalid time: '@1x' (RFC 3339, 'YYYY-MM-DD HH:MM[:SS]' or @EPOCHSECONDS)" \
	    job-schedule --at @1x ok
	refused "invalid time: '9999-01-01 10:00': $TIME_RANGE" \
	    job-schedule --at '9999-01-01 10:00' ok
	TZ=Europe/Berlin refused "invalid time: '2026-03-29 02:30': no such local time (skipped by a daylight-saving change)" \
	    job-schedule --at '2026-03-29 02:30' ok
	TZ=Europe/Berlin refused "invalid time: '2026-03-29 02:30': no such local time (skipped by a daylight-saving change)" \
	    job-recur --every 1h --next 1 --from '2026-03-29 02:30'
	unchanged
}

@test "a time plus a DURATION past the end of time is refused, naming the option" {
	seed
	refused "-t: $SUM" job-schedule -t 2h --at 2262-04-11T23:00:00Z ok
	refused "--every: $SUM" job-recur --every 1d --at 2262-04-11T00:00:00Z ok
	refused "--jitter: $SUM" \
	    job-recur --jitter 2h --every 1s --at 2262-04-11T23:00:00Z ok
	refused "-t: $SUM" job-recur -t 1d --every 1s --at 2262-04-11T23:00:00Z ok
	refused "--cron: out of range: the first run would be past $END, the last time that can be represented" \
	    job-recur --cron '0 0 * * *' --at 2262-04-11T01:00:00Z ok
	unchanged
	run --separate-stderr job-schedule -t 1h --at 2262-04-11T22:00:00Z ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

@test "--next: run times past the end of time are exit 2, not wrapped" {
	seed
	local msg="out of range: a run time would be past $END, the last time that can be represented"
	refused "--next 3: $msg" job-recur --every 1w --next 3 \
	    --from 2262-04-01T00:00:00Z
	refused "--next 3: $msg" job-recur --cron '0 0 * * *' --next 3 \
	    --from 2262-04-10T00:00:00Z
	run --separate-stderr job-recur --every 1w --next 2 \
	    --from 2262-04-01T00:00:00Z
	[ "$status" -eq 0 ]
	[ "$output" = $'2262-04-01T00:00:00Z\n2262-04-08T00:00:00Z' ]
	unchanged
}

@test "a timeout that passes the end of time once the job starts never fires early" {
	handler ok 'sleep 0.3; exit 0'
	local max
	max=$(max_secs 1)
	run --separate-stderr job-add -t "${max}s" ok
	[ "$status" -eq 0 ]
	# Started 2 s later, start plus timeout cannot be represented.
	time_passes 2
	once
	[ "$(state 1)" = done ]
	[ "$(jf 1 last_error)" = null ]
}

@test "a grace that passes the end of time once a handler is stopped never SIGKILLs early" {
	handler slow 'trap "sleep 0.5; echo graced >\"\$JOB_DB/../graced\"; exit 0" TERM
sleep 30 &
wait'
	job-add -t 2 slow >/dev/null
	local max
	max=$(max_secs 1)
	# The SIGTERM comes 2 s on: its time plus the grace cannot be represented.
	once --grace "${max}s"
	[ "$(state 1)" = failed ]
	[ "$(jf 1 last_error)" = "handler slow timeout" ]
	[ "$(cat "$TMP/graced")" = graced ]
}

# --- TZ ---------------------------------------------------------------------

@test "an unknown TZ: job-run says once that cron times are UTC, and runs as before" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	TZ=Mars/Base run --separate-stderr job-run --once
	[ "$status" -eq 0 ]
	[ "${stderr_lines[0]}" = "job-run: TZ 'Mars/Base' is not a known time zone; using UTC" ]
	[ "$(grep -c 'TZ' <<<"$stderr")" = 1 ]
	[ "$(state 1)" = done ]
	TZ=Asia/Tokyo run --separate-stderr job-run --once
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

@test "an unknown TZ: the job-list table says so once; --json and -c do not" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-add ok >/dev/null
	TZ=Mars/Base run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" = 2 ]
	[ "$stderr" = "job-list: TZ 'Mars/Base' is not a known time zone; using UTC" ]
	TZ=Mars/Base run --separate-stderr job-list --json
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	TZ=Mars/Base run --separate-stderr job-list -c
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}
