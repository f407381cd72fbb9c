/* wait — see wait.h. The AWS side is in wait_aws.c, so that this file (and
 * its tests) link without the AWS client. */
#include "report/wait.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/utc.h"
#include "util/jsonx.h"
#include "util/strutil.h"
#include "util/textsafe.h"

#define EVENTS_PER_POLL 10 /* new service events printed per poll, at most */
#define HEARTBEAT_S 15.0   /* a line at least this often while nothing changes */

const char *wait_outcome_str(enum wait_outcome w)
{
    switch (w) {
    case WAIT_COMPLETED: return "completed";
    case WAIT_FAILED: return "failed";
    case WAIT_STEADY: return "steady";
    case WAIT_TIMEOUT: return "timeout";
    default: return "error";
    }
}

static double real_now(void *arg)
{
    struct timespec ts;
    (void)arg;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void real_sleep(void *arg, double s)
{
    struct timespec ts;
    (void)arg;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static const cJSON *deployment(const cJSON *svc, const char *id)
{
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(svc, "deployments"))
        if (id ? !strcmp(jsonx_str(d, "id", ""), id) : !strcmp(jsonx_str(d, "status", ""), "PRIMARY"))
            return d;
    return NULL;
}

static void stamp(FILE *out)
{
    char t[16];
    utc_format(time(NULL), 0, t, sizeof t);
    fprintf(out, "ecs-doctor: [%s] ", t);
}

/* Service events newer than *since (the API lists newest first): printed
 * oldest first, at most EVENTS_PER_POLL. Returns how many were printed. */
static int new_events(FILE *out, const cJSON *svc, double *since)
{
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(svc, "events");
    int n = cJSON_GetArraySize(events), i, first = -1, shown = 0;
    double newest = *since;
    for (i = 0; i < n; i++) {
        double at = jsonx_num(cJSON_GetArrayItem(events, i), "createdAt", 0);
        if (at > *since) {
            first = i;
            if (at > newest)
                newest = at;
        }
    }
    for (i = first; i >= 0 && shown < EVENTS_PER_POLL; i--) {
        const cJSON *ev = cJSON_GetArrayItem(events, i);
        if (jsonx_num(ev, "createdAt", 0) <= *since)
            continue;
        stamp(out);
        textsafe_line(out, "event: %.300s\n", jsonx_str(ev, "message", ""));
        shown++;
    }
    *since = newest;
    return shown;
}

/* Nothing changed for HEARTBEAT_S: say so, so a silent terminal never looks
 * hung — the state last seen and how long the wait has lasted. */
static void heartbeat(FILE *out, const char *last, double waited)
{
    long s = (long)(waited + 0.5);
    stamp(out);
    if (s >= 60)
        fprintf(out, "still waiting (%ldm%02lds): %s\n", s / 60, s % 60, last[0] ? last : "no answer yet");
    else
        fprintf(out, "still waiting (%lds): %s\n", s, last[0] ? last : "no answer yet");
}

/* One line when the followed deployment's numbers change. Returns 1 when they did. */
static int progress(FILE *out, const cJSON *svc, const cJSON *d, char *last, size_t len)
{
    char line[512];
    snprintf(line, sizeof line, "%s %s (%s) %s: running %.0f of %.0f, pending %.0f, failed tasks %.0f",
             jsonx_str(svc, "serviceName", "?"), jsonx_str(d, "id", "?"),
             str_basename(jsonx_str(d, "taskDefinition", "?")), jsonx_str(d, "rolloutState", "no rollout state"),
             jsonx_num(d, "runningCount", 0), jsonx_num(d, "desiredCount", 0), jsonx_num(d, "pendingCount", 0),
             jsonx_num(d, "failedTasks", 0));
    if (!strcmp(line, last))
        return 0;
    snprintf(last, len, "%s", line);
    stamp(out);
    textsafe_line(out, "%s\n", line);
    return 1;
}

static int transient(enum err_code c)
{
    return c == ERR_THROTTLED || c == ERR_NETWORK || c == ERR_TIMEOUT;
}

/* Decides from one DescribeServices answer; -1 means keep waiting. */
static int decide(FILE *out, const cJSON *svc, char *followed, size_t flen)
{
    const cJSON *d = deployment(svc, followed), *primary = deployment(svc, NULL);
    const char *rs;
    if (!d) {
        /* Replaced by a newer deployment (or a rollback): follow that one. */
        if (!primary)
            return -1;
        stamp(out);
        textsafe_line(out, "deployment %s was replaced by %s; following it\n", followed, jsonx_str(primary, "id", "?"));
        snprintf(followed, flen, "%s", jsonx_str(primary, "id", ""));
        d = primary;
    }
    rs = jsonx_str(d, "rolloutState", NULL);
    if (rs && !strcmp(rs, "COMPLETED"))
        return WAIT_COMPLETED;
    if (rs && !strcmp(rs, "FAILED")) {
        stamp(out);
        textsafe_line(out, "deployment %s failed: %.300s\n", followed, jsonx_str(d, "rolloutStateReason", "(no reason given)"));
        return WAIT_FAILED;
    }
    if (!rs && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(svc, "deployments")) == 1 &&
        jsonx_num(svc, "runningCount", -1) == jsonx_num(svc, "desiredCount", -2) &&
        jsonx_num(svc, "pendingCount", 0) == 0)
        return WAIT_STEADY;
    return -1;
}

enum wait_outcome wait_follow(wait_describe_fn describe, void *arg, const struct wait_opts *wo, struct err *e)
{
    double (*now)(void *) = wo && wo->now ? wo->now : real_now;
    void (*nap)(void *, double) = wo && wo->sleep ? wo->sleep : real_sleep;
    void *ca = wo ? wo->clock_arg : NULL;
    FILE *out = wo && wo->progress ? wo->progress : stderr;
    double timeout = wo && wo->timeout_s > 0 ? (double)wo->timeout_s : 900.0;
    double first = wo && wo->first_interval_s > 0 ? wo->first_interval_s : 5.0;
    double cap = wo && wo->max_interval_s > 0 ? wo->max_interval_s : 30.0;
    double start = now(ca), interval = first, since = (double)time(NULL), left, said = start;
    char followed[256] = "", last[512] = "";
    enum wait_outcome rc = WAIT_TIMEOUT;
    struct err pe;
    cJSON *svc;
    int d;
    for (;;) {
        err_clear(&pe);
        svc = describe(arg, &pe);
        if (!svc && !transient(pe.code)) {
            err_set(e, pe.code ? pe.code : ERR_INTERNAL, "%s", pe.msg);
            return WAIT_ERROR;
        }
        if (!svc) {
            stamp(out);
            textsafe_line(out, "%s (retrying)\n", pe.msg);
            said = now(ca);
        } else {
            const cJSON *dep;
            if (!*followed) {
                dep = deployment(svc, NULL);
                if (!dep) {
                    cJSON_Delete(svc);
                    err_set(e, ERR_NOT_FOUND, "--wait: service has no PRIMARY deployment to follow");
                    return WAIT_ERROR;
                }
                snprintf(followed, sizeof followed, "%s", jsonx_str(dep, "id", "?"));
                /* Context with the first line: the three newest events, however old. */
                since = jsonx_num(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(svc, "events"), 3),
                                  "createdAt", 0);
            }
            d = decide(out, svc, followed, sizeof followed);
            dep = deployment(svc, followed);
            if (dep && progress(out, svc, dep, last, sizeof last)) {
                interval = first; /* something moved: look again soon */
                said = now(ca);
            }
            if (new_events(out, svc, &since) > 0)
                said = now(ca);
            cJSON_Delete(svc);
            if (d >= 0) {
                rc = (enum wait_outcome)d;
                break;
            }
        }
        left = start + timeout - now(ca);
        if (left <= 0)
            break;
        {
            /* Sleep until the next poll in pieces, with a heartbeat line
             * whenever HEARTBEAT_S pass without one. */
            double t = now(ca), wake = t + (interval < left ? interval : left);
            while (t < wake) {
                double beat = said + HEARTBEAT_S - t;
                if (beat <= 0) {
                    heartbeat(out, last, t - start);
                    said = t;
                    continue;
                }
                nap(ca, wake - t < beat ? wake - t : beat);
                t = now(ca);
            }
        }
        interval = interval * 1.5 < cap ? interval * 1.5 : cap;
    }
    stamp(out);
    if (rc == WAIT_TIMEOUT)
        textsafe_line(out, "timed out after %.0fs (--timeout): deployment %s still in progress; diagnosing now "
                     "(exit 5 after the diagnosis)\n", timeout, *followed ? followed : "?");
    else
        textsafe_line(out, "deployment %s %s; diagnosing\n", followed, wait_outcome_str(rc));
    return rc;
}
