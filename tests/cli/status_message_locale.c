/* tt_status_message in the program's locale: a legacy program that sets its locale and its own
 * text domain, then asks libtt for status texts. Usage: status_message_locale OK_TEXT NOMP_TEXT
 * (the texts expected for TT_OK and TT_ERR_NOMP in the locale of the environment). */
#include <Tt/tt_c.h>

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

static int expect(Tt_status status, const char *name, const char *text)
{
	char *message = tt_status_message(status);
	char want[512];
	snprintf(want, sizeof want, "%s\t%s", name, text);
	int ok = strcmp(message, want) == 0;
	if (!ok)
		fprintf(stderr, "tt_status_message(%s) = \"%s\", want \"%s\"\n", name, message, want);
	tt_free(message);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s OK_TEXT NOMP_TEXT\n", argv[0]);
		return 2;
	}
	if (setlocale(LC_ALL, "") == NULL) {
		fprintf(stderr, "the locale of the environment is not installed (tools/setup-deps makes it)\n");
		return 1;
	}
	textdomain("someprogram");
	int ok = expect(TT_OK, "TT_OK", argv[1]);
	ok = expect(TT_ERR_NOMP, "TT_ERR_NOMP", argv[2]) && ok;
	/* libtt is a guest in this program: its own text domain must stay as it set it. */
	if (strcmp(textdomain(NULL), "someprogram") != 0) {
		fprintf(stderr, "the program's text domain became \"%s\"\n", textdomain(NULL));
		ok = 0;
	}
	return ok ? 0 : 1;
}
