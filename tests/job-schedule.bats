#!/usr/bin/env bats
# job-schedule.bats: enqueueing a job to run at a time (SPEC
# "Enqueueing"), the TIME and DURATION forms, and the bad ones it must
# refuse without touching the store; the shared limits of keys, arguments
# and numbers; and an unknown TZ.

bats_require_minimum_version 1.5.0
load helper

# scheduled TIME WANT: `job-schedule --at TIME` stores run_at WANT.
scheduled() {
	local id
	id=$(job-schedule --at "$1" ok) ||
		{ echo "--at '$1' refused"; return 1; }
	[ "$(field "$id" run_at)" = "$2" ] ||
		{ echo "--at '$1': run_at $(field "$id" run_at), want $2"; return 1; }
}

@test "job-schedule --at prints the new job's id alone on a line" {
	handler ok 'exit 0'
	run --separate-stderr job-schedule --at 2030-12-01T10:00:00Z ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	run --separate-stderr job-schedule --in 1h ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$stderr" = "" ]
}

@test "a scheduled job in full" {
	handler ok 'exit 0'
	run --separate-stderr job-schedule --at 2030-12-01T10:00:00Z ok a 'b c'
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	local created_at
	created_at=$(field 1 created_at)
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":1,"state":"pending","handler":"ok","args":["a","b c"],"queue":"default","priority":0,"run_at":"2030-12-01T10:00:00Z","created_at":"'"$created_at"'","started_at":null,"finished_at":null,"attempts":0,"max_attempts":1,"timeout":null,"key":null,"name":null,"every":null,"cron":null,"catch_up":null,"jitter":null,"payload_size":null,"last_exit":null,"last_signal":null,"last_error":null}' ]
}

@test "the shared options: -q -p -r -t -k -i" {
	handler ok 'exit 0'
	printf 'data' >"$TMP/in"
	run --separate-stderr job-schedule -q q1 -p -2 -r 1 -t 90s -k k1 \
	    -i "$TMP/in" --at 2030-12-01T10:00:00Z ok x
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	local created_at
	created_at=$(field 1 created_at)
	run --separate-stderr job-list --json 1
	[ "$output" = '{"id":1,"state":"pending","handler":"ok","args":["x"],"queue":"q1","priority":-2,"run_at":"2030-12-01T10:00:00Z","created_at":"'"$created_at"'","started_at":null,"finished_at":null,"attempts":0,"max_attempts":2,"timeout":90,"key":"k1","name":null,"every":null,"cron":null,"catch_up":null,"jitter":null,"payload_size":4,"last_exit":null,"last_signal":null,"last_error":null}' ]
}

@test "TIME: RFC 3339 with Z or an offset, stored in UTC" {
	handler ok 'exit 0'
	scheduled 2026-12-01T10:00:00Z 2026-12-01T10:00:00Z
	scheduled 2026-12-01T10:00:00+01:00 2026-12-01T09:00:00Z
	scheduled 2026-12-01T10:00:00-05:30 2026-12-01T15:30:00Z
	scheduled 2026-12-01T10:00:00+00:00 2026-12-01T10:00:00Z
	scheduled 2026-12-01T10:00:00-00:00 2026-12-01T10:00:00Z
	scheduled 2026-12-01T01:00:00+09:00 2026-11-30T16:00:00Z
	scheduled 2026-12-31T23:59:59Z 2026-12-31T23:59:59Z
	scheduled 2028-02-29T12:00:00Z 2028-02-29T12:00:00Z
	scheduled 2200-01-01T00:00:00Z 2200-01-01T00:00:00Z
}

@test "TIME: RFC 3339's lower-case t and z" {
	handler ok 'exit 0'
	scheduled 2026-12-01t10:00:00z 2026-12-01T10:00:00Z
}

@test "TIME: RFC 3339 with a fraction of a second" {
	handler ok 'exit 0'
	run --separate-stderr job-schedule --at 2026-12-01T10:00:00.250Z ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(field 1 run_at)" = 2026-12-01T10:00:00Z ]
}

@test "TIME: local 'YYYY-MM-DD HH:MM[:SS]' and 'YYYY-MM-DDTHH:MM[:SS]' (TZ=UTC)" {
	handler ok 'exit 0'
	scheduled '2026-12-01 10:00' 2026-12-01T10:00:00Z
	scheduled '2026-12-01 10:00:30' 2026-12-01T10:00:30Z
	scheduled 2026-12-01T10:00 2026-12-01T10:00:00Z
	scheduled 2026-12-01T10:00:30 2026-12-01T10:00:30Z
	scheduled '2026-12-01 00:00' 2026-12-01T00:00:00Z
}

@test "TIME: local forms are read in \$TZ" {
	handler ok 'exit 0'
	export TZ=JST-9
	scheduled '2026-12-01 10:00' 2026-12-01T01:00:00Z
	scheduled '2026-12-01 10:00:30' 2026-12-01T01:00:30Z
	scheduled 2026-12-01T10:00 2026-12-01T01:00:00Z
	scheduled 2026-12-01T10:00:30 2026-12-01T01:00:30Z
	scheduled '2026-12-01 05:00' 2026-11-30T20:00:00Z
	# An explicit offset is not local.
	scheduled 2026-12-01T10:00:00Z 2026-12-01T10:00:00Z
	scheduled @1800000000 2027-01-15T08:00:00Z
	export TZ=EST5
	scheduled '2026-12-01 22:00' 2026-12-02T03:00:00Z
}

@test "TIME: @EPOCHSECONDS" {
	handler ok 'exit 0'
	scheduled @1800000000 2027-01-15T08:00:00Z
	scheduled @1000000000 2001-09-09T01:46:40Z
	scheduled @1 1970-01-01T00:00:01Z
}

@test "TIME: @-EPOCHSECONDS is a time before 1970, as GNU date reads it" {
	handler ok 'exit 0'
	scheduled @-1 1969-12-31T23:59:59Z
	scheduled @-86400 1969-12-31T00:00:00Z
	scheduled @-0 1970-01-01T00:00:00Z
	scheduled @-9223372036 1677-09-21T00:12:44Z
	[ "$(jf 1 run_at)" = 1969-12-31T23:59:59Z ]
}

@test "TIME: the epoch itself is a time like any other" {
	handler ok 'exit 0'
	scheduled @0 1970-01-01T00:00:00Z
	scheduled 1970-01-01T00:00:00Z 1970-01-01T00:00:00Z
}

@test "a time in the past is stored as given and runs as soon as possible" {
	handler ok 'exit 0'
	run --separate-stderr job-schedule --at 2020-01-01T00:00:00Z ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	[ "$(field 1 run_at)" = 2020-01-01T00:00:00Z ]
	run job-run --once
	[ "$status" -eq 0 ]
	[ "$(state 1)" = done ]
	[ "$(field 1 attempts)" = 1 ]
	[ "$(field 1 run_at)" = 2020-01-01T00:00:00Z ]
}

@test "a job is never run before its time" {
	handler ok 'exit 0'
	run job-schedule --at 2099-01-01T00:00:00Z ok
	[ "$output" = 1 ]
	run job-schedule --in 1h ok
	[ "$output" = 2 ]
	run job-add ok
	[ "$output" = 3 ]
	run job-run --once
	[ "$status" -eq 0 ]
	[ "$(state 3)" = done ]
	for id in 1 2; do
		[ "$(state $id)" = pending ]
		[ "$(field $id attempts)" = 0 ]
		[ "$(field $id started_at)" = null ]
	done
}

@test "--in DURATION: run_at is now plus DURATION" {
	handler ok 'exit 0'
	local d secs id=0 t0 t1 at
	for d in 90=90 90s=90 15m=900 2h=7200 2d=172800 1w=604800 \
	    1h30m=5400 1d2h3m4s=93784; do
		secs=${d#*=}
		d=${d%%=*}
		id=$((id + 1))
		echo "# --in $d"
		t0=$(date +%s)
		run --separate-stderr job-schedule --in "$d" ok
		t1=$(date +%s)
		[ "$status" -eq 0 ]
		[ "$output" = $id ]
		at=$(epoch "$(field $id run_at)")
		[ "$at" -ge $((t0 + secs)) ]
		[ "$at" -le $((t1 + secs)) ]
	done
}

@test "neither --at nor --in is a usage error" {
	seed
	rejected job-schedule ok
	rejected job-schedule -p 1 ok
	unchanged
}

@test "both --at and --in is a usage error" {
	seed
	rejected job-schedule --at 2030-01-01T00:00:00Z --in 1h ok
	rejected job-schedule --in 1h --at 2030-01-01T00:00:00Z ok
	unchanged
}

@test "bad TIME: exit 2, a message, the usage, the store unchanged" {
	seed
	local t
	for t in \
	    2026-12-01 \
	    '2026-02-31 10:00' \
	    2026-02-31T10:00:00Z \
	    2026-13-01T00:00:00Z \
	    2026-00-10T00:00:00Z \
	    2026-12-00T00:00:00Z \
	    2026-12-32T00:00:00Z \
	    2026-04-31T00:00:00Z \
	    2027-02-29T00:00:00Z \
	    2026-12-01T24:00:00Z \
	    2026-12-01T10:60:00Z \
	    2026-12-01T10:00:61Z \
	    2026-12-01T10:00:00+25:00 \
	    2026-12-01T10:00:00+01:60 \
	    2026-12-01T10:00:00+0100 \
	    2026-12-01T10:00:00Zjunk \
	    '2026-12-01 10' \
	    '2026-12-01 10:0' \
	    '2026-12-1 10:00' \
	    '2026-12-01  10:00' \
	    ' 2026-12-01T10:00:00Z' \
	    '2026-12-01T10:00:00Z ' \
	    '26-12-01 10:00' \
	    '2026/12/01 10:00' \
	    10:00 \
	    '' \
	    now \
	    tomorrow \
	    '31 Feb' \
	    @ \
	    @- \
	    @--5 \
	    @+5 \
	    @-5x \
	    @abc \
	    @1.5 \
	    @99999999999999999999 \
	    1800000000; do
		echo "# --at '$t'"
		rejected job-schedule --at "$t" ok
	done
	unchanged
}

@test "bad TIME creates no store" {
	handler ok 'exit 0'
	rejected job-schedule --at 2026-12-01 ok
	[ ! -e "$JOB_DB" ]
}

@test "bad DURATION for --in: exit 2, a message, the usage, the store unchanged" {
	seed
	local d
	for d in 0 0s 00 0m0s -5m -5 1h30 30m1h 1.5h '' ' 5' '5 ' 5x 1h1h 1m1h \
	    h 1H 1y +5m 2026-12-01T10:00:00Z 99999999999999999999999; do
		echo "# --in '$d'"
		rejected job-schedule --in "$d" ok
	done
	unchanged
}

@test "bad DURATION for -t: exit 2" {
	seed
	local d
	for d in 0 -5m 1h30 30m1h 1.5h ''; do
		echo "# -t '$d'"
		rejected job-schedule -t "$d" --in 1h ok
	done
	unchanged
}

@test "--at or --in missing its value is a usage error" {
	seed
	rejected job-schedule --at
	rejected job-schedule --in
	unchanged
}

@test "an unknown option is a usage error" {
	seed
	rejected job-schedule -Z --in 1h ok
	rejected job-schedule --bogus --in 1h ok
	rejected job-schedule --each --in 1h ok
	unchanged
}

@test "an unregistered handler is a usage error without -f" {
	seed
	rejected job-schedule --in 1h nothere
	unchanged
	run --separate-stderr job-schedule -f --in 1h nothere
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(field 2 handler)" = nothere ]
}

@test "an invalid handler name is a usage error, even with -f" {
	seed
	local n
	for n in .x -x 'a b' a/b '' "$(printf 'a%.0s' $(seq 129))"; do
		echo "# '$n'"
		rejected job-schedule -f --in 1h -- "$n"
	done
	unchanged
}

@test "-H DIR is where the handler is checked" {
	mkdir "$TMP/other"
	printf '#!/bin/sh\n' >"$TMP/other/there"
	chmod 755 "$TMP/other/there"
	run --separate-stderr job-schedule -H "$TMP/other" --in 1h there
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run --separate-stderr job-schedule --in 1h there
	usage_error job-schedule
}

@test "everything after HANDLER is its arguments, --at included" {
	handler ok 'exit 0'
	run --separate-stderr job-schedule --in 1h ok --at 2020-01-01T00:00:00Z -p 3
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(field 1 args)" = "--at 2020-01-01T00:00:00Z -p 3" ]
	[ "$(field 1 priority)" = 0 ]
	run --separate-stderr job-schedule --in 1h -- ok --in 2h
	[ "$status" -eq 0 ]
	[ "$(field 2 args)" = "--in 2h" ]
}

@test "-k: a key already in the store prints that job's id and adds nothing" {
	handler ok 'exit 0'
	run job-add -k k ok
	[ "$output" = 1 ]
	snap
	run --separate-stderr job-schedule -k k --at 2030-01-01T00:00:00Z ok other
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	unchanged
	run --separate-stderr job-schedule -k k2 --at 2030-01-01T00:00:00Z ok
	[ "$output" = 2 ]
	snap
	run --separate-stderr job-schedule -k k2 --in 5m ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	unchanged
}

@test "-i FILE is the payload; a missing FILE is exit 1" {
	handler ok 'exit 0'
	printf 'abc' >"$TMP/in"
	run --separate-stderr job-schedule -i "$TMP/in" --in 1h ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(field 1 payload_size)" = 3 ]
	snap
	run --separate-stderr job-schedule -i "$TMP/missing" --in 1h ok
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-schedule: $TMP/missing: No such file or directory" ]
	unchanged
}

@test "-i -: the payload from stdin" {
	handler ok 'exit 0'
	printf 'xyz\n' >"$TMP/in"
	run --separate-stderr job-schedule -i - --in 1h ok <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(field 1 payload_size)" = 4 ]
}

@test "a full disk: exit 1, a clean message, the store unchanged" {
	seed
	head -c 400000 /dev/urandom >"$TMP/big"
	run --separate-stderr full_disk 64 job-schedule -i "$TMP/big" --in 1h ok
	cannot job-schedule
	unchanged
	run --separate-stderr full_disk 0 job-schedule --in 1h ok
	cannot job-schedule
	unchanged
	run --separate-stderr job-schedule --in 1h ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

@test "a store path that is a file: exit 1, a clean message" {
	handler ok 'exit 0'
	printf 'x' >"$TMP/file"
	run --separate-stderr job-schedule -d "$TMP/file" --in 1h ok
	cannot job-schedule
	[ "$stderr" = "job-schedule: $TMP/file: Not a directory" ]
}

@test "-h prints the usage on stdout, exit 0" {
	run --separate-stderr job-schedule -h
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ ${lines[0]} == "usage: job-schedule "* ]]
	[[ $output == *--at* ]]
	[[ $output == *--in* ]]
}

@test "an unknown TZ: a local --at is read as UTC, and a warning says so once" {
	handler ok 'exit 0'
	TZ=Mars/Base run --separate-stderr job-schedule --at '2026-12-01 10:00' ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "job-schedule: TZ 'Mars/Base' is not a known time zone; using UTC" ]
	[ "$(jf 1 run_at)" = 2026-12-01T10:00:00Z ]
	TZ=:Nowhere/Else run --separate-stderr job-schedule --at 2026-12-01T10:00 ok
	[ "$status" -eq 0 ]
	[ "$stderr" = "job-schedule: TZ ':Nowhere/Else' is not a known time zone; using UTC" ]
}

@test "an unknown TZ is not mentioned where no local time is computed" {
	handler ok 'exit 0'
	local a
	for a in '--at 2026-12-01T10:00:00Z' '--at 2026-12-01T10:00:00+01:00' \
	    '--at @1796119200' '--in 1h'; do
		echo "# $a"
		TZ=Mars/Base run --separate-stderr job-schedule $a ok
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
	done
}

@test "known TZ values give no warning: zones, POSIX strings, paths, empty" {
	handler ok 'exit 0'
	local tz
	for tz in Europe/Berlin :Europe/Berlin Asia/Tokyo UTC '' JST-9 EST5EDT \
	    'EST5EDT,M3.2.0,M11.1.0' 'CET-1CEST,M3.5.0,M10.5.0/3' '<+09>-9' \
	    /usr/share/zoneinfo/Asia/Tokyo :/usr/share/zoneinfo/Asia/Tokyo; do
		echo "# TZ='$tz'"
		TZ=$tz run --separate-stderr job-schedule --at '2026-12-01 10:00' ok
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
	done
}

# key N: a key of N bytes (a different one for each N).
key() {
	printf "k%0$(($1 - 1))d" "$1"
}

@test "-k: keys of 511, 512 and 4000 bytes are added once, found again, and freed by job-rm" {
	handler ok 'exit 0'
	local n id k
	for n in 511 512 4000 65536; do
		echo "# $n bytes"
		k=$(key $n)
		[ "${#k}" = $n ]
		run --separate-stderr job-schedule -k "$k" --in 1h ok
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		id=$output
		[ "$(jf "$id" key)" = "$k" ]
		snap
		run --separate-stderr job-schedule -k "$k" --in 2h ok other
		[ "$status" -eq 0 ]
		[ "$output" = "$id" ]
		[ "$stderr" = "" ]
		run --separate-stderr job-add -k "$k" ok
		[ "$output" = "$id" ]
		unchanged
	done
	# Keys that differ in their last byte only are two keys.
	k=$(key 4000)
	run --separate-stderr job-schedule -k "${k%?}x" --in 1h ok
	[ "$status" -eq 0 ]
	[ "$output" = 5 ]
	for id in 1 2 3 4 5; do
		job-rm "$id"
	done
	[ "$(job-list -a --json)" = "" ]
	run --separate-stderr job-schedule -k "$k" --in 1h ok
	[ "$status" -eq 0 ]
	[ "$output" = 6 ]
	run --separate-stderr job-schedule -k "$(key 512)" --in 1h ok
	[ "$output" = 7 ]
}

@test "-k: a key of more than 65536 bytes is exit 2, saying so, nothing created" {
	handler ok 'exit 0'
	rejected job-schedule -k "$(key 65537)" --in 1h ok
	[ "${stderr_lines[0]}" = "job-schedule: -k: key too long (at most 65536 bytes)" ]
	[ ! -e "$JOB_DB" ]
}

@test "arguments past execve's limits are exit 2, saying so, nothing created" {
	handler ok 'exit 0'
	local big msg
	msg="arguments too long (each at most 131071 bytes; together at most 1048576 bytes, one more each, and 65536 arguments)"
	# One longer than 131071 bytes cannot reach a command at all (E2BIG).
	big=$(head -c 131071 /dev/zero | tr '\0' a)
	rejected job-schedule --in 1h ok "$big" "$big" "$big" "$big" "$big" \
	    "$big" "$big" "$big" x
	[ "${stderr_lines[0]}" = "job-schedule: $msg" ]
	rejected job-add ok "$big" "$big" "$big" "$big" "$big" "$big" "$big" \
	    "$big" x
	[ "${stderr_lines[0]}" = "job-add: $msg" ]
	rejected job-recur --every 1h ok $(seq 65537)
	[ "${stderr_lines[0]}" = "job-recur: $msg" ]
	[ ! -e "$JOB_DB" ]
	run --separate-stderr job-add ok "$big" "$big" "$big" "$big" "$big" \
	    "$big" "$big" "$big"
	[ "$status" -eq 0 ]
	run --separate-stderr job-add ok $(seq 65536)
	[ "$status" -eq 0 ]
}

@test "an argument of 131071 bytes, the most execve takes, reaches the handler whole" {
	handler count 'printf %s "$1" | wc -c >"$JOB_DB/../len"'
	local big
	big=$(head -c 131071 /dev/zero | tr '\0' a)
	run --separate-stderr job-schedule --at @0 count "$big"
	[ "$status" -eq 0 ]
	once
	[ "$(state 1)" = done ]
	[ "$(cat "$TMP/len")" = 131071 ]
}

@test "a bad number gives its option's range" {
	seed
	rejected job-schedule -p x --in 1h ok
	[ "${stderr_lines[0]}" = "job-schedule: invalid priority: 'x' (an integer from -2147483648 to 2147483647)" ]
	rejected job-schedule -p 2147483648 --in 1h ok
	[ "${stderr_lines[0]}" = "job-schedule: invalid priority: '2147483648' (an integer from -2147483648 to 2147483647)" ]
	rejected job-schedule -r -1 --in 1h ok
	[ "${stderr_lines[0]}" = "job-schedule: invalid retries: '-1' (an integer from 0 to 1000000)" ]
	rejected job-recur --every 1h --next 0
	[ "${stderr_lines[0]}" = "job-recur: invalid count: '0' (an integer from 1 to 100000)" ]
	rejected job-run -j 1025
	[ "${stderr_lines[0]}" = "job-run: invalid job count: '1025' (an integer from 1 to 1024)" ]
	unchanged
}
