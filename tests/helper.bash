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
}

teardown() {
	local pid
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
# pass; fails (showing COMMAND) on timeout.  Never a bare sleep.
poll() {
	local limit=$1
	shift
	local deadline=$(($(date +%s%N) + limit * 1000000000))
	until "$@"; do
		if [ "$(date +%s%N)" -gt "$deadline" ]; then
			echo "poll: timed out after ${limit}s: $*" >&2
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

# is_state ID STATE: for poll.
is_state() {
	[ "$(state "$1")" = "$2" ]
}
