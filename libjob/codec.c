/*
 * codec.c: job records as CBOR.
 *
 * A record is a definite-length CBOR map from small unsigned integer keys
 * to values: key 0 holds the schema version, every other key one field of
 * struct job (fields[] below is the key map).  Fields that are "none" are
 * left out, and an absent key decodes to job_init()'s default.  Keys this
 * version does not know are skipped, so that records written by a newer
 * version stay readable.
 *
 * Encoding writes item heads into a growing buffer itself, byte for byte
 * as libcbor's low-level encoders would, with one check for room per
 * field instead of a call and a check per head (a million records in one
 * job-add --each spent a third of their instructions there).  Decoding
 * pulls one item head at a time out of cbor_stream_decode(), which hands
 * over a string only once its declared length is known to fit in the
 * input: nothing is allocated that the input does not hold.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "codec.h"

#define MAXDEPTH 16		/* nesting allowed in a skipped value */
#define K_VERSION 0		/* the key of the schema version */

enum ftype {
	F_NONE,			/* no field has this key */
	F_U64,			/* uint64_t */
	F_U32,			/* uint32_t */
	F_I64,			/* int64_t or job_time_t */
	F_INT,			/* int in [min, max] */
	F_STR,			/* char *, text string */
	F_ARGS,			/* args, nargs: array of byte strings */
	F_PAYLOAD,		/* payload, payload_len, has_payload */
	F_PAYLEN		/* payload_len of a payload kept apart */
};

struct field {
	enum ftype	type;
	size_t		off;		/* offset in struct job */
	int		min, max;	/* F_INT: range */
	int		none;		/* F_INT: value left out */
};

#define OFF(m)		offsetof(struct job, m)
#define U64(m)		{ F_U64, OFF(m), 0, 0, 0 }
#define U32(m)		{ F_U32, OFF(m), 0, 0, 0 }
#define I64(m)		{ F_I64, OFF(m), 0, 0, 0 }
#define INT(m, lo, hi, no) { F_INT, OFF(m), lo, hi, no }
#define STR(m)		{ F_STR, OFF(m), 0, 0, 0 }

/* The key map: the index is the key.  Never renumber; only append. */
static const struct field fields[] = {
	[1] = U64(id),
	[2] = INT(state, JOB_PENDING, JOB_FAILED, JOB_PENDING),
	[3] = STR(handler),
	[4] = { F_ARGS, 0, 0, 0, 0 },
	[5] = { F_PAYLOAD, 0, 0, 0, 0 },
	[6] = STR(queue),
	[7] = I64(priority),
	[8] = I64(run_at),
	[9] = I64(created_at),
	[10] = I64(started_at),
	[11] = I64(finished_at),
	[12] = U32(attempts),
	[13] = U32(max_attempts),
	[14] = U32(uncharged),
	[15] = U32(lost_streak),
	[16] = I64(timeout),
	[17] = STR(key),
	[18] = INT(last_exit, -1, 255, -1),
	[19] = INT(last_signal, -1, 255, -1),
	[20] = STR(last_error),
	[21] = STR(name),
	[22] = I64(every),
	[23] = STR(cron),
	[24] = INT(catchup, JOB_CATCHUP_ONCE, JOB_CATCHUP_SKIP,
	    JOB_CATCHUP_ONCE),
	[25] = I64(jitter),
	[26] = I64(anchor),
	[27] = I64(sched_at),
	[28] = U64(runs),
	[29] = U64(failures),
	[30] = U64(owner),
	[31] = { F_PAYLEN, 0, 0, 0, 0 },
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* Duplicate keys are found with a 64-bit mask. */
_Static_assert(NFIELDS <= 64, "too many keys for the seen mask");

#define AT(job, f, T)	((T *)(void *)((char *)(job) + (f)->off))
#define CAT(job, f, T) \
	((const T *)(const void *)((const char *)(job) + (f)->off))

/* Encoding ---------------------------------------------------------------- */

/* The major types of CBOR item heads (RFC 8949, 3.1). */
enum head { H_UINT, H_NEGINT, H_BYTES, H_TEXT, H_ARRAY, H_MAP };

#define HEAD_MAX 9		/* bytes in the longest item head */

static int
grow(struct job_buf *b, size_t n)
{
	unsigned char *p;
	size_t cap;

	for (cap = b->cap ? b->cap : 128; cap - b->len < n; cap *= 2)
		if (cap > SIZE_MAX / 2)
			return ENOMEM;
	if ((p = realloc(b->p, cap)) == NULL)
		return ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Makes room for n more bytes; the writers below then assume it. */
static inline int
reserve(struct job_buf *b, size_t n)
{
	return b->cap - b->len >= n ? 0 : grow(b, n);
}

/*
 * Writes one item head: its major type and v in the fewest bytes, the
 * form libcbor's encoders write too.
 */
static void
put_head(struct job_buf *b, enum head h, uint64_t v)
{
	unsigned char *p = b->p + b->len;
	int n, info;

	if (v < 24)
		n = 0, info = (int)v;
	else if (v <= UINT8_MAX)
		n = 1, info = 24;
	else if (v <= UINT16_MAX)
		n = 2, info = 25;
	else if (v <= UINT32_MAX)
		n = 4, info = 26;
	else
		n = 8, info = 27;
	p[0] = (unsigned char)((unsigned)h << 5 | (unsigned)info);
	for (int i = n; i > 0; i--, v >>= 8)
		p[i] = (unsigned char)v;		/* big-endian */
	b->len += 1 + (size_t)n;
}

/* CBOR stores a negative v as -1 - v, which cannot overflow this way. */
static void
put_int(struct job_buf *b, int64_t v)
{
	if (v < 0)
		put_head(b, H_NEGINT, (uint64_t)-(v + 1));
	else
		put_head(b, H_UINT, (uint64_t)v);
}

/* A string, with the room it needs. */
static int
put_str(struct job_buf *b, enum head h, const void *s, size_t len)
{
	if (reserve(b, HEAD_MAX + len))
		return ENOMEM;
	put_head(b, h, len);
	if (len > 0)
		memcpy(b->p + b->len, s, len);
	b->len += len;
	return 0;
}

/* Returns the length of the UTF-8 sequence at s, or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t left)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n > left)
		return 0;
	c = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* No overlong forms, surrogates, or code points past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

static bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n;

	for (i = 0; i < len; i += n)
		if ((n = utf8_seq(u + i, len - i)) == 0)
			return false;
	return true;
}

/*
 * A text string must be UTF-8, but a key or error text may hold any
 * bytes: those that are not UTF-8 go out as a byte string instead.
 */
static int
put_text(struct job_buf *b, const char *s)
{
	size_t len = strlen(s);

	return put_str(b, utf8_valid(s, len) ? H_TEXT : H_BYTES, s, len);
}

static bool
present(const struct job *job, const struct field *f)
{
	switch (f->type) {
	case F_U64:
		return *CAT(job, f, uint64_t) != 0;
	case F_U32:
		return *CAT(job, f, uint32_t) != 0;
	case F_I64:
		return *CAT(job, f, int64_t) != 0;
	case F_INT:
		return *CAT(job, f, int) != f->none;
	case F_STR:
		return *CAT(job, f, char *) != NULL;
	case F_ARGS:
		return job->nargs > 0;
	case F_PAYLOAD:
		return job->payload != NULL ||
		    (job->has_payload && job->payload_len == 0);
	case F_PAYLEN:
		return job_payload_apart(job);
	default:
		return false;
	}
}

static int
put_args(struct job_buf *b, const struct job *job)
{
	size_t i;

	put_head(b, H_ARRAY, job->nargs);
	for (i = 0; i < job->nargs; i++)
		if (put_str(b, H_BYTES, job->args[i], strlen(job->args[i])))
			return ENOMEM;
	return 0;
}

/* Writes key and the value of its field, f. */
static int
put_entry(struct job_buf *b, const struct job *job, size_t key,
    const struct field *f)
{
	/* The key, and a number or the head of an array. */
	if (reserve(b, 2 * HEAD_MAX))
		return ENOMEM;
	put_head(b, H_UINT, key);
	switch (f->type) {
	case F_U64:
		put_head(b, H_UINT, *CAT(job, f, uint64_t));
		return 0;
	case F_U32:
		put_head(b, H_UINT, *CAT(job, f, uint32_t));
		return 0;
	case F_I64:
		put_int(b, *CAT(job, f, int64_t));
		return 0;
	case F_INT:
		put_int(b, *CAT(job, f, int));
		return 0;
	case F_STR:
		return put_text(b, *CAT(job, f, char *));
	case F_ARGS:
		return put_args(b, job);
	case F_PAYLOAD:
		return put_str(b, H_BYTES, job->payload, job->payload_len);
	case F_PAYLEN:
		put_head(b, H_UINT, job->payload_len);
		return 0;
	default:
		return 0;
	}
}

int
job_encode_buf(const struct job *job, struct job_buf *b)
{
	unsigned char keys[NFIELDS];
	size_t i, n = 0;

	/* The keys that go out, in order. */
	for (i = 1; i < NFIELDS; i++)
		if (present(job, &fields[i]))
			keys[n++] = (unsigned char)i;
	b->len = 0;
	if (reserve(b, 3 * HEAD_MAX))
		return ENOMEM;
	put_head(b, H_MAP, n + 1);
	put_head(b, H_UINT, K_VERSION);
	put_head(b, H_UINT, JOB_SCHEMA_VERSION);
	for (i = 0; i < n; i++)
		if (put_entry(b, job, keys[i], &fields[keys[i]]) != 0)
			return ENOMEM;
	return 0;
}

int
job_encode(const struct job *job, unsigned char **buf, size_t *len)
{
	struct job_buf b = { NULL, 0, 0 };

	if (job_encode_buf(job, &b) != 0) {
		free(b.p);
		return ENOMEM;
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

/* Decoding ---------------------------------------------------------------- */

/* What cbor_stream_decode() found: one item head. */
enum tkind {
	T_NONE, T_UINT, T_NEGINT, T_BYTES, T_TEXT, T_BYTES_INDEF,
	T_TEXT_INDEF, T_ARRAY, T_ARRAY_INDEF, T_MAP, T_MAP_INDEF, T_TAG,
	T_SIMPLE, T_BREAK
};

struct dec {
	const unsigned char	*p;		/* what is left to read */
	size_t			 left;
	struct cbor_callbacks	 cb;
	enum tkind		 kind;		/* the last item head read */
	uint64_t		 val;		/* int, tag, count, length */
	const unsigned char	*data;		/* string bytes */
};

static void
tok(void *ctx, enum tkind kind, uint64_t val, const unsigned char *data)
{
	struct dec *d = ctx;

	d->kind = kind;
	d->val = val;
	d->data = data;
}

/* One callback per integer width and sign, all alike. */
#define CB_INT(name, T, kind)						\
static void								\
name(void *ctx, T v)							\
{									\
	tok(ctx, kind, v, NULL);					\
}
CB_INT(cb_uint8, uint8_t, T_UINT)
CB_INT(cb_uint16, uint16_t, T_UINT)
CB_INT(cb_uint32, uint32_t, T_UINT)
CB_INT(cb_uint64, uint64_t, T_UINT)
CB_INT(cb_negint8, uint8_t, T_NEGINT)
CB_INT(cb_negint16, uint16_t, T_NEGINT)
CB_INT(cb_negint32, uint32_t, T_NEGINT)
CB_INT(cb_negint64, uint64_t, T_NEGINT)
CB_INT(cb_tag, uint64_t, T_TAG)
CB_INT(cb_array, size_t, T_ARRAY)
CB_INT(cb_map, size_t, T_MAP)

static void
cb_bytes(void *ctx, cbor_data data, size_t len)
{
	tok(ctx, T_BYTES, len, data);
}

static void
cb_text(void *ctx, cbor_data data, size_t len)
{
	tok(ctx, T_TEXT, len, data);
}

#define CB_MARK(name, kind)						\
static void								\
name(void *ctx)								\
{									\
	tok(ctx, kind, 0, NULL);					\
}
CB_MARK(cb_bytes_indef, T_BYTES_INDEF)
CB_MARK(cb_text_indef, T_TEXT_INDEF)
CB_MARK(cb_array_indef, T_ARRAY_INDEF)
CB_MARK(cb_map_indef, T_MAP_INDEF)
CB_MARK(cb_break, T_BREAK)
CB_MARK(cb_simple, T_SIMPLE)

static void
cb_float(void *ctx, float v)
{
	(void)v;
	tok(ctx, T_SIMPLE, 0, NULL);
}

static void
cb_double(void *ctx, double v)
{
	(void)v;
	tok(ctx, T_SIMPLE, 0, NULL);
}

static void
cb_bool(void *ctx, bool v)
{
	(void)v;
	tok(ctx, T_SIMPLE, 0, NULL);
}

static void
dec_init(struct dec *d, const unsigned char *buf, size_t len)
{
	d->p = buf;
	d->left = len;
	d->cb = cbor_empty_callbacks;
	d->cb.uint8 = cb_uint8;
	d->cb.uint16 = cb_uint16;
	d->cb.uint32 = cb_uint32;
	d->cb.uint64 = cb_uint64;
	d->cb.negint8 = cb_negint8;
	d->cb.negint16 = cb_negint16;
	d->cb.negint32 = cb_negint32;
	d->cb.negint64 = cb_negint64;
	d->cb.byte_string = cb_bytes;
	d->cb.byte_string_start = cb_bytes_indef;
	d->cb.string = cb_text;
	d->cb.string_start = cb_text_indef;
	d->cb.array_start = cb_array;
	d->cb.indef_array_start = cb_array_indef;
	d->cb.map_start = cb_map;
	d->cb.indef_map_start = cb_map_indef;
	d->cb.tag = cb_tag;
	d->cb.float2 = cb_float;
	d->cb.float4 = cb_float;
	d->cb.float8 = cb_double;
	d->cb.undefined = cb_simple;
	d->cb.null = cb_simple;
	d->cb.boolean = cb_bool;
	d->cb.indef_break = cb_break;
}

/* Reads the next item head (with its bytes, for a definite string). */
static int
next(struct dec *d)
{
	struct cbor_decoder_result r;

	if (d->left == 0)
		return JOB_ECORRUPT;
	d->kind = T_NONE;
	r = cbor_stream_decode(d->p, d->left, &d->cb, d);
	if (r.status != CBOR_DECODER_FINISHED || d->kind == T_NONE ||
	    r.read == 0 || r.read > d->left)
		return JOB_ECORRUPT;
	d->p += r.read;
	d->left -= r.read;
	return 0;
}

static int skip_item(struct dec *, int);

/* Skips items up to a break; a map's items come in pairs. */
static int
skip_until_break(struct dec *d, int depth, bool pairs)
{
	int error;

	for (;;) {
		if ((error = next(d)) != 0)
			return error;
		if (d->kind == T_BREAK)
			return 0;
		if ((error = skip_item(d, depth)) != 0)
			return error;
		if (pairs && ((error = next(d)) != 0 ||
		    (error = skip_item(d, depth)) != 0))
			return error;
	}
}

/* An indefinite string is definite chunks of its own kind. */
static int
skip_chunks(struct dec *d, enum tkind chunk)
{
	int error;

	for (;;) {
		if ((error = next(d)) != 0)
			return error;
		if (d->kind == T_BREAK)
			return 0;
		if (d->kind != chunk)
			return JOB_ECORRUPT;
	}
}

static int
skip_items(struct dec *d, int depth, uint64_t n)
{
	int error;

	for (; n > 0; n--)
		if ((error = next(d)) != 0 ||
		    (error = skip_item(d, depth)) != 0)
			return error;
	return 0;
}

/* Skips the rest of the item whose head was just read. */
static int
skip_item(struct dec *d, int depth)
{
	uint64_t n = d->val;

	switch (d->kind) {
	case T_UINT:
	case T_NEGINT:
	case T_BYTES:
	case T_TEXT:
	case T_SIMPLE:
		return 0;
	case T_BREAK:
	case T_NONE:
		return JOB_ECORRUPT;
	default:
		break;
	}
	/* The rest nest: bound the recursion. */
	if (depth >= MAXDEPTH)
		return JOB_ECORRUPT;
	switch (d->kind) {
	case T_ARRAY:
		return skip_items(d, depth + 1, n);
	case T_MAP:
		if (n > UINT64_MAX / 2)
			return JOB_ECORRUPT;
		return skip_items(d, depth + 1, 2 * n);
	case T_ARRAY_INDEF:
		return skip_until_break(d, depth + 1, false);
	case T_MAP_INDEF:
		return skip_until_break(d, depth + 1, true);
	case T_BYTES_INDEF:
		return skip_chunks(d, T_BYTES);
	case T_TEXT_INDEF:
		return skip_chunks(d, T_TEXT);
	default:
		return skip_items(d, depth + 1, 1);	/* T_TAG */
	}
}

static int
get_int(struct dec *d, int64_t *v)
{
	if (d->val > INT64_MAX)
		return JOB_ECORRUPT;
	if (d->kind == T_UINT)
		*v = (int64_t)d->val;
	else if (d->kind == T_NEGINT)
		*v = -1 - (int64_t)d->val;
	else
		return JOB_ECORRUPT;
	return 0;
}

/* Copies a string out, NUL-terminated; it may not hold a NUL itself. */
static int
get_str(struct dec *d, char **s)
{
	size_t len = (size_t)d->val;

	if (len > 0 && memchr(d->data, '\0', len) != NULL)
		return JOB_ECORRUPT;
	if ((*s = malloc(len + 1)) == NULL)
		return ENOMEM;
	if (len > 0)
		memcpy(*s, d->data, len);
	(*s)[len] = '\0';
	return 0;
}

static int
get_args(struct dec *d, struct job *job)
{
	size_t i, n = (size_t)d->val;
	int error;

	/* Each arg takes at least a byte: a larger count is a lie. */
	if (d->kind != T_ARRAY || d->val > d->left)
		return JOB_ECORRUPT;
	if (n == 0)
		return 0;
	if ((job->args = calloc(n + 1, sizeof(*job->args))) == NULL)
		return ENOMEM;
	job->nargs = n;
	for (i = 0; i < n; i++) {
		if ((error = next(d)) != 0)
			return error;
		if (d->kind != T_BYTES)
			return JOB_ECORRUPT;
		if ((error = get_str(d, &job->args[i])) != 0)
			return error;
	}
	return 0;
}

static int
get_payload(struct dec *d, struct job *job)
{
	size_t len = (size_t)d->val;

	if (d->kind != T_BYTES)
		return JOB_ECORRUPT;
	/* Never NULL, even when empty: has_payload says it is there. */
	if (job->has_payload)
		return JOB_ECORRUPT;	/* also kept apart */
	if ((job->payload = malloc(len > 0 ? len : 1)) == NULL)
		return ENOMEM;
	if (len > 0)
		memcpy(job->payload, d->data, len);
	job->payload_len = len;
	job->has_payload = 1;
	return 0;
}

/* Reads the value of field f into job. */
static int
get_field(struct dec *d, struct job *job, const struct field *f)
{
	int64_t v;
	int error;

	if ((error = next(d)) != 0)
		return error;
	switch (f->type) {
	case F_U64:
		if (d->kind != T_UINT)
			return JOB_ECORRUPT;
		*AT(job, f, uint64_t) = d->val;
		return 0;
	case F_U32:
		if (d->kind != T_UINT || d->val > UINT32_MAX)
			return JOB_ECORRUPT;
		*AT(job, f, uint32_t) = (uint32_t)d->val;
		return 0;
	case F_I64:
		return get_int(d, AT(job, f, int64_t));
	case F_INT:
		if ((error = get_int(d, &v)) != 0)
			return error;
		if (v < f->min || v > f->max)
			return JOB_ECORRUPT;
		*AT(job, f, int) = (int)v;
		return 0;
	case F_STR:
		if (d->kind != T_TEXT && d->kind != T_BYTES)
			return JOB_ECORRUPT;
		return get_str(d, AT(job, f, char *));
	case F_ARGS:
		return get_args(d, job);
	case F_PAYLOAD:
		return get_payload(d, job);
	case F_PAYLEN:
		/* Apart, and not both ways: its bytes are not loaded here. */
		if (d->kind != T_UINT || d->val == 0 || d->val > SIZE_MAX ||
		    job->payload != NULL)
			return JOB_ECORRUPT;
		job->payload_len = (size_t)d->val;
		job->has_payload = 1;
		return 0;
	default:
		return JOB_ECORRUPT;
	}
}

/* Reads one key and its value. */
static int
get_entry(struct dec *d, struct job *job, uint64_t *seen, uint64_t *version)
{
	uint64_t key;
	int error;

	if ((error = next(d)) != 0)
		return error;
	if (d->kind != T_UINT)
		return JOB_ECORRUPT;
	key = d->val;
	if (key < NFIELDS) {
		if (*seen & (UINT64_C(1) << key))
			return JOB_ECORRUPT;
		*seen |= UINT64_C(1) << key;
	}
	if (key == K_VERSION) {
		if ((error = next(d)) != 0)
			return error;
		if (d->kind != T_UINT)
			return JOB_ECORRUPT;
		*version = d->val;
		return 0;
	}
	if (key < NFIELDS && fields[key].type != F_NONE)
		return get_field(d, job, &fields[key]);
	/* A newer version's field: skip its value, whatever it is. */
	if ((error = next(d)) != 0)
		return error;
	return skip_item(d, 0);
}

static int
get_record(struct dec *d, struct job *job)
{
	uint64_t i, n, seen = 0, version = 0;
	int error;

	if ((error = next(d)) != 0)
		return error;
	if (d->kind != T_MAP)
		return JOB_ECORRUPT;
	/* A bogus count runs out of input, and fails, soon enough. */
	n = d->val;
	for (i = 0; i < n; i++)
		if ((error = get_entry(d, job, &seen, &version)) != 0)
			return error;
	if (version == 0 || d->left != 0)
		return JOB_ECORRUPT;
	return 0;
}

int
job_decode(const unsigned char *buf, size_t len, struct job *job)
{
	struct dec d;
	int error;

	job_init(job);
	if (buf == NULL)
		return JOB_ECORRUPT;
	dec_init(&d, buf, len);
	if ((error = get_record(&d, job)) != 0)
		job_free_fields(job);
	return error;
}
