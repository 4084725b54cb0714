# Build settings; override on the command line (make CFLAGS=... PREFIX=...).
VERSION = 0.1.0
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
INCDIR = $(PREFIX)/include
MANDIR = $(PREFIX)/share/man
PKGCONFIGDIR = $(LIBDIR)/pkgconfig

PKG_CONFIG = pkg-config
DEPS = lmdb libcbor

CC = cc
CFLAGS = -O2 -g -Wall -Wextra -Werror -std=c11
CPPFLAGS = -D_GNU_SOURCE
LDFLAGS =
SANITIZE =
