/*
 * corrupt.c: a test tool that damages a store as torn writes, bugs or
 * other programs would.
 *
 *   corrupt DIR ID          replaces the record of job ID with bytes that
 *                           do not decode, keeping its index entries
 *   corrupt -m DIR ID       deletes the record of job ID and nothing else:
 *                           its index entries dangle, the counts still
 *                           count it
 *   corrupt -p DIR ID       deletes the payload of job ID, which its
 *                           record still says it has
 *   corrupt -f DIR          makes DIR an LMDB environment of another
 *                           program (keys of its own, no job schema)
 *   corrupt -w DIR          puts an entry of the wrong size first in the
 *                           index of waiting jobs: every look at it fails
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "lmdb_impl.h"

static int
corrupt_fn(struct store_txn *txn, void *arg)
{
	static const unsigned char junk[] = { 0xa3, 0x00, 0x01, 0x03, 0xff };
	uint64_t id = *(uint64_t *)arg;
	struct store_index ix;
	struct job job;
	int rc;

	job_init(&job);
	if ((rc = job_load(txn, id, &job)) != 0)
		return rc;
	job_index_of(&job, &ix);
	rc = store_put(txn, &ix, &ix, junk, sizeof junk);
	job_free_fields(&job);
	return rc;
}

static int
missing_fn(struct store_txn *txn, void *arg)
{
	unsigned char k[8];

	put_u64(k, *(uint64_t *)arg);
	return map_err(mdb_del(txn->txn, txn->st->dbi[DB_JOBS],
	    &(MDB_val){ 8, k }, NULL));
}

static int
payload_fn(struct store_txn *txn, void *arg)
{
	return store_payload_del(txn, *(uint64_t *)arg);
}

static int
waiting_fn(struct store_txn *txn, void *arg)
{
	(void)arg;
	return map_err(mdb_put(txn->txn, txn->st->dbi[DB_WAITING],
	    &(MDB_val){ 1, "" }, &(MDB_val){ 0, "" }, 0));
}

/* Another program's environment: a database of its own, keys in it. */
static int
foreign(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { 4, "user" }, v = { 5, "alice" };
	int rc;

	mkdir(dir, 0700);
	if ((rc = mdb_env_create(&env)) != 0)
		return rc;
	mdb_env_set_maxdbs(env, 4);
	if ((rc = mdb_env_open(env, dir, 0, 0600)) == 0 &&
	    (rc = mdb_txn_begin(env, NULL, 0, &txn)) == 0) {
		if ((rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &dbi)) == 0 &&
		    (rc = mdb_put(txn, dbi, &k, &v, 0)) == 0)
			rc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
	}
	mdb_env_close(env);
	return rc;
}

int
main(int argc, char **argv)
{
	int (*fn)(struct store_txn *, void *) = corrupt_fn;
	job_store *store = NULL;
	uint64_t id;
	int rc;

	if (argc == 3 && strcmp(argv[1], "-f") == 0) {
		if ((rc = foreign(argv[2])) != 0)
			fprintf(stderr, "corrupt: %s\n", mdb_strerror(rc));
		return rc ? 1 : 0;
	}
	if (argc == 3 && strcmp(argv[1], "-w") == 0) {
		fn = waiting_fn;
		argv[1] = argv[2];
		argv[2] = "0";
	}
	if (argc == 4 && (strcmp(argv[1], "-m") == 0 ||
	    strcmp(argv[1], "-p") == 0)) {
		fn = argv[1][1] == 'm' ? missing_fn : payload_fn;
		argv++;
		argc--;
	}
	if (argc != 3)
		return fprintf(stderr,
		    "usage: corrupt [-m | -p] dir id | corrupt -f | -w dir\n"),
		    2;
	id = strtoull(argv[2], NULL, 10);
	if ((rc = job_store_open(&store, argv[1], 0)) == 0)
		rc = store_write(store->st, fn, &id);
	if (rc)
		fprintf(stderr, "corrupt: %s\n", job_strerror(rc));
	job_store_close(store);
	return rc ? 1 : 0;
}
