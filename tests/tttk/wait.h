/* The tttk tests' helpers: a request sent and waited for with tttk_block_while, the way the
 * toolkit's own blocking calls do it. */
#ifndef TTBUS_TTTK_WAIT_H
#define TTBUS_TTTK_WAIT_H

#include <Tt/tttk.h>

#include "../compat/check.h"

static int pending_answer;

static Tt_callback_action answered_cb(Tt_message m, Tt_pattern p)
{
	Tt_state s = tt_message_state(m);
	(void)p;
	if (s == TT_SENT)
		return TT_CALLBACK_CONTINUE; /* sent to ourselves: for our patterns */
	if (s == TT_HANDLED || s == TT_FAILED)
		pending_answer = 0;
	return TT_CALLBACK_PROCESSED;
}

/* A session request for op (tttk_message_create), to be given args, then ask()ed. */
static inline Tt_message request(const char *op)
{
	Tt_message m = tttk_message_create(0, TT_REQUEST, TT_SESSION, NULL, op, answered_cb);
	CHECK(tt_ptr_error(m) == TT_OK);
	return m;
}

/* Sends m and serves tt_fd() until it is answered; returns its final state. */
static inline Tt_state ask(Tt_message m, XtAppContext app)
{
	pending_answer = 1;
	CHECK_STATUS(tt_message_send(m), TT_OK);
	CHECK_STATUS(tttk_block_while(app, &pending_answer, 10000), TT_OK);
	return tt_message_state(m);
}

/* A one-shot signal between processes (made before fork): one side passes, the other waits.
 * Peers are forked before the parent opens libtt, and use gates to wait for each other. */
typedef struct {
	int fds[2];
} gate;

static inline gate gate_make(void)
{
	gate g;
	CHECK(pipe(g.fds) == 0);
	return g;
}

static inline void gate_pass(gate g)
{
	char c = 'g';
	CHECK(write(g.fds[1], &c, 1) == 1);
}

/* At most 20 s: the other side may have died. */
static inline void gate_wait(gate g)
{
	struct pollfd p;
	char c;
	p.fd = g.fds[0];
	p.events = POLLIN;
	p.revents = 0;
	CHECK(poll(&p, 1, 20000) == 1);
	CHECK(read(g.fds[0], &c, 1) == 1);
}

#endif
