/*
 * common.h: what the six commands share: messages and exit statuses,
 * number and time arguments, the store and handler checks, the options
 * of the enqueueing commands, and checked output.  Unlike libjob, this
 * code prints and exits: it is the binaries' side.
 */
#ifndef JOB_CMD_COMMON_H
#define JOB_CMD_COMMON_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "job.h"

/* Exit statuses (job(7)). */
#define EXIT_CANNOT 1	/* could not be done */
#define EXIT_USAGE 2	/* the command line is wrong */

/* Set by cmd_init(): the program's name for messages. */
extern const char *cmd_prog;

/*
 * Opens /dev/null on any of descriptors 0 to 2 that is closed (exit 1 if
 * it cannot), and records the program name; call first in main.
 */
void cmd_init(const char *prog);

/* "PROGRAM: message" on stderr. */
void cmd_warn(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* cmd_warn, then exit with status. */
_Noreturn void cmd_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A usage error: message, the usage line, exit 2. */
_Noreturn void cmd_usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Reports the option getopt_long (with opterr 0 and a leading ":" in
 * the short options) could not take, and exits 2.
 */
_Noreturn void cmd_bad_option(const char *usage, int opt, char **argv);

/* Prints help (usage and option summary) on stdout and exits 0. */
_Noreturn void cmd_help(const char *usage, const char *options);

/* Prints the version on stdout and exits 0. */
_Noreturn void cmd_version(void);

/*
 * Flushes and closes stdout; if anything could not be written, exits as
 * cmd_write_error() does.
 */
void cmd_close_stdout(void);

/*
 * SIGPIPE for a command that changes the store (1): ignored, so that a
 * closed pipe is a write error it reports, saying what it changed, not a
 * silent death.  For one that only reads (0): the default, whatever was
 * inherited, so that a closed pipe ends it quietly, as any filter.
 */
void cmd_sigpipe(int changes_store);

/*
 * Returns 0 if every write to stdout so far succeeded, else the errno of
 * the first that failed.  Call it right after a write, while errno is
 * still that write's.
 */
int cmd_stdout_error(void);

/* Flushes and closes stdout; returns 0 or the errno of the failure. */
int cmd_stdout_close(void);

/*
 * Exits for output that could not be written: quietly for a closed pipe
 * (killed by SIGPIPE, as a filter is), else "write error: ..." and 1.
 */
_Noreturn void cmd_write_error(int err);

/*
 * Exits 1 saying that jobs first to last are in the store but their ids
 * could not be written (err): added (existed 0), already there (1), or
 * either (-1).
 */
_Noreturn void cmd_ids_unwritten(uint64_t first, uint64_t last,
    int existed, int err);

/* Argument parsers: exit 2 with a message naming what on bad input. */
int64_t cmd_parse_int(const char *usage, const char *what, const char *s,
    int64_t min, int64_t max);
job_time_t cmd_parse_duration(const char *usage, const char *what,
    const char *s);
/* Now plus a DURATION (--in). */
job_time_t cmd_parse_in(const char *usage, const char *what,
    const char *s);
job_time_t cmd_parse_time(const char *usage, const char *what,
    const char *s);
uint64_t cmd_parse_id(const char *s, int *ok);

/*
 * Warns, once per process, that TZ names no known zone and local times
 * are UTC; for the commands that compute local times.
 */
void cmd_check_tz(void);

/*
 * Checks the job a command line gives, as job_add() will, before the store
 * is opened: exit 2 with a message naming the option at fault.
 */
void cmd_check_spec(const char *usage, const struct job_spec *spec);

/* Resolves -d / $JOB_DB into buf, or exits 1. */
void cmd_store_path(const char *dir, char *buf, size_t size);

/*
 * Opens the store: for writing (created if missing), or for reading, in
 * which case a missing store returns NULL (no jobs).  Exits 1 on error.
 */
job_store *cmd_store_open(const char *dir, int create);

/* The options shared by job-add, job-schedule and job-recur. */
struct cmd_enqueue {
	struct job_spec spec;
	const char *db;
	const char *handlers;
	const char *input;
	int force;
	unsigned char *payload;
};

#define CMD_ENQUEUE_SHORT "q:p:r:t:k:i:H:fd:hV"
#define CMD_ENQUEUE_LONG						\
	{ "queue", required_argument, NULL, 'q' },			\
	{ "priority", required_argument, NULL, 'p' },			\
	{ "retries", required_argument, NULL, 'r' },			\
	{ "timeout", required_argument, NULL, 't' },			\
	{ "key", required_argument, NULL, 'k' },			\
	{ "input", required_argument, NULL, 'i' },			\
	{ "handlers", required_argument, NULL, 'H' },			\
	{ "force", no_argument, NULL, 'f' },				\
	{ "db", required_argument, NULL, 'd' },				\
	{ "help", no_argument, NULL, 'h' },				\
	{ "version", no_argument, NULL, 'V' }

/* The help text of those options. */
extern const char cmd_enqueue_help[];

/*
 * Handles one of the shared options; returns 1 if opt was one, 0 if
 * not.  Exits on a bad value, and for -h (with help) and -V.
 */
int cmd_enqueue_option(struct cmd_enqueue *e, int opt, const char *arg,
    const char *usage, const char *help);

/*
 * After the options: takes HANDLER and its args from argv[optind...],
 * checks the handler (unless -f) and reads the payload (-i).
 * handler_optional lets job-recur --next go without one.
 */
void cmd_enqueue_finish(struct cmd_enqueue *e, int argc, char **argv,
    const char *usage, int handler_optional);

/* Frees what cmd_enqueue_finish allocated. */
void cmd_enqueue_free(struct cmd_enqueue *e);

/* Adds e->spec, prints the id, and exits with the right status. */
_Noreturn void cmd_enqueue_add(struct cmd_enqueue *e);

/* Reads a whole file ("-" for stdin) into *buf; exits 1 on error. */
size_t cmd_read_file(const char *path, unsigned char **buf);

#endif
