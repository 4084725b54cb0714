/*
 * corrupt.c: a test tool.  Replaces the record of job ID in the store
 * at DIR with bytes that do not decode, keeping its index entries, as
 * a torn or foreign write would leave it.
 *
 * usage: corrupt DIR ID
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

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

int
main(int argc, char **argv)
{
	job_store *store;
	uint64_t id;
	int rc;

	if (argc != 3)
		return fprintf(stderr, "usage: corrupt dir id\n"), 2;
	id = strtoull(argv[2], NULL, 10);
	if ((rc = job_store_open(&store, argv[1], 0)) == 0)
		rc = store_write(store->st, corrupt_fn, &id);
	if (rc)
		fprintf(stderr, "corrupt: %s\n", job_strerror(rc));
	job_store_close(store);
	return rc ? 1 : 0;
}
