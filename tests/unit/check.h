/*
 * check.h: a tiny TAP producer for the C unit tests.  Each CHECK prints
 * "ok N - what" or "not ok N - what"; check_done() prints the plan and the
 * "N passed, N failed" summary and returns the exit status.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

static int check_count, check_failed;

static void
check_result(int ok, const char *what, const char *file, int line)
{
	check_count++;
	if (ok) {
		printf("ok %d - %s\n", check_count, what);
		return;
	}
	check_failed++;
	printf("not ok %d - %s\n# at %s:%d\n", check_count, what, file, line);
}

#define CHECK(cond, what) check_result((cond) != 0, (what), __FILE__, __LINE__)

/* Compares two strings and shows both when they differ. */
#define CHECK_STR(got, want, what) do {					\
	const char *check_g_ = (got), *check_w_ = (want);		\
	int check_ok_ = check_g_ && check_w_ ? strcmp(check_g_, check_w_) == 0 \
	    : check_g_ == check_w_;					\
	check_result(check_ok_, (what), __FILE__, __LINE__);		\
	if (!check_ok_)							\
		printf("#   got  \"%s\"\n#   want \"%s\"\n",		\
		    check_g_ ? check_g_ : "(null)",			\
		    check_w_ ? check_w_ : "(null)");			\
} while (0)

#define CHECK_INT(got, want, what) do {					\
	long long check_g_ = (long long)(got), check_w_ = (long long)(want); \
	check_result(check_g_ == check_w_, (what), __FILE__, __LINE__);	\
	if (check_g_ != check_w_)					\
		printf("#   got  %lld\n#   want %lld\n", check_g_, check_w_); \
} while (0)

static int
check_done(void)
{
	printf("1..%d\n", check_count);
	printf("%d passed, %d failed\n", check_count - check_failed,
	    check_failed);
	return check_failed ? 1 : 0;
}

#endif
