/* libtirpc is mapped only once a program uses XDR through libtt: a program that opens, sends and
 * receives without XDR never maps it (nor the Kerberos libraries it brings); the first
 * tt_message_xarg_add loads it, and XDR then works as before. The XDR procedure here is the
 * program's own, written with <rpc/xdr.h>'s macros, so the program itself needs no libtirpc. */
#include "check.h"

static int mapped(const char *name)
{
	char line[4096];
	int found = 0;
	FILE *maps = fopen("/proc/self/maps", "r");
	CHECK(maps != NULL);
	while (fgets(line, sizeof line, maps) != NULL)
		found |= strstr(line, name) != NULL;
	fclose(maps);
	return found;
}

/* xdr_long, spelt out: one long through the stream's own operations. */
static bool_t own_xdr_long(XDR *x, long *v)
{
	switch (x->x_op) {
	case XDR_ENCODE:
		return XDR_PUTLONG(x, v);
	case XDR_DECODE:
		return XDR_GETLONG(x, v);
	default:
		return TRUE;
	}
}

int main(void)
{
	long x = 123456, y = 0;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	Tt_pattern p = tt_pattern_create();
	CHECK_STATUS(tt_pattern_category_set(p, TT_OBSERVE), TT_OK);
	CHECK_STATUS(tt_pattern_scope_add(p, TT_SESSION), TT_OK);
	CHECK_STATUS(tt_pattern_op_add(p, "Lazy"), TT_OK);
	CHECK_STATUS(tt_pattern_register(p), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	Tt_message m = tt_pnotice_create(TT_SESSION, "Lazy");
	CHECK_STATUS(tt_message_arg_add(m, TT_IN, "string", "no XDR"), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	Tt_message got = next_message(10000);
	CHECK(got != NULL);
	CHECK_STR(tt_message_arg_val(got, 0), "no XDR");
	CHECK(mapped("libtt.so"));
	CHECK(!mapped("libtirpc"));
	CHECK(!mapped("libkrb5"));

	Tt_message n = tt_pnotice_create(TT_SESSION, "Lazy");
	CHECK_STATUS(tt_message_xarg_add(n, TT_IN, "xlong", (xdrproc_t)own_xdr_long, &x), TT_OK);
	CHECK(mapped("libtirpc"));
	CHECK_STATUS(tt_message_send(n), TT_OK);
	got = next_message(10000);
	CHECK(got != NULL);
	CHECK_STATUS(tt_message_arg_xval(got, 0, (xdrproc_t)own_xdr_long, &y), TT_OK);
	CHECK(y == 123456);
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
