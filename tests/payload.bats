#!/usr/bin/env bats
# Payloads: the handler's stdin, fed from the store as the handler reads
# it (SPEC.md, "Executing: job-run": "stdin the payload or /dev/null").

bats_require_minimum_version 1.5.0

load helper

# rss_anon PID: the anonymous memory a process holds, in KiB.
rss_anon() {
	awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"
}

# stalled: the reader handler has read its first byte and stopped.
stalled() {
	[ -s "$TMP/first" ]
}

@test "a large payload reaches the handler byte for byte" {
	handler take 'cat >"$JOB_DB/../got"'
	head -c 8000000 /dev/urandom >"$TMP/big"
	job-add -i "$TMP/big" take >/dev/null
	once
	[ "$(state 1)" = done ]
	cmp "$TMP/big" "$TMP/got"
}

@test "an empty payload is an empty stdin; none is /dev/null" {
	handler probe 'wc -c >"$JOB_DB/../n.$JOB_ID"'
	: >"$TMP/empty"
	job-add -i "$TMP/empty" probe >/dev/null
	job-add probe >/dev/null
	once
	[ "$(cat "$TMP/n.1")" = 0 ]
	[ "$(cat "$TMP/n.2")" = 0 ]
	[ "$(jf 1 payload_size)" = 0 ]
	[ "$(jf 2 payload_size)" = null ]
}

@test "a handler that reads part of its payload, or none, ends as it exits" {
	handler part 'head -c 10 >/dev/null; exit 0'
	handler none 'exit 3'
	head -c 4000000 /dev/zero >"$TMP/big"
	job-add -i "$TMP/big" part >/dev/null
	job-add -i "$TMP/big" none >/dev/null
	once
	[ "$(state 1)" = done ]
	[ "$(state 2)" = failed ]
	[ "$(jf 2 last_exit)" = 3 ]
}

@test "a handler that does not read its payload holds no one up, and the executor holds no copy of it" {
	# It takes one byte, then sleeps with the rest unread: the payload
	# is fed as the pipe takes it, never all at once.
	handler slow 'head -c 1 >"$JOB_DB/../first"; exec sleep 1000'
	handler quick 'echo ran >"$JOB_DB/../quick"'
	head -c 64000000 /dev/zero >"$TMP/big"
	job-add -i "$TMP/big" slow >/dev/null
	start_runner -j 2
	poll 10 stalled
	job-add quick >/dev/null
	poll 10 is_state 2 done
	[ "$(state 1)" = running ]
	# 64 MB of payload, unread: the executor keeps less than 16 MB.
	[ "$(rss_anon "$RUNNER_PID")" -lt 16384 ]
	job-rm -f 1 >/dev/null
	poll 10 is_count 0 0 1 0
}

@test "a payload survives a retry: each attempt reads it whole" {
	handler twice 'cat >"$JOB_DB/../got.$JOB_ATTEMPT"; [ "$JOB_ATTEMPT" = 2 ]'
	head -c 3000000 /dev/urandom >"$TMP/big"
	job-add -r 1 -i "$TMP/big" twice >/dev/null
	poll 10 once_until_done
	cmp "$TMP/big" "$TMP/got.1"
	cmp "$TMP/big" "$TMP/got.2"
}

# once_until_done: for poll; job-run --once until job 1 is done (its
# retry comes due a second later).
once_until_done() {
	once || true
	[ "$(state 1)" = done ]
}

@test "job-rm removes the payload with its job: the store does not keep its bytes" {
	handler ok 'exit 0'
	head -c 10000000 /dev/urandom >"$TMP/big"
	local size i
	job-add -i "$TMP/big" ok >/dev/null
	job-rm 1
	size=$(stat -c %s "$JOB_DB/data.mdb")
	# LMDB reuses freed pages two transactions later, so a few payloads'
	# worth stay in the file; kept payloads would add 10 MB a round.
	for i in 2 3 4 5 6 7 8 9; do
		job-add -i "$TMP/big" ok >/dev/null
		job-rm "$i"
	done
	[ "$(stat -c %s "$JOB_DB/data.mdb")" -le $((size + 30000000)) ]
}
