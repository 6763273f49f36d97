/* A legacy ToolTalk sender (<Tt/tt_c.h>, libtt) that sends Hello(in string name, out string
 * greeting) and prints the greeting — served by any handler: a libtt program, a GDBus program
 * such as gdbus_handler, or a D-Bus service through ttbus-bridge.
 *
 *   tt_sender NAME */
#include <Tt/tt_c.h>
#include <poll.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	Tt_message request;
	struct pollfd fd;

	if (argc != 2) {
		fprintf(stderr, "usage: tt_sender NAME\n");
		return 2;
	}
	if (tt_ptr_error(tt_open()) != TT_OK) {
		fprintf(stderr, "tt_sender: tt_open failed\n");
		return 1;
	}
	request = tt_prequest_create(TT_SESSION, "Hello");
	tt_message_arg_add(request, TT_IN, "string", argv[1]);
	tt_message_arg_add(request, TT_OUT, "string", NULL);
	if (tt_message_send(request) != TT_OK) {
		fprintf(stderr, "tt_sender: send failed\n");
		return 1;
	}
	fd.fd = tt_fd();
	fd.events = POLLIN;
	while (poll(&fd, 1, 10000) > 0) {
		Tt_message m = tt_message_receive();
		Tt_state state;
		if (m == NULL || tt_ptr_error(m) != TT_OK)
			continue;
		state = tt_message_state(m);
		if (state == TT_HANDLED) {
			char *greeting = tt_message_arg_val(m, 1);
			printf("%s\n", greeting);
			tt_free(greeting);
			tt_close();
			return 0;
		}
		if (state == TT_FAILED) {
			char *why = tt_message_status_string(m);
			fprintf(stderr, "tt_sender: failed: %d %s\n", tt_message_status(m), why);
			tt_free(why);
			tt_close();
			return 1;
		}
	}
	fprintf(stderr, "tt_sender: no answer\n");
	tt_close();
	return 1;
}
