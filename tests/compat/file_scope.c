/* File scope crosses sessions: a process that joined a file sees file-scoped notices about it
 * from a sender in another session.
 *   file_scope receive FILE READY   (run inside `ttsession -c`: a session of its own)
 *   file_scope send FILE            (in the default session) */
#include <Tt/tt_c.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, Tt_status s)
{
    fprintf(stderr, "file_scope: %s: %s\n", what, tt_status_message(s));
    return 1;
}

static int receive(const char *file, const char *ready)
{
    char *me = tt_open();
    if (tt_ptr_error(me) != TT_OK) return fail("tt_open", tt_ptr_error(me));
    Tt_pattern p = tt_pattern_create();
    tt_pattern_category_set(p, TT_OBSERVE);
    tt_pattern_scope_add(p, TT_FILE);
    tt_pattern_op_add(p, "Saved");
    Tt_status s = tt_pattern_register(p);
    if (s != TT_OK) return fail("tt_pattern_register", s);
    if ((s = tt_file_join(file)) != TT_OK) return fail("tt_file_join", s);
    FILE *f = fopen(ready, "w");
    if (f) fclose(f);

    struct pollfd pfd = {tt_fd(), POLLIN, 0};
    for (int i = 0; i < 100; ++i) {
        if (poll(&pfd, 1, 100) <= 0) continue;
        Tt_message m = tt_message_receive();
        if (m == NULL || tt_ptr_error(m) != TT_OK) continue;
        char *op = tt_message_op(m);
        char *from = tt_message_session(m);
        char *mine = tt_default_session();
        int ok = strcmp(op, "Saved") == 0 && strcmp(from, mine) != 0;
        printf("got %s from session %s (mine: %s)\n", op, from, mine);
        tt_message_destroy(m);
        tt_close();
        return ok ? 0 : 1;
    }
    fprintf(stderr, "file_scope: no notice arrived\n");
    return 1;
}

static int send_notice(const char *file)
{
    char *me = tt_open();
    if (tt_ptr_error(me) != TT_OK) return fail("tt_open", tt_ptr_error(me));
    Tt_message m = tt_pnotice_create(TT_FILE, "Saved");
    tt_message_file_set(m, file);
    Tt_status s = tt_message_send(m);
    if (s != TT_OK) return fail("tt_message_send", s);
    tt_message_destroy(m);
    return tt_close() == TT_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "receive") == 0) return receive(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "send") == 0) return send_notice(argv[2]);
    fprintf(stderr, "usage: file_scope receive FILE READY | send FILE\n");
    return 2;
}
