#!/usr/bin/env bats
# stdio.bats: commands started with standard input, output or error
# closed (SPEC "Every command"): each still works, and nothing meant for
# those descriptors ever lands in the store's files.

bats_require_minimum_version 1.5.0
load helper

# The ways of starting a command: each descriptor closed, then all three.
CLOSINGS=("0" "1" "2" "0 1 2")

# closed FDS CMD...: runs CMD with the descriptors FDS closed; sets
# status, and output and stderr from the ones left open.
closed() {
	local fds=$1 redir= fd
	shift
	for fd in $fds; do
		redir+=" $fd>&-"
	done
	status=0
	bash -c "exec $redir; exec \"\$@\"" closed "$@" \
	    >"$TMP/out" 2>"$TMP/err" || status=$?
	output=$(<"$TMP/out")
	stderr=$(<"$TMP/err")
}

# is_open FDS N: descriptor N is not among FDS.
is_open() {
	[[ " $1 " != *" $2 "* ]]
}

# want_out FDS TEXT: stdout was TEXT, or nothing if it was closed.
want_out() {
	if is_open "$1" 1; then
		[ "$output" = "$2" ] || { echo "stdout: '$output', want '$2'"; return 1; }
	else
		[ "$output" = "" ]
	fi
}

# want_err FDS TEXT: stderr was TEXT, or nothing if it was closed.
want_err() {
	if is_open "$1" 2; then
		[ "$stderr" = "$2" ] || { echo "stderr: '$stderr', want '$2'"; return 1; }
	else
		[ "$stderr" = "" ]
	fi
}

# clean_store: no message and no event line in the store's files, and
# the store reads back whole.
clean_store() {
	local f
	for f in "$JOB_DB/data.mdb" "$JOB_DB/lock.mdb"; do
		[ -e "$f" ] || continue
		! grep -aq -e 'event=' -e 'job-[a-z]*: ' -e 'line=' "$f" ||
			{ echo "$f holds output"; return 1; }
	done
	run --separate-stderr job-list -a --json
	[ "$status" -eq 0 ] || { echo "job-list: $status $stderr"; return 1; }
	[ "$stderr" = "" ]
	run --separate-stderr job-list -c
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

# fresh: an empty store and handler ok, for the next closing.
fresh() {
	rm -rf "$JOB_DB"
	handler ok 'echo out; echo err >&2'
}

@test "job-list 77 <&- 2>&-: exit 1, and the message is not written into the store" {
	handler ok 'exit 0'
	job-add ok a >/dev/null
	snap
	closed "0 2" job-list 77
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	clean_store
	unchanged
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[[ $output == "1      pending "* ]]
}

@test "job-run --once <&- >&- 2>&-: the jobs run, no event line in the store" {
	handler ok 'echo out; echo err >&2'
	job-add ok >/dev/null
	job-add ok >/dev/null
	closed "0 1 2" job-run --once -v
	[ "$status" -eq 0 ]
	clean_store
	is_count 0 0 2 0
	[ "$(job-list -l 1 | sed 1d)" = $'out\nerr' ]
}

@test "job-run --once 2>&-: the jobs run, no event line in lock.mdb" {
	handler ok 'echo out'
	job-add ok >/dev/null
	closed 2 job-run --once -v
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	clean_store
	is_count 0 0 1 0
}

@test "job-add with each standard descriptor closed, then all three: it works" {
	local c
	for c in "${CLOSINGS[@]}"; do
		echo "# closed: $c"
		fresh
		closed "$c" job-add ok x
		[ "$status" -eq 0 ]
		want_out "$c" 1
		want_err "$c" ""
		clean_store
		[ "$(jf 1 args)" = '["x"]' ]
		is_count 1 0 0 0
	done
}

@test "job-add -i - and --each with stdin closed read it as empty" {
	local c
	for c in "0" "0 1 2"; do
		echo "# closed: $c"
		fresh
		closed "$c" job-add -i - ok
		[ "$status" -eq 0 ]
		want_out "$c" 1
		want_err "$c" ""
		[ "$(jf 1 payload_size)" = 0 ]
		closed "$c" job-add --each ok
		[ "$status" -eq 0 ]
		[ "$output" = "" ]
		want_err "$c" ""
		clean_store
		is_count 1 0 0 0
	done
}

@test "job-schedule with each standard descriptor closed, then all three: it works" {
	local c
	for c in "${CLOSINGS[@]}"; do
		echo "# closed: $c"
		fresh
		closed "$c" job-schedule --at @2000000000 ok x
		[ "$status" -eq 0 ]
		want_out "$c" 1
		want_err "$c" ""
		clean_store
		[ "$(jf 1 run_at)" = 2033-05-18T03:33:20Z ]
		is_count 1 0 0 0
	done
}

@test "job-recur with each standard descriptor closed, then all three: it works" {
	local c
	for c in "${CLOSINGS[@]}"; do
		echo "# closed: $c"
		fresh
		closed "$c" job-recur --every 1h --name tick ok
		[ "$status" -eq 0 ]
		want_out "$c" 1
		want_err "$c" ""
		clean_store
		[ "$(jf 1 name)" = tick ]
		is_count 1 0 0 0
		closed "$c" job-recur --every 1h --next 2 --from @0
		[ "$status" -eq 0 ]
		want_out "$c" $'1970-01-01T00:00:00Z\n1970-01-01T01:00:00Z'
	done
}

@test "job-list with each standard descriptor closed, then all three: it works" {
	local c
	for c in "${CLOSINGS[@]}"; do
		echo "# closed: $c"
		fresh
		job-schedule --at @2000000000 ok x >/dev/null
		job-add ok y >/dev/null
		snap
		closed "$c" job-list
		[ "$status" -eq 0 ]
		want_out "$c" "$(job-list)"
		want_err "$c" ""
		closed "$c" job-list --json 1 77
		[ "$status" -eq 1 ]
		want_out "$c" "$(job-list --json 1)"
		want_err "$c" "job-list: job 77: no such job"
		closed "$c" job-list -c
		[ "$status" -eq 0 ]
		want_out "$c" "$(counts 2 0 0 0)"
		clean_store
		unchanged
	done
}

@test "job-rm with each standard descriptor closed, then all three: it works" {
	local c
	for c in "${CLOSINGS[@]}"; do
		echo "# closed: $c"
		fresh
		job-add ok >/dev/null
		job-add ok >/dev/null
		closed "$c" job-rm 1 77
		[ "$status" -eq 1 ]
		[ "$output" = "" ]
		want_err "$c" "job-rm: job 77: no such job"
		clean_store
		[ "$(json_ids -a)" = 2 ]
	done
}

@test "job-run with each standard descriptor closed, then all three: it works" {
	local c
	for c in "${CLOSINGS[@]}"; do
		echo "# closed: $c"
		fresh
		job-add ok >/dev/null
		job-add ok >/dev/null
		closed "$c" job-run --once -v
		[ "$status" -eq 0 ]
		[ "$output" = "" ]
		if is_open "$c" 2; then
			[ "$(grep -c ' event=done ' <<<"$stderr")" = 2 ]
		fi
		clean_store
		is_count 0 0 2 0
		[ "$(job-list -l 2 | sed 1d)" = $'out\nerr' ]
	done
}
