#!/bin/bash
# bench.sh: job beside its peers (task-spooler, nq, at, beanstalkd,
# sqlite3) and beside floors (an LMDB put, /bin/true, xargs, a bare
# fork+exec), all in the same run, and one table of the figures with the
# ratios and the targets of doc/performance.md.
#
# usage: scripts/bench/bench.sh [--quick]
#
# --quick runs every measurement with small counts in under a minute, to
# prove that the script works; its numbers mean nothing.  The script
# installs what it lacks (as root, through apt-get), works in a temporary
# directory under ${TMPDIR:-/tmp}, talks only to 127.0.0.1, and stops the
# servers it started by their PIDs when it exits.
set -eu
cd "$(dirname "$0")/../.."

if [ "${1:-}" = --quick ]; then
	quick=1
	HF_RUNS=5		# hyperfine runs per command and round
	LAT_N=5			# pick-up latency: jobs per system and round
	EACH_N=100000		# job-add --each
	DRAIN_N=100		# drain: jobs
	LATE_N=20 LATE_S=2	# lateness: jobs, over seconds
	SCALE_N=100000		# pending jobs in the big store
	IDLE_S=3		# idle job-run: seconds watched
else
	quick=0
	HF_RUNS=40 LAT_N=40 EACH_N=1000000 DRAIN_N=10000
	LATE_N=200 LATE_S=10 SCALE_N=1000000 IDLE_S=10
fi
ROUNDS=3			# interleaved rounds for latencies
PEER_DRAIN_MAX=900		# task-spooler holds at most ~1000 clients

say() { echo "bench: [${SECONDS}s] $*" >&2; }

# Setup ----------------------------------------------------------------

# install_missing: the build's dependencies, then the peers and tools.
install_missing() {
	local missing="" pkg cmd
	scripts/deps
	for pair in task-spooler:tsp nq:nq at:at at:atd beanstalkd:beanstalkd \
	    hyperfine:hyperfine sqlite3:sqlite3 jq:jq; do
		pkg=${pair%%:*} cmd=${pair#*:}
		command -v "$cmd" >/dev/null 2>&1 ||
		    missing="$missing $pkg"
	done
	[ -z "$missing" ] && return 0
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	# One by one: a peer that cannot be installed shows as n/a.
	for pkg in $missing; do
		apt-get install -y -qq --no-install-recommends "$pkg" \
		    >/dev/null 2>&1 || say "could not install $pkg"
	done
}

# build: job, and the C helpers into $T/bin.
build() {
	local f l lm
	make -s all
	f="-O2 -std=c11 -D_GNU_SOURCE -Ilibjob $(pkg-config --cflags lmdb)"
	l="build/libjob.a $(pkg-config --libs lmdb libcbor)"
	lm=$(pkg-config --libs lmdb)
	mkdir -p "$T/bin"
	# shellcheck disable=SC2086
	{
		cc $f -o "$T/bin/stamp" scripts/bench/stamp.c
		cc $f -o "$T/bin/bstalk" scripts/bench/bstalk.c
		cc $f -o "$T/bin/lmdbput" scripts/bench/lmdbput.c $lm
		cc $f -o "$T/bin/atfloor" scripts/bench/atfloor.c
		cc $f -o "$T/bin/pickup" scripts/bench/pickup.c $l
		cc $f -o "$T/bin/fill" scripts/bench/fill.c $l
	}
	mkdir -m 755 "$T/h"
	cp "$T/bin/stamp" "$T/h/stamp"
	ln -s /bin/true "$T/h/true"
}

# Processes and servers started here, stopped by PID at exit.
pids=""
track() { pids="$pids $*"; }

# sock_pid PATH: the process listening on the Unix socket PATH.
sock_pid() {
	local inode fd
	inode=$(awk -v p="$1" '$NF == p { print $7; exit }' /proc/net/unix)
	[ -n "$inode" ] || return 1
	for fd in /proc/[0-9]*/fd/*; do
		if [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ]; then
			fd=${fd#/proc/}
			echo "${fd%%/*}"
			return 0
		fi
	done
	return 1
}

# ours PID: true if PID runs with this run's temporary directory in its
# environment (nq's jobs, task-spooler's clients).
ours() {
	{ tr '\0' '\n' <"/proc/$1/environ"; } 2>/dev/null | grep -q "=$T"
}

cleanup() {
	local p f
	set +e
	for p in $pids; do kill "$p" 2>/dev/null; done
	# nq names each job's file ,TIME.PID; its waiting jobs are ours.
	for f in "$T"/nq*/,*; do
		p=${f##*.}
		[ -e "$f" ] && ours "$p" && kill "$p" 2>/dev/null
	done
	# at(1) jobs of queue y that were not there before the run.
	for p in $(atq -q y 2>/dev/null | awk '{ print $1 }'); do
		case " $at_before " in
		*" $p "*) ;;
		*) atrm "$p" ;;
		esac
	done
	[ -n "${atd_pid:-}" ] && kill "$atd_pid" 2>/dev/null
	# task-spooler clients waiting in a queue end with their server.
	for f in /proc/[0-9]*; do
		p=${f#/proc/}
		[ "$(cat "$f/comm" 2>/dev/null)" = tsp ] && ours "$p" &&
		    kill "$p" 2>/dev/null
	done
	for f in "$T"/gate.*; do
		[ -p "$f" ] && release "$f"
	done
	wait 2>/dev/null
	rm -rf "$T"
}

# start_servers: atd (unless one runs), beanstalkd on a free loopback
# port, writing a binlog synced at every write (durable, like job), and
# two task-spooler servers (one for the enqueue figure, one idle).
start_servers() {
	if [ -z "$(pidof atd 2>/dev/null)" ] && command -v atd >/dev/null; then
		atd -f 2>/dev/null &
		atd_pid=$!
	fi
	if command -v beanstalkd >/dev/null; then
		BS_PORT=$("$T/bin/bstalk" port)
		mkdir "$T/binlog"
		beanstalkd -l 127.0.0.1 -p "$BS_PORT" -b "$T/binlog" -f 0 &
		track $!
	fi
	if command -v tsp >/dev/null; then
		for q in ts-add ts-run; do
			TS_SOCKET="$T/$q.sock" tsp -S 1
			track "$(sock_pid "$T/$q.sock")"
		done
	fi
}

# Numbers ----------------------------------------------------------------

# stats FILE: "median p99" of a column of numbers.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
	    if (NR == 0) { print "n/a n/a"; exit }
	    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	    p = int(NR * 0.99 + 0.999)
	    printf "%.3f %.3f\n", m, v[p] }'
}
median() { stats "$1" | awk '{ print $1 }'; }
now() { date +%s%N; }
# rate N T0 T1: N per second between two now() readings.
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }'; }
isnum() { case $1 in '' | *[!0-9.e+-]*) return 1 ;; esac; }

# Results: V[name.system] holds a figure; NA[system] why it is missing.
declare -A V NA
na() { NA[$1]=$2; say "$1: n/a ($2)"; }
val() { echo "${V[$1]:-n/a}"; }

# Verdicts: a target is a list of clauses; one failing gives MISS, one
# that cannot be checked (a peer that did not run) gives n/a.
verdict=PASS
target_reset() { verdict=PASS; }
clause() {	# clause A OP B
	if ! isnum "$1" || ! isnum "$3"; then
		[ "$verdict" = PASS ] && verdict=n/a
	elif ! awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; then
		verdict=MISS
	fi
	return 0
}

# Rows of the table: figure|better|job|tsp|nq|at|bs|sqlite3|floor|target|ok
rows=""
row() { rows="$rows$*"$'\n'; }

# Measurements -------------------------------------------------------------

# hyperfine_rounds OUT NAME CMD [NAME CMD...]: ROUNDS rounds of hyperfine
# over all the commands, so that drift hits each alike; appends
# "NAME MILLISECONDS" per run to OUT.
hyperfine_rounds() {
	local out=$1 args=()
	shift
	while [ $# -gt 0 ]; do
		args+=(-n "$1" "$2")
		shift 2
	done
	for _ in $(seq "$ROUNDS"); do
		hyperfine -N --style none --warmup 2 --runs "$HF_RUNS" \
		    --export-json "$T/hf.json" "${args[@]}" >/dev/null 2>&1 ||
		    return 1
		jq -r '.results[] | .command as $c |
		    .times[] | "\($c) \(. * 1000)"' "$T/hf.json" >>"$out"
	done
}

# hf_median OUT NAME: the median milliseconds of NAME's runs.
hf_median() {
	awk -v n="$2" '$1 == n { print $2 }' "$1" >"$T/hf.col"
	median "$T/hf.col"
}

# works NAME CMD...: true if CMD runs; else NAME is n/a.
works() {
	local name=$1
	shift
	if ! command -v "$1" >/dev/null 2>&1; then
		na "$name" "$1 not installed"
		return 1
	fi
	if ! "$@" >/dev/null 2>"$T/err"; then
		na "$name" "$(head -c 60 "$T/err" | tr '\n' ' ')"
		return 1
	fi
}

# One durable enqueue by a command, beside the peers' and the floors.
bench_add() {
	local cmds=() sys
	say "one enqueue command ($((ROUNDS * HF_RUNS)) runs each)"
	cmds+=(job "bin/job-add -d $T/add true")
	cmds+=(floor "$T/bin/lmdbput $T/lmdb")
	cmds+=(true "/bin/true")
	# Peers' queues are held by a first job that waits on a FIFO, so
	# that what is measured is the enqueue alone.
	export TS_SOCKET="$T/ts-add.sock" NQDIR="$T/nq-add"
	mkdir "$NQDIR"
	mkfifo "$T/gate.tsp" "$T/gate.nq"
	if works tsp tsp cat "$T/gate.tsp"; then
		cmds+=(tsp "tsp /bin/true")
	fi
	if works nq nq -q cat "$T/gate.nq"; then
		cmds+=(nq "nq -q /bin/true")
	fi
	if works at at -q y -f /dev/null -t 203001010000; then
		cmds+=(at "at -q y -f /dev/null -t 203001010000")
	fi
	if [ -z "${BS_PORT:-}" ]; then
		na bs "beanstalkd not installed"
	elif works bs "$T/bin/bstalk" put "$BS_PORT"; then
		cmds+=(bs "$T/bin/bstalk put $BS_PORT")
	fi
	if works sqlite3 sqlite3 "$T/q.db" "CREATE TABLE jobs (id INTEGER
	    PRIMARY KEY, handler TEXT, args TEXT)"; then
		cmds+=(sqlite3 "sqlite3 $T/q.db \"PRAGMA synchronous=FULL; INSERT INTO jobs (handler, args) VALUES ('true', '')\"")
	fi
	: >"$T/add.txt"
	if ! hyperfine_rounds "$T/add.txt" "${cmds[@]}"; then
		na hyperfine "hyperfine failed"
	fi
	for sys in job floor true tsp nq at bs sqlite3; do
		if grep -q "^$sys " "$T/add.txt"; then
			V[add.$sys]=$(hf_median "$T/add.txt" $sys)
		fi
	done
	unset TS_SOCKET NQDIR
	stop_add_queues
	target_reset
	clause "$(val add.job)" '<=' "$(awk -v f="$(val add.floor)" 'BEGIN { print 1.15 * f }')"
	clause "$(val add.job)" '<' "$(val add.at)"
	clause "$(val add.job)" '<' "$(val add.sqlite3)"
	row "one enqueue command, ms (floor: LMDB put)|lo|$(val add.job)|$(val add.tsp)|$(val add.nq)|$(val add.at)|$(val add.bs)|$(val add.sqlite3)|$(val add.floor)|<=1.15x floor, <at, <sqlite3|$verdict"
	row "  process start alone (/bin/true), ms|lo|-|-|-|-|-|-|$(val add.true)|-|-"
}

# release FIFO: lets the job reading FIFO (a queue's gate) end: opened
# read-write, a FIFO opens at once, and its closing is the reader's EOF.
release() {
	: <>"$1"
}

# stop_add_queues: the gated queues of bench_add go: beanstalkd's jobs
# are deleted, task-spooler's server and clients and nq's waiting jobs
# (their PIDs end nq's file names) are killed.
stop_add_queues() {
	local f p
	if [ -z "${NA[bs]:-}" ]; then
		"$T/bin/bstalk" clear "$BS_PORT"
	fi
	for f in "$T"/nq-add/,*; do
		p=${f##*.}
		if [ -e "$f" ] && ours "$p"; then kill "$p"; fi
	done
	for f in /proc/[0-9]*; do
		p=${f#/proc/}
		if [ "$(cat "$f/comm" 2>/dev/null)" = tsp ] &&
		    { tr '\0' '\n' <"$f/environ"; } 2>/dev/null |
		    grep -qx "TS_SOCKET=$T/ts-add.sock"; then
			kill "$p" 2>/dev/null || true
		fi
	done
	release "$T/gate.tsp"	# the gates' cat(1), orphaned, can end
	release "$T/gate.nq"
}

# Bulk enqueue with job-add --each.
bench_each() {
	local t0 t1
	say "job-add --each, $EACH_N jobs"
	seq "$EACH_N" >"$T/each.in"
	t0=$(now)
	bin/job-add -d "$T/each" --each true <"$T/each.in" >/dev/null
	t1=$(now)
	V[each.job]=$(rate "$EACH_N" "$t0" "$t1")
	rm -rf "$T/each" "$T/each.in"
	target_reset
	clause "$(val each.job)" '>=' 500000
	row "job-add --each $EACH_N, jobs/s|hi|$(val each.job)|-|-|-|-|-|-|>=500000|$verdict"
}

# start_runner NAME ARGS...: an idle job-run in the background.
start_runner() {
	local name=$1
	shift
	bin/job-run "$@" 2>/dev/null &
	runner_pid[$name]=$!
	track $!
}
declare -A runner_pid

# Enqueue-to-start latency on idle executors, in interleaved rounds.
bench_pickup() {
	local s
	say "pick-up latency ($((ROUNDS * LAT_N)) jobs each)"
	start_runner lat -d "$T/lat"
	if [ -z "${NA[bs]:-}" ]; then
		"$T/bin/bstalk" stamp "$BS_PORT" "$T/bs.st" &
		bs_worker=$!
		track $bs_worker
	fi
	mkdir "$T/nq-lat"
	for _ in $(seq "$ROUNDS"); do
		"$T/bin/pickup" lib "$T/lat" "$T/st" "$LAT_N" >>"$T/lat.lib"
		"$T/bin/pickup" cmd "$T/st" "$LAT_N" bin/job-add -d "$T/lat" \
		    stamp "$T/st" >>"$T/lat.job"
		"$T/bin/pickup" cmd "$T/st" "$LAT_N" "$T/bin/stamp" "$T/st" \
		    >>"$T/lat.floor"
		if [ -z "${NA[tsp]:-}" ]; then
			TS_SOCKET="$T/ts-run.sock" "$T/bin/pickup" cmd "$T/st" \
			    "$LAT_N" tsp "$T/bin/stamp" "$T/st" >>"$T/lat.tsp"
		fi
		if [ -z "${NA[nq]:-}" ]; then
			NQDIR="$T/nq-lat" "$T/bin/pickup" cmd "$T/st" \
			    "$LAT_N" nq -q "$T/bin/stamp" "$T/st" >>"$T/lat.nq"
		fi
		if [ -z "${NA[bs]:-}" ]; then
			"$T/bin/bstalk" pickup "$BS_PORT" "$T/bs.st" "$LAT_N" \
			    >>"$T/lat.bs"
		fi
	done
	if [ -n "${bs_worker:-}" ]; then
		kill "$bs_worker"
	fi
	kill "${runner_pid[lat]}"
	for s in lib job floor tsp nq bs; do
		[ -s "$T/lat.$s" ] || continue
		read -r "V[lat.$s]" "V[lat99.$s]" < <(stats "$T/lat.$s")
	done
	target_reset
	clause "$(val lat.lib)" '<=' 1.3
	clause "$(val lat.lib)" '<' "$(val lat.bs)"
	row "pick-up, library enqueue, median ms|lo|$(val lat.lib)|-|-|-|$(val lat.bs)|-|$(val lat.floor)|<=1.3, <beanstalkd|$verdict"
	target_reset
	clause "$(val lat99.lib)" '<=' 3
	row "pick-up, library enqueue, p99 ms|lo|$(val lat99.lib)|-|-|-|$(val lat99.bs)|-|$(val lat99.floor)|<=3|$verdict"
	target_reset
	clause "$(val lat.job)" '<' "$(val lat.tsp)"
	clause "$(val lat.job)" '<' "$(val lat.nq)"
	row "pick-up, command enqueue, median ms|lo|$(val lat.job)|$(val lat.tsp)|$(val lat.nq)|-|-|-|$(val lat.floor)|<tsp, <nq|$verdict"
	row "pick-up, command enqueue, p99 ms|lo|$(val lat99.job)|$(val lat99.tsp)|$(val lat99.nq)|-|-|-|$(val lat99.floor)|-|-"
}

# drain_tsp J N: N gated jobs in the idle task-spooler queue, then J
# slots; prints jobs/s.
drain_tsp() {
	local j=$1 n=$2 i last t0 t1
	export TS_SOCKET="$T/ts-run.sock"
	tsp -C
	tsp -S 1
	mkfifo "$T/gate.tsp$j"
	tsp cat "$T/gate.tsp$j" >/dev/null
	for i in $(seq "$n"); do last=$(tsp /bin/true); done
	t0=$(now)
	tsp -S "$j"
	release "$T/gate.tsp$j"
	tsp -w "$((last - 1))" >/dev/null || true
	tsp -w "$last" >/dev/null || true
	t1=$(now)
	unset TS_SOCKET
	rate "$n" "$t0" "$t1"
}

# drain_nq N: N gated jobs in a fresh nq directory, released at once.
drain_nq() {
	local n=$1 i t0 t1
	export NQDIR="$T/nq-drain"
	rm -rf "$NQDIR"
	mkdir "$NQDIR"
	mkfifo "$T/gate.nqd"
	nq -q cat "$T/gate.nqd"
	for i in $(seq "$n"); do nq -q /bin/true; done
	t0=$(now)
	release "$T/gate.nqd"
	nq -w
	t1=$(now)
	unset NQDIR
	rate "$n" "$t0" "$t1"
}

# drain_bs J N: N jobs put, then J workers until the tube is empty.
drain_bs() {
	local j=$1 n=$2 i t0 t1 w=""
	"$T/bin/bstalk" put "$BS_PORT" "$n"
	t0=$(now)
	for i in $(seq "$j"); do
		"$T/bin/bstalk" drain "$BS_PORT" &
		w="$w $!"
	done
	# shellcheck disable=SC2086
	wait $w
	t1=$(now)
	rate "$n" "$t0" "$t1"
}

# drain_job J N: N no-op jobs, then job-run -j J --once.
drain_job() {
	local j=$1 n=$2 s="$T/drain$1" t0 t1 done_n
	seq "$n" | bin/job-add -d "$s" --each true >/dev/null
	t0=$(now)
	bin/job-run -d "$s" -j "$j" --once 2>/dev/null
	t1=$(now)
	done_n=$(bin/job-list -d "$s" -c | sed -n 's/^done //p')
	[ "$done_n" = "$n" ] || { say "drain: only $done_n of $n done"; return 1; }
	rate "$n" "$t0" "$t1"
}

bench_drain() {
	local j t0 t1 pn
	pn=$((DRAIN_N < PEER_DRAIN_MAX ? DRAIN_N : PEER_DRAIN_MAX))
	for j in 1 2; do
		say "drain of $DRAIN_N no-op jobs at -j $j (tsp, nq: $pn)"
		V[drain$j.job]=$(drain_job "$j" "$DRAIN_N") || V[drain$j.job]=n/a
		t0=$(now)
		seq "$DRAIN_N" | xargs -P "$j" -n1 /bin/true
		t1=$(now)
		V[drain$j.floor]=$(rate "$DRAIN_N" "$t0" "$t1")
		if [ -z "${NA[bs]:-}" ]; then
			V[drain$j.bs]=$(drain_bs "$j" "$DRAIN_N")
		fi
		if [ -z "${NA[tsp]:-}" ]; then
			V[drain$j.tsp]=$(drain_tsp "$j" "$pn")
		fi
		if [ -z "${NA[nq]:-}" ] && [ "$j" = 1 ]; then
			V[drain$j.nq]=$(drain_nq "$pn")
		fi
	done
	row "drain -j 1, jobs/s (floor: xargs -P1)|hi|$(val drain1.job)|$(val drain1.tsp)|$(val drain1.nq)|-|$(val drain1.bs)|-|$(val drain1.floor)|-|-"
	target_reset
	clause "$(val drain2.job)" '>=' "$(awk -v f="$(val drain2.floor)" 'BEGIN { print 1.3 * f }')"
	clause "$(val drain2.job)" '>' "$(val drain2.bs)"
	row "drain -j 2, jobs/s (floor: xargs -P2)|hi|$(val drain2.job)|$(val drain2.tsp)|-|-|$(val drain2.bs)|-|$(val drain2.floor)|>=1.3x floor, >beanstalkd|$verdict"
}

# late_times BASE: LATE_N lines "I NANOSECONDS", LATE_S seconds in all
# from BASE, each time with its own fraction of a millisecond.
late_times() {
	local i step=$((LATE_S * 1000000000 / LATE_N))
	for i in $(seq 0 $((LATE_N - 1))); do
		echo "$i $(($1 + i * step + (i * 7919 % 1000) * 1000))"
	done
}

# late_ms IDS STAMPS OUT: start minus due time, in ms, per id.
late_ms() {
	sort "$2" | join <(sort "$1") - |
	    awk '{ printf "%.3f\n", ($3 - $2) / 1e6 }' >"$3"
}

# Lateness of scheduled jobs: LATE_N jobs over LATE_S seconds, each at a
# time with a fraction of a second, scheduled while job-run waits.  The
# floor: the same times, each met by a child forked 20 ms ahead that
# sleeps until its time and execs the same handler (atfloor.c).
bench_late() {
	local id ns t deadline
	say "lateness of $LATE_N scheduled jobs over ${LATE_S}s"
	start_runner late -d "$T/late"
	: >"$T/late.st"
	late_times $(( $(now) + 1500000000 + LATE_N * 15000000 )) |
	    awk '{ print $2 }' >"$T/late.ns"
	# One date(1) for all: RFC 3339 UTC, then the fraction.
	while read -r ns; do echo "@$((ns / 1000000000))"; done <"$T/late.ns" |
	    TZ=UTC date -f - +%Y-%m-%dT%H:%M:%S |
	    paste -d ' ' "$T/late.ns" - | while read -r ns t; do
		id=$(bin/job-schedule -d "$T/late" \
		    --at "$t.$(printf %09d $((ns % 1000000000)))Z" \
		    stamp "$T/late.st")
		echo "$id $ns"
	done >"$T/late.ids"
	deadline=$(( $(date +%s) + LATE_S + 30 ))
	while [ "$(wc -l <"$T/late.st")" -lt "$LATE_N" ]; do
		[ "$(date +%s)" -lt "$deadline" ] || break
		sleep 0.2
	done
	kill "${runner_pid[late]}"
	late_ms "$T/late.ids" "$T/late.st" "$T/late.ms"
	V[late.n]=$(wc -l <"$T/late.ms")
	read -r "V[late.job]" "V[late99.job]" < <(stats "$T/late.ms")
	V[early.job]=$(awk '$1 < 0' "$T/late.ms" | wc -l)
	late_times $(( $(now) + 300000000 )) >"$T/floor.ids"
	: >"$T/floor.st"
	"$T/bin/atfloor" "$T/h/stamp" "$T/floor.st" <"$T/floor.ids"
	late_ms "$T/floor.ids" "$T/floor.st" "$T/floor.ms"
	read -r "V[late.floor]" "V[late99.floor]" < <(stats "$T/floor.ms")
	target_reset
	clause "$(val late99.job)" '<=' 2
	row "lateness, median ms ($(val late.n) of $LATE_N started)|lo|$(val late.job)|-|-|-|-|-|$(val late.floor)|-|-"
	row "lateness, p99 ms (floor: fork ahead, exec at time)|lo|$(val late99.job)|-|-|-|-|-|$(val late99.floor)|<=2|$verdict"
	target_reset
	clause "$(val early.job)" '==' 0
	clause "$(val late.n)" '==' "$LATE_N"
	row "lateness, early starts|lo|$(val early.job)|-|-|-|-|-|-|0|$verdict"
}

# Scale: a store of 1,000 and one of SCALE_N pending jobs due a century
# ahead; job-add and pick-up in each, job-list --json, bytes per job.
bench_scale() {
	local t0 t1 n
	say "scale: stores of 1000 and $SCALE_N pending jobs"
	"$T/bin/fill" "$T/small" 1000
	"$T/bin/fill" "$T/big" "$SCALE_N"
	: >"$T/scale.txt"
	hyperfine_rounds "$T/scale.txt" small "bin/job-add -d $T/small true" \
	    big "bin/job-add -d $T/big true" ||
	    { na hyperfine "hyperfine failed"; return 0; }
	V[sadd.small]=$(hf_median "$T/scale.txt" small)
	V[sadd.big]=$(hf_median "$T/scale.txt" big)
	start_runner small -d "$T/small"
	start_runner big -d "$T/big"
	for _ in $(seq "$ROUNDS"); do
		"$T/bin/pickup" lib "$T/small" "$T/st" "$LAT_N" >>"$T/slat.small"
		"$T/bin/pickup" lib "$T/big" "$T/st" "$LAT_N" >>"$T/slat.big"
	done
	V[slat.small]=$(median "$T/slat.small")
	V[slat.big]=$(median "$T/slat.big")
	t0=$(now)
	n=$(bin/job-list -d "$T/big" --json | wc -l)
	t1=$(now)
	V[list.job]=$(rate "$n" "$t0" "$t1")
	V[bytes.job]=$(du -sk "$T/big" | awk -v n="$n" '{ printf "%.0f", $1 * 1024 / n }')
	target_reset
	clause "$(val sadd.big)" '<=' "$(awk -v f="$(val sadd.small)" 'BEGIN { print 1.2 * f }')"
	row "job-add with $SCALE_N pending, ms (floor: 1000 pending)|lo|$(val sadd.big)|-|-|-|-|-|$(val sadd.small)|<=1.2x floor|$verdict"
	target_reset
	clause "$(val slat.big)" '<=' "$(awk -v f="$(val slat.small)" 'BEGIN { print 1.2 * f }')"
	row "pick-up with $SCALE_N pending, median ms (floor: 1000)|lo|$(val slat.big)|-|-|-|-|-|$(val slat.small)|<=1.2x floor|$verdict"
	target_reset
	clause "$(val list.job)" '>=' 300000
	row "job-list --json over $n jobs, jobs/s|hi|$(val list.job)|-|-|-|-|-|-|>=300000|$verdict"
	row "store bytes per job ($n jobs)|lo|$(val bytes.job)|-|-|-|-|-|-|-|-"
}

# proc_ticks PID: "utime+stime voluntary_ctxt_switches VmRSS_kB".
proc_ticks() {
	{
		cat "/proc/$1/stat"
		cat "/proc/$1/status"
	} | awk 'NR == 1 { t = $14 + $15 }
	    /^voluntary_ctxt_switches/ { w = $2 } /^VmRSS/ { r = $2 }
	    END { print t, w, r }'
}

# Idle job-run: an empty store, and the big one of bench_scale.
bench_idle() {
	local a b c d
	say "idle job-run for ${IDLE_S}s"
	start_runner idle -d "$T/idle"
	sleep 1
	a=$(proc_ticks "${runner_pid[idle]}")
	c=$(proc_ticks "${runner_pid[big]}")
	sleep "$IDLE_S"
	b=$(proc_ticks "${runner_pid[idle]}")
	d=$(proc_ticks "${runner_pid[big]}")
	# shellcheck disable=SC2086
	set -- $a $b
	V[ticks.job]=$(($4 - $1)) V[wakes.job]=$(($5 - $2)) V[rss.job]=$6
	# shellcheck disable=SC2086
	set -- $c $d
	V[ticks.big]=$(($4 - $1)) V[wakes.big]=$(($5 - $2)) V[rss.big]=$6
	target_reset
	clause "$(val ticks.job)" '==' 0
	row "idle job-run, CPU ticks in ${IDLE_S}s|lo|$(val ticks.job)|-|-|-|-|-|-|0|$verdict"
	row "idle job-run, wake-ups in ${IDLE_S}s|lo|$(val wakes.job)|-|-|-|-|-|-|-|-"
	row "idle job-run, RSS kB|lo|$(val rss.job)|-|-|-|-|-|-|-|-"
	target_reset
	clause "$(val ticks.big)" '==' 0
	row "  same, $SCALE_N pending: ticks, wake-ups|lo|$(val ticks.big), $(val wakes.big)|-|-|-|-|-|-|0 ticks|$verdict"
	row "  same, $SCALE_N pending: RSS kB|lo|$(val rss.big)|-|-|-|-|-|-|-|-"
}

# The table ----------------------------------------------------------------

# print_table: the rows, with job's ratio to the best peer (the lowest
# time or highest rate) and to the floor.
print_table() {
	printf '%s' "$rows" | awk -F'|' '
	function num(s) { return s ~ /^[0-9.]+$/ }
	function fmt(s) {
		if (!num(s) || s ~ /^[0-9]+$/) return s
		if (s + 0 >= 1000) return sprintf("%.0f", s)
		if (s + 0 >= 100) return sprintf("%.1f", s)
		return sprintf("%.2f", s)
	}
	function ratio(a, b) {
		return num(a) && num(b) && b > 0 ? sprintf("%.2f", a / b) : "-"
	}
	BEGIN {
		f = "%-50s %9s %9s %9s %9s %9s %9s %9s %8s %8s  %-26s %s\n"
		printf f, "figure", "job", "tsp", "nq", "at", "bstalkd",
		    "sqlite3", "floor", "job/peer", "job/flr", "target", "ok"
	}
	{
		best = ""
		for (i = 4; i <= 8; i++) {
			if (!num($i)) continue
			if (best == "" || ($2 == "lo" ? $i < best : $i > best))
				best = $i
		}
		printf f, $1, fmt($3), fmt($4), fmt($5), fmt($6), fmt($7),
		    fmt($8), fmt($9), ratio($3, best), ratio($3, $9), $10, $11
	}'
}

print_notes() {
	local k
	echo
	echo "Times are medians unless marked p99; n/a: not measured."
	echo "job-add pending stores hold jobs due a century ahead."
	echo "tsp and nq drain $((DRAIN_N < PEER_DRAIN_MAX ? DRAIN_N : PEER_DRAIN_MAX)) jobs (task-spooler queues at most ~1000); nq runs one job at a time."
	echo "beanstalkd syncs its binlog at every write (-f 0); its pick-up is the worker's reserve, no process started."
	for k in "${!NA[@]}"; do
		echo "n/a $k: ${NA[$k]}"
	done
}

main() {
	[ "$(id -u)" -eq 0 ] || say "not root: installs and at(1) may fail"
	install_missing
	at_before=$(atq -q y 2>/dev/null | awk '{ print $1 }' | paste -sd ' ')
	T=$(mktemp -d "${TMPDIR:-/tmp}/job-bench.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	export JOB_HANDLERS="$T/h" TMPDIR="$T"
	build
	start_servers
	bench_add
	bench_each
	bench_pickup
	bench_drain
	bench_late
	bench_scale
	bench_idle
	echo
	echo "$(bin/job-add -V 2>&1 | head -1); $(nproc) CPUs," \
	    "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)," \
	    "Linux $(uname -r), $(df -T "$T" | awk 'NR == 2 { print $2 }')" \
	    "temp dir"
	if [ "$quick" = 1 ]; then
		echo "--quick: small counts; these numbers mean nothing"
	fi
	print_table
	print_notes
}

main "$@"
