/* otlp-recv - a tiny OTLP/HTTP collector for offline runs: it accepts POSTs (any path, any
   number of keep-alive connections), answers each with 200 and {}, and writes each body to
   DIR/<n>-<last path segment>.json (n counts from 1). It prints one line on start:
       otlp-recv listening on http://127.0.0.1:PORT
   and stops on SIGINT or SIGTERM. Loopback only. No TLS, no protobuf: ailib exports JSON.

   Usage: otlp-recv [--port N] [--out DIR]       (DIR default: the current directory) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXC 16

typedef struct conn { int fd; char *buf; size_t len, cap; } conn;

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static long content_length(const char *head, size_t hl) {
    size_t i;
    for (i = 0; i + 15 < hl; i++)
        if ((i == 0 || head[i - 1] == '\n') && !strncasecmp(head + i, "Content-Length:", 15)) return atol(head + i + 15);
    return 0;
}

/* Answers every complete request at the front of the buffer. */
static void serve(conn *c, const char *dir, int *n) {
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    for (;;) {
        char *end = c->len ? strstr(c->buf, "\r\n\r\n") : NULL, path[256], name[512], *seg;
        size_t hl;
        long bl;
        FILE *f;
        if (!end) return;
        hl = (size_t)(end - c->buf) + 4;
        bl = content_length(c->buf, hl);
        if (bl < 0 || c->len < hl + (size_t)bl) return;
        path[0] = 0;
        sscanf(c->buf, "%*s %255s", path);
        seg = strrchr(path, '/');
        snprintf(name, sizeof name, "%s/%d-%s.json", dir, ++*n, seg && seg[1] ? seg + 1 : "root");
        if ((f = fopen(name, "wb")) != NULL) { fwrite(c->buf + hl, 1, (size_t)bl, f); fclose(f); }
        if (write(c->fd, ok, sizeof ok - 1) < 0) {}
        memmove(c->buf, c->buf + hl + bl, c->len - hl - (size_t)bl);
        c->len -= hl + (size_t)bl;
        c->buf[c->len] = 0;
    }
}

int main(int argc, char **argv) {
    const char *dir = ".";
    int port = 0, lfd, i, nc = 0, n = 0, one = 1;
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    conn cs[MAXC];
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) dir = argv[++i];
        else { fprintf(stderr, "usage: otlp-recv [--port N] [--out DIR]\n"); return 2; }
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((unsigned short)port);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) || listen(lfd, 16) || getsockname(lfd, (struct sockaddr *)&sa, &sl)) {
        perror("otlp-recv");
        return 1;
    }
    printf("otlp-recv listening on http://127.0.0.1:%d\n", ntohs(sa.sin_port));
    fflush(stdout);
    memset(cs, 0, sizeof cs);
    while (!stop) {
        struct pollfd pf[MAXC + 1];
        pf[0].fd = lfd; pf[0].events = POLLIN; pf[0].revents = 0;
        for (i = 0; i < nc; i++) { pf[i + 1].fd = cs[i].fd; pf[i + 1].events = POLLIN; pf[i + 1].revents = 0; }
        if (poll(pf, (nfds_t)(nc + 1), 200) < 0) { if (errno == EINTR) continue; break; }
        if ((pf[0].revents & POLLIN) && nc < MAXC) {
            int fd = accept(lfd, NULL, NULL);
            if (fd >= 0) { memset(&cs[nc], 0, sizeof cs[nc]); cs[nc++].fd = fd; }
        }
        for (i = 0; i < nc; i++) {
            char tmp[65536];
            ssize_t got;
            if (!(pf[i + 1].revents & (POLLIN | POLLHUP))) continue;
            got = read(cs[i].fd, tmp, sizeof tmp);
            if (got <= 0) {
                close(cs[i].fd);
                free(cs[i].buf);
                cs[i] = cs[--nc];
                pf[i + 1] = pf[nc + 1];
                i--;
                continue;
            }
            if (cs[i].len + (size_t)got + 1 > cs[i].cap) {
                char *nb = (char *)realloc(cs[i].buf, (cs[i].len + (size_t)got + 1) * 2);
                if (!nb) return 1;
                cs[i].buf = nb;
                cs[i].cap = (cs[i].len + (size_t)got + 1) * 2;
            }
            memcpy(cs[i].buf + cs[i].len, tmp, (size_t)got);
            cs[i].len += (size_t)got;
            cs[i].buf[cs[i].len] = 0;
            serve(&cs[i], dir, &n);
        }
    }
    for (i = 0; i < nc; i++) { close(cs[i].fd); free(cs[i].buf); }
    close(lfd);
    return 0;
}
