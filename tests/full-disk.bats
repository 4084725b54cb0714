#!/usr/bin/env bats
# A real full disk: a small tmpfs in a private mount namespace holds the
# store.  The error named is the real one, nothing is lost, removing jobs
# still works and frees space, and output that could not be logged is
# said to be incomplete, in the log and in the outcome.

load helper

# small_disk KB: mounts a tmpfs of KB KiB on $TMP/fs in the mount
# namespace of a holder process ($FS_PID) and puts the store there.  The
# job commands below run in that namespace.
small_disk() {
	local flags
	mkdir -p "$TMP/fs"
	for flags in -rm -m; do
		unshare $flags true 2>/dev/null && break
	done
	unshare $flags --propagation private sh -c \
	    'mount -t tmpfs -o size="$1"k tmpfs "$2" && : >"$3" && exec sleep 1000' \
	    _ "$1" "$TMP/fs" "$TMP/fs.ready" &
	FS_PID=$!
	disown "$FS_PID"	# killed at teardown, without a word
	EXTRA_PIDS+=("$FS_PID")
	poll 10 test -e "$TMP/fs.ready"
	export JOB_DB="$TMP/fs/db"
}

# in_fs CMD...: runs CMD in the small disk's namespace.
in_fs() {
	nsenter -t "$FS_PID" -m -- "$@"
}

for c in job-add job-schedule job-recur job-list job-rm job-run; do
	eval "$c() { in_fs \"\$TOP/bin/$c\" \"\$@\"; }"
done

# fill: fills the small disk to its last block.
fill() {
	in_fs sh -c 'cat /dev/zero >"$1" 2>/dev/null; true' _ "$TMP/fs/filler"
	[ "$(in_fs df --output=avail "$TMP/fs" | tail -1)" -eq 0 ]
}

unfill() {
	in_fs rm -f "$TMP/fs/filler"
}

@test "a full disk: the real error, No space left on device; earlier jobs intact" {
	small_disk 3500
	handler same 'cmp -s - "$JOB_DB/../../big"'
	head -c 1500000 /dev/urandom >"$TMP/big"
	run --separate-stderr job-add -i "$TMP/big" same
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	job-add same >/dev/null
	before=$(job-list -a --json)
	run --separate-stderr job-add -i "$TMP/big" same
	cannot job-add
	[ "$stderr" = "job-add: cannot add job: No space left on device" ]
	[ "$(job-list -a --json)" = "$before" ]
	# The first payload is whole: its handler reads it back, once the
	# disk has room again for recording that it ran.
	in_fs mount -o remount,size=8m "$TMP/fs"
	run --separate-stderr job-run --once
	[ "$status" -eq 0 ]
	[ "$(jf 1 state)" = done ]
}

@test "job-rm of the big job works on a full disk, and its space comes back" {
	small_disk 4096
	handler ok 'exit 0'
	head -c 1500000 /dev/urandom >"$TMP/big"
	job-add -i "$TMP/big" ok >/dev/null
	job-add ok small >/dev/null
	fill
	run --separate-stderr job-add -i "$TMP/big" ok
	cannot job-add
	[ "$stderr" = "job-add: cannot add job: No space left on device" ]
	run --separate-stderr job-rm 1
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(json_ids)" = 2 ]
	# The store has its room again, the disk being as full as it was.
	head -c 1000000 /dev/urandom >"$TMP/smaller"
	run --separate-stderr job-add -i "$TMP/smaller" ok
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
	[ "$(json_ids)" = "2 3" ]
}

@test "job-rm --state works on a full disk (as pruning, which shares its code)" {
	small_disk 4096
	handler ok 'exit 0'
	head -c 1000000 /dev/urandom >"$TMP/big"
	job-add -i "$TMP/big" ok >/dev/null
	job-add ok >/dev/null
	job-run --once 2>/dev/null
	[ "$(job-list -c)" = "$(counts 0 0 2 0)" ]
	fill
	# Jobs until the store's own free pages are used up too.
	local n=0 size
	for size in 262144 32768 4096 0; do
		head -c "$size" /dev/zero >"$TMP/some"
		while job-add -i "$TMP/some" ok >/dev/null 2>&1; do
			n=$((n + 1))
			[ "$n" -lt 1000 ]
		done
	done
	run --separate-stderr job-rm --state done
	[ "$status" -eq 0 ]
	[ "$(job-list -c)" = "$(counts "$n" 0 0 0)" ]
}

@test "output written while the disk fills: the log and last_error say it is incomplete" {
	small_disk 4096
	handler chatty 'echo first
: >"$JOB_DB/../../started"
while [ ! -e "$JOB_DB/../../filled" ]; do sleep 0.01; done
head -c 200000 /dev/zero | tr "\0" x
exit 0'
	job-add chatty >/dev/null
	nsenter -t "$FS_PID" -m -- "$TOP/bin/job-run" 2>>"$TMP/run.log" &
	RUNNER_PID=$!
	RUN_PIDS+=("$RUNNER_PID")
	poll 10 test -e "$TMP/started"
	fill
	: >"$TMP/filled"
	poll 10 sh -c "nsenter -t $FS_PID -m -- head -1 '$JOB_DB/logs/1' |
	    grep -q 'output log incomplete'"
	[[ $(in_fs head -1 "$JOB_DB/logs/1") == "== attempt 1 at "*": exit 0 after "*"s; output log incomplete "*"==" ]]
	# Recording the outcome needs room too: it is retried until there is.
	unfill
	poll 15 is_state 1 done
	[ "$(jf 1 last_error)" = "$(manual_error "output log incomplete: REASON" \
	    REASON="No space left on device")" ]
	[ "$(in_fs sed -n 2p "$JOB_DB/logs/1")" = first ]
}
