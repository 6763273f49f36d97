/* A legacy ToolTalk handler, written against the classic C API (<Tt/tt_c.h>, libtt): it handles
 * Hello(in string name, out string greeting) in the default session, as a CDE program would.
 *
 *   tt_handler [COUNT]   answer COUNT requests (default: forever), then leave
 *
 * It prints "ready" once its pattern is registered and the session joined. */
#include <Tt/tt_c.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long remaining = argc > 1 ? strtol(argv[1], NULL, 10) : -1;
	Tt_pattern pattern;
	char greeting[256];
	struct pollfd fd;

	if (tt_ptr_error(tt_open()) != TT_OK) {
		fprintf(stderr, "tt_handler: tt_open failed\n");
		return 1;
	}
	pattern = tt_pattern_create();
	tt_pattern_category_set(pattern, TT_HANDLE);
	tt_pattern_scope_add(pattern, TT_SESSION);
	tt_pattern_op_add(pattern, "Hello");
	if (tt_pattern_register(pattern) != TT_OK || tt_session_join(tt_default_session()) != TT_OK) {
		fprintf(stderr, "tt_handler: cannot register\n");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	fd.fd = tt_fd();
	fd.events = POLLIN;
	while (remaining != 0 && poll(&fd, 1, -1) > 0) {
		Tt_message m = tt_message_receive();
		char *name;
		if (m == NULL || tt_ptr_error(m) != TT_OK)
			continue;
		name = tt_message_arg_val(m, 0);
		snprintf(greeting, sizeof greeting, "Hello, %s!", tt_ptr_error(name) == TT_OK && name ? name : "stranger");
		tt_free(name);
		tt_message_arg_val_set(m, 1, greeting);
		tt_message_reply(m);
		tt_message_destroy(m);
		if (remaining > 0)
			remaining--;
	}
	tt_close();
	return 0;
}
