/* Helpers for the compat tests: checks that report the line, peers in child processes, and a
 * poll() loop on tt_fd() as legacy programs write it. */
#ifndef TTBUS_COMPAT_CHECK_H
#define TTBUS_COMPAT_CHECK_H

#include <Tt/tt_c.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: [%d] check failed: %s\n", __FILE__,  \
				__LINE__, (int)getpid(), #cond);                      \
			exit(1);                                                      \
		}                                                                     \
	} while (0)

#define CHECK_STATUS(expr, want)                                                      \
	do {                                                                          \
		int got_ = (int)(expr);                                               \
		if (got_ != (int)(want)) {                                            \
			fprintf(stderr, "%s:%d: [%d] %s = %d, want %d (%s)\n", __FILE__, \
				__LINE__, (int)getpid(), #expr, got_, (int)(want), #want); \
			exit(1);                                                      \
		}                                                                     \
	} while (0)

#define CHECK_STR(expr, want)                                                         \
	do {                                                                          \
		const char *got_ = (expr);                                            \
		if (got_ == NULL || tt_ptr_error(got_) != TT_OK || strcmp(got_, (want)) != 0) { \
			fprintf(stderr, "%s:%d: [%d] %s = \"%s\", want \"%s\"\n", __FILE__, \
				__LINE__, (int)getpid(), #expr, got_ ? got_ : "(null)", (want)); \
			exit(1);                                                      \
		}                                                                     \
	} while (0)

/* Waits up to ms for tt_fd() to become readable, then receives. NULL on timeout or when a
 * callback took the message. */
static inline Tt_message wait_message(int ms)
{
	struct pollfd p;
	p.fd = tt_fd();
	p.events = POLLIN;
	p.revents = 0;
	CHECK(p.fd >= 0);
	if (poll(&p, 1, ms) <= 0)
		return NULL;
	return tt_message_receive();
}

/* Receives until a message arrives (callbacks may take some), at most ms in all. */
static inline Tt_message next_message(int ms)
{
	int waited;
	for (waited = 0; waited < ms; waited += 50) {
		Tt_message m = wait_message(50);
		if (m != NULL) {
			CHECK(tt_ptr_error(m) == TT_OK);
			return m;
		}
	}
	return NULL;
}

/* Runs role in a child process; the parent gets the child's pid and a descriptor that becomes
 * readable (one byte) when the child calls peer_ready. */
static int peer_ready_fd = -1;

static inline void peer_ready(void)
{
	char c = 'r';
	CHECK(write(peer_ready_fd, &c, 1) == 1);
}

static inline pid_t spawn_peer(void (*role)(void *), void *arg)
{
	int fds[2];
	char c;
	pid_t pid;
	CHECK(pipe(fds) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		peer_ready_fd = fds[1];
		role(arg);
		exit(0);
	}
	close(fds[1]);
	CHECK(read(fds[0], &c, 1) == 1);
	close(fds[0]);
	return pid;
}

static inline void reap_peer(pid_t pid)
{
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "peer %d ended with status 0x%x\n", (int)pid, status);
		exit(1);
	}
}

/* A pattern for op in the default session, registered and joined. */
static inline Tt_pattern session_pattern(Tt_category cat, const char *op)
{
	Tt_pattern p = tt_pattern_create();
	CHECK(tt_ptr_error(p) == TT_OK);
	CHECK_STATUS(tt_pattern_category_set(p, cat), TT_OK);
	CHECK_STATUS(tt_pattern_scope_add(p, TT_SESSION), TT_OK);
	if (op != NULL)
		CHECK_STATUS(tt_pattern_op_add(p, op), TT_OK);
	CHECK_STATUS(tt_pattern_session_add(p, tt_default_session()), TT_OK);
	CHECK_STATUS(tt_pattern_register(p), TT_OK);
	return p;
}

#endif
