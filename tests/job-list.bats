#!/usr/bin/env bats
# job-list.bats: inspecting the store (SPEC "Inspecting: job-list"): the
# table and its filters, jobs in full, JSON Lines, the counts, the logs.

bats_require_minimum_version 1.5.0
load helper

# ids ARGS...: the ID column of `job-list ARGS`, space-separated.
ids() {
	job-list "$@" | awk '{ printf "%s%s", sep, $1; sep = " " }'
}

@test "a store that does not exist: no jobs, exit 0" {
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run --separate-stderr job-list -a --json
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run --separate-stderr job-list -c
	[ "$status" -eq 0 ]
	[ "$output" = $'pending 0\nrunning 0\ndone 0\nfailed 0' ]
	[ ! -e "$JOB_DB" ]
}

@test "the table: one line per job: ID STATE QUEUE PRI TIME ATTEMPTS HANDLER NAME/SCHEDULE ARGS" {
	handler ok 'exit 0'
	job-schedule --at 2030-01-01T00:00:00Z -q mail -p 5 -r 2 ok a 'b c' ''
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "1      pending mail          5 2030-01-01T00:00:00Z      0/3      ok               -                    a 'b c' ''" ]
}

@test "the table: a recurring job shows its name and schedule" {
	handler ok 'exit 0'
	job-recur --every 1h --at 2030-01-01T00:00:00Z --name nightly ok x
	job-recur --cron '0 3 * * *' --name d ok
	run --separate-stderr job-list 2>&1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1      pending default       0 2030-01-01T00:00:00Z      0/1      ok               nightly(every 1h)    x" ]
	[[ ${lines[1]} == "2      pending default       0 "*"T03:00:00Z      0/1      ok               d(cron 0 3 * * *)" ]]
	[ "${#lines[@]}" -eq 2 ]
}

@test "the table: args are shown as shell words" {
	handler ok 'exit 0'
	job-schedule --at 2030-01-01T00:00:00Z ok plain "it's" 'a"b' "$(printf 'x\ny')" \
	    "$(printf '\x80')" '$x'
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[[ $output == *" plain 'it'\\''s' 'a\"b' \$'x\\x0ay' \$'\\x80' '\$x'" ]]
	[ "${#lines[@]}" -eq 1 ]
}

@test "the table: no header when stdout is not a terminal" {
	handler ok 'exit 0'
	job-add ok
	run --separate-stderr job-list
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "1 "* ]]
}

@test "the table: a header when stdout is a terminal" {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	handler ok 'exit 0'
	job-schedule --at 2030-01-01T00:00:00Z ok a
	run script -qec job-list /dev/null </dev/null
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(echo "${lines[0]}" | tr -d '\r' | tr -s ' ')" = "ID STATE QUEUE PRI TIME ATTEMPTS HANDLER NAME/SCHEDULE ARGS" ]
	[[ ${lines[1]} == "1      pending default "* ]]
}

@test "the table: TIME is the next run for a pending job, the last for a finished one" {
	handler ok 'exit 0'
	handler bad 'exit 1'
	job-add ok >/dev/null
	job-add bad >/dev/null
	job-schedule --at 2030-01-01T00:00:00Z ok >/dev/null
	job-run --once 2>/dev/null
	run --separate-stderr job-list -a
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[0]}" | awk '{ print $1, $2, $5, $6 }')" = "1 done $(field 1 finished_at) 1/1" ]
	[ "$(echo "${lines[1]}" | awk '{ print $1, $2, $5, $6 }')" = "2 failed $(field 2 finished_at) 1/1" ]
	[ "$(echo "${lines[2]}" | awk '{ print $1, $2, $5, $6 }')" = "3 pending 2030-01-01T00:00:00Z 0/1" ]
}

@test "the table: TIME is in local time; JSON and the full view stay in UTC" {
	handler ok 'exit 0'
	job-schedule --at 2030-01-01T00:00:00Z ok >/dev/null
	export TZ=JST-9
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '{ print $5 }')" = 2030-01-01T09:00:00+09:00 ]
	[ "$(field 1 run_at)" = 2030-01-01T00:00:00Z ]
	[[ $(job-list --json 1) == *'"run_at":"2030-01-01T00:00:00Z"'* ]]
}

@test "the table: a running job" {
	a_running_job
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '{ print $1, $2, $5, $6, $7 }')" = "1 running $(field 1 started_at) 1/1 block" ]
}

@test "by default every job but done ones; -a adds them; in id order" {
	done_failed_pending
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "$(ids)" = "2 3" ]
	[ "$(ids -a)" = "1 2 3" ]
	[ "$(ids --all)" = "1 2 3" ]
	[ "$(json_ids)" = "2 3" ]
	[ "$(json_ids -a)" = "1 2 3" ]
}

@test "-s: only jobs in those states; an explicit list shows done jobs" {
	done_failed_pending
	[ "$(ids -s done)" = 1 ]
	[ "$(ids -s failed)" = 2 ]
	[ "$(ids -s pending)" = 3 ]
	[ "$(ids -s running)" = "" ]
	[ "$(ids -s done,failed)" = "1 2" ]
	[ "$(ids --state pending,done)" = "1 3" ]
	[ "$(ids -s pending,running,done,failed)" = "1 2 3" ]
	[ "$(ids -a -s done)" = 1 ]
	[ "$(json_ids -s done)" = 1 ]
}

@test "-s running" {
	a_running_job
	handler ok 'exit 0'
	job-schedule --in 1h ok >/dev/null
	[ "$(ids -s running)" = 1 ]
	[ "$(ids -s pending)" = 2 ]
	[ "$(ids)" = "1 2" ]
}

@test "-s with a bad state is a usage error" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	for s in bogus '' Done 'done,bogus' all; do
		echo "# -s '$s'"
		run --separate-stderr job-list -s "$s"
		usage_error job-list
	done
}

@test "--handler, -q, --name filter; filters combine" {
	handler a 'exit 0'
	handler b 'exit 0'
	job-add -q q1 a >/dev/null
	job-add -q q2 a >/dev/null
	job-add -q q1 b >/dev/null
	job-recur --every 1h --name tick -q q1 a >/dev/null
	job-recur --every 1h --name tock -q q2 b >/dev/null
	[ "$(ids --handler a)" = "1 2 4" ]
	[ "$(ids --handler b)" = "3 5" ]
	[ "$(ids -q q1)" = "1 3 4" ]
	[ "$(ids --queue q2)" = "2 5" ]
	[ "$(ids --name tick)" = 4 ]
	[ "$(ids --name tock)" = 5 ]
	[ "$(ids --handler a -q q1)" = "1 4" ]
	[ "$(ids --handler b -q q1)" = 3 ]
	[ "$(ids --handler a --name tock)" = "" ]
	[ "$(ids --handler nothere)" = "" ]
	[ "$(ids -q nothere)" = "" ]
	[ "$(ids --name nothere)" = "" ]
	[ "$(json_ids --handler a -q q1)" = "1 4" ]
	run --separate-stderr job-list --handler nothere
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "filters combine with -s and -a" {
	done_failed_pending
	[ "$(ids --handler ok)" = 3 ]
	[ "$(ids -a --handler ok)" = "1 3" ]
	[ "$(ids -s done,failed --handler bad)" = 2 ]
	[ "$(ids -s done -q default)" = 1 ]
	[ "$(ids -s done -q other)" = "" ]
}

@test "job-list ID: the job in full, one 'field: value' per line, null for none" {
	handler ok 'exit 0'
	job-schedule --at 2030-01-01T00:00:00Z -q q1 -p 5 -r 2 -t 1m -k k1 ok a 'b c' >/dev/null
	local c
	c=$(field 1 created_at)
	run --separate-stderr job-list 1
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "id: 1
state: pending
handler: ok
args: a 'b c'
queue: q1
priority: 5
run_at: 2030-01-01T00:00:00Z
created_at: $c
started_at: null
finished_at: null
attempts: 0
max_attempts: 3
timeout: 60
key: k1
name: null
every: null
cron: null
catch_up: null
jitter: null
payload_size: null
last_exit: null
last_signal: null
last_error: null" ]
}

@test "job-list ID: the same field names as the JSON, in the same order" {
	handler ok 'exit 0'
	handler bad 'exit 2'
	job-add -i /dev/null ok >/dev/null
	job-add bad >/dev/null
	job-recur --every 1h ok >/dev/null
	job-recur --cron '@daily' --name d bad >/dev/null
	job-run --once 2>/dev/null
	for id in 1 2 3 4; do
		echo "# job $id"
		[ "$(job-list "$id" | sed 's/:.*//')" = \
		    "$(job-list --json "$id" | grep -o '"[a-z_]*":' | tr -d '":')" ]
	done
	job-list --json 3 | grep -q '"runs":1,"failures":0}$'
	job-list --json 4 | grep -q '"runs":0,"failures":0}$'
}

@test "job-list ID...: jobs in full, a blank line between them" {
	handler ok 'exit 0'
	job-add ok a >/dev/null
	job-add ok b >/dev/null
	job-add ok c >/dev/null
	run --separate-stderr job-list 1 3
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(job-list 1)

$(job-list 3)" ]
}

@test "job-list ID...: an unknown id is an error (exit 1); the others are still shown" {
	handler ok 'exit 0'
	job-add ok a >/dev/null
	job-add ok b >/dev/null
	run --separate-stderr job-list 1 99 2
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-list: job 99: no such job" ]
	[ "$output" = "$(job-list 1)

$(job-list 2)" ]
}

@test "job-list ID...: an unknown first id adds no blank line" {
	handler ok 'exit 0'
	job-add ok a >/dev/null
	run --separate-stderr job-list 99 1
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-list: job 99: no such job" ]
	[ "$output" = "$(job-list 1)" ]
}

@test "job-list ID: only unknown ids: exit 1, nothing on stdout" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	run --separate-stderr job-list 7 8
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = $'job-list: job 7: no such job\njob-list: job 8: no such job' ]
}

@test "job-list ID: a removed job is unknown" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-rm 1
	run --separate-stderr job-list 1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-list: job 1: no such job" ]
}

@test "job-list ID shows a job whatever its state" {
	done_failed_pending
	for id in 1 2 3; do
		run --separate-stderr job-list "$id"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "id: $id" ]
	done
}

@test "job-list with a bad id is a usage error" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	for id in x 1x -1 ''; do
		echo "# '$id'"
		run --separate-stderr job-list -- "$id"
		usage_error job-list
	done
}

@test "--json: one object per line, every field" {
	handler ok 'exit 0'
	job-schedule --at 2030-01-01T00:00:00Z ok a >/dev/null
	job-schedule --at 2030-01-02T00:00:00Z -q q -p -1 ok >/dev/null
	local c1 c2
	c1=$(field 1 created_at)
	c2=$(field 2 created_at)
	run --separate-stderr job-list --json
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"id":1,"state":"pending","handler":"ok","args":["a"],"queue":"default","priority":0,"run_at":"2030-01-01T00:00:00Z","created_at":"'"$c1"'","started_at":null,"finished_at":null,"attempts":0,"max_attempts":1,"timeout":null,"key":null,"name":null,"every":null,"cron":null,"catch_up":null,"jitter":null,"payload_size":null,"last_exit":null,"last_signal":null,"last_error":null}
{"id":2,"state":"pending","handler":"ok","args":[],"queue":"q","priority":-1,"run_at":"2030-01-02T00:00:00Z","created_at":"'"$c2"'","started_at":null,"finished_at":null,"attempts":0,"max_attempts":1,"timeout":null,"key":null,"name":null,"every":null,"cron":null,"catch_up":null,"jitter":null,"payload_size":null,"last_exit":null,"last_signal":null,"last_error":null}' ]
}

@test "--json: a done job's times and outcome" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-run --once 2>/dev/null
	local r c s f
	r=$(field 1 run_at)
	c=$(field 1 created_at)
	s=$(field 1 started_at)
	f=$(field 1 finished_at)
	[[ $s =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	[[ $f =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":1,"state":"done","handler":"ok","args":[],"queue":"default","priority":0,"run_at":"'"$r"'","created_at":"'"$c"'","started_at":"'"$s"'","finished_at":"'"$f"'","attempts":1,"max_attempts":1,"timeout":null,"key":null,"name":null,"every":null,"cron":null,"catch_up":null,"jitter":null,"payload_size":null,"last_exit":0,"last_signal":null,"last_error":null}' ]
}

@test "--json: a failed job's exit status and error, naming the handler" {
	handler bad 'exit 3'
	job-add bad >/dev/null
	job-run --once 2>/dev/null
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[[ $output == *'"state":"failed",'* ]]
	[[ $output == *'"attempts":1,"max_attempts":1,'* ]]
	[[ $output == *'"last_exit":3,"last_signal":null,"last_error":"'*bad*'"}' ]]
}

@test "--json: a job killed by a signal" {
	handler sig 'kill -KILL $$'
	job-add sig >/dev/null
	job-run --once 2>/dev/null
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[[ $output == *'"state":"failed",'* ]]
	[[ $output == *'"last_exit":null,"last_signal":9,"last_error":"'*sig*'"}' ]]
}

@test "--json: a recurring job has its schedule, runs and failures" {
	handler ok 'exit 0'
	job-recur --every 1h30m --at 2030-01-01T00:00:00Z --name tick -p 1 ok x >/dev/null
	job-recur --cron '*/5 * * * *' --name five --catch-up skip --jitter 10s ok >/dev/null
	local c1
	c1=$(field 1 created_at)
	run --separate-stderr job-list --json 1
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":1,"state":"pending","handler":"ok","args":["x"],"queue":"default","priority":1,"run_at":"2030-01-01T00:00:00Z","created_at":"'"$c1"'","started_at":null,"finished_at":null,"attempts":0,"max_attempts":1,"timeout":null,"key":null,"name":"tick","every":5400,"cron":null,"catch_up":"once","jitter":null,"payload_size":null,"last_exit":null,"last_signal":null,"last_error":null,"runs":0,"failures":0}' ]
	run --separate-stderr job-list --json 2
	[ "$status" -eq 0 ]
	[[ $output == *'"name":"five","every":null,"cron":"*/5 * * * *","catch_up":"skip","jitter":10,'* ]]
	[[ $output == *',"runs":0,"failures":0}' ]]
}

@test "--json ID...: restricted to those jobs, in full, even done ones" {
	done_failed_pending
	[ "$(json_ids 1 3)" = "1 3" ]
	[ "$(json_ids 1)" = 1 ]
	run --separate-stderr job-list --json 2
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == '{"id":2,"state":"failed",'* ]]
}

@test "--json ID...: an unknown id is an error (exit 1); the others are still shown" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-add ok >/dev/null
	run --separate-stderr job-list --json 2 5 1
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-list: job 5: no such job" ]
	[ "$output" = "$(job-list --json 2)
$(job-list --json 1)" ]
}

@test "--json is always valid JSON, whatever bytes the job holds" {
	command -v jq >/dev/null || skip "jq is needed to check JSON"
	handler ok 'exit 0'
	local all
	all=$(printf "$(printf '\\%03o' $(seq 1 255))")
	job-add -k "$all" -q "q" ok "$all" '"' '\' '' "$(printf '\xc3')" >/dev/null
	printf '%s\0' "$all" | job-add --each -0 ok >/dev/null
	job-add -f 'x.y:z-_' '{"id":9}' >/dev/null
	run --separate-stderr job-list -a --json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	local line
	for line in "${lines[@]}"; do
		printf '%s\n' "$line" | jq -e 'type == "object"' >/dev/null
	done
	[ "$(job-list --json 3 | jq -c .args)" = '["{\"id\":9}"]' ]
	[ "$(job-list --json 1 | jq -r '.args[1,2]')" = $'"\n\\' ]
	[ "$(job-list --json 1 | jq -c '.args | length')" = 5 ]
}

@test "--json: bytes that are not UTF-8 are \\udcXX" {
	handler ok 'exit 0'
	job-add ok "$(printf 'a\xffb\xc3\xa9')" >/dev/null
	run --separate-stderr job-list --json 1
	[[ $output == *'"args":["a\udcffbé"],'* ]]
}

@test "--json: the types of the fields" {
	command -v jq >/dev/null || skip "jq is needed to check JSON"
	done_failed_pending
	job-recur --every 1h ok >/dev/null
	run jq -e -s 'all(.[];
	    (.id | type) == "number" and
	    (.state | type) == "string" and
	    (.handler | type) == "string" and
	    (.args | type) == "array" and
	    (.queue | type) == "string" and
	    (.priority | type) == "number" and
	    (.run_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")) and
	    (.created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")) and
	    (.attempts | type) == "number" and
	    (.max_attempts | type) == "number" and
	    ((.timeout | type) == "number" or .timeout == null) and
	    ((.key | type) == "string" or .key == null) and
	    ((.name | type) == "string" or .name == null) and
	    ((.every | type) == "number" or .every == null) and
	    ((.cron | type) == "string" or .cron == null) and
	    ((.last_exit | type) == "number" or .last_exit == null) and
	    ((.last_signal | type) == "number" or .last_signal == null) and
	    ((.last_error | type) == "string" or .last_error == null) and
	    (if .name == null then (has("runs") | not)
	     else (.runs | type) == "number" and (.failures | type) == "number" end))' \
	    < <(job-list -a --json)
	[ "$status" -eq 0 ]
	[ "$output" = true ]
}

@test "-c: one line per state, all four" {
	done_failed_pending
	handler ok2 'exit 0'
	job-schedule --in 1h ok2 >/dev/null
	run --separate-stderr job-list -c
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = $'pending 2\nrunning 0\ndone 1\nfailed 1' ]
	run --separate-stderr job-list --count
	[ "$output" = $'pending 2\nrunning 0\ndone 1\nfailed 1' ]
}

@test "-c: -s and -a change nothing, all four states are always counted" {
	done_failed_pending
	for f in "-s done" "-a" "-s pending,failed"; do
		echo "# -c $f"
		run --separate-stderr job-list -c $f
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[ "$output" = "$(counts 1 0 1 1)" ]
	done
}

@test "-c: -q, --handler and --name count only the jobs they select, in all four states" {
	done_failed_pending
	job-add -q other ok >/dev/null
	job-recur --every 1h --name x ok >/dev/null
	local f want
	while IFS='|' read -r f want; do
		echo "# -c $f"
		run --separate-stderr job-list -c $f
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[ "$output" = "$(counts $want)" ]
	done <<'EOF'
|3 0 1 1
-q other|1 0 0 0
-q default|2 0 1 1
-q nothere|0 0 0 0
--handler ok|3 0 1 0
--handler bad|0 0 0 1
--name x|1 0 0 0
--name nothere|0 0 0 0
--handler ok -q default|2 0 1 0
--handler ok --name x -q other|0 0 0 0
--handler ok -s failed -a|3 0 1 0
EOF
}

@test "-c with a filter counts a running job, and agrees with the list" {
	a_running_job
	handler ok 'exit 0'
	job-add ok >/dev/null
	run --separate-stderr job-list -c --handler block
	[ "$status" -eq 0 ]
	[ "$output" = "$(counts 0 1 0 0)" ]
	run --separate-stderr job-list -c --handler ok
	[ "$output" = "$(counts 1 0 0 0)" ]
	[ "$(job-list -a --handler ok | wc -l)" -eq 1 ]
}

@test "-c with a filter: a store that does not exist counts 0" {
	run --separate-stderr job-list -c --handler ok
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(counts 0 0 0 0)" ]
	[ ! -e "$JOB_DB" ]
}

@test "-c with a filter: a corrupt record is reported, not counted, exit 1" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	job-add ok >/dev/null
	"$TOP/build/tests/corrupt" "$JOB_DB" 1
	run --separate-stderr job-list -c --handler ok
	[ "$status" -eq 1 ]
	[ "$stderr" = "job-list: job 1: corrupt record, skipped" ]
	[ "$output" = "$(counts 1 0 0 0)" ]
}

@test "-c counts a running job" {
	a_running_job
	run --separate-stderr job-list -c
	[ "$status" -eq 0 ]
	[ "$output" = $'pending 0\nrunning 1\ndone 0\nfailed 0' ]
}

@test "-l ID: the job's output, headed by its attempt, time and outcome" {
	handler ok 'echo out; echo err >&2; echo more'
	job-add ok >/dev/null
	job-run --once 2>/dev/null
	local s
	s=$(field 1 started_at)
	run --separate-stderr job-list -l 1
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 4 ]
	[[ ${lines[0]} =~ ^==\ attempt\ 1\ at\ $s:\ exit\ 0\ .*==$ ]]
	[ "${lines[1]}" = out ]
	[ "${lines[2]}" = err ]
	[ "${lines[3]}" = more ]
	run --separate-stderr job-list --log 1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "-l ID: a failed attempt's outcome in its header" {
	handler bad 'echo oops; exit 3'
	handler sig 'kill -KILL $$'
	job-add bad >/dev/null
	job-add sig >/dev/null
	job-run --once 2>/dev/null
	run --separate-stderr job-list -l 1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} =~ ^==\ attempt\ 1\ at\ .*:\ exit\ 3\ .*==$ ]]
	[ "${lines[1]}" = oops ]
	run --separate-stderr job-list -l 2
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} =~ ^==\ attempt\ 1\ at\ .*:\ signal\ 9\ .*==$ ]]
}

# run_once_until ID ATTEMPTS: runs the executor once, then checks.
run_once_until() {
	job-run --once 2>/dev/null
	[ "$(field "$1" attempts)" -ge "$2" ]
}

@test "-l ID: each attempt headed in turn" {
	handler bad 'echo "try $JOB_ATTEMPT"; exit 1'
	job-add -r 1 bad >/dev/null
	job-run --once 2>/dev/null
	poll 10 run_once_until 1 2
	[ "$(state 1)" = failed ]
	run --separate-stderr job-list -l 1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ ${lines[0]} =~ ^==\ attempt\ 1\ at\ .*:\ exit\ 1\ .*==$ ]]
	[ "${lines[1]}" = "try 1" ]
	[[ ${lines[2]} =~ ^==\ attempt\ 2\ at\ .*:\ exit\ 1\ .*==$ ]]
	[ "${lines[3]}" = "try 2" ]
}

@test "-l ID: a job that has not run has an empty log" {
	handler ok 'exit 0'
	job-schedule --in 1h ok >/dev/null
	run --separate-stderr job-list -l 1
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "-l ID: an unknown id is exit 1" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	run --separate-stderr job-list -l 2
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-list: job 2: no such job" ]
}

@test "-l ID: a log that cannot be read is exit 1, the error named" {
	handler ok 'echo out'
	job-add ok >/dev/null
	once
	rm "$JOB_DB/logs/1"
	mkdir "$JOB_DB/logs/1"
	run --separate-stderr job-list -l 1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-list: job 1: Is a directory" ]
}

@test "-l with a bad id is a usage error" {
	handler ok 'exit 0'
	job-add ok >/dev/null
	run --separate-stderr job-list -l x
	usage_error job-list
	run --separate-stderr job-list -l
	usage_error job-list
}

@test "-l ID: the log is capped, the newest output kept, still headed by its attempt" {
	# 4 MiB of numbered lines.
	handler chatty 'seq 1 600000'
	job-add chatty >/dev/null
	job-run --once 2>/dev/null
	[ "$(state 1)" = done ]
	job-list -l 1 >"$TMP/log"
	local size
	size=$(wc -c <"$TMP/log")
	[ "$size" -lt "$(seq 1 600000 | wc -c)" ]
	# The attempt's header, with its outcome, comes before its output.
	grep -q '^== attempt 1 at .*: exit 0 .*==$' "$TMP/log"
	[ "$(grep -n '^== attempt 1 ' "$TMP/log" | cut -d: -f1)" -lt \
	    "$(grep -n '^600000$' "$TMP/log" | cut -d: -f1)" ]
	# What is kept is the end of the output, whole lines.
	[ "$(tail -n 1 "$TMP/log")" = 600000 ]
	local first
	first=$(grep -v '^==' "$TMP/log" | head -n 1)
	[ "$(grep -v '^==' "$TMP/log")" = "$(seq "$first" 600000)" ]
}

@test "an unknown option is a usage error" {
	run --separate-stderr job-list -Z
	usage_error job-list
	run --separate-stderr job-list --bogus
	usage_error job-list
}

@test "a store path that is a file: exit 1, a clean message" {
	printf 'x' >"$TMP/file"
	run --separate-stderr job-list -d "$TMP/file"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "job-list: $TMP/file: Not a directory" ]
}

@test "job-list changes nothing" {
	done_failed_pending
	local before
	before=$(job-list -a --json)
	job-list >/dev/null
	job-list -a -s done >/dev/null
	job-list 1 2 3 >/dev/null
	job-list -c >/dev/null
	job-list -l 1 >/dev/null
	[ "$(job-list -a --json)" = "$before" ]
}
