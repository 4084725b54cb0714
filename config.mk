# Build settings; override on the command line (make CFLAGS=... PREFIX=...).
# The version is JOB_VERSION in libjob/job.h, read from there.
VERSION = $(shell sed -n 's/^\#define JOB_VERSION "\(.*\)"/\1/p' libjob/job.h)
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
INCDIR = $(PREFIX)/include
MANDIR = $(PREFIX)/share/man
PKGCONFIGDIR = $(LIBDIR)/pkgconfig

PKG_CONFIG = pkg-config
DEPS = lmdb libcbor

CC = cc
# CI adds WERROR=-Werror; a user's newer compiler may warn where ours
# does not, and that need not break their build.
WERROR =
CFLAGS = -O2 -g -Wall -Wextra -std=c11
CPPFLAGS = -D_GNU_SOURCE
LDFLAGS =
SANITIZE =
