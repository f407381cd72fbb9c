/* sigv4 — AWS Signature Version 4 (HMAC-SHA256) for one HTTP request.
 *
 * Builds the canonical request, the string to sign and the Authorization
 * header, and caches derived signing keys per (secret, day, region, service).
 * Pure computation: no I/O, no clock (the caller passes X-Amz-Date). All
 * strings in sigv4_out are malloc'ed and owned by it (sigv4_out_cleanup). */
#ifndef EDOC_SIGV4_H
#define EDOC_SIGV4_H

#include <stddef.h>
#include "util/buf.h"
#include "util/err.h"

struct sigv4_header {
    const char *name;
    const char *value;
};

struct sigv4_creds {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "" for long-term keys */
};

struct sigv4_in {
    const char *method;  /* "POST" */
    const char *path;    /* "/" — raw (unencoded) path; encoded once here */
    const char *query;   /* without '?'; NULL or "" when none */
    const struct sigv4_header *headers; /* must contain Host */
    size_t n_headers;
    const void *body;
    size_t body_len;
    const char *region;   /* signing region */
    const char *service;  /* signing name: "ecs", "elasticloadbalancing"... */
    const char *amz_date; /* "20150830T123600Z"; added as X-Amz-Date when absent */
    int normalize_path;   /* 1 for every non-S3 service */
    int add_content_sha256; /* add and sign X-Amz-Content-Sha256 (S3-style) */
    int token_after;      /* add the session token after signing (unsigned) */
};

/* Headers the signer adds to the request, in this order; at most 4. */
#define SIGV4_MAX_ADDED 4

struct sigv4_out {
    char *canonical_request;
    char *string_to_sign;
    char *authorization; /* value of the Authorization header (header signing) */
    char *presigned_query; /* "X-Amz-Algorithm=...&X-Amz-Signature=..." (presigning) */
    char *signed_headers;
    struct {
        char *name, *value;
    } added[SIGV4_MAX_ADDED]; /* X-Amz-Date?, X-Amz-Security-Token?, X-Amz-Content-Sha256?, Authorization */
    size_t n_added;
};

/* A tiny cache of derived signing keys. A key depends only on the secret,
 * the day, the region and the service, so a scan signing thousands of
 * requests derives each key once a day instead of four HMACs per request. */
#define SIGV4_CACHE_SLOTS 16
struct sigv4_cache {
    struct {
        unsigned char secret_hash[32];
        char scope[128]; /* "20150830/us-east-1/service" */
        unsigned char key[32];
        int used;
    } slot[SIGV4_CACHE_SLOTS];
    unsigned next;
    unsigned long hits, misses;
};

void sigv4_cache_init(struct sigv4_cache *c);
void sigv4_cache_cleanup(struct sigv4_cache *c); /* wipes the keys */

/* Signs in with creds. cache may be NULL. On success fills *out (caller
 * calls sigv4_out_cleanup). */
enum err_code sigv4_sign(const struct sigv4_in *in, const struct sigv4_creds *creds,
                         struct sigv4_cache *cache, struct sigv4_out *out, struct err *e);
void sigv4_out_cleanup(struct sigv4_out *out);

/* Presigned-URL signing (query parameters instead of headers; the URL is
 * valid for expires seconds). ecs-doctor itself signs headers; this exists
 * so the signer is proven against the whole suite, presigned cases too. */
enum err_code sigv4_presign(const struct sigv4_in *in, const struct sigv4_creds *creds,
                            long expires, struct sigv4_cache *cache, struct sigv4_out *out,
                            struct err *e);

/* Lower-case hex SHA-256 of data into hex[65]. */
void sigv4_sha256_hex(const void *data, size_t len, char hex[65]);

/* AWS URI-encoding (RFC 3986 unreserved kept, uppercase %XX); '/' kept
 * when keep_slash. Appends to b. */
enum err_code sigv4_uri_encode(struct buf *b, const char *s, size_t n, int keep_slash);

#endif
