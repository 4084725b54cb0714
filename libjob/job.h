/*
 * job.h: the public interface of libjob, the persistent job queue.
 *
 * A store is a directory holding one LMDB environment and the jobs' output
 * logs.  Every function returns 0 on success, a negative JOB_E... code, or a
 * positive errno value; job_strerror() turns any of them into a message.
 * Nothing here prints or exits.
 */
#ifndef JOB_H
#define JOB_H

#include <stddef.h>
#include <stdint.h>

#define JOB_VERSION "0.1.0"

/* Version of the record format written by this library. */
#define JOB_SCHEMA_VERSION 2

/* Error codes: negative, so that they never collide with errno values. */
enum {
	JOB_ECORRUPT = -1,	/* a record or the store is malformed */
	JOB_ENOJOB = -2,	/* no such job */
	JOB_ERUNNING = -3,	/* the job is running */
	JOB_ECONFLICT = -4,	/* name exists with another definition */
	JOB_ENOSTORE = -5,	/* the store does not exist (yet) */
	JOB_ESCHEMA = -6,	/* the store was written by a newer version */
	JOB_EBADNAME = -7,	/* invalid handler, queue or job name */
	JOB_ENOHANDLER = -8,	/* handler not registered */
	JOB_EBADTIME = -9,	/* malformed or impossible time */
	JOB_EBADDURATION = -10,	/* malformed duration */
	JOB_EBADCRON = -11,	/* malformed or never-matching cron expr */
	JOB_EBACKEND = -12,	/* unexpected failure of the store backend */
	JOB_ERANGE = -13,	/* number out of range */
	JOB_EINVAL = -14,	/* invalid argument */
	JOB_ETIMERANGE = -15,	/* a time or duration out of range */
	JOB_ETIMEGAP = -16,	/* a local time skipped by a DST change */
	JOB_ENOTSTORE = -17,	/* not a job store (another program's) */
	JOB_EUNSAFE = -18,	/* handler others could have changed */
	JOB_ENOHANDLERS = -19,	/* handlers directory missing or unusable */
	JOB_ETOOLONG = -20,	/* argument, key or payload too long */
	JOB_EREPAIR = -21	/* indexes count jobs the store lacks */
};

/* Returns a static message for a code returned by any function here. */
const char *job_strerror(int code);

/* Nanoseconds since the Epoch, UTC. */
typedef int64_t job_time_t;

#define JOB_NSEC ((job_time_t)1000000000)

/*
 * The ends of time: JOB_TIME_MIN is 1677-09-21T00:12:43.145224192Z,
 * JOB_TIME_MAX 2262-04-11T23:47:16.854775807Z.
 */
#define JOB_TIME_MIN INT64_MIN
#define JOB_TIME_MAX INT64_MAX

enum job_state {
	JOB_PENDING = 0,
	JOB_RUNNING = 1,
	JOB_DONE = 2,
	JOB_FAILED = 3
};
#define JOB_NSTATES 4

enum job_catchup {
	JOB_CATCHUP_ONCE = 0,
	JOB_CATCHUP_SKIP = 1
};

/*
 * One job record.  Strings are NUL-terminated and owned by the record;
 * NULL means "none".  Times are 0 when unset.  Args may hold any bytes
 * but NUL, as argv does.  The payload is kept apart from the record in
 * the store: job_get() loads it, job_list() does not (payload is NULL
 * there, has_payload and payload_len saying what the store holds).
 * job_free_fields() releases what a record owns.
 */
struct job {
	uint64_t id;
	int state;			/* enum job_state */
	char *handler;
	char **args;
	size_t nargs;
	unsigned char *payload;		/* handler's stdin (see below) */
	size_t payload_len;
	int has_payload;		/* 0: stdin is /dev/null */
	char *queue;
	int64_t priority;
	job_time_t run_at;		/* next (or current) start time */
	job_time_t created_at;
	job_time_t started_at;		/* last start */
	job_time_t finished_at;		/* last finish */
	uint32_t attempts;		/* starts, in this run for recurring */
	uint32_t max_attempts;		/* retries + 1 */
	uint32_t uncharged;		/* starts lost or interrupted */
	uint32_t lost_streak;		/* consecutive executor losses */
	job_time_t timeout;		/* 0: none */
	char *key;			/* idempotency key */
	int last_exit;			/* -1: none */
	int last_signal;		/* -1: none */
	char *last_error;
	/* Recurring jobs: name is set, and one of every or cron. */
	char *name;
	job_time_t every;
	char *cron;
	int catchup;			/* enum job_catchup */
	job_time_t jitter;
	job_time_t anchor;		/* grid origin of --every */
	job_time_t sched_at;		/* run_at before jitter */
	uint64_t runs;
	uint64_t failures;
	/* While running: which executor owns it. */
	uint64_t owner;
};

/* Sets every field of a record to "none". */
void job_init(struct job *job);

/* Frees what a record owns and re-initialises it. */
void job_free_fields(struct job *job);

/* Returns the name of a state ("pending", ...), or NULL if out of range. */
const char *job_state_name(int state);

/* Returns 0 and sets *state for a state name, or JOB_EINVAL. */
int job_state_parse(const char *name, int *state);

/* Names ------------------------------------------------------------------ */

/*
 * Returns 1 if s is a valid handler, queue or recurring-job name:
 * 1 to 128 bytes of A-Z a-z 0-9 _ . : -, starting with a letter, digit or _.
 */
int job_name_valid(const char *s);

/* Times and durations ----------------------------------------------------- */

/* Returns the current time (CLOCK_REALTIME). */
job_time_t job_now(void);

/*
 * Sets *sum to t + d.  Returns 0, or JOB_ETIMERANGE (*sum untouched) when
 * the sum is past either end of time: never a wrapped time.
 */
int job_time_add(job_time_t t, job_time_t d, job_time_t *sum);

/*
 * Returns t + d, or the end of time it passes (JOB_TIME_MAX or
 * JOB_TIME_MIN): a deadline past the end of time never comes.
 */
job_time_t job_time_add_sat(job_time_t t, job_time_t d);

/*
 * Parses TIME: RFC 3339 ("2026-12-01T10:00:00Z", "...+01:00", optional
 * fraction), local "2026-12-01 10:00[:00]" or "2026-12-01T10:00[:00]" (in
 * TZ), or "@EPOCHSECONDS" (negative before 1970).  Returns 0, JOB_EBADTIME
 * (malformed), JOB_ETIMERANGE (past JOB_TIME_MIN or JOB_TIME_MAX), or
 * JOB_ETIMEGAP (a local time skipped by a daylight-saving change).
 */
int job_time_parse(const char *s, job_time_t *out);

/*
 * Parses DURATION: a positive integer with units s m h d w in decreasing
 * order ("90", "90s", "1h30m").  Returns 0, JOB_EBADDURATION (malformed),
 * or JOB_ETIMERANGE (more than JOB_TIME_MAX nanoseconds).
 */
int job_duration_parse(const char *s, job_time_t *out);

/*
 * Returns 1 if tz (the value of TZ, NULL for unset) names a time zone the
 * C library knows: empty, a zone file under $TZDIR or /usr/share/zoneinfo
 * or at an absolute path, or a POSIX TZ string, after an optional ':'.
 * Returns 0 for any other value, which the C library takes as UTC.
 */
int job_tz_valid(const char *tz);

/* Formats t as RFC 3339 UTC, "2026-12-01T10:00:00Z" (whole seconds).
 * Returns the length written, or 0 if buf is too small (32 bytes suffice). */
size_t job_time_format_utc(job_time_t t, char *buf, size_t size);

/* Formats t as RFC 3339 local time with its offset, "Z" for offset 0. */
size_t job_time_format_local(job_time_t t, char *buf, size_t size);

/* Formats a duration in the units of job_duration_parse ("1h30m"). */
size_t job_duration_format(job_time_t d, char *buf, size_t size);

/* Cron expressions -------------------------------------------------------- */

/* A parsed five-field cron expression, as bit sets. */
struct job_cron {
	uint64_t minutes;	/* bits 0-59 */
	uint32_t hours;		/* bits 0-23 */
	uint32_t mdays;		/* bits 1-31 */
	uint16_t months;	/* bits 1-12 */
	uint8_t wdays;		/* bits 0-6, Sunday 0 */
	uint8_t mday_star;	/* day-of-month field starts with '*' */
	uint8_t wday_star;	/* day-of-week field starts with '*' */
};

/*
 * Parses a cron expression or @macro.  Returns 0, or JOB_EBADCRON with
 * *bad_field set to the 1-based field at fault (0: the whole expression).
 */
int job_cron_parse(const char *expr, struct job_cron *cron, int *bad_field);

/*
 * Sets *next to the first matching local time (TZ) strictly after `after`.
 * Returns 0, JOB_EBADCRON if none exists within the search horizon, or
 * JOB_ETIMERANGE if it is past the end of time.
 */
int job_cron_next(const struct job_cron *cron, job_time_t after,
    job_time_t *next);

/* The store ---------------------------------------------------------------- */

typedef struct job_store job_store;

#define JOB_STORE_CREATE 1	/* create the directory and environment */

/*
 * Writes the store directory to use into buf: dir if not NULL, else
 * $JOB_DB, else ${XDG_STATE_HOME:-$HOME/.local/state}/job.  Returns 0,
 * ENAMETOOLONG, or JOB_EINVAL when no location can be derived.
 */
int job_store_path(const char *dir, char *buf, size_t size);

/* Same for the handlers directory: -H, $JOB_HANDLERS, XDG_CONFIG_HOME. */
int job_handlers_path(const char *dir, char *buf, size_t size);

/*
 * Checks that handler name of the handlers directory dir is one job_run()
 * would run: an executable regular file, or a symbolic link to one, that
 * neither group nor others can write and that belongs to the user or
 * root, in a directory of which the same holds, every directory on the
 * way to both (each link followed, at most 40) owned by the user or root
 * and writable by neither group nor others unless sticky.  Returns 0,
 * JOB_EBADNAME, JOB_ENOHANDLERS (dir missing, not a directory or not
 * searchable), JOB_ENOHANDLER (no such file), JOB_EUNSAFE (others could
 * change it), EACCES (not a regular file, not executable), or another
 * errno (ELOOP, ENAMETOOLONG...).  With name NULL, checks only that dir
 * is a directory that can be read and searched: 0 or JOB_ENOHANDLERS.
 * If why is not NULL, writes there why, naming the handler and the path
 * at fault.
 */
int job_handler_check(const char *dir, const char *name, char *why,
    size_t size);

/*
 * Opens the store in directory dir.  Without JOB_STORE_CREATE, a missing
 * store gives JOB_ENOSTORE.  Returns 0, a JOB_E code, or an errno.
 */
int job_store_open(job_store **store, const char *dir, int flags);

/* Closes a store opened by job_store_open(). NULL is allowed. */
void job_store_close(job_store *store);

/* Returns the directory of an open store. */
const char *job_store_dir(const job_store *store);

/*
 * Opens /dev/null on each of descriptors 0, 1 and 2 that is closed, so
 * that no file opened later takes their place; job_store_open() calls it
 * first.  Returns 0 or an errno.
 */
int job_std_fds_ensure(void);

/* Enqueueing ---------------------------------------------------------------- */

/*
 * What to enqueue.  handler is required; the rest may be left zero:
 * queue NULL means "default", retries and timeout 0 mean none.  run_at
 * counts only with has_run_at set (else: now).  For a recurring job set
 * name and every or cron.
 */
struct job_spec {
	const char *handler;
	char *const *args;
	size_t nargs;
	const unsigned char *payload;
	size_t payload_len;
	int has_payload;
	const char *queue;
	int64_t priority;
	uint32_t retries;
	job_time_t timeout;
	const char *key;
	int has_run_at;
	job_time_t run_at;
	/* recurring */
	const char *name;
	job_time_t every;
	const char *cron;
	int catchup;
	job_time_t jitter;
	int replace;
};

/* Limits of a spec. */
#define JOB_ARG_MAX 131071		/* bytes of one arg (execve's 128 KiB) */
#define JOB_ARGS_MAX (1 << 20)		/* bytes of all args, one NUL each */
#define JOB_NARGS_MAX 65536		/* args */
#define JOB_KEY_MAX 65536		/* bytes of a key */
#define JOB_EVERY_MIN JOB_NSEC		/* the shortest interval */

/*
 * Checks spec as job_add() does, before it writes anything.  Returns 0,
 * JOB_EBADNAME (handler, queue or name), JOB_EINVAL (a NULL arg, an empty
 * key, a payload_len without payload and has_payload, a recurring field
 * without a name, a name without exactly one of every and cron, catchup
 * not a JOB_CATCHUP_), JOB_ETOOLONG (args or key past the limits above),
 * JOB_ERANGE (retries, a negative timeout or jitter, every below
 * JOB_EVERY_MIN), JOB_EBADCRON, or JOB_ETIMERANGE (the first run plus
 * every, jitter or timeout past the end of time).  If field is not NULL,
 * *field names the member at fault ("args", "every", ...), or NULL.
 */
int job_spec_check(const struct job_spec *spec, const char **field);

/*
 * Adds one job.  Sets *id to its id; with a key or name that already
 * exists, sets *id to the existing job's and *existed to 1 (else 0).
 * Returns 0, JOB_ECONFLICT (a name with another definition and no
 * replace), a code of job_spec_check(), or a store error.  Durable on
 * return.
 */
int job_add(job_store *store, const struct job_spec *spec, uint64_t *id,
    int *existed);

/*
 * Adds n jobs in one transaction: specs[i] gives ids[i].  All or nothing.
 */
int job_add_many(job_store *store, const struct job_spec *specs, size_t n,
    uint64_t *ids);

/*
 * Adds n jobs in one transaction, all or nothing: spec with items[i]
 * appended to its args gives ids[i] (job-add --each).  Returns as
 * job_add(), and JOB_EINVAL for a NULL item.
 */
int job_add_each(job_store *store, const struct job_spec *spec,
    char *const *items, size_t n, uint64_t *ids);

/* Inspecting ------------------------------------------------------------------ */

/* Reads job id into *job (free with job_free_fields).  Returns 0,
 * JOB_ENOJOB, JOB_ECORRUPT or a store error. */
int job_get(job_store *store, uint64_t id, struct job *job);

/* Which jobs job_list() reports; zeroed means every job but done ones. */
struct job_filter {
	unsigned states;		/* bit (1 << state); 0: all but done */
	const char *handler;
	const char *queue;
	const char *name;
};

/*
 * Calls fn for each matching job in id order, within one read
 * transaction; fn's job is valid during the call only.  A non-zero return
 * from fn stops the walk and is returned.  A corrupt record is passed to
 * corrupt (if not NULL) with its id, and skipped.  fn NULL: JOB_EINVAL.
 */
int job_list(job_store *store, const struct job_filter *filter,
    int (*fn)(const struct job *job, void *arg),
    void (*corrupt)(uint64_t id, void *arg), void *arg);

/* Sets counts[state] for the four states. */
int job_count(job_store *store, uint64_t counts[JOB_NSTATES]);

/*
 * Sets counts[state] for the four states, counting only the jobs that
 * pass filter's handler, queue and name (its states are ignored; NULL
 * counts every job), in one read transaction.  A corrupt record is
 * passed to corrupt (if not NULL) with its id, and not counted.  Returns
 * 0 or a store error.
 */
int job_count_matching(job_store *store, const struct job_filter *filter,
    uint64_t counts[JOB_NSTATES], void (*corrupt)(uint64_t id, void *arg),
    void *arg);

/* Returns the path of job id's output log in buf (it may not exist). */
int job_log_path(job_store *store, uint64_t id, char *buf, size_t size);

/*
 * Reads job id's output log, passing it to fn a block at a time; a
 * non-zero return from fn stops the reading and is returned.  A job that
 * has no log yet passes nothing.  Returns 0, JOB_ENOJOB, JOB_EINVAL (a
 * NULL store or fn), a store error, or the errno of a failed read.
 */
int job_log_read(job_store *store, uint64_t id,
    int (*fn)(const void *buf, size_t len, void *arg), void *arg);

/* Removing ------------------------------------------------------------------- */

/*
 * Removes job id and its log.  A running job gives JOB_ERUNNING unless
 * force, in which case its executor terminates the handler.
 */
int job_remove(job_store *store, uint64_t id, int force);

/* Finds a recurring job by name.  Returns 0 or JOB_ENOJOB. */
int job_find_name(job_store *store, const char *name, uint64_t *id);

/*
 * Removes every job in state (JOB_DONE or JOB_FAILED) that finished
 * before `before`; sets *removed to how many.
 */
int job_remove_finished(job_store *store, int state, job_time_t before,
    uint64_t *removed);

/*
 * Removes every pending job (recurring ones too; none that is running),
 * with their logs, in one transaction; sets *removed to how many.
 */
int job_remove_pending(job_store *store, uint64_t *removed);

/* Recurring schedules ---------------------------------------------------------- */

/*
 * Computes the first n run times of a recurring spec (every or cron)
 * starting from `from`, as job-recur --next prints them.  Returns 0,
 * JOB_EINVAL (not exactly one of every and cron, a bad catchup),
 * JOB_ERANGE (every below JOB_EVERY_MIN, a negative jitter),
 * JOB_EBADCRON, or JOB_ETIMERANGE (a time past the end of time).
 */
int job_recur_preview(const struct job_spec *spec, job_time_t from,
    job_time_t *times, size_t n);

/* Executing ------------------------------------------------------------------- */

enum job_event_kind {
	JOB_EV_START,
	JOB_EV_DONE,
	JOB_EV_FAIL,
	JOB_EV_RETRY,
	JOB_EV_TIMEOUT,
	JOB_EV_LOST,
	JOB_EV_PRUNE,
	JOB_EV_OUTPUT,		/* a line of handler output (for -v) */
	JOB_EV_ERROR,		/* the store failed a read or write; retrying */
	JOB_EV_INTERRUPT	/* stopped by a shutdown or a forced removal */
};

/* What the executor reports; fields that do not apply are 0 / NULL. */
struct job_event {
	int kind;			/* enum job_event_kind */
	job_time_t time;
	uint64_t job;
	const char *handler;
	uint32_t attempt;
	const char *status;		/* "exit:3", "signal:9", "timeout" */
	job_time_t duration;
	job_time_t next;		/* retry: when */
	uint64_t count;			/* prune: how many */
	const char *text;		/* output line, error text */
	size_t text_len;
};

/* Zero (or NULL) in any field means its default. */
struct job_run_options {
	const char *handlers;		/* handlers directory; NULL: default */
	unsigned slots;			/* -j, 1 to JOB_SLOTS_MAX; 0: 1 */
	const char *const *queues;	/* NULL-terminated; NULL: all */
	int once;
	job_time_t keep;		/* prune done jobs older; 0: 7 days */
	job_time_t grace;		/* SIGTERM to SIGKILL; 0: 10 s */
	int verbose;			/* report output lines */
	void (*on_event)(const struct job_event *ev, void *arg);
	void *arg;
};

#define JOB_SLOTS_MAX 1024
#define JOB_KEEP_DEFAULT (7 * 86400 * JOB_NSEC)
#define JOB_GRACE_DEFAULT (10 * JOB_NSEC)

/*
 * Runs the executor until SIGTERM or SIGINT (or, with once, until no job is
 * due and none is running).  Blocks those signals and SIGCHLD while it
 * runs.  opts NULL is all defaults.  Returns 0, JOB_ERANGE (slots past
 * JOB_SLOTS_MAX, a negative keep or grace), JOB_EBADNAME (a queue),
 * JOB_EINVAL (an empty queue list or handlers ""), or an error.
 */
int job_run(job_store *store, const struct job_run_options *opts);

#endif
