/*
 * sha256.h: SHA-256 (FIPS 180-2), for index keys too long for LMDB.
 */
#ifndef JOB_SHA256_H
#define JOB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

/* Writes the SHA-256 digest of the n bytes at data into out. */
void store_sha256(const void *data, size_t n, unsigned char out[SHA256_LEN]);

#endif
