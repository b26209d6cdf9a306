/* mockctl.c - see mockctl.h. POSIX only: fork/exec and a blocking socket. */
#include "mockctl.h"
#include "../ailib.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static mock_server shared;
static int shared_state;   /* 0 not tried, 1 running, -1 failed */
static pid_t shared_owner; /* the process that started it: a forked test child that exit()s must not stop it */

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

int mock_start(mock_server *m, const char *extra_args) {
    char portfile[64], cmd[512];
    int i;
    FILE *f;
    snprintf(portfile, sizeof portfile, "/tmp/ailib-mock-port.%d.%p", (int)getpid(), (void *)m);
    unlink(portfile);
    m->pid = fork();
    if (m->pid < 0) return 0;
    if (m->pid == 0) {
        snprintf(cmd, sizeof cmd, "exec ./build/ailib-mock --port 0 --quiet --port-file %s %s", portfile, extra_args ? extra_args : "");
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 500; i++) {            /* up to 5 s */
        if ((f = fopen(portfile, "r")) != NULL) {
            int ok = fscanf(f, "%d", &m->port) == 1;
            fclose(f);
            if (ok && m->port > 0) { unlink(portfile); return 1; }
        }
        if (waitpid(m->pid, NULL, WNOHANG) == m->pid) { m->pid = 0; return 0; }
        sleep_ms(10);
    }
    mock_stop(m);
    return 0;
}

void mock_stop(mock_server *m) {
    if (m->pid > 0) {
        kill(m->pid, SIGTERM);
        waitpid(m->pid, NULL, 0);
    }
    m->pid = 0;
}

static void stop_shared(void) {
    if (getpid() == shared_owner) mock_stop(&shared);
}

const mock_server *mock_shared(void) {
    if (shared_state == 0) {
        shared_owner = getpid();
        shared_state = mock_start(&shared, NULL) ? 1 : -1;
        if (shared_state == 1) atexit(stop_shared);
        else fprintf(stderr, "could not start ./build/ailib-mock (run the tests through make)\n");
    }
    return shared_state == 1 ? &shared : NULL;
}

void mock_url(const mock_server *m, const char *spec, const char *suffix, char *out, size_t cap) {
    if (spec && *spec) snprintf(out, cap, "http://127.0.0.1:%d/x/%s%s", m->port, spec, suffix ? suffix : "");
    else snprintf(out, cap, "http://127.0.0.1:%d%s", m->port, suffix ? suffix : "");
}

char *mock_http(const mock_server *m, const char *method, const char *path, int *status) {
    struct sockaddr_in sa;
    char req[1024], *buf = NULL, *body;
    size_t len = 0, cap = 0;
    ssize_t n;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return NULL;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)m->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { close(fd); return NULL; }
    snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", method, path);
    if (write(fd, req, strlen(req)) < 0) { close(fd); return NULL; }
    for (;;) {
        if (len + 4096 + 1 > cap) { cap = cap ? cap * 2 : 8192; buf = (char *)realloc(buf, cap); }
        n = read(fd, buf + len, cap - len - 1);
        if (n <= 0) break;
        len += (size_t)n;
    }
    close(fd);
    if (!buf) return NULL;
    buf[len] = 0;
    if (status) *status = (len > 12 && strncmp(buf, "HTTP/1.", 7) == 0) ? atoi(buf + 9) : 0;
    body = strstr(buf, "\r\n\r\n");
    if (!body) { free(buf); return NULL; }
    body += 4;
    memmove(buf, body, strlen(body) + 1);
    return buf;
}

long mock_count(const mock_server *m, const char *spec) {
    int status = 0;
    char *body = mock_http(m, "GET", "/_mock/stats", &status);
    ailib_json_doc *d = NULL;
    long n = -1;
    if (!body) return -1;
    if (status == 200 && ailib_json_parse(body, strlen(body), NULL, &d, NULL) == AILIB_OK) {
        const ailib_json *v = ailib_json_get(ailib_json_get(ailib_json_doc_root(d), "by_spec"), spec ? spec : "");
        n = v ? (long)ailib_json_int(v) : 0;
    }
    ailib_json_doc_destroy(d);
    free(body);
    return n;
}
