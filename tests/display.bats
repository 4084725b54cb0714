#!/usr/bin/env bats
# display.bats: how job-list shows jobs to a reader (SPEC "Inspecting:
# job-list"): text under the locale's character set, times at any value,
# no trailing blanks, and columns that stay aligned.

bats_require_minimum_version 1.5.0
load helper

# utf8: exports LC_ALL as a UTF-8 locale of this system, or skips.
utf8() {
	local l
	for l in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8; do
		if locale -a 2>/dev/null | grep -qx "$l"; then
			export LC_ALL=$l
			return
		fi
	done
	skip "no UTF-8 locale"
}

# args_col ID: the ARGS column of job ID in the table (after 8 columns).
args_col() {
	job-list -a | sed -n "/^$1 /p" | cut -c105-
}

# a job whose args are the given words, scheduled far ahead.
later() {
	job-schedule --at 2030-01-01T00:00:00Z ok "$@" >/dev/null
}

@test "UTF-8 locale: valid printable UTF-8 shows as is in the table, bare when it is safe" {
	utf8
	handler ok 'exit 0'
	later café 'ça va' 中文 '😀'
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ $output == *" - "*" café 'ça va' 中文 😀" ]]
}

@test "UTF-8 locale: invalid bytes, controls, blanks and invisible characters stay escaped" {
	utf8
	handler ok 'exit 0'
	# Cut UTF-8, a lone byte, U+0085 (C1 control), U+202E (bidi
	# override), U+00A0 (no-break space), U+200B (zero-width space), a tab.
	later "$(printf 'caf\xc3')" "$(printf '\xff')" "$(printf '\xc2\x85')" \
	    "$(printf 'a\xe2\x80\xaeb')" "$(printf 'a\xc2\xa0b')" \
	    "$(printf 'a\xe2\x80\x8bb')" "$(printf 'é\t')"
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[[ $output == *" - "*" \$'caf\\xc3' \$'\\xff' \$'\\xc2\\x85' \$'a\\xe2\\x80\\xaeb' \$'a\\xc2\\xa0b' \$'a\\xe2\\x80\\x8bb' \$'é\\x09'" ]]
}

@test "C locale: every byte that is not printable ASCII is escaped, as before" {
	handler ok 'exit 0'
	later café 'x y'
	local l
	for l in C POSIX; do
		echo "# LC_ALL=$l"
		LC_ALL=$l run --separate-stderr job-list
		[ "$status" -eq 0 ]
		[[ $output == *" - "*" \$'caf\\xc3\\xa9' 'x y'" ]]
	done
}

@test "the character set is that of LC_ALL, else LC_CTYPE, else LANG" {
	utf8
	local u=$LC_ALL
	unset LC_ALL
	handler ok 'exit 0'
	later café
	[ "$(env -u LC_ALL -u LC_CTYPE LANG="$u" job-list | cut -c105-)" = café ]
	[ "$(env -u LC_ALL LC_CTYPE="$u" LANG=C job-list | cut -c105-)" = café ]
	[ "$(env LC_ALL=C LC_CTYPE="$u" LANG="$u" job-list | cut -c105-)" = "\$'caf\\xc3\\xa9'" ]
	[ "$(env -u LC_ALL LC_CTYPE=C LANG="$u" job-list | cut -c105-)" = "\$'caf\\xc3\\xa9'" ]
}

@test "the detail view: printable UTF-8 as is under UTF-8; the rest a JSON string with escapes" {
	handler ok 'exit 0'
	job-add -k café ok café >/dev/null
	job-add -k "$(printf 'a\xe2\x80\xaeb\xc2\x85\xff')" ok >/dev/null
	job-add -k 'x ' ok >/dev/null
	utf8
	[ "$(field 1 key)" = café ]
	[ "$(field 1 args)" = café ]
	[ "$(field 2 key)" = '"a\u202eb\u0085\udcff"' ]
	[ "$(field 3 key)" = '"x "' ]
	export LC_ALL=C
	[ "$(field 1 key)" = '"caf\u00e9"' ]
	[ "$(field 1 args)" = "\$'caf\\xc3\\xa9'" ]
	[ "$(field 2 key)" = '"a\u202eb\u0085\udcff"' ]
	# The JSON strings read back as the bytes they stand for.
	[ "$(job-list 1 | sed -n 's/^key: //p' | jq -r .)" = café ]
}

@test "--json is the same whatever the locale, valid UTF-8 as is" {
	handler ok 'exit 0'
	job-add -k café ok café "$(printf '\xff\xc2\x85')" >/dev/null
	local c
	c=$(LC_ALL=C job-list --json 1)
	[[ $c == *'"args":["café","\udcff'$'\xc2\x85''"]'* ]]
	utf8
	[ "$(job-list --json 1)" = "$c" ]
}

@test "a job at @0 shows its time, 1970-01-01T00:00:00Z, in every view" {
	handler ok 'exit 0'
	job-schedule --at @0 ok x >/dev/null
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "$output" = "1      pending default       0 1970-01-01T00:00:00Z      0/1      ok               -                    x" ]
	[ "$(field 1 run_at)" = 1970-01-01T00:00:00Z ]
	[ "$(jf 1 run_at)" = 1970-01-01T00:00:00Z ]
	# Never started, never finished: those are null, not 1970.
	[ "$(field 1 started_at)" = null ]
	[ "$(jf 1 finished_at)" = null ]
}

@test "no line of any view ends with a blank" {
	handler ok 'echo out'
	job-add ok >/dev/null
	job-add -k 'k ' ok 'a ' >/dev/null
	job-recur --every 1h --name r ok >/dev/null
	job-recur --cron '0 3 * * *' --name c ok y >/dev/null
	job-run --once 2>/dev/null
	local v
	for v in "-a" "-a --json" "1 2 3 4" "-c" "-l 1"; do
		echo "# job-list $v"
		run --separate-stderr job-list $v
		[ "$status" -eq 0 ]
		[ -n "$output" ]
		! grep -n '[[:blank:]]$' <<<"$output"
	done
	[ "$(job-list 1 | grep '^args')" = "args:" ]
	[ "$(field 2 key)" = '"k "' ]
	[ "$(field 2 args)" = "'a '" ]
}

@test "the table: values wider than their column are cut with a mark; the columns stay aligned" {
	handler ok 'exit 0'
	local h=handler.with.a.very.long.name q=queue.with.a.long.name
	handler "$h" 'exit 0'
	job-schedule --at 2030-01-01T00:00:00Z -q "$q" "$h" a >/dev/null
	job-recur --every 1h --at 2030-01-01T00:00:00Z --name recurring.with.a.long.name ok b >/dev/null
	job-schedule --at 2030-01-01T00:00:00Z -q queue.ten ok c >/dev/null
	job-recur --cron '0 3 * * *' --name daily ok >/dev/null
	export LC_ALL=C
	run --separate-stderr job-list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1      pending queue.wit+    0 2030-01-01T00:00:00Z      0/1      handler.with.a.+ -                    a" ]
	[ "${lines[1]}" = "2      pending default       0 2030-01-01T00:00:00Z      0/1      ok               recurring.with.a.lo+ b" ]
	# A value that fits exactly is not cut.
	[ "${lines[2]}" = "3      pending queue.ten     0 2030-01-01T00:00:00Z      0/1      ok               -                    c" ]
	# The last column before the args is cut too, with no blanks after.
	[[ ${lines[3]} == *" ok               daily(cron 0 3 * * +" ]]
	utf8
	run --separate-stderr job-list
	[ "${lines[0]}" = "1      pending queue.wit…    0 2030-01-01T00:00:00Z      0/1      handler.with.a.… -                    a" ]
	[ "${lines[1]}" = "2      pending default       0 2030-01-01T00:00:00Z      0/1      ok               recurring.with.a.lo… b" ]
	[[ ${lines[3]} == *" ok               daily(cron 0 3 * * …" ]]
	# Every ARGS column starts at character 105 (bash counts characters).
	[ "${lines[0]:104}" = a ]
	[ "${lines[1]:104}" = b ]
	[ "${lines[2]:104}" = c ]
	# The full values are in the detail view and the JSON.
	[ "$(field 1 queue)" = "$q" ]
	[ "$(jf 1 handler)" = "$h" ]
	[ "$(field 4 cron)" = "0 3 * * *" ]
}

@test "the table: the args, the last column, are never cut" {
	handler ok 'exit 0'
	local long
	long=$(printf 'x%.0s' $(seq 300))
	later "$long" end
	[ "$(args_col 1)" = "$long end" ]
}

@test "the table: numbers are never cut; a wider one pushes the rest of its line" {
	handler ok 'exit 0'
	job-schedule --at 2030-01-01T00:00:00Z -p -123456 ok a >/dev/null
	run --separate-stderr job-list
	[ "$output" = "1      pending default    -123456 2030-01-01T00:00:00Z      0/1      ok               -                    a" ]
}
