/* Unit tests for core/report/wait.c: scripted DescribeServices answers and a
 * fake clock — completion, failure, steady state, replacement, transient
 * errors, backoff and the timeout. */
#include "test.h"

#include <stdlib.h>

#include "report/wait.h"
#include "util/jsonx.h"

struct script {
    const char **answers; /* JSON service objects; "!throttled" / "!denied" for errors */
    int n, next;
    double clock;
    double sleeps[64];
    int nsleeps;
};

static cJSON *describe(void *arg, struct err *e)
{
    struct script *s = arg;
    const char *a = s->answers[s->next < s->n ? s->next : s->n - 1];
    s->next++;
    if (!strcmp(a, "!throttled")) {
        err_set(e, ERR_THROTTLED, "ecs: DescribeServices: ThrottlingException: Rate exceeded");
        return NULL;
    }
    if (!strcmp(a, "!denied")) {
        err_set(e, ERR_DENIED, "ecs: DescribeServices: AccessDeniedException: not authorized");
        return NULL;
    }
    return cJSON_Parse(a);
}

static double fake_now(void *arg)
{
    return ((struct script *)arg)->clock;
}

static void fake_sleep(void *arg, double s)
{
    struct script *sc = arg;
    if (sc->nsleeps < 64)
        sc->sleeps[sc->nsleeps++] = s;
    sc->clock += s;
}

static enum wait_outcome run(struct script *s, long timeout, char **progress_out, struct err *e)
{
    struct wait_opts wo;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    enum wait_outcome w;
    memset(&wo, 0, sizeof wo);
    wo.timeout_s = timeout;
    wo.progress = f;
    wo.now = fake_now;
    wo.sleep = fake_sleep;
    wo.clock_arg = s;
    w = wait_follow(describe, s, &wo, e);
    fclose(f);
    *progress_out = text;
    return w;
}

#define DEP(state, running, failed)                                                                   \
    "{\"serviceName\":\"web\",\"desiredCount\":4,\"runningCount\":" #running ",\"deployments\":["      \
    "{\"id\":\"ecs-svc/2\",\"status\":\"PRIMARY\",\"taskDefinition\":\"arn:aws:ecs:r:1:task-definition/web:43\"," \
    "\"desiredCount\":4,\"runningCount\":" #running ",\"pendingCount\":0,\"failedTasks\":" #failed          \
    ",\"rolloutState\":\"" state "\",\"rolloutStateReason\":\"ECS deployment circuit breaker: tasks failed to start.\"}," \
    "{\"id\":\"ecs-svc/1\",\"status\":\"ACTIVE\",\"desiredCount\":4,\"runningCount\":4}]," \
    "\"events\":[{\"id\":\"e9\",\"createdAt\":4102444800,\"message\":\"(service web) has started 1 tasks.\"}]}"

static void test_completed(void)
{
    const char *answers[] = {DEP("IN_PROGRESS", 0, 0), DEP("IN_PROGRESS", 0, 0), DEP("IN_PROGRESS", 2, 0),
                             DEP("COMPLETED", 4, 0)};
    struct script s = {answers, 4, 0, 1000, {0}, 0};
    struct err e = {0};
    char *p;
    CHECK(run(&s, 900, &p, &e) == WAIT_COMPLETED);
    CHECK(s.next == 4);
    CHECK(strstr(p, "web ecs-svc/2 (web:43) IN_PROGRESS: running 0 of 4, pending 0, failed tasks 0\n") != NULL);
    CHECK(strstr(p, "IN_PROGRESS: running 2 of 4") != NULL);
    CHECK(strstr(p, "COMPLETED: running 4 of 4") != NULL);
    CHECK(strstr(p, "event: (service web) has started 1 tasks.\n") != NULL);
    CHECK(strstr(strstr(p, "event:") + 1, "event:") == NULL); /* each event once */
    CHECK(strstr(p, "deployment ecs-svc/2 completed; diagnosing") != NULL);
    /* Backoff: 5 s, then x1.5 while nothing changes; back to 5 s after a change. */
    CHECK(s.nsleeps == 3 && s.sleeps[0] == 5 && s.sleeps[1] == 7.5 && s.sleeps[2] == 5);
    free(p);
}

static void test_failed_and_transient(void)
{
    const char *answers[] = {DEP("IN_PROGRESS", 0, 3), "!throttled", DEP("FAILED", 0, 12)};
    struct script s = {answers, 3, 0, 0, {0}, 0};
    struct err e = {0};
    char *p;
    CHECK(run(&s, 900, &p, &e) == WAIT_FAILED);
    CHECK(strstr(p, "ThrottlingException: Rate exceeded (retrying)") != NULL);
    CHECK(strstr(p, "deployment ecs-svc/2 failed: ECS deployment circuit breaker: tasks failed to start.") != NULL);
    free(p);
}

static void test_timeout(void)
{
    const char *answers[] = {DEP("IN_PROGRESS", 1, 0)};
    struct script s = {answers, 1, 0, 0, {0}, 0};
    struct err e = {0};
    char *p;
    int i;
    double total = 0;
    CHECK(run(&s, 60, &p, &e) == WAIT_TIMEOUT);
    for (i = 0; i < s.nsleeps; i++) {
        total += s.sleeps[i];
        CHECK(s.sleeps[i] <= 30);
    }
    CHECK(total == 60); /* never sleeps past the timeout */
    CHECK(strstr(p, "timed out after 60s (--timeout): deployment ecs-svc/2 still in progress; diagnosing now "
                   "(exit 5 after the diagnosis)") != NULL);
    /* Nothing changes for 60 s: a heartbeat at 15, 30 and 45 s (issue #21),
     * with the state last seen and the time waited. */
    CHECK(strstr(p, "still waiting (15s): web ecs-svc/2 (web:43) IN_PROGRESS: running 1 of 4") != NULL);
    CHECK(strstr(p, "still waiting (30s): ") != NULL && strstr(p, "still waiting (45s): ") != NULL);
    for (i = 0; i < s.nsleeps; i++)
        CHECK(s.sleeps[i] <= 15);
    free(p);
}

static void test_errors_and_steady(void)
{
    const char *denied[] = {"!denied"};
    const char *steady[] = {"{\"serviceName\":\"w\",\"desiredCount\":2,\"runningCount\":1,\"pendingCount\":1,"
                            "\"deployments\":[{\"id\":\"d1\",\"status\":\"PRIMARY\",\"runningCount\":1,\"pendingCount\":1,\"desiredCount\":2}]}",
                            "{\"serviceName\":\"w\",\"desiredCount\":2,\"runningCount\":2,\"pendingCount\":0,"
                            "\"deployments\":[{\"id\":\"d1\",\"status\":\"PRIMARY\",\"runningCount\":2,\"desiredCount\":2}]}"};
    const char *replaced[] = {DEP("IN_PROGRESS", 0, 0),
                              "{\"serviceName\":\"web\",\"deployments\":[{\"id\":\"ecs-svc/3\",\"status\":\"PRIMARY\","
                              "\"rolloutState\":\"COMPLETED\",\"runningCount\":4,\"desiredCount\":4}]}"};
    const char *none[] = {"{\"serviceName\":\"web\",\"deployments\":[]}"};
    struct script s = {denied, 1, 0, 0, {0}, 0};
    struct err e = {0};
    char *p;
    CHECK(run(&s, 900, &p, &e) == WAIT_ERROR);
    CHECK(e.code == ERR_DENIED && strstr(e.msg, "AccessDeniedException") != NULL);
    free(p);
    s = (struct script){steady, 2, 0, 0, {0}, 0};
    CHECK(run(&s, 900, &p, &e) == WAIT_STEADY);
    CHECK(strstr(p, "no rollout state: running 1 of 2, pending 1") != NULL);
    free(p);
    s = (struct script){replaced, 2, 0, 0, {0}, 0};
    CHECK(run(&s, 900, &p, &e) == WAIT_COMPLETED);
    CHECK(strstr(p, "deployment ecs-svc/2 was replaced by ecs-svc/3; following it") != NULL);
    free(p);
    s = (struct script){none, 1, 0, 0, {0}, 0};
    CHECK(run(&s, 900, &p, &e) == WAIT_ERROR && e.code == ERR_NOT_FOUND);
    free(p);
    CHECK(!strcmp(wait_outcome_str(WAIT_TIMEOUT), "timeout"));
}

int main(void)
{
    test_completed();
    test_failed_and_transient();
    test_timeout();
    test_errors_and_steady();
    return test_done();
}
