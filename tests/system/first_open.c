/* A legacy ToolTalk program's first call: tt_open finds no broker running, the bus asks systemd
 * to start ttbusd.service (D-Bus activation), and the program gets its procid. */
#include <Tt/tt_c.h>

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    char *procid = tt_open();
    if (tt_ptr_error(procid) != TT_OK) {
        fprintf(stderr, "tt_open: %s\n", tt_status_message(tt_ptr_error(procid)));
        return 1;
    }
    char *session = tt_default_session();
    if (tt_ptr_error(session) != TT_OK || session[0] == '\0') {
        fprintf(stderr, "tt_default_session: %s\n", tt_status_message(tt_ptr_error(session)));
        return 1;
    }
    printf("procid %s in session %s\n", procid, session);
    tt_free(procid);
    tt_free(session);
    /* The broker that answered is the unit systemd started. */
    if (system("systemctl --user --quiet is-active ttbusd.service") != 0) {
        fprintf(stderr, "ttbusd.service is not active\n");
        return 1;
    }
    return tt_close() == TT_OK ? 0 : 1;
}
