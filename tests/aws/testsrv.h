/* testsrv.h — starts tests/aws/testserver.py (a local AWS look-alike on
 * 127.0.0.1, port 0) for the aws client tests, and reads its control
 * endpoints. The server exits when its stdin closes. */
#ifndef EDOC_TESTSRV_H
#define EDOC_TESTSRV_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include "aws/http.h"

struct testsrv {
    pid_t pid;
    int port;
    int in_fd; /* the server's stdin */
    char url[64];
};

/* tls_dir: NULL for HTTP, else a folder holding cert.pem and key.pem. */
static inline int testsrv_start_tls(struct testsrv *s, const char *tls_dir)
{
    int in[2], out[2];
    char script[1024], line[32];
    const char *src = getenv("EDOC_SOURCE_DIR");
    const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    ssize_t n = 0;
    memset(s, 0, sizeof *s);
    snprintf(script, sizeof script, "%s/tests/aws/testserver.py", src ? src : ".");
    if (pipe(in) != 0 || pipe(out) != 0)
        return -1;
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        if (tls_dir) {
            char cert[600], key[600];
            snprintf(cert, sizeof cert, "%s/cert.pem", tls_dir);
            snprintf(key, sizeof key, "%s/key.pem", tls_dir);
            execl(py, py, script, "--tls", cert, key, (char *)NULL);
        }
        execl(py, py, script, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    s->in_fd = in[1];
    while (n < (ssize_t)sizeof line - 1) {
        ssize_t r = read(out[0], line + n, 1);
        if (r <= 0)
            break;
        if (line[n] == '\n')
            break;
        n += r;
    }
    line[n] = '\0';
    close(out[0]);
    s->port = atoi(line);
    snprintf(s->url, sizeof s->url, "%s://127.0.0.1:%d", tls_dir ? "https" : "http", s->port);
    return s->port > 0 ? 0 : -1;
}

static inline int testsrv_start(struct testsrv *s)
{
    return testsrv_start_tls(s, NULL);
}

static inline void testsrv_stop(struct testsrv *s)
{
    if (s->pid <= 0)
        return;
    close(s->in_fd);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

static inline cJSON *testsrv_get(struct testsrv *s, const char *path)
{
    char url[256];
    struct http_xfer *x;
    cJSON *j = NULL;
    snprintf(url, sizeof url, "%s%s", s->url, path);
    x = http_xfer_new(strcmp(path, "/__reset") == 0 ? "POST" : "GET", url, NULL, 0, 5000);
    if (x && http_perform(x, NULL) == ERR_OK && x->status == 200)
        j = cJSON_ParseWithLength(x->body.data, x->body.len);
    http_xfer_free(x);
    return j;
}

static inline int testsrv_count(struct testsrv *s)
{
    cJSON *j = testsrv_get(s, "/__stats");
    int n = j ? (int)cJSON_GetObjectItem(j, "count")->valuedouble : -1;
    cJSON_Delete(j);
    return n;
}

static inline int testsrv_max_inflight(struct testsrv *s)
{
    cJSON *j = testsrv_get(s, "/__stats");
    int n = j ? (int)cJSON_GetObjectItem(j, "max_inflight")->valuedouble : -1;
    cJSON_Delete(j);
    return n;
}

/* How many "slow-N" requests with this key the server held at once. */
static inline int testsrv_slow_max(struct testsrv *s, const char *key)
{
    cJSON *j = testsrv_get(s, "/__stats");
    cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "slow_max"), key);
    int n = cJSON_IsNumber(v) ? (int)v->valuedouble : -1;
    cJSON_Delete(j);
    return n;
}

static inline void testsrv_reset(struct testsrv *s)
{
    cJSON_Delete(testsrv_get(s, "/__reset"));
}

#endif
