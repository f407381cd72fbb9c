/* http — see http.h. */
#include "aws/http.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strutil.h"

struct xpriv {
    CURL *easy;
    struct curl_slist *headers;
    char *url, *method;
    char *req_body;
    size_t req_len;
    long timeout_ms;
    http_done_fn cb;
    void *arg;
    char curl_err[CURL_ERROR_SIZE];
    struct http_xfer *next, *prev; /* the transport's list of running transfers */
};

struct http {
    CURLM *multi;
    char *ca_bundle;
    int running;
    struct http_xfer *active;
};

static int curl_ready;

static void global_init(void)
{
    /* curl_global_init is not thread-safe; ecs-doctor calls it from one
     * thread before any transfer. */
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = 1;
    }
}

struct http *http_new(int max_inflight, int max_host_conns, const char *ca_bundle)
{
    struct http *h = calloc(1, sizeof *h);
    global_init();
    if (!h)
        return NULL;
    h->multi = curl_multi_init();
    if (!h->multi) {
        free(h);
        return NULL;
    }
    h->ca_bundle = ca_bundle ? str_dup(ca_bundle) : NULL;
    curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      (long)(max_inflight > 0 ? max_inflight : 32));
    curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      (long)(max_host_conns > 0 ? max_host_conns : 16));
    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)(max_inflight > 0 ? max_inflight : 32));
    curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    return h;
}

void http_xfer_free(struct http_xfer *x)
{
    struct xpriv *p;
    if (!x)
        return;
    p = x->priv;
    if (p) {
        if (p->easy)
            curl_easy_cleanup(p->easy);
        /* They may hold the Authorization, a session or bearer token. */
        for (struct curl_slist *h = p->headers; h; h = h->next)
            if (h->data)
                OPENSSL_cleanse(h->data, strlen(h->data));
        curl_slist_free_all(p->headers);
        free(p->url);
        free(p->method);
        if (p->req_body)
            OPENSSL_cleanse(p->req_body, p->req_len);
        free(p->req_body);
        free(p);
    }
    buf_cleanup(&x->body);
    free(x);
}

void http_free(struct http *h)
{
    if (!h)
        return;
    while (h->active) {
        struct http_xfer *x = h->active;
        struct xpriv *p = x->priv;
        h->active = p->next;
        curl_multi_remove_handle(h->multi, p->easy);
        http_xfer_free(x);
    }
    curl_multi_cleanup(h->multi);
    free(h->ca_bundle);
    free(h);
}

struct http_xfer *http_xfer_new(const char *method, const char *url, const void *body,
                                size_t len, long timeout_ms)
{
    struct http_xfer *x = calloc(1, sizeof *x);
    struct xpriv *p = calloc(1, sizeof *p);
    if (!x || !p)
        goto fail;
    x->priv = p;
    buf_init(&x->body, HTTP_MAX_BODY);
    p->url = str_dup(url);
    p->method = str_dup(method);
    p->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    if (!p->url || !p->method)
        goto fail;
    if (body && len) {
        p->req_body = malloc(len);
        if (!p->req_body)
            goto fail;
        memcpy(p->req_body, body, len);
        p->req_len = len;
    }
    return x;
fail:
    if (x && !x->priv)
        free(p);
    http_xfer_free(x);
    return NULL;
}

enum err_code http_xfer_header(struct http_xfer *x, const char *name, const char *value)
{
    struct xpriv *p = x->priv;
    struct buf b;
    struct curl_slist *n;
    buf_init(&b, 0);
    /* value NULL: "Name:" removes a header curl would add; "" sends it
     * empty ("Name;"). */
    enum err_code rc;
    if (!value)
        rc = buf_printf(&b, "%s:", name);
    else if (!*value)
        rc = buf_printf(&b, "%s;", name);
    else
        rc = buf_printf(&b, "%s: %s", name, value);
    if (rc != ERR_OK) {
        buf_wipe(&b);
        return ERR_NOMEM;
    }
    n = curl_slist_append(p->headers, b.data);
    buf_wipe(&b);
    if (!n)
        return ERR_NOMEM;
    p->headers = n;
    return ERR_OK;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct http_xfer *x = ud;
    size_t n = size * nmemb;
    if (buf_append(&x->body, ptr, n) != ERR_OK) {
        x->net = ERR_LIMIT;
        return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
    }
    return n;
}

static void header_value(const char *line, size_t n, const char *name, char *dst, size_t dlen)
{
    size_t nl = strlen(name);
    if (n > nl + 1 && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
        const char *v = line + nl + 1;
        size_t vl = n - nl - 1;
        while (vl && (*v == ' ' || *v == '\t')) {
            v++;
            vl--;
        }
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
            vl--;
        snprintf(dst, dlen, "%.*s", (int)(vl < dlen ? vl : dlen - 1), v);
    }
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    struct http_xfer *x = ud;
    size_t n = size * nmemb;
    header_value(line, n, "x-amzn-RequestId", x->request_id, sizeof x->request_id);
    header_value(line, n, "x-amz-request-id", x->request_id, sizeof x->request_id);
    header_value(line, n, "x-amzn-ErrorType", x->error_type, sizeof x->error_type);
    header_value(line, n, "Date", x->date, sizeof x->date);
    return n;
}

static enum err_code setup(struct http_xfer *x, const char *ca_bundle)
{
    struct xpriv *p = x->priv;
    CURL *c = curl_easy_init();
    if (!c)
        return ERR_NOMEM;
    p->easy = c;
    curl_easy_setopt(c, CURLOPT_URL, p->url);
    curl_easy_setopt(c, CURLOPT_PRIVATE, (char *)x);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    /* Verification is never turned off; only the trust store may change. */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca_bundle)
        curl_easy_setopt(c, CURLOPT_CAINFO, ca_bundle);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, p->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, p->timeout_ms < 5000 ? p->timeout_ms : 5000L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* gzip etc. */
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, p->curl_err);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ecs-doctor/0.1");
    /* curl adds "Expect: 100-continue" to large POSTs: a round trip for nothing. */
    http_xfer_header(x, "Expect", NULL);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, p->headers);
    if (strcmp(p->method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->req_body ? p->req_body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)p->req_len);
    } else if (strcmp(p->method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, p->method);
        if (p->req_len) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->req_body);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)p->req_len);
        }
    }
    return ERR_OK;
}

static void finish(struct http_xfer *x, CURLcode cc)
{
    struct xpriv *p = x->priv;
    double t = 0;
    curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &x->status);
    curl_easy_getinfo(p->easy, CURLINFO_TOTAL_TIME, &t);
    x->elapsed_ms = t * 1000.0;
    if (cc == CURLE_OK) {
        if (x->net == ERR_OK)
            return;
    }
    if (x->net == ERR_LIMIT || cc == CURLE_FILESIZE_EXCEEDED) {
        x->net = ERR_LIMIT;
        snprintf(x->net_code, sizeof x->net_code, "ResponseTooLarge");
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        x->net = ERR_TIMEOUT;
        snprintf(x->net_code, sizeof x->net_code, "Timeout");
    } else if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
               cc == CURLE_SSL_CERTPROBLEM) {
        x->net = ERR_NETWORK;
        snprintf(x->net_code, sizeof x->net_code, "TLSVerifyFailed");
    } else if (cc == CURLE_COULDNT_CONNECT) {
        x->net = ERR_NETWORK;
        snprintf(x->net_code, sizeof x->net_code, "ConnectionRefused");
    } else if (cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_RESOLVE_PROXY) {
        x->net = ERR_NETWORK;
        snprintf(x->net_code, sizeof x->net_code, "DNSFailure");
    } else if (cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_URL_MALFORMAT) {
        x->net = ERR_NETWORK;
        snprintf(x->net_code, sizeof x->net_code, "BadURL");
    } else {
        x->net = ERR_NETWORK;
        snprintf(x->net_code, sizeof x->net_code, "ConnectionError");
    }
    /* Every timeout reads "timed out after Ns: ..." (curl's own wording varies). */
    if (x->net == ERR_TIMEOUT)
        snprintf(x->errmsg, sizeof x->errmsg, "timed out after %.0fs: no answer", x->elapsed_ms / 1000.0);
    else
        snprintf(x->errmsg, sizeof x->errmsg, "%s", p->curl_err[0] ? p->curl_err : curl_easy_strerror(cc));
}

enum err_code http_start(struct http *h, struct http_xfer *x, http_done_fn cb, void *arg)
{
    struct xpriv *p = x->priv;
    enum err_code rc = setup(x, h->ca_bundle);
    if (rc == ERR_OK && curl_multi_add_handle(h->multi, p->easy) != CURLM_OK)
        rc = ERR_INTERNAL;
    if (rc != ERR_OK) {
        http_xfer_free(x);
        return rc;
    }
    p->cb = cb;
    p->arg = arg;
    p->next = h->active;
    if (h->active)
        ((struct xpriv *)h->active->priv)->prev = x;
    h->active = x;
    h->running++;
    return ERR_OK;
}

int http_running(const struct http *h)
{
    return h->running;
}

enum err_code http_poll(struct http *h, long timeout_ms)
{
    int still = 0, left;
    CURLMsg *m;
    curl_multi_perform(h->multi, &still);
    if (still > 0 || timeout_ms > 0) {
        if (curl_multi_poll(h->multi, NULL, 0, (int)(timeout_ms > 0 ? timeout_ms : 0), NULL) !=
            CURLM_OK)
            return ERR_NETWORK;
        curl_multi_perform(h->multi, &still);
    }
    while ((m = curl_multi_info_read(h->multi, &left))) {
        struct http_xfer *x = NULL;
        struct xpriv *p;
        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        p = x->priv;
        finish(x, m->data.result);
        curl_multi_remove_handle(h->multi, m->easy_handle);
        if (p->prev)
            ((struct xpriv *)p->prev->priv)->next = p->next;
        else
            h->active = p->next;
        if (p->next)
            ((struct xpriv *)p->next->priv)->prev = p->prev;
        h->running--;
        p->cb(p->arg, x); /* may start new transfers */
    }
    return ERR_OK;
}

enum err_code http_perform(struct http_xfer *x, const char *ca_bundle)
{
    struct xpriv *p = x->priv;
    enum err_code rc;
    global_init();
    rc = setup(x, ca_bundle);
    if (rc != ERR_OK)
        return rc;
    finish(x, curl_easy_perform(p->easy));
    return x->net;
}
