#!/usr/bin/env bats
# make install and make uninstall into a DESTDIR, and a C program built
# against the installed library with pkg-config.

load helper

@test "make install puts everything in place; a C program builds against it" {
	local root="$TMP/root"
	make -s -C "$TOP" install DESTDIR="$root" PREFIX=/opt/job >/dev/null
	for f in bin/job-add bin/job-schedule bin/job-recur bin/job-list \
	    bin/job-rm bin/job-run lib/libjob.a lib/libjob.so lib/libjob.so.0 \
	    include/job.h lib/pkgconfig/libjob.pc share/man/man1/job-add.1 \
	    share/man/man1/job-run.1 share/man/man3/libjob.3 \
	    share/man/man7/job.7; do
		[ -e "$root/opt/job/$f" ] || { echo "missing: $f"; return 1; }
	done
	export PKG_CONFIG_PATH="$root/opt/job/lib/pkgconfig"
	export PKG_CONFIG_SYSROOT_DIR="$root"
	run pkg-config --modversion libjob
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	# The library may be built with sanitizers (CI): link the same way.
	cc $SANITIZE -o "$TMP/example" "$TOP/tests/example.c" \
	    $(pkg-config --cflags libjob) $(pkg-config --libs libjob) \
	    $(pkg-config --libs lmdb libcbor)
	LD_LIBRARY_PATH="$root/opt/job/lib" run "$TMP/example" "$TMP/store"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1 pending mail.send -" ]
	[ "${lines[2]}" = "3 pending slivers:expire slivers:expire" ]
	# The installed job-list reads what the library wrote.
	run "$root/opt/job/bin/job-list" -d "$TMP/store" -c
	[ "$output" = "$(counts 3 0 0 0)" ]
	# The scheduled job is due two days after it was created, not now.
	local created run_at
	created=$(epoch "$(JOB_DB="$TMP/store" jf 2 created_at)")
	run_at=$(epoch "$(JOB_DB="$TMP/store" jf 2 run_at)")
	[ $((run_at - created)) -ge 172799 ]
	[ $((run_at - created)) -le 172801 ]
}

@test "make uninstall removes what make install put" {
	local root="$TMP/root"
	make -s -C "$TOP" install DESTDIR="$root" PREFIX=/opt/job >/dev/null
	make -s -C "$TOP" uninstall DESTDIR="$root" PREFIX=/opt/job >/dev/null
	run find "$root" -type f -o -type l
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}
