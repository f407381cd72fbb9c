/* http — the HTTP transport: one curl multi handle running many transfers
 * at once on a single thread, with keep-alive connection reuse per host,
 * HTTP/2 multiplexing where offered, TLS verification always on, a
 * per-transfer timeout and a capped response body.
 *
 * A transfer (struct http_xfer) owns its request and its response. After
 * http_start() the transport owns it until its callback runs; the callback
 * then owns it and frees it with http_xfer_free(). */
#ifndef EDOC_HTTP_H
#define EDOC_HTTP_H

#include <stddef.h>
#include "util/buf.h"
#include "util/err.h"

#define HTTP_MAX_BODY ((size_t)64 * 1024 * 1024)

struct http;
struct http_xfer;
typedef void (*http_done_fn)(void *arg, struct http_xfer *x);

struct http_xfer {
    /* answer */
    long status;            /* 0 when no HTTP answer */
    struct buf body;
    char request_id[96];    /* x-amzn-RequestId / x-amz-request-id */
    char error_type[128];   /* x-amzn-ErrorType */
    char date[64];          /* Date (for clock-skew correction) */
    enum err_code net;      /* ERR_OK, ERR_TIMEOUT, ERR_NETWORK, ERR_LIMIT */
    char net_code[48];      /* "ConnectionRefused", "Timeout", "TLSVerifyFailed"... */
    char errmsg[256];
    double elapsed_ms;
    /* private */
    void *priv;
};

/* max_host_conns: parallel connections per host (0: 16). ca_bundle may be
 * NULL (system store). */
struct http *http_new(int max_inflight, int max_host_conns, const char *ca_bundle);
void http_free(struct http *h); /* aborts transfers still running, without callbacks */

/* A new transfer; method "GET", "PUT" or "POST"; body copied. NULL on OOM. */
struct http_xfer *http_xfer_new(const char *method, const char *url, const void *body,
                                size_t len, long timeout_ms);
enum err_code http_xfer_header(struct http_xfer *x, const char *name, const char *value);
void http_xfer_free(struct http_xfer *x);

/* Queues x (taken, even on failure: then cb is never called and x is freed). */
enum err_code http_start(struct http *h, struct http_xfer *x, http_done_fn cb, void *arg);
int http_running(const struct http *h);

/* Runs transfers, waiting at most timeout_ms for activity, and calls the
 * callbacks of finished transfers. */
enum err_code http_poll(struct http *h, long timeout_ms);

/* Blocking: runs x alone (the credential providers' few requests). x stays
 * the caller's. */
enum err_code http_perform(struct http_xfer *x, const char *ca_bundle);

#endif
