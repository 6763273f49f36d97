// Where libtt finds ttbusd without the bus, and how it starts one when nothing else can: the
// broker's stable socket, $XDG_RUNTIME_DIR/ttbus/socket (served by ttbusd, or by systemd's
// ttbusd.socket, which starts the broker on the first connection), and, as classic libtt started
// ttsession, the command in TTSESSION_CMD (default: the installed ttbusd).
#pragma once

namespace ttc {

// A socket connected to the broker's socket (the caller owns it), or -1.
int connect_broker_socket();

// Starts the broker unless one answers on its socket, and waits until it serves (at most a few
// seconds). One start per user at a time: starters queue on a lock beside the socket, and the
// later ones find the broker the first one started. The broker is no child of this process: it
// outlives the program. Returns a socket connected to the broker (the caller owns it), or -1.
int start_broker();

}  // namespace ttc
