#!/usr/bin/env bats
# job-add.bats: enqueueing a job to run as soon as possible (SPEC
# "Enqueueing"), its shared options, --each, and the bad input it must
# refuse without touching the store.

bats_require_minimum_version 1.5.0
load helper

# json_args ID: the args array of a job, as JSON text.
json_args() {
	job-list --json "$1" | sed 's/.*"args":\(\[.*\]\),"queue":.*/\1/'
}

# args_are JSON...: jobs 1, 2, ... have those args arrays, in order.
args_are() {
	local id=0 want
	for want; do
		id=$((id + 1))
		[ "$(json_args $id)" = "$want" ] ||
			{ echo "job $id: args $(json_args $id), want $want"; return 1; }
	done
}

# bytes FROM TO: the bytes FROM..TO (decimal), in order.
bytes() {
	printf "$(printf '\\%03o' $(seq "$1" "$2"))"
}

@test "job-add prints the new job's id alone on a line; ids start at 1 and increase" {
	handler ok 'exit 0'
	run --separate-stderr job-add ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	run --separate-stderr job-add ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$stderr" = "" ]
	run --separate-stderr job-add ok
	[ "$output" = 3 ]
}

@test "a new job with the defaults, in full" {
	handler ok 'exit 0'
	local t0 t1
	t0=$(date +%s)
	run --separate-stderr job-add ok
	t1=$(date +%s)
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	local run_at created_at
	run_at=$(field 1 run_at)
	created_at=$(field 1 created_at)
	[[ $run_at =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	[[ $created_at =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	# As soon as possible: due when it was added.
	[ "$(epoch "$created_at")" -ge "$t0" ]
	[ "$(epoch "$created_at")" -le "$t1" ]
	[ "$(epoch "$run_at")" -ge "$t0" ]
	[ "$(epoch "$run_at")" -le "$t1" ]
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"id":1,"state":"pending","handler":"ok","args":[],"queue":"default","priority":0,"run_at":"'"$run_at"'","created_at":"'"$created_at"'","started_at":null,"finished_at":null,"attempts":0,"max_attempts":1,"timeout":null,"key":null,"name":null,"every":null,"cron":null,"catch_up":null,"jitter":null,"payload_size":null,"last_exit":null,"last_signal":null,"last_error":null}' ]
}

@test "the shared options are stored: -q -p -r -t -k -i" {
	handler ok 'exit 0'
	printf 'hello' >"$TMP/in"
	run --separate-stderr job-add -q mail -p 7 -r 3 -t 1h30m -k order-42 \
	    -i "$TMP/in" ok a
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	local run_at created_at
	run_at=$(field 1 run_at)
	created_at=$(field 1 created_at)
	run --separate-stderr job-list --json 1
	[ "$output" = '{"id":1,"state":"pending","handler":"ok","args":["a"],"queue":"mail","priority":7,"run_at":"'"$run_at"'","created_at":"'"$created_at"'","started_at":null,"finished_at":null,"attempts":0,"max_attempts":4,"timeout":5400,"key":"order-42","name":null,"every":null,"cron":null,"catch_up":null,"jitter":null,"payload_size":5,"last_exit":null,"last_signal":null,"last_error":null}' ]
}

@test "the long options are the short ones" {
	handler ok 'exit 0'
	printf 'hello' >"$TMP/in"
	run --separate-stderr job-add --queue mail --priority 7 --retries 3 \
	    --timeout 1h30m --key order-42 --input "$TMP/in" \
	    --handlers "$JOB_HANDLERS" --db "$JOB_DB" ok a
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run --separate-stderr job-add --queue=q2 --priority=-3 --force nothere
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(field 1 queue)" = mail ]
	[ "$(field 1 priority)" = 7 ]
	[ "$(field 1 max_attempts)" = 4 ]
	[ "$(field 1 timeout)" = 5400 ]
	[ "$(field 1 key)" = order-42 ]
	[ "$(field 1 payload_size)" = 5 ]
	[ "$(field 2 queue)" = q2 ]
	[ "$(field 2 priority)" = -3 ]
	[ "$(field 2 handler)" = nothere ]
}

@test "-p takes any integer, negative too" {
	handler ok 'exit 0'
	run job-add -p -5 ok
	[ "$output" = 1 ]
	run job-add -p 0 ok
	[ "$output" = 2 ]
	run job-add -p 1000000 ok
	[ "$output" = 3 ]
	[ "$(field 1 priority)" = -5 ]
	[ "$(field 2 priority)" = 0 ]
	[ "$(field 3 priority)" = 1000000 ]
}

@test "-r N means N+1 attempts" {
	handler ok 'exit 0'
	run job-add -r 0 ok
	[ "$output" = 1 ]
	run job-add -r 5 ok
	[ "$output" = 2 ]
	[ "$(field 1 max_attempts)" = 1 ]
	[ "$(field 2 max_attempts)" = 6 ]
}

@test "-t takes every DURATION form, stored in seconds" {
	handler ok 'exit 0'
	local d want id=0
	for d in 90=90 90s=90 15m=900 2h=7200 2d=172800 1w=604800 \
	    1h30m=5400 1d2h3m4s=93784 1w1d=691200; do
		want=${d#*=}
		d=${d%%=*}
		id=$((id + 1))
		echo "# $d"
		run --separate-stderr job-add -t "$d" ok
		[ "$status" -eq 0 ]
		[ "$output" = "$id" ]
		[ "$(field $id timeout)" = "$want" ]
	done
}

@test "bad -p: exit 2, the store unchanged" {
	seed
	local v
	for v in 1.5 x '' ' 1' 1x 99999999999999999999 0x10; do
		echo "# -p '$v'"
		rejected job-add -p "$v" ok
	done
	unchanged
}

@test "bad -r: exit 2, the store unchanged" {
	seed
	local v
	for v in -1 x '' 1.5 2x; do
		echo "# -r '$v'"
		rejected job-add -r "$v" ok
	done
	unchanged
}

@test "bad durations for -t: exit 2, the store unchanged" {
	seed
	local v
	for v in 0 0s 0m -5m -5 1h30 30m1h 1.5h '' ' 5' 5x 1h1h 1m1h h 1H \
	    5m\  +5m 1y; do
		echo "# -t '$v'"
		rejected job-add -t "$v" ok
	done
	unchanged
}

@test "a missing HANDLER is a usage error" {
	seed
	rejected job-add
	rejected job-add -p 1
	rejected job-add -f --
	unchanged
}

@test "an option missing its value is a usage error" {
	seed
	local o
	for o in -q -p -r -t -k -i -H -d --queue --priority --retries \
	    --timeout --key --input --handlers --db; do
		echo "# $o"
		rejected job-add "$o"
	done
	unchanged
}

@test "an unknown option is a usage error" {
	seed
	rejected job-add -Z ok
	rejected job-add --bogus ok
	rejected job-add --each --bogus ok
	unchanged
}

@test "handler names: 1 to 128 bytes of A-Z a-z 0-9 _ . : -, not starting with . : or -" {
	local n id=0
	for n in mail.send rm_tmp slivers:expire _x 9z A-b x: 'a.b:c-d_e' \
	    "$(printf 'a%.0s' $(seq 128))"; do
		id=$((id + 1))
		echo "# $n"
		run --separate-stderr job-add -f "$n"
		[ "$status" -eq 0 ]
		[ "$output" = "$id" ]
		[ "$stderr" = "" ]
		[ "$(job-list --json $id | sed 's/.*"handler":"\([^"]*\)".*/\1/')" = "$n" ]
	done
}

@test "invalid handler names: exit 2 even with -f, the store unchanged" {
	seed
	local n
	for n in .hidden .. . :x -x 'a b' a/b ../x 'a$' 'a*' é 'a"' \
	    "$(printf 'a%.0s' $(seq 129))" "$(printf 'a\tb')"; do
		echo "# '$n'"
		rejected job-add -f -- "$n"
		rejected job-add -- "$n"
	done
	rejected job-add -f ''
	unchanged
}

@test "an unregistered handler is a usage error (exit 2) without -f" {
	seed
	rejected job-add nothere
	rejected job-add nothere arg
	run --separate-stderr job-add nothere
	[[ ${stderr_lines[0]} == "job-add: "*nothere* ]]
	unchanged
}

@test "registered = an executable file in the handlers directory" {
	seed
	# a directory
	mkdir "$JOB_HANDLERS/dir"
	rejected job-add dir
	# a file that is not executable
	printf '#!/bin/sh\n' >"$JOB_HANDLERS/noexec"
	chmod 644 "$JOB_HANDLERS/noexec"
	rejected job-add noexec
	# a symlink to nothing
	ln -s "$TMP/nowhere" "$JOB_HANDLERS/dangling"
	rejected job-add dangling
	# a symlink to a directory
	ln -s "$TMP" "$JOB_HANDLERS/todir"
	rejected job-add todir
	unchanged
	# a symlink to an executable file is registered
	printf '#!/bin/sh\n' >"$TMP/real"
	chmod 755 "$TMP/real"
	ln -s "$TMP/real" "$JOB_HANDLERS/link"
	run --separate-stderr job-add link
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	# an executable file
	handler real 'exit 0'
	run --separate-stderr job-add real
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
}

@test "a handlers directory that does not exist: unregistered (exit 2)" {
	seed
	rejected job-add -H "$TMP/none" ok
	export JOB_HANDLERS="$TMP/none"
	rejected job-add ok
	unchanged
}

@test "-f enqueues a handler that is not registered (yet)" {
	run --separate-stderr job-add -f later x
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	[ "$(field 1 handler)" = later ]
	[ "$(field 1 args)" = x ]
	[ "$(state 1)" = pending ]
}

@test "-H DIR is where the handler is checked" {
	mkdir "$TMP/other"
	printf '#!/bin/sh\n' >"$TMP/other/there"
	chmod 755 "$TMP/other/there"
	run --separate-stderr job-add -H "$TMP/other" there
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run --separate-stderr job-add there
	usage_error job-add
}

@test "everything after HANDLER is its arguments, options included" {
	handler ok 'exit 0'
	run --separate-stderr job-add ok -p 5 --queue x -- -h --help -V
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(json_args 1)" = '["-p","5","--queue","x","--","-h","--help","-V"]' ]
	[ "$(field 1 priority)" = 0 ]
	[ "$(field 1 queue)" = default ]
}

@test "-- ends the options" {
	handler ok 'exit 0'
	run --separate-stderr job-add -p 2 -- ok -p 3
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(json_args 1)" = '["-p","3"]' ]
	[ "$(field 1 priority)" = 2 ]
}

@test "args are kept byte for byte: spaces, quotes, newlines, empty strings" {
	handler ok 'exit 0'
	run --separate-stderr job-add ok 'a b' '' "it's" 'say "hi"' \
	    "$(printf 'one\ntwo')" 'back\slash' ' ' '$HOME' '*' "$(printf 'tab\there')"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(json_args 1)" = '["a b","","it'"'"'s","say \"hi\"","one\ntwo","back\\slash"," ","$HOME","*","tab\there"]' ]
}

@test "no args is an empty array" {
	handler ok 'exit 0'
	run job-add ok
	[ "$(json_args 1)" = '[]' ]
	run job-add ok ''
	[ "$(json_args 2)" = '[""]' ]
}

@test "args: ASCII controls and UTF-8 round-trip through --json" {
	command -v jq >/dev/null || skip "jq is needed to decode JSON"
	handler ok 'exit 0'
	local a
	a="$(bytes 1 127)é€😀x"
	run --separate-stderr job-add ok "$a" "$(bytes 1 31)"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	job-list --json 1 | jq -j '.args[0]' >"$TMP/got"
	printf '%s' "$a" >"$TMP/want"
	cmp "$TMP/got" "$TMP/want"
	job-list --json 1 | jq -j '.args[1]' >"$TMP/got"
	bytes 1 31 >"$TMP/want"
	cmp "$TMP/got" "$TMP/want"
}

@test "args: every byte 0x80-0xff that is not UTF-8 shows as \\udcXX in --json" {
	handler ok 'exit 0'
	local want
	run --separate-stderr job-add ok "$(bytes 128 255)"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	want='["'$(printf '\\udc%02x' $(seq 128 255))'"]'
	[ "$(json_args 1)" = "$want" ]
}

@test "args: invalid UTF-8 next to valid UTF-8 stays recoverable" {
	handler ok 'exit 0'
	# é, a lone continuation byte, a truncated 3-byte sequence, an
	# overlong '/', an encoded surrogate, a code point past U+10FFFF.
	run --separate-stderr job-add ok \
	    "$(printf '\xc3\xa9\x80x\xe2\x82y\xc0\xafz\xed\xa0\x80w\xf4\x90\x80\x80')"
	[ "$status" -eq 0 ]
	[ "$(json_args 1)" = '["é\udc80x\udce2\udc82y\udcc0\udcafz\udced\udca0\udc80w\udcf4\udc90\udc80\udc80"]' ]
	if command -v jq >/dev/null; then
		job-list --json 1 | jq -e . >/dev/null
	fi
}

@test "args reach the handler exactly as given" {
	handler argv 'for a; do printf "%s\0" "$a"; done >"$JOB_DB/../argv"'
	local a b
	a="$(bytes 1 255)"
	b="$(printf 'x\ny z')"
	run --separate-stderr job-add argv "$a" '' "$b" "it's"
	[ "$status" -eq 0 ]
	run job-run --once
	[ "$status" -eq 0 ]
	[ "$(state 1)" = done ]
	printf '%s\0%s\0%s\0%s\0' "$a" '' "$b" "it's" >"$TMP/want"
	cmp "$TMP/argv" "$TMP/want"
}

@test "a job added runs as soon as possible" {
	handler ok 'exit 0'
	run job-add ok
	[ "$output" = 1 ]
	run job-run --once
	[ "$status" -eq 0 ]
	[ "$(state 1)" = done ]
	[ "$(field 1 attempts)" = 1 ]
	[ "$(field 1 last_exit)" = 0 ]
}

@test "--each adds one job per line, the line as the last argument, ids in order" {
	handler ok 'exit 0'
	printf 'alpha\nb c\n-x\n' >"$TMP/in"
	run --separate-stderr job-add --each ok first <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = $'1\n2\n3' ]
	[ "$stderr" = "" ]
	args_are '["first","alpha"]' '["first","b c"]' '["first","-x"]'
	is_count 3 0 0 0
}

@test "--each: empty lines are skipped, a last line without newline counts" {
	handler ok 'exit 0'
	printf '\n\na\n\n\nb\n\nlast' >"$TMP/in"
	run --separate-stderr job-add --each ok <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = $'1\n2\n3' ]
	args_are '["a"]' '["b"]' '["last"]'
	is_count 3 0 0 0
}

@test "--each: a line keeps its spaces, tabs and bytes" {
	handler ok 'exit 0'
	printf ' lead\ttab trail \n\x80\xff\n' >"$TMP/in"
	run --separate-stderr job-add --each ok <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = $'1\n2' ]
	args_are '[" lead\ttab trail "]' '["\udc80\udcff"]'
}

@test "--each: empty input adds nothing and exits 0" {
	seed
	printf '\n\n\n' >"$TMP/in"
	local input
	for input in /dev/null "$TMP/in"; do
		run --separate-stderr job-add --each ok <"$input"
		[ "$status" -eq 0 ]
		[ "$output" = "" ]
		[ "$stderr" = "" ]
		unchanged
	done
}

@test "--each: the options apply to every job" {
	handler ok 'exit 0'
	printf 'a\nb\n' >"$TMP/in"
	run --separate-stderr job-add --each -q bulk -p 4 -r 2 -t 5m ok <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = $'1\n2' ]
	for id in 1 2; do
		[ "$(field $id queue)" = bulk ]
		[ "$(field $id priority)" = 4 ]
		[ "$(field $id max_attempts)" = 3 ]
		[ "$(field $id timeout)" = 300 ]
	done
}

@test "--each -0: one job per NUL-terminated item; newlines are part of items" {
	handler ok 'exit 0'
	printf 'a b\nc\0\0second\0last' >"$TMP/in"
	run --separate-stderr job-add --each -0 ok x <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = $'1\n2\n3' ]
	args_are '["x","a b\nc"]' '["x","second"]' '["x","last"]'
}

@test "--each --null is --each -0" {
	handler ok 'exit 0'
	printf 'p\0q\0' >"$TMP/in"
	run --separate-stderr job-add --each --null ok <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = $'1\n2' ]
	[ "$(json_args 2)" = '["q"]' ]
}

@test "--each -0: empty input adds nothing and exits 0" {
	seed
	printf '\0\0' >"$TMP/in"
	local input
	for input in /dev/null "$TMP/in"; do
		run --separate-stderr job-add --each -0 ok <"$input"
		[ "$status" -eq 0 ]
		[ "$output" = "" ]
		unchanged
	done
}

@test "-0 without --each is a usage error" {
	seed
	rejected job-add -0 ok
	unchanged
}

@test "--each with -i -: a usage error that says why (stdin holds the items)" {
	seed
	printf 'a\n' >"$TMP/in"
	rejected job-add --each -i - ok <"$TMP/in"
	[ "${stderr_lines[0]}" = "job-add: --each reads the items from stdin: -i - cannot read the payload from it too" ]
	unchanged
	# A payload from a file goes with --each.
	printf 'p' >"$TMP/p"
	run --separate-stderr job-add --each -i "$TMP/p" ok <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(jf 2 payload_size)" = 1 ]
}

@test "--each checks the handler like a single add" {
	seed
	printf 'a\n' >"$TMP/in"
	run --separate-stderr job-add --each nothere <"$TMP/in"
	usage_error job-add
	unchanged
	run --separate-stderr job-add --each -f nothere <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

@test "--each adds all in one transaction: a full disk adds none" {
	seed
	seq 100000 >"$TMP/in"
	run --separate-stderr full_disk 200 job-add --each ok <"$TMP/in"
	cannot job-add
	unchanged
}

@test "-k: a key already in the store prints that job's id, adds nothing, exits 0" {
	handler ok 'exit 0'
	run --separate-stderr job-add -k once ok a
	[ "$output" = 1 ]
	snap
	run --separate-stderr job-add -k once ok a
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	unchanged
	# whatever else differs
	run --separate-stderr job-add -k once -p 9 -q other -f else b c
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	unchanged
	# another key is another job
	run --separate-stderr job-add -k twice ok a
	[ "$output" = 2 ]
}

@test "-k: adds racing with one key make one job, and all print its id" {
	handler ok 'exit 0'
	local i pids=()
	for i in $(seq 10); do
		job-add -k same ok "$i" >"$TMP/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	[ "$(cat "$TMP"/out.* | sort -u)" = 1 ]
	is_count 1 0 0 0
}

@test "--each -k: the key makes one job; every item prints its id" {
	handler ok 'exit 0'
	printf 'a\nb\nc\n' >"$TMP/in"
	run --separate-stderr job-add --each -k K ok <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = $'1\n1\n1' ]
	[ "$(json_args 1)" = '["a"]' ]
	is_count 1 0 0 0
}

@test "-k: keys are shared with job-schedule" {
	handler ok 'exit 0'
	run job-schedule -k k1 --in 1h ok
	[ "$output" = 1 ]
	snap
	run --separate-stderr job-add -k k1 ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	unchanged
}

@test "-k: a done job with the key is still in the store" {
	handler ok 'exit 0'
	run job-add -k k ok
	[ "$output" = 1 ]
	run job-run --once
	[ "$(state 1)" = done ]
	run --separate-stderr job-add -k k ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(job-list -a -c)" = "$(counts 0 0 1 0)" ]
}

@test "-k: once the job is removed, the key is free again" {
	handler ok 'exit 0'
	run job-add -k k ok
	[ "$output" = 1 ]
	run job-rm 1
	[ "$status" -eq 0 ]
	run --separate-stderr job-add -k k ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(field 2 key)" = k ]
}

@test "-k: a key is any byte string" {
	handler ok 'exit 0'
	run job-add -k 'a key/with:odd "chars"' ok
	[ "$output" = 1 ]
	run job-add -k 'a key/with:odd "chars"' ok
	[ "$output" = 1 ]
	run job-add -k 'a key/with:odd "chars" ' ok
	[ "$output" = 2 ]
	[ "$(job-list --json 1 | sed 's/.*"key":\("[^,]*"\),.*/\1/')" = '"a key/with:odd \"chars\""' ]
}

@test "-i FILE: the payload, byte for byte, is the handler's stdin" {
	handler cat 'cat >"$JOB_DB/../stdin.$JOB_ID"'
	printf 'abc\0def\n\xff' >"$TMP/in"
	run --separate-stderr job-add -i "$TMP/in" cat
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(field 1 payload_size)" = 9 ]
	# The payload was read when the job was added.
	printf 'changed' >"$TMP/in"
	run job-run --once
	[ "$(state 1)" = done ]
	printf 'abc\0def\n\xff' >"$TMP/want"
	cmp "$TMP/stdin.1" "$TMP/want"
}

@test "-i -: the payload is read from stdin" {
	handler cat 'cat >"$JOB_DB/../stdin.$JOB_ID"'
	printf 'from stdin\n' >"$TMP/in"
	run --separate-stderr job-add -i - cat <"$TMP/in"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(field 1 payload_size)" = 11 ]
	run job-run --once
	cmp "$TMP/stdin.1" "$TMP/in"
}

@test "-i with an empty file is an empty payload; no -i is no payload" {
	handler cat 'cat >"$JOB_DB/../stdin.$JOB_ID"'
	run job-add -i /dev/null cat
	[ "$output" = 1 ]
	run job-add cat
	[ "$output" = 2 ]
	[ "$(field 1 payload_size)" = 0 ]
	[ "$(field 2 payload_size)" = null ]
	run job-run --once
	[ "$(job-list -a -c)" = "$(counts 0 0 2 0)" ]
	[ ! -s "$TMP/stdin.1" ]
	[ ! -s "$TMP/stdin.2" ]
}

@test "-i with a missing file: exit 1, job-add: FILE: No such file or directory" {
	seed
	run --separate-stderr job-add -i "$TMP/missing" ok
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-add: $TMP/missing: No such file or directory" ]
	unchanged
}

@test "-i with a missing file creates no store" {
	handler ok 'exit 0'
	run --separate-stderr job-add -i "$TMP/missing" ok
	[ "$status" -eq 1 ]
	[ ! -e "$JOB_DB" ]
}

@test "-i with a file that cannot be read: exit 1, a clean message" {
	seed
	mkdir "$TMP/dir"
	run --separate-stderr job-add -i "$TMP/dir" ok
	cannot job-add
	[[ $stderr == "job-add: $TMP/dir: "* ]]
	unchanged
	printf 'secret' >"$TMP/unreadable"
	chmod 000 "$TMP/unreadable"
	if [ -r "$TMP/unreadable" ]; then
		return 0	# root reads it anyway; the directory case stands
	fi
	run --separate-stderr job-add -i "$TMP/unreadable" ok
	cannot job-add
	[ "$stderr" = "job-add: $TMP/unreadable: Permission denied" ]
	unchanged
}

@test "a full disk: exit 1, a clean message, the store unchanged" {
	seed
	head -c 400000 /dev/urandom >"$TMP/big"
	run --separate-stderr full_disk 64 job-add -i "$TMP/big" ok
	cannot job-add
	unchanged
	run --separate-stderr full_disk 0 job-add ok
	cannot job-add
	unchanged
	# and nothing is lost for later
	run --separate-stderr job-add ok
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

@test "a store path that is a file: exit 1, a clean message" {
	handler ok 'exit 0'
	printf 'x' >"$TMP/file"
	run --separate-stderr job-add -d "$TMP/file" ok
	cannot job-add
	[ "$stderr" = "job-add: $TMP/file: Not a directory" ]
	[ "$(cat "$TMP/file")" = x ]
}
