/* aws — the client facade (see aws.h): resolves profile, region, endpoints
 * and credentials, and drives every call through allowlist -> rate limit ->
 * build -> sign -> send -> parse -> retry/paginate -> callback, on one curl
 * multi event loop. */
#include "aws/aws.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "aws/allowlist.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/paginate.h"
#include "aws/proto_json.h"
#include "aws/proto_query.h"
#include "aws/ratelimit.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/strutil.h"
#include "util/textsafe.h"

#define MAX_SERVICES 16
#define MAX_OTHER_EPS 16
#define CREDS_REFRESH_MARGIN 300.0 /* refresh temporary credentials 5 min early */
#define MAX_SEEN_TOKENS 4096

enum call_state { CALL_READY, CALL_INFLIGHT, CALL_DONE };

struct call {
    struct aws_client *c;
    const struct aws_service *svc;
    const struct paginate_spec *pg;
    char op[64];
    char region[32]; /* another region than the client's, or "" */
    cJSON *params;
    int flags, max_items;
    aws_done_fn cb;
    void *arg;
    struct aws_result res;
    cJSON *acc;      /* the merged body */
    int attempt;     /* attempts for the current page */
    int throttled;   /* of which answered with throttling */
    double page_started; /* monotonic seconds of the page's first attempt */
    int retry_spent; /* quota spent by this page's retries */
    double ready_at; /* monotonic seconds */
    double started;
    enum call_state state;
    char **seen;     /* page tokens already followed */
    int nseen;
    struct call *next;
};

struct aws_client {
    struct aws_options opt;
    char *profile, *region, *endpoint_url, *ca_bundle;
    char *config_path, *credentials_path;
    int profile_explicit;
    struct config *config, *credentials;
    char profile_section[160];
    struct creds creds;
    int creds_ok;
    struct sigv4_cache keys;
    struct http *http;
    struct retry_quota quota;
    struct ratelimit rl;
    struct call *calls; /* ready and in flight */
    struct call *done, *done_tail;
    int inflight;
    double retry_base_ms;    /* transient errors (the SDKs' 100 ms) */
    double throttle_base_ms; /* throttling (the SDKs' 1 s) */
    unsigned long long rng;
    struct endpoint eps[MAX_SERVICES];
    int ep_state[MAX_SERVICES]; /* 0 unresolved, 1 ok, -1 failed */
    struct err ep_err[MAX_SERVICES];
    /* Endpoints in other regions (an ECR image or a secret elsewhere), few. */
    struct other_ep {
        const struct aws_service *svc;
        char region[32];
        struct endpoint ep;
    } other[MAX_OTHER_EPS];
    int n_other;
    char account[32], arn[512];
    double skew; /* server clock minus ours, learnt from skew errors */
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: jitter needs no cryptographic quality. */
static double rand01(struct aws_client *c)
{
    c->rng ^= c->rng >> 12;
    c->rng ^= c->rng << 25;
    c->rng ^= c->rng >> 27;
    return (double)((c->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static const char *envv(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static char *path_or_home(const char *env, const char *leaf)
{
    const char *v = envv(env), *home = envv("HOME");
    struct buf b;
    if (v)
        return str_dup(v);
    buf_init(&b, 0);
    buf_printf(&b, "%s/.aws/%s", home ? home : ".", leaf);
    return buf_take(&b);
}

/* Loads an optional file: a missing file is simply absent; a malformed one
 * is ERR_CONFIG. */
static enum err_code load_optional(const char *path, struct config **out, struct err *e)
{
    struct err le;
    enum err_code rc = access(path, F_OK) == 0 ? config_load(path, out, &le) : ERR_OK;
    if (rc == ERR_IO) {
        *out = NULL;
        return ERR_OK; /* unreadable: treated as absent, like the CLI */
    }
    if (rc != ERR_OK)
        return err_set(e, rc, "%s", le.msg);
    return ERR_OK;
}

static const char *profile_value(const struct aws_client *c, const char *key)
{
    const char *v = config_get(c->config, c->profile_section, key);
    if (!v && strcmp(c->profile, "default") == 0)
        v = config_get(c->config, "profile default", key);
    return v;
}

static void creds_env_fill(const struct aws_client *c, struct creds_env *env)
{
    memset(env, 0, sizeof *env);
    env->profile = c->profile;
    env->profile_explicit = c->profile_explicit;
    env->region = c->region;
    env->config = c->config;
    env->credentials = c->credentials;
    env->config_path = c->config_path;
    env->credentials_path = c->credentials_path;
    env->cli_endpoint_url = c->endpoint_url;
    env->ca_bundle = c->ca_bundle;
    env->timeout_ms = c->opt.call_timeout_ms;
}

static enum err_code load_creds(struct aws_client *c, struct err *e)
{
    struct creds_env env;
    enum err_code rc;
    creds_env_fill(c, &env);
    creds_cleanup(&c->creds);
    c->creds_ok = 0;
    rc = creds_resolve(&env, &c->creds, e);
    if (rc == ERR_OK) {
        c->creds_ok = 1;
        if (c->opt.debug)
            fprintf(stderr, "aws: credentials from %s%s\n", c->creds.source,
                    c->creds.expiration > 0 ? " (temporary)" : "");
    }
    return rc;
}

/* Credentials that need no network round trip are resolved at once; the
 * others (STS, container, IMDS, credential_process) on the first call. */
static int creds_cheap(const struct aws_client *c)
{
    if (!c->profile_explicit && envv("AWS_ACCESS_KEY_ID"))
        return 1;
    if (config_get(c->credentials, c->profile, "role_arn") || profile_value(c, "role_arn"))
        return 0;
    if (!c->profile_explicit && envv("AWS_WEB_IDENTITY_TOKEN_FILE"))
        return 0;
    return config_get(c->credentials, c->profile, "aws_access_key_id") ||
           (!profile_value(c, "credential_process") && profile_value(c, "aws_access_key_id"));
}

/* The SDKs' retry settings: AWS_MAX_ATTEMPTS / max_attempts (1 to 20) and
 * AWS_RETRY_MODE / retry_mode ("standard" and "adaptive": 3 attempts by
 * default, the client's rate limits being adaptive's part; "legacy": 5).
 * An explicit aws_options.max_attempts wins. */
static enum err_code retry_settings(struct aws_client *c, const struct aws_options *opt, struct err *e)
{
    const char *mode = envv("AWS_RETRY_MODE"), *mode_src = "AWS_RETRY_MODE";
    const char *n = envv("AWS_MAX_ATTEMPTS"), *n_src = "AWS_MAX_ATTEMPTS";
    char *end;
    long v;
    if (!mode) {
        mode = profile_value(c, "retry_mode");
        mode_src = "retry_mode";
    }
    if (!n) {
        n = profile_value(c, "max_attempts");
        n_src = "max_attempts";
    }
    if (mode && strcmp(mode, "standard") && strcmp(mode, "adaptive") && strcmp(mode, "legacy"))
        return err_set(e, ERR_CONFIG, "aws: %s '%s'%s%s is not standard, adaptive or legacy", mode_src, mode,
                       mode_src[0] == 'r' ? " in profile " : "", mode_src[0] == 'r' ? c->profile : "");
    if (opt && opt->max_attempts > 0)
        return ERR_OK;
    c->opt.max_attempts = mode && !strcmp(mode, "legacy") ? 5 : 3;
    if (!n)
        return ERR_OK;
    v = strtol(n, &end, 10);
    if (*end || v < 1 || v > 20)
        return err_set(e, ERR_CONFIG, "aws: %s '%s'%s%s is not a number of attempts from 1 to 20", n_src, n,
                       n_src[0] == 'm' ? " in profile " : "", n_src[0] == 'm' ? c->profile : "");
    c->opt.max_attempts = (int)v;
    return ERR_OK;
}

enum err_code aws_client_new(const struct aws_options *opt, struct aws_client **out, struct err *e)
{
    struct aws_client *c = calloc(1, sizeof *c);
    enum err_code rc = ERR_OK;
    const char *v;
    *out = NULL;
    if (!c)
        return err_set(e, ERR_NOMEM, "aws: out of memory");
    if (opt)
        c->opt = *opt;
    if (c->opt.call_timeout_ms <= 0)
        c->opt.call_timeout_ms = 10000;
    if (c->opt.max_attempts <= 0)
        c->opt.max_attempts = 3;
    if (c->opt.max_inflight <= 0)
        c->opt.max_inflight = 32;
    c->profile_explicit = opt && opt->profile && *opt->profile;
    v = c->profile_explicit ? opt->profile : envv("AWS_PROFILE");
    if (!v)
        v = envv("AWS_DEFAULT_PROFILE");
    c->profile = str_dup(v ? v : "default");
    creds_profile_section(c->profile, c->profile_section, sizeof c->profile_section);
    c->config_path = path_or_home("AWS_CONFIG_FILE", "config");
    c->credentials_path = path_or_home("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    c->endpoint_url = opt && opt->endpoint_url ? str_dup(opt->endpoint_url) : NULL;
    if (!c->profile || !c->config_path || !c->credentials_path) {
        rc = err_set(e, ERR_NOMEM, "aws: out of memory");
        goto out;
    }
    if ((rc = load_optional(c->config_path, &c->config, e)) != ERR_OK ||
        (rc = load_optional(c->credentials_path, &c->credentials, e)) != ERR_OK)
        goto out;
    if (c->profile_explicit || envv("AWS_PROFILE")) {
        if (!config_has_section(c->config, c->profile_section) &&
            !config_has_section(c->credentials, c->profile) &&
            !(strcmp(c->profile, "default") == 0)) {
            rc = err_set(e, ERR_CONFIG, "aws: profile '%s' not found in %s or %s", c->profile,
                         c->config_path, c->credentials_path);
            goto out;
        }
    }
    v = opt && opt->region && *opt->region ? opt->region : envv("AWS_REGION");
    if (!v)
        v = envv("AWS_DEFAULT_REGION");
    if (!v)
        v = profile_value(c, "region");
    if (!v) {
        rc = err_set(e, ERR_CONFIG,
                     "aws: no region: use --region, AWS_REGION, AWS_DEFAULT_REGION or 'region' "
                     "in profile %s of %s",
                     c->profile, c->config_path);
        goto out;
    }
    c->region = str_dup(v);
    if ((rc = retry_settings(c, opt, e)) != ERR_OK)
        goto out;
    v = envv("AWS_CA_BUNDLE");
    if (!v)
        v = profile_value(c, "ca_bundle");
    c->ca_bundle = v ? str_dup(v) : NULL;
    sigv4_cache_init(&c->keys);
    retry_quota_init(&c->quota);
    ratelimit_init(&c->rl);
    c->retry_base_ms = 100.0;
    c->throttle_base_ms = 1000.0;
    if (c->opt.throttle_budget_ms <= 0)
        c->opt.throttle_budget_ms = AWS_THROTTLE_BUDGET_MS;
    /* Test-only (documented in the man page): one base for every backoff, so
     * fault-injection tests run in seconds. Never set in production. */
    if ((v = envv("EDOC_AWS_RETRY_BASE_MS"))) {
        double ms = strtod(v, NULL);
        if (ms >= 0 && ms <= 10000)
            c->retry_base_ms = c->throttle_base_ms = ms;
    }
    c->rng = (unsigned long long)(wall() * 1e6) ^ ((unsigned long long)getpid() << 32) ^ 0x9e3779b97f4a7c15ULL;
    /* As many connections per host as calls in flight: a call queued inside
     * curl for a free connection would spend its timeout waiting. */
    c->http = http_new(c->opt.max_inflight, c->opt.max_inflight, c->ca_bundle);
    if (!c->http) {
        rc = err_set(e, ERR_NOMEM, "aws: cannot create the HTTP transport");
        goto out;
    }
    if (creds_cheap(c) && (rc = load_creds(c, e)) != ERR_OK)
        goto out;
    *out = c;
    c = NULL;
out:
    aws_client_free(c);
    return rc;
}

static void call_free(struct call *k)
{
    if (!k)
        return;
    cJSON_Delete(k->params);
    cJSON_Delete(k->acc);
    cJSON_Delete(k->res.body);
    for (int i = 0; i < k->nseen; i++)
        free(k->seen[i]);
    free(k->seen);
    free(k);
}

void aws_client_free(struct aws_client *c)
{
    if (!c)
        return;
    http_free(c->http); /* drops in-flight transfers without callbacks */
    while (c->calls) {
        struct call *k = c->calls;
        c->calls = k->next;
        call_free(k);
    }
    while (c->done) {
        struct call *k = c->done;
        c->done = k->next;
        call_free(k);
    }
    creds_cleanup(&c->creds);
    sigv4_cache_cleanup(&c->keys);
    config_free(c->config);
    config_free(c->credentials);
    free(c->profile);
    free(c->region);
    free(c->endpoint_url);
    free(c->ca_bundle);
    free(c->config_path);
    free(c->credentials_path);
    free(c);
}

const char *aws_client_region(const struct aws_client *c)
{
    return c->region;
}

const char *aws_client_partition(const struct aws_client *c)
{
    return endpoint_partition(c->region);
}

void aws_client_set_rate_limit(struct aws_client *c, const char *service, const char *operation,
                               double rate, double burst)
{
    ratelimit_set(&c->rl, service, operation ? operation : "", rate, burst);
}

static const struct endpoint *service_endpoint(struct aws_client *c, const struct aws_service *svc,
                                               const char *region, struct err *e)
{
    size_t n;
    const struct aws_service *all = endpoint_services(&n);
    size_t i = (size_t)(svc - all);
    if (region && *region && strcmp(region, c->region) != 0) {
        int k;
        for (k = 0; k < c->n_other; k++)
            if (c->other[k].svc == svc && !strcmp(c->other[k].region, region))
                return &c->other[k].ep;
        if (c->n_other == MAX_OTHER_EPS) {
            err_set(e, ERR_LIMIT, "%s: too many regions in one run (at most %d)", svc->name, MAX_OTHER_EPS);
            return NULL;
        }
        if (endpoint_resolve(svc, region, c->endpoint_url, c->config, c->profile_section, &c->other[k].ep, e) !=
            ERR_OK)
            return NULL;
        c->other[k].svc = svc;
        snprintf(c->other[k].region, sizeof c->other[k].region, "%s", region);
        return &c->other[c->n_other++].ep;
    }
    if (i >= MAX_SERVICES)
        return NULL;
    if (c->ep_state[i] == 0)
        c->ep_state[i] = endpoint_resolve(svc, c->region, c->endpoint_url, c->config,
                                          c->profile_section, &c->eps[i], &c->ep_err[i]) == ERR_OK
                             ? 1
                             : -1;
    if (c->ep_state[i] < 0) {
        if (e)
            *e = c->ep_err[i];
        return NULL;
    }
    return &c->eps[i];
}

/* ---- call bookkeeping ---- */

static void unlink_call(struct aws_client *c, struct call *k)
{
    for (struct call **p = &c->calls; *p; p = &(*p)->next) {
        if (*p == k) {
            *p = k->next;
            break;
        }
    }
    k->next = NULL;
}

static void push_done(struct aws_client *c, struct call *k)
{
    k->state = CALL_DONE;
    k->next = NULL;
    if (c->done_tail)
        c->done_tail->next = k;
    else
        c->done = k;
    c->done_tail = k;
}

static void set_error(struct aws_error *err, enum err_code kind, long status, const char *code,
                      const char *msg)
{
    memset(err, 0, sizeof *err);
    err->kind = kind;
    err->http_status = status;
    snprintf(err->code, sizeof err->code, "%s", code ? code : "");
    snprintf(err->message, sizeof err->message, "%s", msg ? msg : "");
}

/* Ends a call (success when res.error.kind == ERR_OK) and queues its callback. */
static void finish(struct aws_client *c, struct call *k)
{
    unlink_call(c, k);
    k->res.latency_ms = (mono() - k->started) * 1000.0;
    if (k->res.error.kind == ERR_OK) {
        k->res.body = k->acc;
        k->acc = NULL;
    } else {
        cJSON_Delete(k->acc);
        k->acc = NULL;
    }
    push_done(c, k);
}

static void fail_call(struct aws_client *c, struct call *k, enum err_code kind, const char *code,
                      const char *msg)
{
    set_error(&k->res.error, kind, 0, code, msg);
    if (c->opt.debug)
        textsafe_line(stderr, "aws: %s %s failed: %s %s\n", k->svc ? k->svc->name : "?", k->op, code,
                msg);
    finish(c, k);
}

enum err_code aws_call_async(struct aws_client *c, const char *service, const char *operation,
                             cJSON *params, int flags, int max_items, aws_done_fn cb, void *arg)
{
    return aws_call_async_in(c, NULL, service, operation, params, flags, max_items, cb, arg);
}

/* A region name as AWS spells them ("eu-west-1", "us-gov-west-1"). */
static int region_name_ok(const char *r)
{
    size_t i, n = strlen(r);
    if (n < 4 || n >= 32)
        return 0;
    for (i = 0; i < n; i++)
        if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= '0' && r[i] <= '9') || r[i] == '-'))
            return 0;
    return 1;
}

enum err_code aws_call_async_in(struct aws_client *c, const char *region, const char *service,
                                const char *operation, cJSON *params, int flags, int max_items, aws_done_fn cb,
                                void *arg)
{
    struct call *k = calloc(1, sizeof *k);
    if (!k) {
        cJSON_Delete(params);
        return ERR_NOMEM;
    }
    k->c = c;
    k->svc = endpoint_service(service);
    snprintf(k->op, sizeof k->op, "%s", operation ? operation : "");
    k->params = params ? params : cJSON_CreateObject();
    k->flags = flags;
    k->max_items = max_items > 0 ? max_items : 0;
    k->cb = cb;
    k->arg = arg;
    k->started = mono();
    k->page_started = k->started;
    k->res.service = k->svc ? k->svc->name : "?";
    /* Allowlisted names are static, so a result copied out of its callback
     * (aws_call) still names its operation; a refused one names "?" there. */
    {
        const struct allowlist_entry *ae = allowlist_find(service, operation);
        k->res.operation = ae ? ae->operation : k->op;
    }
    if (!k->params) {
        free(k);
        return ERR_NOMEM;
    }
    /* Refusals complete through the callback, but never from inside this
     * call: they wait in the done queue for aws_run. */
    if (!k->svc) {
        set_error(&k->res.error, ERR_USAGE, 0, "UnknownService", "unknown AWS service");
        push_done(c, k);
        return ERR_OK;
    }
    if (!operation || strlen(operation) >= sizeof k->op || !allowlist_allows(service, operation)) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s:%s is not on ecs-doctor's read-only allowlist", service,
                 operation ? operation : "(null)");
        set_error(&k->res.error, ERR_REFUSED, 0, "RefusedByAllowlist", msg);
        if (c->opt.debug)
            textsafe_line(stderr, "aws: %s %s refused: not on the read-only allowlist\n", service,
                    operation ? operation : "(null)");
        push_done(c, k);
        return ERR_OK;
    }
    if (region && *region && strcmp(region, c->region) != 0) {
        /* Credentials belong to one partition: no call crosses it. */
        char msg[160];
        if (!region_name_ok(region)) {
            snprintf(msg, sizeof msg, "'%.40s' is not a region name", region);
            set_error(&k->res.error, ERR_USAGE, 0, "InvalidRegion", msg);
            push_done(c, k);
            return ERR_OK;
        }
        if (strcmp(endpoint_partition(region), endpoint_partition(c->region)) != 0) {
            snprintf(msg, sizeof msg, "region %s is not usable from %s (partition %s)", region, c->region,
                     endpoint_partition(c->region));
            set_error(&k->res.error, ERR_USAGE, 0, "CrossPartition", msg);
            push_done(c, k);
            return ERR_OK;
        }
        snprintf(k->region, sizeof k->region, "%s", region);
    }
    k->pg = flags & AWS_CALL_PAGINATE ? paginate_find(service, operation) : NULL;
    if (k->pg && k->max_items > 0 && k->pg->limit_key &&
        !cJSON_GetObjectItemCaseSensitive(k->params, k->pg->limit_key))
        cJSON_AddNumberToObject(k->params, k->pg->limit_key,
                                k->max_items < k->pg->limit_max ? k->max_items : k->pg->limit_max);
    k->state = CALL_READY;
    k->ready_at = 0;
    k->next = c->calls;
    c->calls = k;
    return ERR_OK;
}

/* ---- one attempt ---- */

static void on_done(void *arg, struct http_xfer *x);

static void amz_date_now(const struct aws_client *c, char out[17])
{
    time_t t = time(NULL) + (time_t)c->skew;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static enum err_code start_attempt(struct aws_client *c, struct call *k)
{
    struct err e;
    const struct endpoint *ep = service_endpoint(c, k->svc, k->region, &e);
    struct buf body;
    char target[256], url[800], amz_date[17];
    const char *ctype;
    struct sigv4_header h[3];
    size_t nh = 0;
    struct sigv4_out so;
    struct http_xfer *x = NULL;
    long timeout = c->opt.call_timeout_ms;
    enum err_code rc;

    memset(&so, 0, sizeof so);
    buf_init(&body, 0);
    if (!ep) {
        fail_call(c, k, ERR_CONFIG, "BadEndpoint", e.msg);
        return ERR_CONFIG;
    }
    if (k->svc->proto == AWS_PROTO_JSON) {
        rc = proto_json_build(k->svc, k->op, k->params, &body, target, sizeof target);
        ctype = "application/x-amz-json-1.1";
    } else {
        rc = proto_query_build(k->svc, k->op, k->params, &body);
        ctype = "application/x-www-form-urlencoded; charset=utf-8";
    }
    if (rc != ERR_OK) {
        fail_call(c, k, rc, "BadParameters", "cannot serialise the parameters");
        goto out;
    }
    h[nh++] = (struct sigv4_header){"Host", ep->host};
    h[nh++] = (struct sigv4_header){"Content-Type", ctype};
    if (k->svc->proto == AWS_PROTO_JSON)
        h[nh++] = (struct sigv4_header){"X-Amz-Target", target};
    amz_date_now(c, amz_date);
    {
        struct sigv4_creds sc = {c->creds.access_key_id, c->creds.secret_access_key,
                                 c->creds.session_token};
        struct sigv4_in in = {"POST", ep->path, NULL, h, nh, body.data, body.len,
                              ep->sign_region, k->svc->signing_name, amz_date, 1, 0, 0};
        rc = sigv4_sign(&in, &sc, &c->keys, &so, &e);
    }
    if (rc != ERR_OK) {
        fail_call(c, k, rc, "SigningFailed", e.msg);
        goto out;
    }
    if (c->opt.deadline > 0) {
        double left_ms = (c->opt.deadline - wall()) * 1000.0;
        if (left_ms < timeout)
            timeout = left_ms < 1 ? 1 : (long)left_ms;
    }
    snprintf(url, sizeof url, "%s/", ep->url);
    x = http_xfer_new("POST", url, body.data, body.len, timeout);
    if (!x) {
        fail_call(c, k, ERR_NOMEM, "OutOfMemory", "out of memory");
        rc = ERR_NOMEM;
        goto out;
    }
    /* Host is sent exactly as signed (curl would drop an explicit :443). */
    for (size_t i = 0; i < nh; i++)
        http_xfer_header(x, h[i].name, h[i].value);
    for (size_t i = 0; i < so.n_added; i++)
        http_xfer_header(x, so.added[i].name, so.added[i].value);
    k->attempt++;
    k->res.attempts++;
    k->state = CALL_INFLIGHT;
    rc = http_start(c->http, x, on_done, k);
    if (rc != ERR_OK) {
        k->state = CALL_READY;
        fail_call(c, k, rc, "TransportError", "cannot start the transfer");
        goto out;
    }
    c->inflight++;
out:
    sigv4_out_cleanup(&so);
    buf_wipe(&body);
    return rc;
}

static void debug_log(struct aws_client *c, struct call *k, const struct http_xfer *x,
                      const struct aws_error *err, const char *what)
{
    if (!c->opt.debug)
        return;
    /* Never the signature, token or keys: only what identifies the call. */
    textsafe_line(stderr, "aws: %s %s%s%s status=%ld latency=%.1fms attempt=%d/%d request-id=%s%s%s%s\n",
            k->svc->name, k->op, k->region[0] ? " region=" : "", k->region, x->status, x->elapsed_ms, k->attempt,
            c->opt.max_attempts,
            err->request_id[0] ? err->request_id : "-", err->code[0] ? " error=" : "",
            err->code, what);
}

static int seen_token(struct call *k, const char *token)
{
    char **n;
    for (int i = 0; i < k->nseen; i++)
        if (strcmp(k->seen[i], token) == 0)
            return 1;
    if (k->nseen >= MAX_SEEN_TOKENS)
        return 1; /* a bound on pages as well */
    n = realloc(k->seen, (size_t)(k->nseen + 1) * sizeof *n);
    if (!n)
        return 1;
    k->seen = n;
    k->seen[k->nseen] = str_dup(token);
    if (!k->seen[k->nseen])
        return 1;
    k->nseen++;
    return 0;
}

static void on_page(struct aws_client *c, struct call *k, cJSON *page)
{
    const char *token;
    int count;
    int complete = 1;
    k->res.pages++;
    if (!k->pg) {
        k->acc = page;
        k->res.error.kind = ERR_OK;
        finish(c, k);
        return;
    }
    if (!k->acc) {
        count = paginate_normalise(k->pg, page);
        k->acc = page;
    } else {
        count = paginate_merge(k->pg, k->acc, page);
        cJSON_Delete(page);
    }
    token = paginate_next_token(k->pg, k->acc);
    if (token && k->max_items > 0 && count >= k->max_items) {
        complete = 0; /* stopped early: the token stays in the body */
    } else if (token && !seen_token(k, token)) {
        char *t = str_dup(token);
        paginate_set_token(k->pg, k->params, t);
        free(t);
        k->attempt = 0;
        k->throttled = 0;
        k->page_started = mono();
        k->retry_spent = 0;
        k->state = CALL_READY;
        k->ready_at = 0;
        return;
    }
    paginate_truncate(k->pg, k->acc, k->max_items);
    paginate_finish(k->pg, k->acc, complete);
    k->res.error.kind = ERR_OK;
    finish(c, k);
}

/* "Fri, 27 Nov 2026 00:37:22 GMT" -> epoch seconds, or -1. */
static double http_date(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char mon[4];
    int d, y, h, mi, sec;
    const char *m;
    if (sscanf(s, "%*3s, %d %3s %d %d:%d:%d", &d, mon, &y, &h, &mi, &sec) != 6)
        return -1;
    mon[3] = '\0';
    m = strstr(months, mon);
    if (!m || (m - months) % 3)
        return -1;
    {
        char iso[40];
        snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, (int)(m - months) / 3 + 1, d,
                 h, mi, sec);
        return creds_parse_time(iso);
    }
}

/* The SDKs' clock-skew correction: when AWS rejects a request for its time
 * and its Date header shows our clock is off by minutes, sign later requests
 * with the server's time. Returns 1 when the skew changed (retry at once). */
static int learn_skew(struct aws_client *c, const struct aws_error *err, const char *date)
{
    static const char *const codes[] = {"RequestTimeTooSkewed", "RequestExpired",
                                        "RequestInTheFuture", "InvalidSignatureException",
                                        "SignatureDoesNotMatch", "AuthFailure", NULL};
    double server, skew;
    int match = 0;
    for (int i = 0; codes[i]; i++)
        match |= strcmp(err->code, codes[i]) == 0;
    if (!match || !date[0] || (server = http_date(date)) < 0)
        return 0;
    skew = server - (double)time(NULL);
    if (skew - c->skew < 240 && c->skew - skew < 240)
        return 0;
    c->skew = skew;
    if (c->opt.debug)
        fprintf(stderr, "aws: clock skew of %.0f s corrected from the server's Date\n", skew);
    return 1;
}

/* Whether a throttled call may wait d_ms and try again: the retry must
 * start before the run's deadline, or without one within the call's
 * throttle budget (counted from the page's first attempt). */
static int throttle_room(const struct aws_client *c, const struct call *k, double d_ms)
{
    if (c->opt.deadline > 0)
        return wall() + d_ms / 1000.0 < c->opt.deadline;
    return (mono() - k->page_started) * 1000.0 + d_ms < (double)c->opt.throttle_budget_ms;
}

/* Final errors that say what to do: AWS refusing the credentials names their
 * source and how to refresh them; an empty 404 is not AWS at all. */
static void explain(struct aws_client *c, struct call *k, const struct http_xfer *x)
{
    static const char *const expired[] = {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired",
                                          "RequestExpired", NULL};
    static const char *const rejected[] = {"InvalidClientTokenId", "UnrecognizedClientException",
                                           "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure",
                                           "IncompleteSignature", "InvalidAccessKeyId", NULL};
    struct aws_error *err = &k->res.error;
    char hint[512];
    size_t n = strlen(err->message);
    int i, is_exp = 0, is_rej = 0;
    for (i = 0; expired[i]; i++)
        is_exp |= !strcmp(err->code, expired[i]);
    for (i = 0; rejected[i]; i++)
        is_rej |= !strcmp(err->code, rejected[i]);
    /* RequestExpired is a clock problem unless the token itself is old. */
    if (is_exp && !strcmp(err->code, "RequestExpired") && !str_icase_find(err->message, "token"))
        is_exp = 0;
    if (is_exp || is_rej) {
        creds_refresh_hint(c->creds_ok ? &c->creds : NULL, is_exp, hint, sizeof hint);
        snprintf(err->message + n, sizeof err->message - n, "%s%s", n ? " \xe2\x80\x94 " : "", hint);
        return;
    }
    if (x->status == 404 && x->body.len == 0) {
        const struct endpoint *ep = service_endpoint(c, k->svc, k->region, NULL);
        snprintf(err->message, sizeof err->message,
                 "%s answered HTTP 404 with an empty body: it is not an AWS endpoint for %s (check --endpoint-url, "
                 "AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_%s)",
                 ep ? ep->url : "the endpoint", k->svc->name, k->svc->env_id ? k->svc->env_id : "<SERVICE>");
        snprintf(err->code, sizeof err->code, "NotAnAwsEndpoint");
    }
}

static void on_done(void *arg, struct http_xfer *x)
{
    struct call *k = arg;
    struct aws_client *c = k->c;
    struct aws_error err;
    cJSON *page = NULL;
    enum retry_class rc;
    c->inflight--;
    memset(&err, 0, sizeof err);
    if (x->net != ERR_OK) {
        set_error(&err, x->net, x->status, x->net_code, x->errmsg);
    } else if (k->svc->proto == AWS_PROTO_JSON) {
        proto_json_parse(k->op, x->status, x->body.data, x->body.len, x->error_type, &page, &err);
    } else {
        proto_query_parse(k->svc, k->op, x->status, x->body.data, x->body.len, &page, &err);
    }
    if (!err.request_id[0])
        snprintf(err.request_id, sizeof err.request_id, "%s", x->request_id);
    k->res.error = err;
    if (err.kind == ERR_OK) {
        debug_log(c, k, x, &err, "");
        http_xfer_free(x);
        retry_quota_success(&c->quota, k->retry_spent);
        ratelimit_success(&c->rl, k->svc->name, k->op);
        k->retry_spent = 0;
        on_page(c, k, page);
        return;
    }
    rc = retry_classify(&err);
    if (rc == RETRY_THROTTLE) {
        /* Throttling costs time, not evidence: slow this operation's bucket
         * down (adaptive mode) and try again after a jittered backoff for as
         * long as the run's deadline (or, without one, the call's throttle
         * budget) leaves room. Not counted against max_attempts, no retry
         * quota spent: the quota guards a failing service against retry
         * storms, and the slowed rate already does that for throttling. */
        double d;
        ratelimit_throttled(&c->rl, k->svc->name, k->op);
        k->throttled++;
        d = retry_backoff_ms(k->throttled, rand01(c), c->throttle_base_ms);
        if (throttle_room(c, k, d)) {
            debug_log(c, k, x, &err, " (throttled, retrying)");
            k->state = CALL_READY;
            k->ready_at = mono() + d / 1000.0;
            http_xfer_free(x);
            return;
        }
    }
    if (rc == RETRY_NO && k->attempt - k->throttled < c->opt.max_attempts && learn_skew(c, &err, x->date)) {
        debug_log(c, k, x, &err, " (retrying with corrected clock)");
        k->state = CALL_READY;
        k->ready_at = 0;
        http_xfer_free(x);
        return;
    }
    if (rc == RETRY_TRANSIENT && err.kind == ERR_NETWORK && strcmp(err.code, "TLSVerifyFailed") == 0)
        rc = RETRY_NO; /* a certificate will not fix itself */
    if (rc != RETRY_NO && rc != RETRY_THROTTLE && k->attempt - k->throttled < c->opt.max_attempts &&
        !(c->opt.deadline > 0 && wall() >= c->opt.deadline)) {
        int cost = retry_quota_acquire(&c->quota, rc);
        if (cost > 0) {
            double d = retry_backoff_ms(k->attempt, rand01(c), c->retry_base_ms);
            debug_log(c, k, x, &err, " (retrying)");
            k->retry_spent += cost;
            k->state = CALL_READY;
            k->ready_at = mono() + d / 1000.0;
            http_xfer_free(x);
            return;
        }
    }
    debug_log(c, k, x, &err, "");
    explain(c, k, x);
    http_xfer_free(x);
    if (err.kind == ERR_PARSE) /* a 2xx we could not read, after retries */
        k->res.error.kind = ERR_AWS;
    if (rc == RETRY_THROTTLE)
        k->res.error.kind = ERR_THROTTLED;
    finish(c, k);
}

/* ---- the loop ---- */

static void deliver(struct aws_client *c)
{
    while (c->done) {
        struct call *k = c->done;
        c->done = k->next;
        if (!c->done)
            c->done_tail = NULL;
        if (k->cb)
            k->cb(k->arg, &k->res);
        call_free(k);
    }
}

static void fail_ready(struct aws_client *c, enum err_code kind, const char *code, const char *msg)
{
    struct call *k = c->calls, *next;
    for (; k; k = next) {
        next = k->next;
        if (k->state == CALL_READY)
            fail_call(c, k, kind, code, msg);
    }
}

static int ensure_creds(struct aws_client *c)
{
    struct err e;
    if (c->creds_ok && !creds_expiring(&c->creds, wall(), CREDS_REFRESH_MARGIN))
        return 1;
    if (c->creds_ok && c->opt.debug)
        fprintf(stderr, "aws: refreshing temporary credentials from %s\n", c->creds.source);
    if (load_creds(c, &e) != ERR_OK) {
        fail_ready(c, e.code, e.code == ERR_CONFIG ? "ConfigError" : "NoCredentials", e.msg);
        return 0;
    }
    return 1;
}

/* The oldest call in flight, when it has waited AWS_STALL_S: said once a
 * second through opt.on_stall. */
static void report_stall(struct aws_client *c, double now, double *last)
{
    const struct call *oldest = NULL;
    const struct endpoint *ep;
    char action[160];
    if (!c->opt.on_stall || now - *last < 1.0)
        return;
    *last = now;
    for (const struct call *k = c->calls; k; k = k->next)
        if (k->state == CALL_INFLIGHT && (!oldest || k->started < oldest->started))
            oldest = k;
    if (!oldest || now - oldest->started < AWS_STALL_S)
        return;
    ep = service_endpoint(c, oldest->svc, oldest->region, NULL);
    snprintf(action, sizeof action, "%s:%s", oldest->svc->iam_prefix, oldest->op);
    c->opt.on_stall(c->opt.stall_arg, action, ep ? ep->url : oldest->svc->name, now - oldest->started);
}

enum err_code aws_run(struct aws_client *c)
{
    double stall_check = mono();
    while (c->calls || c->done) {
        double now, wake = 1.0;
        int ready = 0;
        deliver(c);
        report_stall(c, mono(), &stall_check);
        if (!c->calls)
            continue;
        for (struct call *k = c->calls; k; k = k->next)
            ready += k->state == CALL_READY;
        if (ready && !ensure_creds(c))
            continue;
        if (c->opt.deadline > 0 && wall() >= c->opt.deadline) {
            /* A call waiting out throttling says so: that is why it is late. */
            for (struct call *k = c->calls, *next; k; k = next) {
                char msg[160];
                next = k->next;
                if (k->state != CALL_READY || !k->throttled)
                    continue;
                snprintf(msg, sizeof msg, "the run's deadline passed while retrying throttling (%d throttled attempts)",
                         k->throttled);
                fail_call(c, k, ERR_TIMEOUT, "DeadlineExceeded", msg);
            }
            fail_ready(c, ERR_TIMEOUT, "DeadlineExceeded", "timed out at the --deadline: the call never started");
        }
        now = mono();
        for (struct call *k = c->calls, *next; k; k = next) {
            next = k->next;
            if (k->state != CALL_READY)
                continue;
            if (k->ready_at > now) {
                if (k->ready_at - now < wake)
                    wake = k->ready_at - now;
                continue;
            }
            if (c->inflight >= c->opt.max_inflight)
                continue;
            {
                double w = ratelimit_take(&c->rl, k->svc->name, k->op, now);
                if (w > 0) {
                    k->ready_at = now + w;
                    if (w < wake)
                        wake = w;
                    continue;
                }
            }
            start_attempt(c, k);
        }
        if (c->done)
            continue;
        http_poll(c->http, c->inflight > 0 && wake > 0.2 ? 200 : (long)(wake * 1000.0) + 1);
    }
    return ERR_OK;
}

/* ---- synchronous helpers ---- */

static void sync_done(void *arg, struct aws_result *res)
{
    struct aws_result *out = arg;
    *out = *res;
    if (!allowlist_find(res->service, res->operation))
        out->operation = "?"; /* res->operation dies with the call */
    res->body = NULL; /* taken */
}

enum err_code aws_call(struct aws_client *c, const char *service, const char *operation,
                       cJSON *params, int flags, struct aws_result *out)
{
    memset(out, 0, sizeof *out);
    out->error.kind = ERR_INTERNAL;
    if (aws_call_async(c, service, operation, params, flags, 0, sync_done, out) != ERR_OK) {
        out->error.kind = ERR_NOMEM;
        return ERR_NOMEM;
    }
    aws_run(c);
    return out->error.kind;
}

void aws_result_cleanup(struct aws_result *r)
{
    if (!r)
        return;
    cJSON_Delete(r->body);
    r->body = NULL;
}

const char *aws_iam_action(const char *service, const char *operation, char *buf, size_t len)
{
    const struct aws_service *s = endpoint_service(service);
    snprintf(buf, len, "%s:%s", s ? s->iam_prefix : service ? service : "?",
             operation ? operation : "?");
    return buf;
}

char *aws_url_decode(const char *s)
{
    return proto_query_url_decode(s);
}

enum err_code aws_whoami(struct aws_client *c, char *account, size_t alen, char *arn, size_t arnlen,
                         struct err *e)
{
    struct aws_result r;
    if (!c->account[0]) {
        if (aws_call(c, "sts", "GetCallerIdentity", NULL, 0, &r) != ERR_OK) {
            enum err_code k = r.error.kind;
            err_set(e, k, "sts: GetCallerIdentity: %s%s%s", r.error.code,
                    r.error.message[0] ? ": " : "", r.error.message);
            aws_result_cleanup(&r);
            return k;
        }
        snprintf(c->account, sizeof c->account, "%s", jsonx_str(r.body, "Account", ""));
        snprintf(c->arn, sizeof c->arn, "%s", jsonx_str(r.body, "Arn", ""));
        aws_result_cleanup(&r);
    }
    if (account)
        snprintf(account, alen, "%s", c->account);
    if (arn)
        snprintf(arn, arnlen, "%s", c->arn);
    return ERR_OK;
}
