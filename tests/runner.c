/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one Check runner: every suite in tests/ (the list is generated from
 * the test sources) runs in one SRunner so the run ends with one summary.
 * Tests run with the working directory tests/.
 *
 * RUN_SUITES and SKIP_SUITES narrow the run to whole suites, for the
 * sanitizer runs that have nothing to find in some of them (Makefile):
 * each is a list of words separated by spaces or commas, a word being a
 * suite's directory under tests/ (vt100, integration, ...) or its function
 * without _suite (parser, render_golden, ...).  With RUN_SUITES only the
 * suites it names run; SKIP_SUITES then leaves out those it names.  What
 * is left out is said on stderr, before Check's summary line, so that a
 * narrowed run never passes for a whole one.  (CK_RUN_SUITE, Check's own,
 * still picks one suite by the name it was created with.)
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUITE(dir, name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE

static const struct {
	const char *dir, *name;
	Suite *(*make)(void);
} suites[] = {
#define SUITE(dir, name) { #dir, #name, name##_suite },
#include "suites.h"
#undef SUITE
};

/* True if the list in the environment variable var has the word dir or name. */
static bool listed(const char *var, const char *dir, const char *name)
{
	const char *list = getenv(var), *p = list;

	while (p && *p) {
		size_t n;

		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if ((n == strlen(dir) && !strncmp(p, dir, n)) ||
		    (n == strlen(name) && !strncmp(p, name, n)))
			return true;
		p += n;
	}
	return false;
}

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	bool narrowed = getenv("RUN_SUITES") && *getenv("RUN_SUITES");
	int skipped = 0;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if ((narrowed && !listed("RUN_SUITES", suites[i].dir, suites[i].name)) ||
		    listed("SKIP_SUITES", suites[i].dir, suites[i].name)) {
			fprintf(stderr, "%s %s/%s", skipped++ ? "," : "runner: not run here:",
				suites[i].dir, suites[i].name);
			continue;
		}
		srunner_add_suite(sr, suites[i].make());
	}
	if (skipped)
		fprintf(stderr, " (RUN_SUITES='%s' SKIP_SUITES='%s')\n",
			getenv("RUN_SUITES") ? getenv("RUN_SUITES") : "",
			getenv("SKIP_SUITES") ? getenv("SKIP_SUITES") : "");
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
