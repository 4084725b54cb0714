# job: a persistent job queue.  See README.md.  GNU make: pattern rules
# and $(wildcard) find the sources, so that a new file needs no edit here.
include config.mk

DEPS_CFLAGS = `$(PKG_CONFIG) --cflags $(DEPS)`
DEPS_LIBS = `$(PKG_CONFIG) --libs $(DEPS)`
ALL_CFLAGS = $(CPPFLAGS) -Ilibjob -Istore -Icmd/common $(DEPS_CFLAGS) -fPIC $(CFLAGS) $(WERROR) $(SANITIZE)
ALL_LDFLAGS = $(LDFLAGS) $(SANITIZE)

BINS = bin/job-add bin/job-schedule bin/job-recur bin/job-list bin/job-rm bin/job-run
LIB_SRC = $(wildcard libjob/*.c store/*.c)
LIB_OBJ = $(LIB_SRC:%.c=build/%.o)
CMD_SRC = $(wildcard cmd/common/*.c)
CMD_OBJ = $(CMD_SRC:%.c=build/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=build/tests/%)
HEADERS = $(wildcard libjob/*.h store/*.h cmd/common/*.h)

all: $(BINS) build/libjob.a build/libjob.so

build/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/libjob.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

build/libjob.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libjob.so.0 -o $@ $(LIB_OBJ) $(ALL_LDFLAGS) $(DEPS_LIBS)

build/libcmd.a: $(CMD_OBJ)
	rm -f $@
	ar rcs $@ $(CMD_OBJ)

bin/%: build/cmd/%.o build/libcmd.a build/libjob.a
	@mkdir -p bin
	$(CC) -o $@ $< build/libcmd.a build/libjob.a $(ALL_LDFLAGS) $(DEPS_LIBS)

build/tests/%: tests/unit/%.c tests/unit/check.h build/libjob.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< build/libjob.a $(ALL_LDFLAGS) $(DEPS_LIBS)

build/tests/corrupt: tests/tools/corrupt.c build/libjob.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ tests/tools/corrupt.c build/libjob.a $(ALL_LDFLAGS) $(DEPS_LIBS)

build/tests/example: tests/example.c build/libjob.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ tests/example.c build/libjob.a $(ALL_LDFLAGS) $(DEPS_LIBS)

deps:
	scripts/deps

demo: deps
	$(MAKE) all
	scripts/demo

check: deps
	$(MAKE) all $(UNIT_BIN) build/tests/example build/tests/corrupt
	SANITIZE="$(SANITIZE)" scripts/check

bench: deps
	$(MAKE) all
	scripts/bench/bench.sh

lint-man:
	mandoc -Tlint -W warning man/*

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man7
	cp -f $(BINS) $(DESTDIR)$(BINDIR)
	cp -f build/libjob.a $(DESTDIR)$(LIBDIR)
	cp -f build/libjob.so $(DESTDIR)$(LIBDIR)/libjob.so.0
	ln -sf libjob.so.0 $(DESTDIR)$(LIBDIR)/libjob.so
	cp -f libjob/job.h $(DESTDIR)$(INCDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    libjob.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libjob.pc
	cp -f man/*.1 $(DESTDIR)$(MANDIR)/man1
	cp -f man/*.3 $(DESTDIR)$(MANDIR)/man3
	cp -f man/*.7 $(DESTDIR)$(MANDIR)/man7

uninstall:
	for b in $(BINS); do rm -f $(DESTDIR)$(BINDIR)/$${b#bin/}; done
	rm -f $(DESTDIR)$(LIBDIR)/libjob.a $(DESTDIR)$(LIBDIR)/libjob.so \
	    $(DESTDIR)$(LIBDIR)/libjob.so.0 $(DESTDIR)$(INCDIR)/job.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/libjob.pc
	for m in man/*.[137]; do \
	    s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; done

clean:
	rm -rf build bin

.PHONY: all deps demo check bench lint-man install uninstall clean
