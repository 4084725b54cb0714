# helper.bash: loaded by every Bats file.  Each test gets a fresh store
# and handlers directory under its own temporary directory, and the
# built binaries first on PATH.

bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export PATH="$TOP/bin:$PATH"

setup() {
	export TMP="$BATS_TEST_TMPDIR"
	export JOB_DB="$TMP/db"
	export JOB_HANDLERS="$TMP/handlers"
	export TZ=UTC
	unset XDG_STATE_HOME XDG_CONFIG_HOME
	mkdir -p "$JOB_HANDLERS"
	chmod 755 "$JOB_HANDLERS"
	RUN_PIDS=()
	EXTRA_PIDS=()
	EXTRA_PID_FILES=()
}

# teardown: kills what a test may leave behind: first EXTRA_PIDS and the
# pids noted in EXTRA_PID_FILES (handlers, say, orphaned by a killed
# executor), then the runners started with start_runner.
teardown() {
	local pid f
	for f in "${EXTRA_PID_FILES[@]}"; do
		[ -s "$f" ] && EXTRA_PIDS+=("$(cat "$f")")
	done
	for pid in "${EXTRA_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	for pid in "${RUN_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${RUN_PIDS[@]}"; do
		wait_gone "$pid" 15 || kill -KILL "$pid" 2>/dev/null || true
	done
}

# handler NAME BODY: registers a handler whose body is a sh script.
handler() {
	printf '#!/bin/sh\n%s\n' "$2" >"$JOB_HANDLERS/$1"
	chmod 755 "$JOB_HANDLERS/$1"
}

# poll SECONDS COMMAND...: runs COMMAND until it succeeds or SECONDS
# pass; never a bare sleep.  On timeout it fails and says, once, what
# the last try saw: COMMAND, the SEEN that is_state, is_count and the
# like set, and COMMAND's own output (kept aside while it polls).
poll() {
	local limit=$1 out="$BATS_TEST_TMPDIR/poll.out"
	shift
	local deadline=$(($(date +%s%N) + limit * 1000000000))
	SEEN=
	until "$@" >"$out" 2>&1; do
		if [ "$(date +%s%N)" -gt "$deadline" ]; then
			echo "poll: timed out after ${limit}s: $*" >&2
			[ -z "$SEEN" ] || echo "poll: last seen: $SEEN" >&2
			[ ! -s "$out" ] || sed 's/^/poll: /' "$out" >&2
			return 1
		fi
		sleep 0.01
	done
}

# wait_gone PID SECONDS: waits for a process to exit.
wait_gone() {
	poll "$2" sh -c "! kill -0 $1 2>/dev/null"
}

# start_runner ARGS...: starts job-run in the background, its stderr in
# $TMP/run.log (appended), and remembers it for teardown.
start_runner() {
	job-run "$@" 2>>"$TMP/run.log" &
	RUNNER_PID=$!
	RUN_PIDS+=("$RUNNER_PID")
}

# stop_runner: SIGTERM and wait for the last runner started.
stop_runner() {
	kill -TERM "$RUNNER_PID"
	wait "$RUNNER_PID"
}

# state ID: prints a job's state.
state() {
	job-list --json "$1" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'
}

# field ID NAME: prints one field of a job's detail view.
field() {
	job-list "$1" | sed -n "s/^$2: //p"
}

# is_state ID STATE: for poll; SEEN says the state it found.
is_state() {
	local s
	s=$(state "$1")
	SEEN="job $1 is '$s'"
	[ "$s" = "$2" ]
}

# --- helpers shared by several Bats files ----------------------------------

# Time at the start of every event line of job-run's log.
TIME_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})'

# usage_of PROG: the usage lines that head PROG's help.
usage_of() {
	"$1" -h | sed '/^ *-/,$d'
}
declare -gA USAGE=()

# usage_error PROG: the last run was a usage error: exit 2, no stdout, "PROG: ..." then the usage on stderr.
usage_error() {
	[ -n "${USAGE[$1]-}" ] || USAGE[$1]=$(usage_of "$1")
	[ "$status" -eq 2 ] || { echo "$1: status $status, want 2"; return 1; }
	[ "$output" = "" ] || { echo "$1: stdout not empty: $output"; return 1; }
	[[ ${stderr_lines[0]} == "$1: "* ]] ||
		{ echo "$1: message not prefixed: $stderr"; return 1; }
	[ "${stderr#*$'\n'}" = "${USAGE[$1]}" ] ||
		{ echo "$1: no usage after the message: $stderr"; return 1; }
}

# cannot PROG: the last run failed cleanly: exit 1, no stdout, one line on stderr prefixed "PROG: ".
cannot() {
	[ "$status" -eq 1 ] || { echo "$1: status $status, want 1"; return 1; }
	[ "$output" = "" ] || { echo "$1: stdout not empty: $output"; return 1; }
	[ "${#stderr_lines[@]}" -eq 1 ] ||
		{ echo "$1: want one line on stderr: $stderr"; return 1; }
	[[ $stderr == "$1: "* ]] ||
		{ echo "$1: message not prefixed: $stderr"; return 1; }
}

# try CMD...: a lighter `run --separate-stderr` for long loops: sets status, output, stderr, stderr_lines.
try() {
	status=0
	output=$("$@" 2>"$TMP/stderr") || status=$?
	stderr=$(<"$TMP/stderr")
	mapfile -t stderr_lines <"$TMP/stderr"
}

# rejected PROG ARGS...: PROG ARGS is a usage error (callers check the store with unchanged).
rejected() {
	try "$@"
	usage_error "$1"
}

# snap: remembers the whole store, for unchanged.
snap() {
	job-list -a --json >"$TMP/snap"
}

# unchanged: the whole store is still as snap left it.
unchanged() {
	job-list -a --json | diff "$TMP/snap" -
}

# seed: puts one job (handler ok) in the store and snaps the store.
seed() {
	handler ok 'exit 0'
	job-add ok seed >/dev/null
	snap
}

# full_disk BLOCKS CMD...: runs CMD as if the disk were full after BLOCKS KiB per file (output through pipes).
full_disk() {
	local blocks=$1 err rc=0
	shift
	{ err=$(bash -c 'trap "" XFSZ; ulimit -f "$0" || exit 99
	    exec "$@" 2>&1 >&8 8>&-' "$blocks" "$@"); } 8>&1 || rc=$?
	[ -z "$err" ] || printf '%s\n' "$err" >&2
	return "$rc"
}

# epoch TIME: a time (RFC 3339, or local in $TZ) in seconds since the epoch.
epoch() {
	date -d "$1" +%s
}

# now_ns: the current time in nanoseconds.
now_ns() {
	date +%s%N
}

# jf ID KEY: one JSON field of a job, raw, arrays and objects on one line (null for null).
jf() {
	job-list --json "$1" | jq -rc ".$2"
}

# json_ids ARGS...: the ids `job-list --json ARGS` shows, space-separated.
json_ids() {
	job-list --json "$@" |
	    sed 's/^{"id":\([0-9]*\),.*/\1/' | paste -sd ' ' -
}

# counts P R D F: the exact output of job-list -c.
counts() {
	printf 'pending %s\nrunning %s\ndone %s\nfailed %s\n' "$@"
}

# is_count P R D F: job-list -c shows those counts (for poll too; SEEN
# says the counts it found).
is_count() {
	local c
	c=$(job-list -c)
	SEEN="counts $(printf '%s' "$c" | tr '\n' ' ')"
	[ "$c" = "$(counts "$@")" ]
}

# logs_are ID...: the store holds the output logs of exactly those jobs.
logs_are() {
	local want got
	want=$(printf '%s\n' "$@" | sort -n | paste -sd ' ' -)
	got=$(ls "$JOB_DB/logs" | sort -n | paste -sd ' ' -)
	[ "$got" = "$want" ] || { echo "logs of '$got', want '$want'"; return 1; }
}

# run_empty: no executor's file is left in the store's run directory.
run_empty() {
	local left
	left=$(ls -A "$JOB_DB/run")
	[ -z "$left" ] || { echo "run/ still holds: $left"; return 1; }
}

# once ARGS...: job-run --once ARGS, its stderr appended to $TMP/run.log.
once() {
	job-run --once "$@" 2>>"$TMP/run.log"
}

# has_file FILE: for poll; FILE exists and is not empty.
has_file() {
	[ -s "$1" ]
}

# pid_gone PID: the process no longer exists; a zombie counts as gone (PID 1 may not reap orphans).
# sleeping FILE: the process whose pid FILE holds has exec'd sleep.  A
# shell's background child that is signalled before its exec may lose the
# signal (the shell clears its traps there), so tests wait for the exec.
sleeping() {
	[ -s "$1" ] && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = sleep ]
}

pid_gone() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "${s%% *}" = Z ]
}

# done_failed_pending: job 1 done (it wrote out and err), 2 failed, 3 pending (due in an hour).
done_failed_pending() {
	handler ok 'echo out; echo err >&2'
	handler bad 'exit 3'
	job-add ok >/dev/null
	job-add bad >/dev/null
	job-schedule --in 1h ok >/dev/null
	job-run --once 2>/dev/null
	[ "$(state 1)" = done ]
	[ "$(state 2)" = failed ]
	[ "$(state 3)" = pending ]
}

# blocking_handler NAME: a handler that notes its pid and its child's in $TMP/pid, $TMP/child, a SIGTERM in $TMP/got, and waits.
blocking_handler() {
	EXTRA_PID_FILES+=("$TMP/pid" "$TMP/child")
	handler "$1" 'echo $$ >"$JOB_DB/../pid"
trap "echo term >\"\$JOB_DB/../got\"; exit 0" TERM
sleep 1000 &
echo $! >"$JOB_DB/../child"
wait'
}

# a_running_job [RUNNER ARGS...]: job 1 runs a blocking_handler (block) under a runner started with those args.
a_running_job() {
	blocking_handler block
	job-add block >/dev/null
	start_runner "$@"
	poll 10 is_state 1 running
	poll 10 test -s "$TMP/child"
}

# manual_error PREFIX [WORD=VALUE...]: the last_error text that job-run(1)
# lists starting with PREFIX (exactly one), each placeholder WORD (NAME,
# PATH, DIR, N, REASON, TEXT) replaced by its VALUE.  The manual is the
# one source of these texts that the tests hold the code to.
manual_error() {
	local prefix=$1 text n
	shift
	text=$(sed -n '/^\.\\" tests\/outcome-texts.bats reads this list/,/^\.Ed/p' \
	    "$TOP/man/job-run.1" | awk -v p="$prefix" 'index($0, p) == 1')
	n=$(printf '%s' "$text" | grep -c '')
	[ "$n" -eq 1 ] || { echo "manual_error: $n texts for '$prefix'" >&2; return 1; }
	# One pass, whole words: a value is never substituted again.
	perl -e 'my $t = shift; my %v = map { split /=/, $_, 2 } @ARGV;
	    my $w = join "|", map { quotemeta } keys %v;
	    $t =~ s/\b($w)\b/$v{$1}/g if @ARGV; print "$t\n"' "$text" "$@"
}
