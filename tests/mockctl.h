/* mockctl.h - starts build/ailib-mock for the loopback tests and talks to its control API. */
#ifndef AILIB_MOCKCTL_H
#define AILIB_MOCKCTL_H
#include <stddef.h>

typedef struct mock_server { int pid; int port; } mock_server;

/* The shared server of this test process, started on first use on a free loopback port and
   stopped at exit. NULL when it cannot be started (the message says why). */
const mock_server *mock_shared(void);
int mock_start(mock_server *m, const char *extra_args);
void mock_stop(mock_server *m);
/* "http://127.0.0.1:PORT/x/<spec><suffix>" (no /x/ part when spec is NULL or ""). */
void mock_url(const mock_server *m, const char *spec, const char *suffix, char *out, size_t cap);
/* Requests the server counted for a spec string (from /_mock/stats); -1 on failure. */
long mock_count(const mock_server *m, const char *spec);
/* A raw HTTP/1.1 GET or POST on loopback; returns the body (malloc'd) and status, NULL on failure. */
char *mock_http(const mock_server *m, const char *method, const char *path, int *status);
#endif
