/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one Check runner: every suite in tests/ (the list is generated from
 * the test sources) runs in one SRunner so the run ends with one summary.
 * Tests run with the working directory tests/.
 */
#include <check.h>
#include <stdlib.h>

#define SUITE(name) Suite *name(void);
#include "suites.h"
#undef SUITE

int main(void)
{
	SRunner *sr = srunner_create(NULL);

#define SUITE(name) srunner_add_suite(sr, name());
#include "suites.h"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
