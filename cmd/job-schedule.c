/*
 * job-schedule: enqueue a job to run at a time, never before.  Prints
 * its id.
 */
#include "common.h"

static const char usage[] =
    "usage: job-schedule [-f] [-d dir] [-H dir] [-i file] [-k key] "
    "[-p priority]\n"
    "                    [-q queue] [-r retries] [-t timeout]\n"
    "                    (--at time | --in duration) handler [arg ...]";

static const char help_when[] =
    "      --at TIME          run at TIME (RFC 3339, 'YYYY-MM-DD HH:MM[:SS]',"
    " @EPOCH)\n"
    "      --in DURATION      run DURATION from now\n";

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_ENQUEUE_LONG,
		{ "at", required_argument, NULL, 'A' },
		{ "in", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_enqueue e = { 0 };
	char help[2048];
	const char *at = NULL, *in = NULL;
	int opt;

	cmd_init(argv[0]);
	snprintf(help, sizeof help, "%s%s", help_when, cmd_enqueue_help);
	while ((opt = getopt_long(argc, argv, "+:" CMD_ENQUEUE_SHORT,
	    longopts, NULL)) != -1) {
		if (cmd_enqueue_option(&e, opt, optarg, usage, help))
			continue;
		if (opt == 'A')
			at = optarg;
		else if (opt == 'I')
			in = optarg;
		else
			cmd_bad_option(usage, opt, argv);
	}
	if ((at == NULL) == (in == NULL))
		cmd_usage_error(usage, "give one of --at and --in");
	e.spec.has_run_at = 1;
	if (at)
		e.spec.run_at = cmd_parse_time(usage, "time", at);
	else
		e.spec.run_at = cmd_parse_in(usage, "duration", in);
	cmd_enqueue_finish(&e, argc, argv, usage, 0);
	cmd_enqueue_add(&e);
}
