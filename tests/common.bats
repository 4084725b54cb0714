#!/usr/bin/env bats
# common.bats: what every command shares (SPEC "Words" and "Every
# command"): -h/--help, -V/--version, unknown options, where the store
# and the handlers are, how the store is created, reading a store that
# does not exist, a store that cannot be used, messages and exit
# statuses, durability and atomicity.

bats_require_minimum_version 1.5.0
load helper

PROGS=(job-add job-schedule job-recur job-list job-rm job-run)

# immutable PATH...: makes PATHs unwritable even for root, or skips.
immutable() {
	if [ "$(id -u)" -ne 0 ]; then
		chmod a-w "$@"
	else
		chattr +i "$@" 2>/dev/null ||
			skip "cannot make a directory unwritable here (chattr +i)"
	fi
}

# mutable PATH...: undoes immutable.
mutable() {
	if [ "$(id -u)" -ne 0 ]; then
		chmod u+w "$@"
	else
		chattr -i "$@"
	fi
}

# A command line that reaches the store for each program.
store_cmd() {
	case $1 in
	job-add) echo "job-add -f ok" ;;
	job-schedule) echo "job-schedule -f --in 1h ok" ;;
	job-recur) echo "job-recur -f --every 1h ok" ;;
	job-list) echo "job-list" ;;
	job-rm) echo "job-rm 1" ;;
	job-run) echo "job-run --once" ;;
	esac
}

# args_in DIR: the args of job 1 in the store DIR, as JSON.
args_in() {
	job-list -d "$1" --json 1 | sed 's/.*"args":\(\[[^]]*\]\).*/\1/'
}

@test "-h and --help print the usage on stdout and exit 0, for every command" {
	for p in "${PROGS[@]}"; do
		echo "# $p"
		run --separate-stderr "$p" -h
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[[ ${lines[0]} == "usage: $p "* ]]
		local help=$output
		run --separate-stderr "$p" --help
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[ "$output" = "$help" ]
	done
}

@test "-h wins over the rest of the command line and touches no store" {
	for p in "${PROGS[@]}"; do
		echo "# $p"
		run --separate-stderr "$p" -h nothere 1 2
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[[ ${lines[0]} == "usage: $p "* ]]
	done
	[ ! -e "$JOB_DB" ]
}

@test "-V and --version print the program's name and version, exit 0" {
	for p in "${PROGS[@]}"; do
		echo "# $p"
		run --separate-stderr "$p" -V
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[ "${#lines[@]}" -eq 1 ]
		[[ $output =~ ^$p\ [0-9]+\.[0-9]+ ]]
		local version=$output
		run --separate-stderr "$p" --version
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[ "$output" = "$version" ]
	done
}

@test "an unknown short option is a usage error (exit 2), for every command" {
	for p in "${PROGS[@]}"; do
		echo "# $p"
		run --separate-stderr "$p" -Z
		usage_error "$p"
	done
	[ ! -e "$JOB_DB" ]
}

@test "an unknown long option is a usage error (exit 2), for every command" {
	for p in "${PROGS[@]}"; do
		echo "# $p"
		run --separate-stderr "$p" --no-such-option
		usage_error "$p"
	done
	[ ! -e "$JOB_DB" ]
}

@test "an option missing its value is a usage error (exit 2), for every command" {
	for p in "${PROGS[@]}"; do
		echo "# $p"
		run --separate-stderr "$p" -d
		usage_error "$p"
		run --separate-stderr "$p" --db
		usage_error "$p"
	done
	[ ! -e "$JOB_DB" ]
}

@test "a usage error changes nothing in the store" {
	handler ok 'exit 0'
	run job-add ok seed
	[ "$status" -eq 0 ]
	local before
	before=$(job-list -a --json)
	for p in "${PROGS[@]}"; do
		echo "# $p"
		run --separate-stderr "$p" -Z ok
		usage_error "$p"
	done
	[ "$(job-list -a --json)" = "$before" ]
}

@test "the store: -d DIR first" {
	export HOME="$TMP/home" XDG_STATE_HOME="$TMP/xdg"
	run --separate-stderr job-add -f -d "$TMP/opt" ok opt
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	[ "$(args_in "$TMP/opt")" = '["opt"]' ]
	[ ! -e "$JOB_DB" ]
	[ ! -e "$XDG_STATE_HOME/job" ]
	[ ! -e "$HOME/.local/state/job" ]
}

@test "the store: --db DIR is -d DIR" {
	run --separate-stderr job-add -f --db "$TMP/opt" ok opt
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run --separate-stderr job-list --db "$TMP/opt" --json 1
	[ "$status" -eq 0 ]
	[[ $output == '{"id":1,'* ]]
	[ ! -e "$JOB_DB" ]
}

@test "the store: \$JOB_DB without -d" {
	export HOME="$TMP/home" XDG_STATE_HOME="$TMP/xdg"
	run --separate-stderr job-add -f ok env
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(args_in "$JOB_DB")" = '["env"]' ]
	[ ! -e "$XDG_STATE_HOME/job" ]
	[ ! -e "$HOME/.local/state/job" ]
	# Readers and removers resolve it the same way.
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[[ $output == '{"id":1,'* ]]
	run --separate-stderr job-rm 1
	[ "$status" -eq 0 ]
	[ "$(job-list -d "$JOB_DB" -c)" = "$(counts 0 0 0 0)" ]
}

@test "the store: \$XDG_STATE_HOME/job without -d or \$JOB_DB" {
	unset JOB_DB
	export HOME="$TMP/home" XDG_STATE_HOME="$TMP/xdg"
	run --separate-stderr job-add -f ok xdg
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(args_in "$TMP/xdg/job")" = '["xdg"]' ]
	[ ! -e "$HOME/.local/state/job" ]
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[[ $output == '{"id":1,'* ]]
}

@test "the store: \$HOME/.local/state/job as the last resort" {
	unset JOB_DB
	export HOME="$TMP/home"
	run --separate-stderr job-add -f ok home
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(args_in "$HOME/.local/state/job")" = '["home"]' ]
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[[ $output == '{"id":1,'* ]]
}

@test "the store: an empty \$XDG_STATE_HOME counts as unset" {
	unset JOB_DB
	export HOME="$TMP/home" XDG_STATE_HOME=
	run --separate-stderr job-add -f ok home
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(args_in "$HOME/.local/state/job")" = '["home"]' ]
}

@test "the store: an empty \$JOB_DB counts as unset" {
	export HOME="$TMP/home" JOB_DB=
	run --separate-stderr job-add -f ok home
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(args_in "$HOME/.local/state/job")" = '["home"]' ]
}

@test "the store: no -d, \$JOB_DB, \$XDG_STATE_HOME nor \$HOME is an error (exit 1)" {
	unset JOB_DB HOME
	for p in job-add job-list job-rm; do
		echo "# $p"
		run --separate-stderr $(store_cmd $p)
		cannot "$p"
	done
}

@test "the handlers: -H DIR first, then \$JOB_HANDLERS" {
	export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/cfg"
	mkdir -p "$TMP/opt" "$TMP/cfg/job/handlers" "$HOME/.config/job/handlers"
	printf '#!/bin/sh\n' >"$TMP/opt/in_opt"
	chmod 755 "$TMP/opt/in_opt"
	handler in_env 'exit 0'
	cp "$TMP/opt/in_opt" "$TMP/cfg/job/handlers/in_cfg"
	cp "$TMP/opt/in_opt" "$HOME/.config/job/handlers/in_home"

	run --separate-stderr job-add -H "$TMP/opt" in_opt
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run --separate-stderr job-add --handlers "$TMP/opt" in_opt
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	run --separate-stderr job-add -H "$TMP/opt" in_env
	usage_error job-add
	run --separate-stderr job-add in_env
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
	for h in in_opt in_cfg in_home; do
		run --separate-stderr job-add "$h"
		usage_error job-add
	done
	is_count 3 0 0 0
}

@test "the handlers: \$XDG_CONFIG_HOME/job/handlers, then \$HOME/.config/job/handlers" {
	unset JOB_HANDLERS
	export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/cfg"
	mkdir -p "$TMP/cfg/job/handlers" "$HOME/.config/job/handlers"
	printf '#!/bin/sh\n' >"$TMP/cfg/job/handlers/in_cfg"
	chmod 755 "$TMP/cfg/job/handlers/in_cfg"
	cp "$TMP/cfg/job/handlers/in_cfg" "$HOME/.config/job/handlers/in_home"

	run --separate-stderr job-add in_cfg
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run --separate-stderr job-add in_home
	usage_error job-add

	unset XDG_CONFIG_HOME
	run --separate-stderr job-add in_home
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	run --separate-stderr job-add in_cfg
	usage_error job-add
}

@test "the store is created on first write: directory 0700, files 0600, whatever the umask" {
	handler ok 'echo out'
	[ ! -e "$JOB_DB" ]
	run --separate-stderr sh -c 'umask 000 && exec job-add ok'
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(stat -c %a "$JOB_DB")" = 700 ]
	[ -n "$(find "$JOB_DB" -type f)" ]
	[ "$(find "$JOB_DB" -type f ! -perm 600)" = "" ]
	[ "$(find "$JOB_DB" -type d ! -perm 700)" = "" ]
	# The job's log, written by the executor, too.
	run sh -c 'umask 000 && exec job-run --once 2>/dev/null'
	[ "$status" -eq 0 ]
	[ "$(state 1)" = done ]
	[ "$(find "$JOB_DB" -type f ! -perm 600)" = "" ]
	[ "$(find "$JOB_DB" -type d ! -perm 700)" = "" ]
}

@test "the store is created with missing parent directories" {
	export JOB_DB="$TMP/a/b/c/db"
	handler ok 'exit 0'
	run --separate-stderr job-add ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(stat -c %a "$JOB_DB")" = 700 ]
}

@test "the store is created on first write under a restrictive umask too" {
	handler ok 'exit 0'
	run --separate-stderr sh -c 'umask 077 && exec job-add ok'
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(stat -c %a "$JOB_DB")" = 700 ]
	[ "$(find "$JOB_DB" -type f ! -perm 600)" = "" ]
}

@test "job-run creates the store if needed" {
	run --separate-stderr job-run --once
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(stat -c %a "$JOB_DB")" = 700 ]
	is_count 0 0 0 0
}

@test "reading a store that does not exist: no jobs, no error, nothing created" {
	local args
	for args in "job-list" "job-list -a --json" \
	    "job-list -s done,failed --handler x -q y --name z"; do
		echo "# $args"
		run --separate-stderr $args
		[ "$status" -eq 0 ]
		[ "$output" = "" ]
		[ "$stderr" = "" ]
	done
	for args in "job-rm --state done" "job-rm --state pending" \
	    "job-rm --state failed --older-than 1d"; do
		echo "# $args"
		run --separate-stderr $args
		[ "$status" -eq 0 ]
		[ "$output" = 0 ]
		[ "$stderr" = "" ]
	done
	run --separate-stderr job-list -c
	[ "$status" -eq 0 ]
	[ "$output" = "$(counts 0 0 0 0)" ]
	[ "$stderr" = "" ]
	[ ! -e "$JOB_DB" ]
}

@test "a job that does not exist in a store that does not exist is 'no such job' (exit 1)" {
	local args
	for args in "job-list 1" "job-list --json 1" "job-list -l 1" "job-rm 1"; do
		echo "# $args"
		run --separate-stderr $args
		[ "$status" -eq 1 ]
		[ "$output" = "" ]
		[ "$stderr" = "${args%% *}: job 1: no such job" ]
	done
	run --separate-stderr job-rm --name nightly
	cannot job-rm
	[ ! -e "$JOB_DB" ]
}

@test "a store path that is a regular file: exit 1, a clean message, the file untouched" {
	printf 'not a store\n' >"$TMP/file"
	export JOB_DB="$TMP/file"
	for p in "${PROGS[@]}"; do
		echo "# $p"
		run --separate-stderr $(store_cmd $p)
		cannot "$p"
		[ "$stderr" = "$p: $TMP/file: Not a directory" ]
	done
	for args in "job-list -c" "job-list --json 1" "job-list -l 1" \
	    "job-rm --state done"; do
		echo "# $args"
		run --separate-stderr $args
		cannot "${args%% *}"
	done
	[ "$(cat "$TMP/file")" = "not a store" ]
}

@test "a store path under a regular file: exit 1, a clean message" {
	printf 'x\n' >"$TMP/file"
	export JOB_DB="$TMP/file/db"
	for p in "${PROGS[@]}"; do
		echo "# $p"
		run --separate-stderr $(store_cmd $p)
		cannot "$p"
	done
	[ "$(cat "$TMP/file")" = x ]
}

@test "-d with a store path that is a file is the same error" {
	printf 'x\n' >"$TMP/file"
	run --separate-stderr job-add -f -d "$TMP/file" ok
	cannot job-add
	[ "$stderr" = "job-add: $TMP/file: Not a directory" ]
	run --separate-stderr job-list -d "$TMP/file"
	cannot job-list
	[ "$stderr" = "job-list: $TMP/file: Not a directory" ]
}

@test "a store directory that cannot be written: exit 1, a clean message, nothing created" {
	mkdir "$JOB_DB"
	immutable "$JOB_DB"
	run --separate-stderr job-add -f ok
	mutable "$JOB_DB"
	cannot job-add
	[ "$(ls -A "$JOB_DB")" = "" ]
}

@test "a store that cannot be written: adding fails cleanly, the jobs are still there" {
	handler ok 'exit 0'
	run job-add ok a
	[ "$status" -eq 0 ]
	local before add rm
	before=$(job-list -a --json)
	immutable "$JOB_DB" "$JOB_DB"/*.mdb
	run --separate-stderr job-add ok b
	add="$status|$output|$stderr"
	run --separate-stderr job-rm 1
	rm="$status|$output|$stderr"
	mutable "$JOB_DB" "$JOB_DB"/*.mdb
	# exit 1, nothing on stdout, one line on stderr
	[[ $add == "1||job-add: "* && $add != *$'\n'* ]] || { echo "$add"; false; }
	[[ $rm == "1||job-rm: "* && $rm != *$'\n'* ]] || { echo "$rm"; false; }
	[ "$(job-list -a --json)" = "$before" ]
}

@test "a full disk when creating the store: exit 1, a clean message, no jobs" {
	run --separate-stderr full_disk 0 job-add -f ok
	cannot job-add
	run --separate-stderr job-list -a --json
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	# Once there is room, the store works and ids start at 1.
	run --separate-stderr job-add -f ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "a full disk loses nothing: the store stays usable" {
	handler ok 'exit 0'
	run job-add ok a
	[ "$status" -eq 0 ]
	local before
	before=$(job-list -a --json)
	head -c 300000 /dev/zero >"$TMP/big"
	run --separate-stderr full_disk 64 job-add -i "$TMP/big" ok b
	cannot job-add
	[ "$(job-list -a --json)" = "$before" ]
	run --separate-stderr job-add ok c
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

@test "the store grows as needed: a large payload and many jobs fit" {
	handler ok 'exit 0'
	head -c 20000000 /dev/zero >"$TMP/big"
	run --separate-stderr job-add -i "$TMP/big" ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	seq 30000 >"$TMP/items"
	run --separate-stderr job-add --each ok <"$TMP/items"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 30000 ]
	[ "${lines[29999]}" = 30001 ]
	is_count 30001 0 0 0
	[ "$(field 1 payload_size)" = 20000000 ]
}

@test "messages go to stderr prefixed with the program; stdout has only results" {
	handler ok 'exit 0'
	run --separate-stderr job-add ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$stderr" = "" ]
	run --separate-stderr job-rm 1
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run --separate-stderr job-rm 1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-rm: job 1: no such job" ]
	run --separate-stderr job-add nothere
	usage_error job-add
}

@test "a program called by another path still prefixes messages with its name" {
	mkdir "$TMP/b"
	ln -s "$TOP/bin/job-rm" "$TMP/b/job-rm"
	run --separate-stderr "$TMP/b/job-rm" 7
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-rm: job 7: no such job" ]
}

@test "output that cannot be written is an error (exit 1), said on stderr" {
	[ -w /dev/full ] || skip "no /dev/full"
	handler ok 'exit 0'
	job-add ok >/dev/null
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	local p
	for p in "job-list" "job-list -c" "job-list --json 1" "job-add -V" "job-rm -h"; do
		echo "# $p"
		run --separate-stderr sh -c "exec $p >/dev/full"
		[ "$status" -eq 1 ]
		[[ $stderr == "${p%% *}: "* ]]
	done
}

@test "ids are positive, increasing, and never reused" {
	handler ok 'exit 0'
	run job-add ok
	[ "$output" = 1 ]
	run job-schedule --in 1h ok
	[ "$output" = 2 ]
	run job-recur --every 1h ok
	[ "$output" = 3 ]
	run job-rm 3 2
	[ "$status" -eq 0 ]
	run job-add ok
	[ "$output" = 4 ]
	run job-rm 1 4
	[ "$status" -eq 0 ]
	run job-add ok
	[ "$output" = 5 ]
}

@test "ids are not reused once the store holds no job" {
	handler ok 'exit 0'
	run job-add ok
	[ "$output" = 1 ]
	run job-run --once
	[ "$status" -eq 0 ]
	run job-rm --state done
	[ "$status" -eq 0 ]
	[ "$(job-list -a -c)" = "$(counts 0 0 0 0)" ]
	run job-add ok
	[ "$output" = 2 ]
}

@test "any number of processes may use one store at once: every add gets its own id" {
	handler ok 'exit 0'
	local i pids=()
	for i in $(seq 10); do
		job-add ok "$i" >"$TMP/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	[ "$(cat "$TMP"/out.* | sort -n)" = "$(seq 10)" ]
	# Each job holds the argument of the process that printed its id.
	local want=
	for i in $(seq 10); do
		want+="$(cat "$TMP/out.$i") $i"$'\n'
	done
	[ "$(job-list --json |
	    sed 's/^{"id":\([0-9]*\),.*"args":\["\([0-9]*\)"\].*/\1 \2/')" = \
	    "$(printf %s "$want" | sort -n)" ]
}

@test "readers and writers at once: a reader always sees a consistent store" {
	handler ok 'exit 0'
	seq 3000 >"$TMP/items"
	job-add --each ok <"$TMP/items" >/dev/null &
	local pid=$! n
	# Each count is all or nothing of the one transaction.
	while kill -0 "$pid" 2>/dev/null; do
		n=$(job-list -c | sed -n 's/^pending //p')
		[ "$n" -eq 0 ] || [ "$n" -eq 3000 ]
	done
	wait "$pid"
	is_count 3000 0 0 0
}

@test "a job added is durable: a fresh process sees it at once" {
	handler ok 'exit 0'
	run job-add ok x
	[ "$output" = 1 ]
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[[ $output == '{"id":1,"state":"pending","handler":"ok","args":["x"],'* ]]
	# and through a different path to the same store
	ln -s "$JOB_DB" "$TMP/alias"
	run --separate-stderr job-list -d "$TMP/alias" --json 1
	[ "$status" -eq 0 ]
	[[ $output == '{"id":1,"state":"pending","handler":"ok","args":["x"],'* ]]
}

@test "interrupting a command before it commits leaves nothing behind" {
	handler ok 'exit 0'
	run job-add ok seed
	[ "$output" = 1 ]
	local before
	before=$(job-list -a --json)
	mkfifo "$TMP/fifo"
	job-add --each ok <"$TMP/fifo" >/dev/null 2>&1 &
	local pid=$!
	local w
	exec {w}>"$TMP/fifo"
	printf 'a\nb\nc\n' >&"$w"
	kill -KILL "$pid"
	wait "$pid" || true
	exec {w}>&-
	[ "$(job-list -a --json)" = "$before" ]
	run job-add ok after
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

@test "interrupting a command at any moment: all of the change or none of it" {
	handler ok 'exit 0'
	seq 20000 >"$TMP/items"
	job-add --each ok <"$TMP/items" >/dev/null 2>&1 &
	local pid=$!
	poll 10 test -e "$JOB_DB/data.mdb"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" || true
	run --separate-stderr job-list -c
	[ "$status" -eq 0 ]
	[ "$output" = "$(counts 0 0 0 0)" ] ||
		[ "$output" = "$(counts 20000 0 0 0)" ]
	# The store is still usable and ids go on.
	local n=${lines[0]#pending }
	run --separate-stderr job-add ok
	[ "$status" -eq 0 ]
	[ "$output" = $((n + 1)) ]
}

@test "options end at HANDLER; -- also ends them, for every enqueuer" {
	handler ok 'exit 0'
	run --separate-stderr job-add ok -p 5 -- -h
	[ "$output" = 1 ]
	run --separate-stderr job-schedule --in 1h ok -p 5 -- -h
	[ "$output" = 2 ]
	run --separate-stderr job-recur --every 1h ok -p 5 -- -h
	[ "$output" = 3 ]
	run --separate-stderr job-add -p 1 -- ok -q x
	[ "$output" = 4 ]
	for id in 1 2 3; do
		[ "$(field $id priority)" = 0 ]
		[ "$(field $id args)" = "-p 5 -- -h" ]
	done
	[ "$(field 4 priority)" = 1 ]
	[ "$(field 4 queue)" = default ]
	[ "$(field 4 args)" = "-q x" ]
}
