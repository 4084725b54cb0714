#!/usr/bin/env bats
# Stores that are not job's: random bytes, an empty data file, another
# program's LMDB environment.  Each is refused by every command, and
# nothing is written to it; a read-only command never writes.

load helper

# Every command, with what it needs to get as far as the store.
COMMANDS=(
	"job-add -f ok"
	"job-schedule -f --in 1h ok"
	"job-recur -f --every 1h ok"
	"job-list"
	"job-list -c"
	"job-list -a --json"
	"job-list 1"
	"job-list -l 1"
	"job-rm 1"
	"job-rm --state done"
	"job-run --once"
)

# listing: the store directory's files, sizes and modes (not the size of
# lock.mdb, LMDB's shared memory, which a reader may size for its readers).
listing() {
	(cd "$JOB_DB" && find . -printf '%p %s %m\n' | sort |
	    sed 's/^\(\.\/lock\.mdb\) [0-9]*/\1/')
}

# refused_by_all MESSAGE: every command exits 1 with "PROG: DB: MESSAGE",
# and leaves the store directory as it found it: no new file, data.mdb
# byte for byte.
refused_by_all() {
	local before c
	before=$(listing)
	cp "$JOB_DB/data.mdb" "$TMP/data.orig"
	for c in "${COMMANDS[@]}"; do
		try $c
		cannot "${c%% *}"
		[ "$stderr" = "${c%% *}: $JOB_DB: $1" ] ||
			{ echo "$c: $stderr"; return 1; }
		[ "$(listing)" = "$before" ] ||
			{ echo "$c changed the store:"; listing; return 1; }
		cmp "$JOB_DB/data.mdb" "$TMP/data.orig"
	done
}

foreign() {
	"$TOP/build/tests/corrupt" -f "$JOB_DB"
}

@test "a data.mdb of random bytes: corrupt, from every command, nothing written" {
	mkdir "$JOB_DB"
	head -c 100000 /dev/urandom >"$JOB_DB/data.mdb"
	refused_by_all "corrupt record or store"
	[ "$(ls -A "$JOB_DB")" = data.mdb ]
}

@test "a short data.mdb: corrupt, nothing written" {
	mkdir "$JOB_DB"
	printf 'xyz' >"$JOB_DB/data.mdb"
	refused_by_all "corrupt record or store"
}

@test "another program's LMDB environment: not a job store, nothing written" {
	foreign
	[ -e "$JOB_DB/lock.mdb" ]
	refused_by_all "not a job store"
}

@test "another program's environment without lock.mdb: no lock.mdb created" {
	foreign
	rm "$JOB_DB/lock.mdb"
	refused_by_all "not a job store"
	[ ! -e "$JOB_DB/lock.mdb" ]
}

@test "an empty data.mdb reads as no jobs, unchanged; the first write makes the store" {
	mkdir "$JOB_DB"
	: >"$JOB_DB/data.mdb"
	local before
	before=$(listing)
	run --separate-stderr job-list -a --json
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run --separate-stderr job-list -c
	[ "$status" -eq 0 ]
	[ "$output" = "$(counts 0 0 0 0)" ]
	[ "$(listing)" = "$before" ]
	[ ! -s "$JOB_DB/data.mdb" ]
	run --separate-stderr job-add -f ok
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(state 1)" = pending ]
}

@test "read-only commands create no file and change no byte of data.mdb" {
	handler ok 'exit 0'
	job-add ok a >/dev/null
	job-add ok b >/dev/null
	job-run --once 2>/dev/null
	rm "$JOB_DB/lock.mdb"
	local before
	before=$(listing)
	cp "$JOB_DB/data.mdb" "$TMP/data.orig"
	for c in "job-list" "job-list -c" "job-list -a --json" "job-list 1" \
	    "job-list -l 1"; do
		try $c
		[ "$(listing)" = "$before" ] || { echo "$c"; listing; false; }
		cmp "$JOB_DB/data.mdb" "$TMP/data.orig"
	done
	[ "$(job-list -a --json | wc -l)" -eq 2 ]
	# With lock.mdb there (a store in use), data.mdb is still untouched.
	job-add ok c >/dev/null
	cp "$JOB_DB/data.mdb" "$TMP/data.orig"
	job-list -a >/dev/null
	job-list -c >/dev/null
	cmp "$JOB_DB/data.mdb" "$TMP/data.orig"
}

@test "a store without lock.mdb (a copy) is still written by job-rm" {
	handler ok 'exit 0'
	job-add ok a >/dev/null
	job-add ok b >/dev/null
	rm "$JOB_DB/lock.mdb"
	run --separate-stderr job-rm 1
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(json_ids)" = 2 ]
}

@test "concurrent creators of a new store all succeed" {
	local i
	for i in $(seq 8); do
		job-add -f ok "$i" >"$TMP/id.$i" 2>"$TMP/err.$i" &
	done
	wait
	cat "$TMP"/err.* >"$TMP/errs"
	[ ! -s "$TMP/errs" ]
	[ "$(cat "$TMP"/id.* | sort -n | paste -sd ' ')" = "1 2 3 4 5 6 7 8" ]
	[ "$(job-list -c)" = "$(counts 8 0 0 0)" ]
}
