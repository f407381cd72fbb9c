/* creds — see creds.h. */
#include "aws/creds.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/proto_query.h"
#include "aws/sigv4.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define MAX_CHAIN 8                /* source_profile hops */
#define IMDS_TIMEOUT_MS 800        /* sub-second: off EC2 nothing answers */
#define PROCESS_MAX_OUTPUT 65536
#define PROCESS_TIMEOUT_S 120          /* credential_process: room for an MFA prompt */
#define TOKEN_FILE_MAX 65536

/* What each provider found, for the "nothing found" message. */
struct tried {
    struct buf b;
};

static void tried_add(struct tried *t, const char *what)
{
    if (t->b.len)
        buf_puts(&t->b, "; ");
    buf_puts(&t->b, what);
}

void creds_cleanup(struct creds *c)
{
    if (!c)
        return;
    if (c->secret_access_key)
        OPENSSL_cleanse(c->secret_access_key, strlen(c->secret_access_key));
    if (c->session_token)
        OPENSSL_cleanse(c->session_token, strlen(c->session_token));
    free(c->access_key_id);
    free(c->secret_access_key);
    free(c->session_token);
    memset(c, 0, sizeof *c);
}

int creds_expiring(const struct creds *c, double now, double margin)
{
    return c->expiration > 0 && now + margin >= c->expiration;
}

void creds_profile_section(const char *profile, char *out, size_t len)
{
    if (!profile || strcmp(profile, "default") == 0)
        snprintf(out, len, "default");
    else
        snprintf(out, len, "profile %s", profile);
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm):
 * timegm() is not POSIX. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    long era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

double creds_parse_time(const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;
    double t;
    const char *p;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    t = (double)days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 + h * 3600 + mi * 60 + sec;
    p = s + n;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            ;
    if (*p == '+' || *p == '-') {
        int oh = 0, om = 0;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) < 1)
            return -1;
        t += (*p == '+' ? -1 : 1) * (oh * 3600.0 + om * 60.0);
    }
    return t;
}

static enum err_code set_creds(struct creds *out, const char *ak, const char *sk, const char *tok,
                               double exp, const char *source, struct err *e)
{
    creds_cleanup(out);
    if (!ak || !*ak || !sk || !*sk)
        return err_set(e, ERR_CREDENTIALS, "%s: incomplete credentials (access key or secret missing)",
                       source);
    out->access_key_id = str_dup(ak);
    out->secret_access_key = str_dup(sk);
    out->session_token = tok && *tok ? str_dup(tok) : NULL;
    out->expiration = exp > 0 ? exp : 0;
    snprintf(out->source, sizeof out->source, "%s", source);
    if (!out->access_key_id || !out->secret_access_key || (tok && *tok && !out->session_token)) {
        creds_cleanup(out);
        return err_set(e, ERR_NOMEM, "%s: out of memory", source);
    }
    return ERR_OK;
}

/* Reads a small file (token files), trimming the trailing newline. */
static char *read_small(const char *path, struct err *e)
{
    struct buf b;
    buf_init(&b, TOKEN_FILE_MAX);
    if (buf_read_file(&b, path, e) != ERR_OK) {
        buf_wipe(&b);
        return NULL;
    }
    while (b.len && isspace((unsigned char)b.data[b.len - 1]))
        b.data[--b.len] = '\0';
    return buf_take(&b);
}

static double now_epoch(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- STS (AssumeRole, AssumeRoleWithWebIdentity) ---- */

static enum err_code sts_call(const struct creds_env *env, const char *op, cJSON *params,
                              const struct creds *signer, struct creds *out, const char *source,
                              struct err *e)
{
    const struct aws_service *sts = endpoint_service("sts");
    struct endpoint ep;
    struct buf body;
    struct http_xfer *x = NULL;
    struct sigv4_out so;
    struct aws_error ae;
    cJSON *res = NULL, *c;
    char section[160], amz_date[17], url[800];
    time_t now = time(NULL);
    struct tm tm;
    enum err_code rc;

    memset(&so, 0, sizeof so);
    memset(&ae, 0, sizeof ae);
    buf_init(&body, 0);
    creds_profile_section(env->profile, section, sizeof section);
    rc = endpoint_resolve(sts, env->region && *env->region ? env->region : "us-east-1",
                          env->cli_endpoint_url, env->config, section, &ep, e);
    if (rc != ERR_OK)
        goto out;
    rc = proto_query_build(sts, op, params, &body);
    if (rc != ERR_OK) {
        err_set(e, rc, "sts: %s: cannot build the request", op);
        goto out;
    }
    snprintf(url, sizeof url, "%s%s", ep.url, strcmp(ep.path, "/") == 0 ? "/" : ep.path);
    x = http_xfer_new("POST", url, body.data, body.len, env->timeout_ms);
    if (!x) {
        rc = err_set(e, ERR_NOMEM, "sts: out of memory");
        goto out;
    }
    http_xfer_header(x, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    if (signer) {
        struct sigv4_header h[] = {{"Host", ep.host},
                                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
        struct sigv4_creds sc = {signer->access_key_id, signer->secret_access_key,
                                 signer->session_token};
        gmtime_r(&now, &tm);
        strftime(amz_date, sizeof amz_date, "%Y%m%dT%H%M%SZ", &tm);
        struct sigv4_in in = {"POST", ep.path, NULL, h, 2, body.data, body.len, ep.sign_region,
                              sts->signing_name, amz_date, 1, 0, 0};
        rc = sigv4_sign(&in, &sc, NULL, &so, e);
        if (rc != ERR_OK)
            goto out;
        for (size_t i = 0; i < so.n_added; i++)
            http_xfer_header(x, so.added[i].name, so.added[i].value);
    }
    if (http_perform(x, env->ca_bundle) != ERR_OK) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: sts:%s at %s: %s", source, op, ep.url, x->errmsg);
        goto out;
    }
    if (proto_query_parse(sts, op, x->status, x->body.data, x->body.len, &res, &ae) != ERR_OK) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: sts:%s: HTTP %ld %s: %s", source, op, x->status,
                     ae.code, ae.message);
        goto out;
    }
    c = cJSON_GetObjectItemCaseSensitive(res, "Credentials");
    rc = set_creds(out, jsonx_str(c, "AccessKeyId", NULL), jsonx_str(c, "SecretAccessKey", NULL),
                   jsonx_str(c, "SessionToken", NULL),
                   creds_parse_time(jsonx_str(c, "Expiration", NULL)), source, e);
out:
    sigv4_out_cleanup(&so);
    http_xfer_free(x);
    buf_wipe(&body);
    cJSON_Delete(res);
    return rc;
}

static enum err_code web_identity(const struct creds_env *env, const char *token_file,
                                  const char *role_arn, const char *session, struct creds *out,
                                  struct err *e)
{
    char *token = read_small(token_file, e);
    cJSON *p;
    enum err_code rc;
    char source[96], sess[64];
    if (!token)
        return err_set(e, ERR_CREDENTIALS, "web identity: cannot read token file %s", token_file);
    snprintf(sess, sizeof sess, "ecs-doctor-%ld", (long)time(NULL));
    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "RoleArn", role_arn);
    cJSON_AddStringToObject(p, "RoleSessionName", session && *session ? session : sess);
    cJSON_AddStringToObject(p, "WebIdentityToken", token);
    snprintf(source, sizeof source, "web identity (%s)", str_basename(role_arn));
    /* AssumeRoleWithWebIdentity is not signed: the token is the proof. */
    rc = sts_call(env, "AssumeRoleWithWebIdentity", p, NULL, out, source, e);
    OPENSSL_cleanse(token, strlen(token));
    free(token);
    {
        cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "WebIdentityToken");
        if (t && t->valuestring)
            OPENSSL_cleanse(t->valuestring, strlen(t->valuestring));
    }
    cJSON_Delete(p);
    return rc;
}

/* Cleanses up to three string members of a parsed answer before it is
 * freed (secrets, tokens); NULLs are skipped. */
static void wipe_members(cJSON *j, const char *a, const char *b, const char *c)
{
    const char *names[3] = {a, b, c};
    size_t i;
    for (i = 0; j && i < 3; i++) {
        cJSON *s = names[i] ? cJSON_GetObjectItemCaseSensitive(j, names[i]) : NULL;
        if (cJSON_IsString(s) && s->valuestring)
            OPENSSL_cleanse(s->valuestring, strlen(s->valuestring));
    }
}

/* ---- credential_process ---- */

/* How long a credential_process may take: helpers may prompt for an MFA
 * code (stdin and stderr stay the terminal's), but a hung one must not hang
 * a post-deploy job forever. EDOC_CREDENTIAL_PROCESS_TIMEOUT (seconds)
 * overrides. */
static long process_timeout_ms(void)
{
    const char *v = getenv("EDOC_CREDENTIAL_PROCESS_TIMEOUT");
    long s = v && *v ? strtol(v, NULL, 10) : 0;
    return (s > 0 && s < 86400 ? s : PROCESS_TIMEOUT_S) * 1000L;
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)(t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* Waits for pid until timeout_ms from t0 have passed; ERR_TIMEOUT then. */
static enum err_code reap(pid_t pid, const struct timespec *t0, long timeout_ms, int *status)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return ERR_OK;
        if (elapsed_ms(t0) >= timeout_ms)
            return ERR_TIMEOUT;
        if (r == 0) {
            struct timespec nap = {0, 20 * 1000000L};
            nanosleep(&nap, NULL);
        }
    }
}

/* Runs cmd with /bin/sh -c, its stdout into b (up to b's limit: ERR_LIMIT),
 * and waits for it, output and exit alike, at most timeout_ms: past that
 * (ERR_TIMEOUT) it is killed. When there is no terminal to prompt on (CI) it
 * gets a process group of its own, so everything it started goes with it;
 * with one, it stays in ecs-doctor's (a helper asking for an MFA code must be
 * in the terminal's foreground group to read it). Either way it gets SIGTERM
 * if ecs-doctor dies first. */
static enum err_code run_capture(const char *cmd, long timeout_ms, struct buf *b, int *status)
{
    char chunk[4096];
    int fd[2], tty = open("/dev/tty", O_RDONLY | O_CLOEXEC), own_group = tty < 0;
    pid_t pid, parent = getpid();
    struct timespec t0;
    enum err_code rc = ERR_OK;
    if (tty >= 0)
        close(tty);
    if (pipe(fd) < 0)
        return ERR_IO;
    fflush(NULL);
    if ((pid = fork()) < 0) {
        close(fd[0]);
        close(fd[1]);
        return ERR_IO;
    }
    if (pid == 0) {
        if (own_group)
            setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) /* it died before prctl */
            _exit(127);
        if (fd[1] != STDOUT_FILENO) {
            dup2(fd[1], STDOUT_FILENO);
            close(fd[1]);
        }
        if (fd[0] != STDOUT_FILENO)
            close(fd[0]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    if (own_group)
        setpgid(pid, pid); /* also here: whichever runs first */
    close(fd[1]);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = {fd[0], POLLIN, 0};
        long left = timeout_ms - elapsed_ms(&t0);
        ssize_t n;
        int pr;
        if (left <= 0) {
            rc = ERR_TIMEOUT;
            break;
        }
        pr = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (pr < 0 && errno != EINTR)
            break; /* what was read is judged */
        if (pr <= 0)
            continue; /* the deadline decides */
        n = read(fd[0], chunk, sizeof chunk);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            break; /* EOF (or an error: what was read is judged) */
        if (buf_append(b, chunk, (size_t)n) != ERR_OK) {
            rc = ERR_LIMIT;
            break;
        }
    }
    OPENSSL_cleanse(chunk, sizeof chunk);
    close(fd[0]);
    /* Its output is in; its exit is waited for within the same limit. */
    if (rc == ERR_OK && reap(pid, &t0, timeout_ms, status) == ERR_OK)
        return ERR_OK;
    if (rc == ERR_OK)
        rc = ERR_TIMEOUT;
    if (!own_group || kill(-pid, SIGKILL) < 0)
        kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    return rc;
}

static enum err_code run_process(const char *cmd, const char *profile, struct creds *out,
                                 struct err *e)
{
    struct buf b;
    char source[96];
    int status = -1;
    cJSON *j = NULL;
    enum err_code rc;
    long limit = process_timeout_ms();
    snprintf(source, sizeof source, "credential_process (profile %s)", profile);
    buf_init(&b, PROCESS_MAX_OUTPUT);
    rc = run_capture(cmd, limit, &b, &status);
    if (rc == ERR_IO) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: cannot run: %s", source, strerror(errno));
        goto out;
    }
    if (rc == ERR_TIMEOUT) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: no answer within %ld s: stopped (EDOC_CREDENTIAL_PROCESS_TIMEOUT "
                     "sets the limit)", source, limit / 1000);
        goto out;
    }
    if (rc != ERR_OK) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: output larger than %d bytes", source,
                     PROCESS_MAX_OUTPUT);
        goto out;
    }
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: command failed (exit status %d)", source,
                     status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        goto out;
    }
    j = cJSON_ParseWithLength(b.data ? b.data : "", b.len);
    if (!j || !cJSON_IsObject(j)) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: output is not a JSON object", source);
        goto out;
    }
    if (jsonx_num(j, "Version", 0) != 1) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: unsupported output Version (want 1)", source);
        goto out;
    }
    {
        const char *exp = jsonx_str(j, "Expiration", NULL);
        double t = exp ? creds_parse_time(exp) : 0;
        if (exp && t < 0) {
            rc = err_set(e, ERR_CREDENTIALS, "%s: bad Expiration '%s'", source, exp);
            goto out;
        }
        rc = set_creds(out, jsonx_str(j, "AccessKeyId", NULL), jsonx_str(j, "SecretAccessKey", NULL),
                       jsonx_str(j, "SessionToken", NULL), t, source, e);
    }
out:
    wipe_members(j, "SecretAccessKey", "SessionToken", NULL);
    cJSON_Delete(j);
    buf_wipe(&b);
    return rc;
}

/* ---- HTTP credential endpoints (ECS container, IMDS) ---- */

static enum err_code parse_endpoint_creds(const char *body, size_t len, const char *source,
                                          struct creds *out, struct err *e)
{
    cJSON *j = cJSON_ParseWithLength(body ? body : "", len);
    enum err_code rc;
    const char *code = jsonx_str(j, "Code", "Success");
    if (!j || !cJSON_IsObject(j))
        rc = err_set(e, ERR_CREDENTIALS, "%s: answer is not a JSON object", source);
    else if (strcmp(code, "Success") != 0)
        rc = err_set(e, ERR_CREDENTIALS, "%s: answered Code %s", source, code);
    else
        rc = set_creds(out, jsonx_str(j, "AccessKeyId", NULL), jsonx_str(j, "SecretAccessKey", NULL),
                       jsonx_str(j, "Token", NULL),
                       creds_parse_time(jsonx_str(j, "Expiration", NULL)), source, e);
    if (j) {
        cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "SecretAccessKey");
        if (cJSON_IsString(s))
            OPENSSL_cleanse(s->valuestring, strlen(s->valuestring));
    }
    cJSON_Delete(j);
    return rc;
}

/* The SDKs allow plain http to the container endpoint only on loopback and
 * the ECS/EKS link-local hosts: elsewhere the answer could be forged. */
static int allowed_full_uri(const char *uri)
{
    static const char *const ok[] = {"http://127.", "http://localhost:", "http://localhost/",
                                     "http://[::1]", "http://169.254.170.2:", "http://169.254.170.2/",
                                     "http://169.254.170.23", "http://[fd00:ec2::23]", NULL};
    if (str_starts(uri, "https://"))
        return 1;
    for (size_t i = 0; ok[i]; i++)
        if (str_starts(uri, ok[i]))
            return 1;
    return strcmp(uri, "http://localhost") == 0;
}

/* EDOC_AWS_CONTAINER_HOST is a test seam (tests/aws/test_creds.c serves the
 * relative URI on a local port). It is honoured only for a loopback host so
 * that it can never send the container-credential request — or the role's
 * keys coming back — anywhere off the machine: "127.a.b.c", "localhost" or
 * "[::1]", optionally ":port", and nothing else (no userinfo, path or
 * other host a URL parser could read into it). */
static int loopback_host(const char *h)
{
    const char *p = h;
    if (str_starts(p, "localhost")) {
        p += 9;
    } else if (str_starts(p, "[::1]")) {
        p += 5;
    } else if (str_starts(p, "127.")) {
        int octets = 0;
        while (octets < 4) {
            int n = 0, digits = 0;
            while (isdigit((unsigned char)*p) && digits < 3) {
                n = n * 10 + (*p++ - '0');
                digits++;
            }
            if (!digits || n > 255)
                return 0;
            if (++octets < 4 && *p++ != '.')
                return 0;
        }
    } else {
        return 0;
    }
    if (*p == ':') {
        int digits = 0;
        for (p++; isdigit((unsigned char)*p) && digits < 5; p++)
            digits++;
        if (!digits)
            return 0;
    }
    return *p == '\0';
}

static enum err_code container(const struct creds_env *env, struct creds *out, struct tried *t,
                               struct err *e)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const char *tokfile = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *tokenv = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    /* Internal, for tests: where the relative URI is served instead of the
     * ECS agent's fixed 169.254.170.2; loopback only (loopback_host). */
    const char *host = getenv("EDOC_AWS_CONTAINER_HOST");
    char url[1024];
    char *token = NULL;
    struct http_xfer *x;
    enum err_code rc;
    if (rel && *rel) {
        if (host && *host && !loopback_host(host))
            return err_set(e, ERR_CREDENTIALS,
                           "container credentials: EDOC_AWS_CONTAINER_HOST %.100s is not a loopback "
                           "host (a test setting; unset it)",
                           host);
        /* A path, as the ECS agent sets it: "@host/..." would move the
         * request off 169.254.170.2 (URL userinfo). */
        if (rel[0] != '/')
            return err_set(e, ERR_CREDENTIALS,
                           "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI %.100s does not "
                           "start with /",
                           rel);
        snprintf(url, sizeof url, "http://%s%s", host && *host ? host : "169.254.170.2", rel);
    } else if (full && *full) {
        if (!allowed_full_uri(full))
            return err_set(e, ERR_CREDENTIALS,
                           "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI %s is not "
                           "https nor a loopback/ECS address",
                           full);
        snprintf(url, sizeof url, "%s", full);
        if (tokfile && *tokfile) {
            token = read_small(tokfile, e);
            if (!token)
                return err_set(e, ERR_CREDENTIALS,
                               "container credentials: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s",
                               tokfile);
        } else if (tokenv && *tokenv) {
            token = str_dup(tokenv);
        }
    } else {
        tried_add(t, "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI unset)");
        return ERR_NOT_FOUND;
    }
    x = http_xfer_new("GET", url, NULL, 0, env->timeout_ms > 2000 ? 2000 : env->timeout_ms);
    if (!x) {
        free(token);
        return err_set(e, ERR_NOMEM, "container credentials: out of memory");
    }
    if (token) {
        http_xfer_header(x, "Authorization", token);
        OPENSSL_cleanse(token, strlen(token));
        free(token);
    }
    if (http_perform(x, env->ca_bundle) != ERR_OK)
        rc = err_set(e, ERR_CREDENTIALS, "container credentials at %s: %s", url, x->errmsg);
    else if (x->status != 200)
        rc = err_set(e, ERR_CREDENTIALS, "container credentials at %s: HTTP %ld", url, x->status);
    else
        rc = parse_endpoint_creds(x->body.data, x->body.len, "container", out, e);
    buf_wipe(&x->body);
    http_xfer_free(x);
    return rc;
}

static struct http_xfer *imds_get(const char *base, const char *path, const char *token,
                                  enum err_code *rc)
{
    char url[700];
    struct http_xfer *x;
    snprintf(url, sizeof url, "%s%s", base, path);
    x = http_xfer_new("GET", url, NULL, 0, IMDS_TIMEOUT_MS);
    if (!x) {
        *rc = ERR_NOMEM;
        return NULL;
    }
    if (token) /* NULL: IMDSv1 */
        http_xfer_header(x, "X-aws-ec2-metadata-token", token);
    *rc = http_perform(x, NULL);
    if (*rc == ERR_OK && x->status != 200)
        *rc = ERR_CREDENTIALS;
    return x;
}

static const char *pget(const struct creds_env *env, const char *profile, const char *key);

/* IMDSv1 refused: AWS_EC2_METADATA_V1_DISABLED, else the profile's
 * ec2_metadata_v1_disabled (botocore's order). */
static int imds_v1_disabled(const struct creds_env *env)
{
    const char *v = getenv("AWS_EC2_METADATA_V1_DISABLED");
    if (!(v && *v) && env && env->profile)
        v = pget(env, env->profile, "ec2_metadata_v1_disabled");
    return v && strcasecmp(v, "true") == 0;
}

static enum err_code imds(const struct creds_env *env, struct creds *out, struct tried *t, struct err *e)
{
    const char *dis = getenv("AWS_EC2_METADATA_DISABLED");
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    char base[512], role[256], path[400];
    struct http_xfer *x = NULL;
    char *token = NULL;
    enum err_code rc;
    size_t l;
    if (dis && strcasecmp(dis, "true") == 0) {
        tried_add(t, "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
        return ERR_NOT_FOUND;
    }
    snprintf(base, sizeof base, "%s", ep && *ep ? ep : "http://169.254.169.254");
    l = strlen(base);
    while (l && base[l - 1] == '/')
        base[--l] = '\0';
    /* IMDSv2: a session token first (PUT), then the role and its keys. */
    x = http_xfer_new("PUT", strcat(base, "/latest/api/token"), NULL, 0, IMDS_TIMEOUT_MS);
    base[l] = '\0';
    if (!x)
        return err_set(e, ERR_NOMEM, "imds: out of memory");
    http_xfer_header(x, "X-aws-ec2-metadata-token-ttl-seconds", "21600");
    rc = http_perform(x, NULL);
    /* IMDSv1 fallback, as the SDKs do, when the service answered that it
     * has no token API (403/404/405: IMDSv1-only endpoints, some proxies) —
     * not when nothing answered: off EC2 that would wait a second time.
     * AWS_EC2_METADATA_V1_DISABLED=true (or ec2_metadata_v1_disabled in the
     * profile) refuses it. */
    if (rc == ERR_OK && (x->status == 403 || x->status == 404 || x->status == 405)) {
        if (!imds_v1_disabled(env)) {
            http_xfer_free(x);
            x = NULL;
            goto roles;
        }
    }
    if (rc != ERR_OK || x->status != 200 || !x->body.len) {
        char what[1024];
        if (rc != ERR_OK)
            snprintf(what, sizeof what, "EC2 instance metadata (no answer from %s: %s)", base,
                     x->errmsg);
        else
            snprintf(what, sizeof what, "EC2 instance metadata (%s: token request HTTP %ld)", base,
                     x->status);
        tried_add(t, what);
        http_xfer_free(x);
        return ERR_NOT_FOUND;
    }
    token = str_dup(x->body.data);
    buf_wipe(&x->body);
    http_xfer_free(x);
    if (!token)
        return err_set(e, ERR_NOMEM, "imds: out of memory");
roles:
    x = imds_get(base, "/latest/meta-data/iam/security-credentials/", token, &rc);
    if (rc != ERR_OK || !x->body.len) {
        char what[600];
        snprintf(what, sizeof what, "EC2 instance metadata (%s: no IAM role attached)", base);
        tried_add(t, what);
        rc = ERR_NOT_FOUND;
        goto out;
    }
    snprintf(role, sizeof role, "%.*s", (int)strcspn(x->body.data, "\r\n"), x->body.data);
    http_xfer_free(x);
    snprintf(path, sizeof path, "/latest/meta-data/iam/security-credentials/%s", role);
    x = imds_get(base, path, token, &rc);
    if (rc != ERR_OK) {
        rc = err_set(e, ERR_CREDENTIALS, "EC2 instance metadata: role %s: %s", role,
                     x && x->errmsg[0] ? x->errmsg : "bad answer");
        goto out;
    }
    rc = parse_endpoint_creds(x->body.data, x->body.len, "EC2 instance metadata", out, e);
out:
    if (x)
        buf_wipe(&x->body);
    http_xfer_free(x);
    if (token)
        OPENSSL_cleanse(token, strlen(token));
    free(token);
    return rc;
}

/* ---- profiles ---- */

/* A profile value: the credentials file's [name] first for keys, the config
 * file's [profile name] for everything (botocore merges them the same way). */
static const char *pget(const struct creds_env *env, const char *profile, const char *key)
{
    char section[160];
    const char *v = config_get(env->credentials, profile, key);
    if (v)
        return v;
    creds_profile_section(profile, section, sizeof section);
    v = config_get(env->config, section, key);
    if (!v && strcmp(profile, "default") == 0)
        v = config_get(env->config, "profile default", key);
    return v;
}

static int profile_exists(const struct creds_env *env, const char *profile)
{
    char section[160];
    creds_profile_section(profile, section, sizeof section);
    return config_has_section(env->credentials, profile) || config_has_section(env->config, section) ||
           (strcmp(profile, "default") == 0 && config_has_section(env->config, "profile default"));
}

static enum err_code from_profile(const struct creds_env *env, const char *profile, int depth,
                                  const char **visited, struct creds *out, struct tried *t,
                                  struct err *e);

/* ---- IAM Identity Center (SSO) ---- */

/* The portal is a REST-JSON service, signed by nothing but the bearer token;
 * endpoint_resolve() still gives it the usual overrides
 * (AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, a [services] section). */
static const struct aws_service sso_portal = {
    "sso", "portal.sso", "awsssoportal", "sso", AWS_PROTO_JSON, NULL, NULL, "SSO", "sso", 0,
};

/* ~/.aws/sso/cache/<sha1(key) in hex>.json, where `aws sso login` keeps the
 * access token: the key is the sso-session name, or the start URL for a
 * legacy profile (botocore's and the CLI v2's rule). */
static int sso_cache_path(const char *key, char *out, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    const char *home = getenv("HOME");
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    if (!home || !*home || !EVP_Digest(key, strlen(key), md, &n, EVP_sha1(), NULL))
        return -1;
    for (i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return snprintf(out, len, "%s/.aws/sso/cache/%s.json", home, hex) < (int)len ? 0 : -1;
}

/* The cached access token for key, or NULL with e saying what to do. */
static char *sso_token(const char *profile, const char *key, struct err *e)
{
    char path[1024];
    struct buf b;
    cJSON *j = NULL;
    char *tok = NULL;
    const char *at, *exp;
    double t;
    struct err le;
    if (sso_cache_path(key, path, sizeof path) < 0) {
        err_set(e, ERR_CREDENTIALS, "profile %s: cannot locate the SSO token cache (HOME unset)", profile);
        return NULL;
    }
    buf_init(&b, TOKEN_FILE_MAX);
    if (buf_read_file(&b, path, &le) != ERR_OK) {
        err_set(e, ERR_CREDENTIALS, "profile %s: no SSO login found (%s): run 'aws sso login --profile %s'",
                profile, path, profile);
        goto out;
    }
    j = cJSON_ParseWithLength(b.data ? b.data : "", b.len);
    at = jsonx_str(j, "accessToken", NULL);
    exp = jsonx_str(j, "expiresAt", NULL);
    if (!at || !*at || !exp) {
        err_set(e, ERR_CREDENTIALS, "profile %s: %s is not an SSO token cache (accessToken/expiresAt missing)",
                profile, path);
        goto out;
    }
    /* The CLI v1 wrote "...UTC" where v2 writes "Z". */
    {
        char iso[64];
        size_t l;
        snprintf(iso, sizeof iso, "%s", exp);
        l = strlen(iso);
        if (l > 3 && strcmp(iso + l - 3, "UTC") == 0)
            snprintf(iso + l - 3, sizeof iso - (l - 3), "Z");
        t = creds_parse_time(iso);
    }
    if (t < 0) {
        err_set(e, ERR_CREDENTIALS, "profile %s: %s: bad expiresAt '%s'", profile, path, exp);
        goto out;
    }
    if (t <= now_epoch() + 60) {
        err_set(e, ERR_CREDENTIALS, "profile %s: the SSO session expired at %s: run 'aws sso login --profile %s'",
                profile, exp, profile);
        goto out;
    }
    tok = str_dup(at);
out:
    wipe_members(j, "accessToken", "refreshToken", "clientSecret");
    cJSON_Delete(j);
    buf_wipe(&b);
    return tok;
}

/* GetRoleCredentials for the profile's account and role with the cached
 * token. A refused or expired token says how to log in again. */
static enum err_code sso_credentials(const struct creds_env *env, const char *profile, struct creds *out,
                                     struct err *e)
{
    const char *sess = pget(env, profile, "sso_session");
    const char *account = pget(env, profile, "sso_account_id"), *role = pget(env, profile, "sso_role_name");
    const char *start_url, *region;
    char sect[200], psect[160], source[96];
    struct endpoint ep;
    struct buf url;
    struct http_xfer *x = NULL;
    cJSON *j = NULL, *rc_obj;
    char *tok = NULL;
    enum err_code rc;
    if (sess) {
        snprintf(sect, sizeof sect, "sso-session %s", sess);
        start_url = config_get(env->config, sect, "sso_start_url");
        region = config_get(env->config, sect, "sso_region");
        if (!config_has_section(env->config, sect))
            return err_set(e, ERR_CONFIG, "profile %s: sso_session '%s' has no [sso-session %s] section in %s",
                           profile, sess, sess, env->config_path ? env->config_path : "the config file");
    } else {
        start_url = pget(env, profile, "sso_start_url");
        region = pget(env, profile, "sso_region");
    }
    if (!start_url || !region || !account || !role)
        return err_set(e, ERR_CONFIG, "profile %s: SSO needs sso_start_url, sso_region (here or in its "
                       "sso-session), sso_account_id and sso_role_name; missing %s", profile,
                       !start_url ? "sso_start_url" : !region ? "sso_region" : !account ? "sso_account_id"
                                                                                   : "sso_role_name");
    snprintf(source, sizeof source, "sso %s/%s (profile %s)", account, role, profile);
    if (!(tok = sso_token(profile, sess ? sess : start_url, e)))
        return ERR_CREDENTIALS;
    buf_init(&url, 0);
    creds_profile_section(profile, psect, sizeof psect);
    if ((rc = endpoint_resolve(&sso_portal, region, NULL, env->config, psect, &ep, e)) != ERR_OK)
        goto out;
    if (buf_printf(&url, "%s%s/federation/credentials?role_name=", ep.url,
                   strcmp(ep.path, "/") == 0 ? "" : ep.path) != ERR_OK ||
        sigv4_uri_encode(&url, role, strlen(role), 0) != ERR_OK || buf_append(&url, "&account_id=", 12) != ERR_OK ||
        sigv4_uri_encode(&url, account, strlen(account), 0) != ERR_OK ||
        !(x = http_xfer_new("GET", url.data, NULL, 0, env->timeout_ms))) {
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", source);
        goto out;
    }
    http_xfer_header(x, "x-amz-sso_bearer_token", tok);
    if ((rc = http_perform(x, env->ca_bundle)) != ERR_OK) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: no answer from %s: %s", source, ep.host, x->errmsg);
        goto out;
    }
    j = cJSON_ParseWithLength(x->body.data ? x->body.data : "", x->body.len);
    if (x->status == 401 || x->status == 403) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: the SSO portal refused the cached token (HTTP %ld%s%s): run "
                     "'aws sso login --profile %s'", source, x->status, jsonx_str(j, "message", NULL) ? ": " : "",
                     jsonx_str(j, "message", ""), profile);
        goto out;
    }
    rc_obj = cJSON_GetObjectItemCaseSensitive(j, "roleCredentials");
    if (x->status != 200 || !cJSON_IsObject(rc_obj)) {
        rc = err_set(e, ERR_CREDENTIALS, "%s: GetRoleCredentials: HTTP %ld%s%s", source, x->status,
                     jsonx_str(j, "message", NULL) ? ": " : "", jsonx_str(j, "message", ""));
        goto out;
    }
    rc = set_creds(out, jsonx_str(rc_obj, "accessKeyId", NULL), jsonx_str(rc_obj, "secretAccessKey", NULL),
                   jsonx_str(rc_obj, "sessionToken", NULL), jsonx_num(rc_obj, "expiration", 0) / 1000.0, source, e);
out:
    wipe_members(cJSON_GetObjectItemCaseSensitive(j, "roleCredentials"), "secretAccessKey", "sessionToken", NULL);
    cJSON_Delete(j);
    if (x)
        buf_wipe(&x->body);
    http_xfer_free(x);
    buf_cleanup(&url);
    if (tok) {
        OPENSSL_cleanse(tok, strlen(tok));
        free(tok);
    }
    return rc;
}

static enum err_code from_source(const struct creds_env *env, const char *profile,
                                 const char *credential_source, struct creds *out, struct err *e)
{
    struct tried dummy;
    enum err_code rc = ERR_NOT_FOUND;
    buf_init(&dummy.b, 0);
    if (strcmp(credential_source, "Environment") == 0)
        rc = set_creds(out, getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"),
                       getenv("AWS_SESSION_TOKEN"), 0, "environment", e);
    else if (strcmp(credential_source, "EcsContainer") == 0)
        rc = container(env, out, &dummy, e);
    else if (strcmp(credential_source, "Ec2InstanceMetadata") == 0)
        rc = imds(env, out, &dummy, e);
    else
        rc = err_set(e, ERR_CONFIG, "profile %s: unknown credential_source '%s'", profile,
                     credential_source);
    if (rc == ERR_NOT_FOUND)
        rc = err_set(e, ERR_CREDENTIALS, "profile %s: credential_source %s: %s", profile,
                     credential_source, dummy.b.data ? dummy.b.data : "nothing found");
    buf_cleanup(&dummy.b);
    return rc;
}

static enum err_code assume_role(const struct creds_env *env, const char *profile, int depth,
                                 const char **visited, struct creds *out, struct tried *t,
                                 struct err *e)
{
    const char *role_arn = pget(env, profile, "role_arn");
    const char *src = pget(env, profile, "source_profile");
    const char *csrc = pget(env, profile, "credential_source");
    const char *ext = pget(env, profile, "external_id");
    const char *sess = pget(env, profile, "role_session_name");
    const char *dur = pget(env, profile, "duration_seconds");
    const char *wif = pget(env, profile, "web_identity_token_file");
    struct creds base;
    cJSON *p;
    char sname[64], source[96];
    enum err_code rc;
    memset(&base, 0, sizeof base);
    if (wif && *wif)
        return web_identity(env, wif, role_arn, sess, out, e);
    if (pget(env, profile, "mfa_serial"))
        return err_set(e, ERR_CREDENTIALS,
                       "profile %s: role_arn with mfa_serial needs an interactive MFA code, "
                       "which ecs-doctor does not prompt for",
                       profile);
    if (src && csrc)
        return err_set(e, ERR_CONFIG, "profile %s: both source_profile and credential_source set",
                       profile);
    if (src) {
        if (strcmp(src, profile) == 0) {
            /* A profile that is its own source uses its own static keys. */
            rc = set_creds(&base, pget(env, profile, "aws_access_key_id"),
                           pget(env, profile, "aws_secret_access_key"),
                           pget(env, profile, "aws_session_token"), 0, profile, e);
        } else {
            rc = from_profile(env, src, depth + 1, visited, &base, t, e);
            if (rc == ERR_NOT_FOUND)
                rc = err_set(e, ERR_CREDENTIALS, "profile %s: source_profile %s has no credentials",
                             profile, src);
        }
    } else if (csrc) {
        rc = from_source(env, profile, csrc, &base, e);
    } else {
        return err_set(e, ERR_CONFIG, "profile %s: role_arn needs source_profile or credential_source",
                       profile);
    }
    if (rc != ERR_OK) {
        creds_cleanup(&base);
        return rc;
    }
    snprintf(sname, sizeof sname, "ecs-doctor-%ld", (long)time(NULL));
    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "RoleArn", role_arn);
    cJSON_AddStringToObject(p, "RoleSessionName", sess && *sess ? sess : sname);
    if (ext && *ext)
        cJSON_AddStringToObject(p, "ExternalId", ext);
    if (dur && *dur) {
        long d = strtol(dur, NULL, 10);
        if (d < 900 || d > 43200) {
            cJSON_Delete(p);
            creds_cleanup(&base);
            return err_set(e, ERR_CONFIG, "profile %s: duration_seconds '%s' outside 900..43200",
                           profile, dur);
        }
        cJSON_AddNumberToObject(p, "DurationSeconds", (double)d);
    }
    snprintf(source, sizeof source, "assume-role %s (profile %s)", str_basename(role_arn), profile);
    rc = sts_call(env, "AssumeRole", p, &base, out, source, e);
    cJSON_Delete(p);
    creds_cleanup(&base);
    return rc;
}

/* One profile's own credentials: role_arn, then keys in the credentials
 * file, credential_process, keys in the config file. ERR_NOT_FOUND when the
 * profile has none. */
static enum err_code from_profile(const struct creds_env *env, const char *profile, int depth,
                                  const char **visited, struct creds *out, struct tried *t,
                                  struct err *e)
{
    const char *ak, *proc;
    char section[160], source[96];
    if (depth >= MAX_CHAIN)
        return err_set(e, ERR_CONFIG, "profile %s: source_profile chain longer than %d", profile,
                       MAX_CHAIN);
    for (int i = 0; i < depth; i++)
        if (strcmp(visited[i], profile) == 0)
            return err_set(e, ERR_CONFIG, "profile %s: source_profile loop", profile);
    visited[depth] = profile;
    if (!profile_exists(env, profile))
        return ERR_NOT_FOUND;
    if (pget(env, profile, "role_arn"))
        return assume_role(env, profile, depth, visited, out, t, e);
    /* botocore's order: SSO before the credentials file; and its trigger: an
     * account or role (a profile with only sso_session is for `aws sso
     * login`, and may have keys or a credential_process). */
    if (pget(env, profile, "sso_account_id") || pget(env, profile, "sso_role_name"))
        return sso_credentials(env, profile, out, e);
    snprintf(source, sizeof source, "profile %s", profile);
    if ((ak = config_get(env->credentials, profile, "aws_access_key_id")))
        return set_creds(out, ak, config_get(env->credentials, profile, "aws_secret_access_key"),
                         config_get(env->credentials, profile, "aws_session_token"), 0, source, e);
    if ((proc = pget(env, profile, "credential_process")))
        return run_process(proc, profile, out, e);
    creds_profile_section(profile, section, sizeof section);
    if ((ak = config_get(env->config, section, "aws_access_key_id")))
        return set_creds(out, ak, config_get(env->config, section, "aws_secret_access_key"),
                         config_get(env->config, section, "aws_session_token"), 0, source, e);
    return ERR_NOT_FOUND;
}

enum err_code creds_resolve(const struct creds_env *env, struct creds *out, struct err *e)
{
    struct tried t;
    const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
    const char *wif = getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), *role = getenv("AWS_ROLE_ARN");
    const char *profile = env->profile && *env->profile ? env->profile : "default";
    const char *visited[MAX_CHAIN];
    enum err_code rc;
    memset(out, 0, sizeof *out);
    buf_init(&t.b, 0);

    if (env->profile_explicit) {
        tried_add(&t, "environment (skipped: --profile given)");
    } else if ((ak && *ak) || (sk && *sk)) {
        rc = set_creds(out, ak, sk, getenv("AWS_SESSION_TOKEN"), 0, "environment", e);
        if (rc != ERR_OK)
            err_set(e, ERR_CREDENTIALS,
                    "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set");
        goto out;
    } else {
        tried_add(&t, "environment (AWS_ACCESS_KEY_ID unset)");
    }

    if (profile_exists(env, profile) && pget(env, profile, "role_arn")) {
        rc = from_profile(env, profile, 0, visited, out, &t, e);
        goto out;
    }
    if (wif && *wif && role && *role) {
        rc = web_identity(env, wif, role, getenv("AWS_ROLE_SESSION_NAME"), out, e);
        goto out;
    }
    tried_add(&t, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN unset)");

    rc = from_profile(env, profile, 0, visited, out, &t, e);
    if (rc != ERR_NOT_FOUND)
        goto out;
    if (env->profile_explicit || (getenv("AWS_PROFILE") && *getenv("AWS_PROFILE") &&
                                  !profile_exists(env, profile))) {
        /* A named profile that does not exist is a configuration error, as
         * in the CLI ("The config profile (x) could not be found"). */
        if (!profile_exists(env, profile)) {
            rc = err_set(e, ERR_CONFIG, "profile '%s' not found in %s or %s", profile,
                         env->config_path ? env->config_path : "the config file",
                         env->credentials_path ? env->credentials_path : "the credentials file");
            goto out;
        }
    }
    {
        char what[600];
        snprintf(what, sizeof what, "profile %s (%s in %s / %s)", profile,
                 profile_exists(env, profile) ? "no keys, role or credential_process"
                                              : "not defined",
                 env->credentials_path ? env->credentials_path : "-",
                 env->config_path ? env->config_path : "-");
        tried_add(&t, what);
    }
    rc = container(env, out, &t, e);
    if (rc != ERR_NOT_FOUND)
        goto out;
    rc = imds(env, out, &t, e);
    if (rc != ERR_NOT_FOUND)
        goto out;
    rc = err_set(e, ERR_CREDENTIALS, "no AWS credentials found; tried: %s", t.b.data);
out:
    buf_cleanup(&t.b);
    (void)now_epoch;
    return rc;
}

/* The profile a source names: "sso 1/R (profile prod)" -> "prod". */
static void source_profile(const char *source, char *out, size_t len)
{
    const char *p = strstr(source, "(profile ");
    size_t n;
    out[0] = '\0';
    if (p) {
        p += 9;
        n = strcspn(p, ")");
        snprintf(out, len, "%.*s", (int)n, p);
    } else if (!strncmp(source, "profile ", 8)) {
        snprintf(out, len, "%s", source + 8);
    }
}

void creds_refresh_hint(const struct creds *c, int expired, char *out, size_t len)
{
    const char *src = c && c->source[0] ? c->source : "the credential chain";
    const char *what = expired ? "have expired" : "were rejected";
    char prof[80], pflag[96] = "";
    source_profile(src, prof, sizeof prof);
    if (prof[0] && strcmp(prof, "default"))
        snprintf(pflag, sizeof pflag, " --profile %s", prof);
    if (!strncmp(src, "sso ", 4))
        snprintf(out, len, "the credentials from %s %s: run 'aws sso login%s' and try again", src, what, pflag);
    else if (!strncmp(src, "credential_process", 18))
        snprintf(out, len, "the credentials from %s %s: run the profile's credential_process by hand to see "
                 "what it prints (its Expiration must be in the future) and try again; ecs-doctor runs it anew "
                 "each time", src, what);
    else if (!strcmp(src, "environment"))
        snprintf(out, len, "the credentials from the environment %s: %s", what,
                 c && c->session_token ? "export a fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and "
                                         "AWS_SESSION_TOKEN (e.g. 'eval \"$(aws configure export-credentials "
                                         "--format env)\"') or unset them to use a profile"
                                       : "export new keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), or unset "
                                         "them to use a profile");
    else if (!strncmp(src, "assume-role ", 12))
        snprintf(out, len, "the credentials from %s %s: refresh the credentials of its source_profile "
                 "(new keys, or 'aws sso login') and try again", src, what);
    else if (!strncmp(src, "profile ", 8))
        snprintf(out, len, "the credentials from %s %s: put new keys in the shared credentials file "
                 "('aws configure%s'), or remove a stale aws_session_token", src, what, pflag);
    else if (!strncmp(src, "web identity", 12))
        snprintf(out, len, "the credentials from %s %s: the token file (AWS_WEB_IDENTITY_TOKEN_FILE) is stale; "
                 "the platform that writes it renews it, try again", src, what);
    else
        snprintf(out, len, "the credentials from %s %s: the role's credentials renew on their own; try again "
                 "in a minute", src, what);
}
