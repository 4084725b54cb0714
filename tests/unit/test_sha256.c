/*
 * test_sha256.c: the store's SHA-256 against the test vectors of FIPS
 * 180-2 (appendix B) and the lengths around its padding's edges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sha256.h"

static const char *
hex(const unsigned char *d)
{
	static char buf[2 * SHA256_LEN + 1];

	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(buf + 2 * i, 3, "%02x", d[i]);
	return buf;
}

static void
check_digest(const void *data, size_t n, const char *want, const char *what)
{
	unsigned char d[SHA256_LEN];

	store_sha256(data, n, d);
	CHECK_STR(hex(d), want, what);
}

int
main(void)
{
	static const struct {
		size_t n;
		const char *want;
	} edges[] = {
		/* echo -n aaa... | sha256sum, at the padding's edges */
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9a"
		    "e9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f"
		    "590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98"
		    "e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209"
		    "f439851db43d0ba5997337df154668eb" },
		{ 511, "058fc5084b6355a06099bfef3de8e360"
		    "344046dc5a47026de47470b9aabb5bfd" },
	};
	char *a;

	check_digest("abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "FIPS 180-2 B.1: abc");
	check_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	    "FIPS 180-2 B.2: 448 bits");
	if ((a = malloc(1000000)) == NULL)
		return 1;
	memset(a, 'a', 1000000);
	check_digest(a, 1000000,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	    "FIPS 180-2 B.3: a million a");
	check_digest("", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "the empty string");
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		char what[64];

		snprintf(what, sizeof what, "%zu bytes of a", edges[i].n);
		check_digest(a, edges[i].n, edges[i].want, what);
	}
	free(a);
	return check_done();
}
