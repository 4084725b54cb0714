/*
 * lmdbput.c: the floor for one durable job-add: opens the LMDB
 * environment in DIR (creating the directory), puts one small record
 * under a fresh key in one write transaction, commits (LMDB syncs the
 * data file on commit by default, as the store does) and exits.
 *
 * usage: lmdbput DIR
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <lmdb.h>

int
main(int argc, char **argv)
{
	char value[64] = "stamp /tmp/stamps";	/* about a job's size */
	struct timespec ts;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	long long key;
	int rc;

	if (argc != 2)
		return fprintf(stderr, "usage: lmdbput dir\n"), 2;
	if (mkdir(argv[1], 0700) == -1 && errno != EEXIST)
		return perror(argv[1]), 1;
	clock_gettime(CLOCK_REALTIME, &ts);
	key = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	k = (MDB_val){ sizeof key, &key };
	v = (MDB_val){ sizeof value, value };
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_mapsize(env, 1 << 24)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], 0, 0600)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, NULL, 0, &dbi)) != 0 ||
	    (rc = mdb_put(txn, dbi, &k, &v, 0)) != 0 ||
	    (rc = mdb_txn_commit(txn)) != 0)
		return fprintf(stderr, "lmdbput: %s\n", mdb_strerror(rc)), 1;
	mdb_env_close(env);
	return 0;
}
