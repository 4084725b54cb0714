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

# no_reader [ignore|block] CMD...: runs CMD with stdout a pipe whose
# reader is gone, SIGPIPE inherited as the default, ignored or blocked;
# sets status and stderr.
no_reader() {
	local how=default
	case $1 in default|ignore|block) how=$1; shift ;; esac
	status=0
	perl -MPOSIX -e '
		my $how = shift;
		$SIG{PIPE} = "IGNORE" if $how eq "ignore";
		sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGPIPE))
		    if $how eq "block";
		pipe(my $r, my $w) or die "pipe: $!";
		close $r;
		open(STDOUT, ">&", $w) or die "dup: $!";
		close $w;
		exec @ARGV or die "exec: $!"' "$how" "$@" 2>"$TMP/err" ||
	    status=$?
	stderr=$(<"$TMP/err")
}

# ten_jobs: jobs 1 to 10 in the store, each with a line of output in its log.
ten_jobs() {
	handler ok 'echo out'
	seq 10 | job-add --each ok >/dev/null
	job-run --once 2>/dev/null
}

@test "job-add, job-schedule, job-recur: the id cannot be written (>/dev/full): exit 1, the message says the job was added" {
	[ -w /dev/full ] || skip "no /dev/full"
	handler ok 'exit 0'
	local err=", but its id could not be written: No space left on device"
	run --separate-stderr sh -c 'exec job-add ok a >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-add: job 1 added$err" ]
	run --separate-stderr sh -c 'exec job-schedule --in 1h ok b >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-schedule: job 2 added$err" ]
	run --separate-stderr sh -c 'exec job-recur --every 1h ok c >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-recur: job 3 added$err" ]
	# The jobs are in the store, whole.
	is_count 3 0 0 0
	[ "$(jf 1 args)" = '["a"]' ]
	[ "$(jf 2 args)" = '["b"]' ]
	[ "$(jf 3 name)" = ok ]
}

@test "a retry with the same key or definition finds the job: the message says it was already there" {
	[ -w /dev/full ] || skip "no /dev/full"
	handler ok 'exit 0'
	local err=", but its id could not be written: No space left on device"
	run --separate-stderr sh -c 'exec job-add -k K ok >/dev/full'
	[ "$stderr" = "job-add: job 1 added$err" ]
	run --separate-stderr sh -c 'exec job-add -k K ok >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-add: job 1 was already in the store$err" ]
	run --separate-stderr job-add -k K ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run --separate-stderr sh -c 'exec job-recur --every 1h ok >/dev/full'
	[ "$stderr" = "job-recur: job 2 added$err" ]
	run --separate-stderr sh -c 'exec job-recur --every 1h ok >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-recur: job 2 was already in the store$err" ]
	is_count 2 0 0 0
}

@test "job-add --each: the ids cannot be written: exit 1, the message names the range of ids added" {
	[ -w /dev/full ] || skip "no /dev/full"
	handler ok 'exit 0'
	run --separate-stderr sh -c 'printf "a\nb\nc\n" | job-add --each ok >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-add: jobs 1-3 added, but their ids could not be written: No space left on device" ]
	run --separate-stderr sh -c 'echo d | job-add --each ok >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-add: job 4 added, but its id could not be written: No space left on device" ]
	# With a key, the job may have been there before: "in the store".
	run --separate-stderr sh -c 'printf "e\nf\n" | job-add --each -k K ok >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-add: job 5 is in the store, but its id could not be written: No space left on device" ]
	is_count 5 0 0 0
	[ "$(jf 3 args)" = '["c"]' ]
	# Empty input adds nothing and writes nothing: no error.
	run --separate-stderr sh -c 'job-add --each ok </dev/null >/dev/full'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

@test "a closed pipe after an add: the message, not a silent death by SIGPIPE" {
	handler ok 'exit 0'
	local err=", but its id could not be written: Broken pipe"
	no_reader job-add ok
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-add: job 1 added$err" ]
	no_reader job-schedule --in 1h ok
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-schedule: job 2 added$err" ]
	no_reader job-recur --every 1h ok
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-recur: job 3 added$err" ]
	seq 100000 >"$TMP/items"
	no_reader job-add --each ok <"$TMP/items"
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-add: jobs 4-100003 added, but their ids could not be written: Broken pipe" ]
	is_count 100003 0 0 0
}

@test "job-add >&-: the id goes nowhere, exit 0" {
	handler ok 'exit 0'
	run --separate-stderr job-add ok >&-
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	is_count 1 0 0 0
}

@test "job-list to a closed pipe: a quiet end by SIGPIPE, whatever SIGPIPE was (default, ignored, blocked)" {
	ten_jobs
	local how args
	for how in default ignore block; do
		for args in "-a" "-a --json" "--json 1 2" "1 2" "-c" "-l 1"; do
			echo "# SIGPIPE $how: job-list $args"
			no_reader $how job-list $args
			[ "$status" -eq 141 ]
			[ "$stderr" = "" ]
		done
	done
}

@test "job-list --json | head -1: the first line, nothing on stderr, even with SIGPIPE ignored" {
	handler ok 'exit 0'
	seq 3000 | job-add --each ok >/dev/null
	run --separate-stderr bash -c 'job-list --json | head -1'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ $output == '{"id":1,'* ]]
	run --separate-stderr bash -c 'trap "" PIPE; job-list --json | head -1; exit "${PIPESTATUS[0]}"'
	[ "$status" -eq 141 ]
	[ "$stderr" = "" ]
	[[ $output == '{"id":1,'* ]]
	run --separate-stderr bash -c 'trap "" PIPE; job-list | head -1; exit "${PIPESTATUS[0]}"'
	[ "$status" -eq 141 ]
	[ "$stderr" = "" ]
	[[ $output == '1      pending '* ]]
}

@test "job-list >/dev/full: exit 1, the real error named, never Input/output error" {
	[ -w /dev/full ] || skip "no /dev/full"
	ten_jobs
	local args
	for args in "-a" "-a --json" "--json 1 2" "1 2" "-c" "-l 1"; do
		echo "# job-list $args"
		run --separate-stderr sh -c "exec job-list $args >/dev/full"
		[ "$status" -eq 1 ]
		[ "$stderr" = "job-list: write error: No space left on device" ]
	done
}
