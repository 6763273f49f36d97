/* An idle legacy client: tt_open, then waits on tt_fd() the way a select/poll or Xt program does,
 * taking whatever arrives. Prints "ready" once open, so tests/idle can measure it at rest. */
#include <Tt/tt_c.h>

#include <poll.h>
#include <stdio.h>

int main(void) {
    char* procid = tt_open();
    if (tt_ptr_error(procid) != TT_OK) {
        fprintf(stderr, "tt_open: %s\n", tt_status_message(tt_ptr_error(procid)));
        return 1;
    }
    struct pollfd p = {.fd = tt_fd(), .events = POLLIN};
    puts("ready");
    fflush(stdout);
    while (poll(&p, 1, -1) >= 0) {
        Tt_message m = tt_message_receive();
        if (m != NULL && tt_ptr_error(m) == TT_OK) tt_message_destroy(m);
    }
    tt_close();
    return 0;
}
