/* Unit tests of core/analysis/svcstate (the service-state model and the
 * verdict's floor, docs/report.md "Service state"), of the one verdict rule
 * over it (report/verdict.c, engine/report.c's exit code) and of the
 * unexplained finding (engine/unexplained.c). Evidence documents are built
 * per case around a reference time NOW (window.until). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/svcstate.h"
#include "engine/finding.h"
#include "engine/report.h"
#include "engine/unexplained.h"
#include "report/verdict.h"
#include "test.h"
#include "util/jsonx.h"

#define NOW 1800000000.0

static char buf[16384];

/* An evidence document: one service (JSON object text) plus extra top-level
 * members (",\"tasks\":[...]"). */
static cJSON *ev_of(const char *kind, const char *service, const char *extra)
{
    cJSON *ev;
    snprintf(buf, sizeof buf,
             "{\"schema\":\"ecs-doctor/evidence/v1\",\"window\":{\"since\":%.0f,\"until\":%.0f},"
             "\"target\":{\"kind\":\"%s\",\"cluster\":\"prod\",\"service\":\"web\",\"region\":\"us-east-1\","
             "\"task\":\"t1\"},\"sources\":{},\"services\":[%s]%s}",
             NOW - 3 * 3600, NOW, kind, service ? service : "", extra ? extra : "");
    ev = cJSON_Parse(buf);
    if (!ev) {
        printf("bad test document: %s\n", buf);
        exit(1);
    }
    return ev;
}

static cJSON *state_of(const char *service, const char *extra)
{
    cJSON *ev = ev_of("service", service, extra), *st = svcstate_build(ev, 0);
    cJSON_Delete(ev);
    CHECK(st != NULL);
    return st;
}

static const cJSON *svc(const cJSON *st)
{
    return jsonx_pointer(st, "/services/web");
}

static int has_reason(const cJSON *st, const char *frag)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(svc(st), "reasons"))
        if (cJSON_IsString(r) && strstr(r->valuestring, frag))
            return 1;
    return 0;
}

/* A service document: status, desired, running, deployments, events. */
static const char *service(const char *status, int desired, int running, const char *deployments,
                           const char *events, const char *more)
{
    static char s[8192];
    snprintf(s, sizeof s,
             "{\"serviceName\":\"web\",\"serviceArn\":\"arn:aws:ecs:us-east-1:1:service/prod/web\",\"status\":\"%s\","
             "\"desiredCount\":%d,\"runningCount\":%d,\"pendingCount\":0,"
             "\"deploymentConfiguration\":{\"minimumHealthyPercent\":50,\"maximumPercent\":200},"
             "\"deployments\":[%s],\"events\":[%s]%s}",
             status, desired, running, deployments ? deployments : "", events ? events : "", more ? more : "");
    return s;
}

static char dep_buf[1024];
static const char *dep(const char *rollout, double age_s)
{
    snprintf(dep_buf, sizeof dep_buf,
             "{\"id\":\"ecs-svc/1\",\"status\":\"PRIMARY\",\"rolloutState\":\"%s\",\"createdAt\":%.0f,"
             "\"updatedAt\":%.0f,\"desiredCount\":4,\"runningCount\":0,\"failedTasks\":0}",
             rollout, NOW - age_s, NOW - age_s);
    return dep_buf;
}

static void test_floor_rules(void)
{
    cJSON *st;
    char evs[1024];

    /* Positive evidence: ACTIVE, 2 of 2, rollout COMPLETED. */
    st = state_of(service("ACTIVE", 2, 2, dep("COMPLETED", 86400), NULL, NULL), NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "healthy");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(st, "severity")));
    CHECK(jsonx_bool(svc(st), "positive", 0));
    cJSON_Delete(st);

    /* Counts right but the rollout neither COMPLETED nor followed by a
     * steady state: no positive evidence, at best inconclusive. */
    st = state_of(service("ACTIVE", 2, 2, dep("IN_PROGRESS", 120), NULL, NULL), NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "inconclusive");
    CHECK(!jsonx_bool(svc(st), "positive", 1));
    cJSON_Delete(st);

    /* ... a steady-state event after the deployment started is positive. */
    snprintf(evs, sizeof evs, "{\"createdAt\":%.0f,\"message\":\"(service web) has reached a steady state.\"}",
             NOW - 60);
    st = state_of(service("ACTIVE", 2, 2, dep("IN_PROGRESS", 120), evs, NULL), NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "healthy");
    cJSON_Delete(st);

    /* The outage: tasks expired, 0 of 4 for 2 h 10 min, deployment
     * IN_PROGRESS since then: critical, stuck, how long it has been short. */
    snprintf(evs, sizeof evs,
             "{\"createdAt\":%.0f,\"message\":\"(service web) is unable to consistently start tasks successfully.\"},"
             "{\"createdAt\":%.0f,\"message\":\"(service web) has started 4 tasks: (task a).\"}",
             NOW - 600, NOW - 7700);
    st = state_of(service("ACTIVE", 4, 0, dep("IN_PROGRESS", 7800), evs, NULL), NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "unhealthy");
    CHECK_STR(jsonx_str(st, "severity", ""), "critical");
    CHECK(jsonx_num(svc(st), "short_for_s", 0) == 7800);
    CHECK(has_reason(st, "0 of 4 running for 2 h 10 min"));
    CHECK(has_reason(st, "IN_PROGRESS since"));
    CHECK(jsonx_bool(jsonx_pointer(svc(st), "/deployments/0"), "stuck", 0));
    CHECK(jsonx_num(jsonx_pointer(svc(st), "/events/since_steady_state"), "start_failure", 0) == 1);
    CHECK(jsonx_num(jsonx_pointer(svc(st), "/events/since_steady_state"), "started", 0) == 1);
    cJSON_Delete(st);

    /* minimumHealthyPercent 50 of 4 = 2: 3 running is medium, 1 is high. */
    st = state_of(service("ACTIVE", 4, 3, dep("COMPLETED", 86400), NULL, NULL), NULL);
    CHECK_STR(jsonx_str(st, "severity", ""), "medium");
    CHECK_STR(jsonx_str(st, "floor", ""), "degraded");
    CHECK(jsonx_num(svc(st), "minimum_healthy", 0) == 2);
    cJSON_Delete(st);
    st = state_of(service("ACTIVE", 4, 1, dep("COMPLETED", 86400), NULL, NULL), NULL);
    CHECK_STR(jsonx_str(st, "severity", ""), "high");
    CHECK_STR(jsonx_str(st, "floor", ""), "unhealthy");
    cJSON_Delete(st);

    /* Starting: short for 60 s of a new deployment, no failure yet: not
     * healthy, not a problem either. */
    st = state_of(service("ACTIVE", 4, 2, dep("IN_PROGRESS", 60), NULL, NULL), NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "inconclusive");
    CHECK(jsonx_bool(svc(st), "starting", 0));
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(st, "severity")));
    cJSON_Delete(st);
    /* ... but a placement failure ends the allowance at once. */
    snprintf(evs, sizeof evs,
             "{\"createdAt\":%.0f,\"message\":\"(service web) was unable to place a task because no container "
             "instance met all of its requirements.\"}",
             NOW - 30);
    st = state_of(service("ACTIVE", 4, 2, dep("IN_PROGRESS", 60), evs, NULL), NULL);
    CHECK(!jsonx_bool(svc(st), "starting", 1));
    CHECK_STR(jsonx_str(st, "severity", ""), "medium");
    cJSON_Delete(st);

    /* A rollout IN_PROGRESS past its allowance (+ grace) is stuck: high even at 4 of 4. */
    st = state_of(service("ACTIVE", 4, 4, dep("IN_PROGRESS", SVCSTATE_DEPLOY_ALLOWANCE + 100), NULL,
                          ",\"healthCheckGracePeriodSeconds\":60"),
                  NULL);
    CHECK_STR(jsonx_str(st, "severity", ""), "high");
    cJSON_Delete(st);
    st = state_of(service("ACTIVE", 4, 4, dep("IN_PROGRESS", SVCSTATE_DEPLOY_ALLOWANCE + 100), NULL,
                          ",\"healthCheckGracePeriodSeconds\":600"),
                  NULL);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(st, "severity"))); /* still within allowance + grace */
    CHECK_STR(jsonx_str(st, "floor", ""), "inconclusive");
    cJSON_Delete(st);

    /* A FAILED rollout (rolled back, 4 of 4): a change failed, medium. */
    st = state_of(service("ACTIVE", 4, 4,
                          "{\"id\":\"ecs-svc/2\",\"status\":\"PRIMARY\",\"rolloutState\":\"COMPLETED\",\"createdAt\":1},"
                          "{\"id\":\"ecs-svc/3\",\"status\":\"ACTIVE\",\"rolloutState\":\"FAILED\",\"createdAt\":2,"
                          "\"rolloutStateReason\":\"ECS deployment circuit breaker: tasks failed to start.\"}",
                          NULL, NULL),
                  NULL);
    CHECK_STR(jsonx_str(st, "severity", ""), "medium");
    CHECK(has_reason(st, "ecs-svc/3 FAILED: ECS deployment circuit breaker"));
    cJSON_Delete(st);

    /* Scaled to zero on purpose: nothing to run is healthy. */
    st = state_of(service("ACTIVE", 0, 0, dep("COMPLETED", 86400), NULL, NULL), NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "healthy");
    cJSON_Delete(st);
}

static void test_status_rules(void)
{
    cJSON *st;
    char extra[2048];
    /* INACTIVE: deleted, high; who and when from CloudTrail changes. */
    snprintf(extra, sizeof extra,
             ",\"changes\":[{\"EventName\":\"UpdateService\",\"EventTime\":%.0f,\"actor\":\"bob\",\"resources\":[\"web\"]},"
             "{\"EventName\":\"DeleteService\",\"EventTime\":%.0f,\"actor\":\"arn:aws:iam::1:user/alice\","
             "\"resources\":[\"arn:aws:ecs:us-east-1:1:service/prod/web\"],\"summary\":\"DeleteService web\"}]",
             NOW - 60, NOW - 2100);
    st = state_of(service("INACTIVE", 0, 0, dep("COMPLETED", 86400), NULL, NULL), extra);
    CHECK_STR(jsonx_str(st, "floor", ""), "unhealthy");
    CHECK_STR(jsonx_str(st, "severity", ""), "high");
    CHECK_STR(jsonx_str(jsonx_pointer(svc(st), "/deleted"), "by", ""), "arn:aws:iam::1:user/alice");
    CHECK(jsonx_num(jsonx_pointer(svc(st), "/deleted"), "at", 0) == NOW - 2100);
    CHECK(has_reason(st, "was deleted (status INACTIVE) at"));
    cJSON_Delete(st);
    /* ... without CloudTrail: deleted, when and who unknown. */
    st = state_of(service("INACTIVE", 0, 0, NULL, NULL, NULL), NULL);
    CHECK_STR(jsonx_str(st, "severity", ""), "high");
    CHECK(cJSON_IsNull(jsonx_pointer(svc(st), "/deleted/by")));
    cJSON_Delete(st);
    /* DRAINING: being deleted, high. */
    st = state_of(service("DRAINING", 0, 0, dep("COMPLETED", 86400), NULL, NULL), NULL);
    CHECK_STR(jsonx_str(st, "severity", ""), "high");
    CHECK(has_reason(st, "DRAINING"));
    cJSON_Delete(st);
    /* No service at all in a service target's evidence: nothing shows health. */
    st = state_of(NULL, NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "inconclusive");
    cJSON_Delete(st);
}

static void test_tasks_and_targets(void)
{
    cJSON *st;
    char extra[4096];
    const char *tg = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1";
    char lbs[512];
    snprintf(lbs, sizeof lbs, ",\"loadBalancers\":[{\"targetGroupArn\":\"%s\",\"containerPort\":80}]", tg);

    /* PENDING longer than the limit: never healthy (medium at least). */
    snprintf(extra, sizeof extra,
             ",\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/prod/p1\",\"group\":\"service:web\","
             "\"lastStatus\":\"PENDING\",\"createdAt\":%.0f},"
             "{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/prod/r1\",\"group\":\"service:web\","
             "\"lastStatus\":\"RUNNING\",\"createdAt\":1}]",
             NOW - SVCSTATE_PENDING_MAX - 60);
    st = state_of(service("ACTIVE", 1, 1, dep("COMPLETED", 86400), NULL, NULL), extra);
    CHECK(jsonx_num(jsonx_pointer(svc(st), "/tasks"), "pending_too_long", 0) == 1);
    CHECK_STR(jsonx_str(st, "severity", ""), "medium");
    cJSON_Delete(st);

    /* A running task whose container health is UNHEALTHY. */
    snprintf(extra, sizeof extra,
             ",\"tasks\":[{\"taskArn\":\"t/r1\",\"group\":\"service:web\",\"lastStatus\":\"RUNNING\","
             "\"healthStatus\":\"UNHEALTHY\",\"containers\":[{\"name\":\"app\",\"healthStatus\":\"UNHEALTHY\"}]},"
             "{\"taskArn\":\"t/r2\",\"group\":\"service:web\",\"lastStatus\":\"RUNNING\",\"healthStatus\":\"HEALTHY\"}]");
    st = state_of(service("ACTIVE", 2, 2, dep("COMPLETED", 86400), NULL, NULL), extra);
    CHECK(jsonx_num(svc(st), "healthy", -1) == 1);
    CHECK(jsonx_num(jsonx_pointer(svc(st), "/tasks"), "unhealthy_containers", 0) == 1);
    CHECK_STR(jsonx_str(st, "floor", ""), "degraded"); /* 1 healthy of 2, at the minimum (50 % of 2) */
    cJSON_Delete(st);

    /* Target health: one unhealthy target of two is medium; a group with no
     * healthy target serves nothing: critical. */
    snprintf(extra, sizeof extra,
             ",\"elb\":{\"target_groups\":{\"%s\":{\"TargetHealthDescriptions\":["
             "{\"Target\":{\"Id\":\"10.0.0.1\"},\"TargetHealth\":{\"State\":\"healthy\"}},"
             "{\"Target\":{\"Id\":\"10.0.0.2\"},\"TargetHealth\":{\"State\":\"unhealthy\",\"Reason\":\"Target.Timeout\"}}]}}}",
             tg);
    st = state_of(service("ACTIVE", 2, 2, dep("COMPLETED", 86400), NULL, lbs), extra);
    CHECK_STR(jsonx_str(st, "severity", ""), "medium");
    CHECK(jsonx_num(jsonx_pointer(svc(st), "/targets/0"), "unhealthy", 0) == 1);
    CHECK_STR(jsonx_str(cJSON_GetArrayItem(jsonx_pointer(svc(st), "/targets/0/reasons"), 0), "x", "Target.Timeout"),
              "Target.Timeout");
    cJSON_Delete(st);
    snprintf(extra, sizeof extra,
             ",\"elb\":{\"target_groups\":{\"%s\":{\"TargetHealthDescriptions\":["
             "{\"Target\":{\"Id\":\"10.0.0.1\"},\"TargetHealth\":{\"State\":\"unhealthy\"}},"
             "{\"Target\":{\"Id\":\"10.0.0.2\"},\"TargetHealth\":{\"State\":\"unhealthy\"}}]}}}",
             tg);
    st = state_of(service("ACTIVE", 2, 2, dep("COMPLETED", 86400), NULL, lbs), extra);
    CHECK_STR(jsonx_str(st, "severity", ""), "critical");
    CHECK(jsonx_num(svc(st), "healthy", -1) == 0);
    cJSON_Delete(st);

    /* Recent stops, and an untimed stopped task counted (never dropped). */
    snprintf(extra, sizeof extra,
             ",\"tasks\":[{\"taskArn\":\"t/s1\",\"group\":\"service:web\",\"lastStatus\":\"STOPPED\","
             "\"stopCode\":\"EssentialContainerExited\",\"stoppedAt\":%.0f},"
             "{\"taskArn\":\"t/s2\",\"group\":\"service:web\",\"lastStatus\":\"STOPPED\","
             "\"stopCode\":\"ServiceSchedulerInitiated\",\"stoppedAt\":%.0f},"
             "{\"taskArn\":\"t/s3\",\"group\":\"service:web\",\"lastStatus\":\"STOPPED\",\"untimed\":true}]",
             NOW - 100, NOW - 200);
    st = state_of(service("ACTIVE", 1, 1, dep("COMPLETED", 86400), NULL, NULL), extra);
    CHECK(jsonx_num(jsonx_pointer(svc(st), "/tasks"), "stopped_last_hour", 0) == 2);
    CHECK(jsonx_num(jsonx_pointer(svc(st), "/tasks"), "failed_last_hour", 0) == 1);
    CHECK(jsonx_num(jsonx_pointer(svc(st), "/tasks"), "stopped_untimed", 0) == 1);
    cJSON_Delete(st);
}

static void test_event_classes(void)
{
    static const struct {
        const char *msg;
        enum svcstate_event cls;
    } cases[] = {
        {"(service web) has reached a steady state.", SVCSTATE_EV_STEADY},
        {"service web has reached a steady state.", SVCSTATE_EV_STEADY},
        {"(service web, taskSet ecs-svc/1) has reached a steady state.", SVCSTATE_EV_STEADY},
        {"(service web) was unable to place a task because no container instance met all of its requirements. "
         "Reason: No Container Instances were found in your cluster.",
         SVCSTATE_EV_PLACEMENT},
        {"(service web) is unable to consistently start tasks successfully. For more information, see the "
         "Troubleshooting section.",
         SVCSTATE_EV_START_FAIL},
        {"(service web) failed to launch a task with (error ECS was unable to assume the role).",
         SVCSTATE_EV_START_FAIL},
        {"(service web) (deployment ecs-svc/1) deployment failed: tasks failed to start.", SVCSTATE_EV_START_FAIL},
        {"(service web) operations are being throttled. Will try again later.", SVCSTATE_EV_THROTTLED},
        {"(service web) (task 1a2b) failed ELB health checks in (target-group arn:aws:...:targetgroup/web/1)",
         SVCSTATE_EV_UNHEALTHY},
        {"(service web) (instance i-0abc) (port 80) is unhealthy in (elb web-clb) due to (reason Instance has "
         "failed at least the UnhealthyThreshold number of health checks consecutively.)",
         SVCSTATE_EV_UNHEALTHY},
        {"(service web) (task 1a2b) failed container health checks.", SVCSTATE_EV_UNHEALTHY},
        {"(service web) has started 2 tasks: (task a) (task b).", SVCSTATE_EV_STARTED},
        {"(service web) has stopped 1 running tasks: (task a).", SVCSTATE_EV_STOPPED},
        {"(service web) registered 1 targets in (target-group arn:...)", SVCSTATE_EV_OTHER},
        {NULL, SVCSTATE_EV_OTHER},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum svcstate_event got = svcstate_event_class(cases[i].msg);
        CHECK_STR(svcstate_event_name(got), svcstate_event_name(cases[i].cls));
    }
}

static void test_task_target(void)
{
    cJSON *ev, *st;
    ev = ev_of("task", NULL,
               ",\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/prod/t1\",\"lastStatus\":\"RUNNING\","
               "\"healthStatus\":\"HEALTHY\"}]");
    st = svcstate_build(ev, 0);
    CHECK_STR(jsonx_str(st, "floor", ""), "healthy");
    cJSON_Delete(st);
    cJSON_Delete(ev);
    ev = ev_of("task", NULL,
               ",\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/prod/t1\",\"lastStatus\":\"STOPPED\","
               "\"stoppedReason\":\"Essential container in task exited\",\"containers\":[{\"exitCode\":1}]}]");
    st = svcstate_build(ev, 0);
    CHECK_STR(jsonx_str(st, "floor", ""), "inconclusive");
    cJSON_Delete(st);
    cJSON_Delete(ev);
    ev = ev_of("task", NULL,
               ",\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/prod/t1\",\"lastStatus\":\"STOPPED\","
               "\"containers\":[{\"exitCode\":0}]}]");
    st = svcstate_build(ev, 0);
    CHECK_STR(jsonx_str(st, "floor", ""), "healthy"); /* a job that finished */
    cJSON_Delete(st);
    cJSON_Delete(ev);
}

/* Odd types never crash and never read as healthy. */
static void test_hostile(void)
{
    static const char *const docs[] = {
        "{\"target\":{\"kind\":\"service\"},\"services\":\"x\"}",
        "{\"target\":{\"kind\":\"service\"},\"services\":[1,null,{\"serviceName\":3}]}",
        "{\"target\":{\"kind\":\"service\"},\"services\":[{\"serviceName\":\"web\",\"desiredCount\":\"4\","
        "\"runningCount\":\"x\",\"deployments\":{},\"events\":[{\"message\":7,\"createdAt\":\"now\"}],"
        "\"loadBalancers\":[{\"targetGroupArn\":5}]}],\"elb\":[],\"tasks\":{}}",
        "{\"target\":{\"kind\":\"task\",\"task\":7},\"tasks\":[{}]}",
        "{}",
    };
    size_t i;
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        cJSON *ev = cJSON_Parse(docs[i]), *st = svcstate_build(ev, NOW);
        CHECK(st != NULL);
        CHECK(strcmp(jsonx_str(st, "floor", "healthy"), "healthy") != 0);
        cJSON_Delete(st);
        cJSON_Delete(ev);
    }
}

/* What an adversarial review found (each was HEALTHY, exit 0): an unknown
 * desired count, the same service twice with the bad entry second, and a
 * failing rollout whose start is unknown or recent. */
static void test_review_cases(void)
{
    static const char *const bad_desired[] = {"", "\"desiredCount\":null,", "\"desiredCount\":\"four\",",
                                              "\"desiredCount\":[4],"};
    char s[2048], two[4096], d2[1024];
    size_t i;
    cJSON *st;
    for (i = 0; i < sizeof bad_desired / sizeof bad_desired[0]; i++) {
        snprintf(s, sizeof s,
                 "{\"serviceName\":\"web\",\"status\":\"ACTIVE\",%s\"runningCount\":0,"
                 "\"deployments\":[{\"id\":\"ecs-svc/1\",\"status\":\"PRIMARY\",\"rolloutState\":\"COMPLETED\","
                 "\"createdAt\":%.0f,\"desiredCount\":4,\"runningCount\":0}]}",
                 bad_desired[i], NOW - 86400);
        st = state_of(s, NULL);
        CHECK(strcmp(jsonx_str(st, "floor", ""), "healthy") != 0);
        CHECK(has_reason(st, "count unknown"));
        cJSON_Delete(st);
    }

    /* Healthy first, 0 of 4 second: the worse entry stands. */
    snprintf(two, sizeof two, "%s,", service("ACTIVE", 2, 2, dep("COMPLETED", 86400), NULL, NULL));
    strncat(two, service("ACTIVE", 4, 0, dep("IN_PROGRESS", 7800), NULL, NULL), sizeof two - strlen(two) - 1);
    st = state_of(two, NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "unhealthy");
    CHECK_STR(jsonx_str(svc(st), "floor", ""), "unhealthy");
    cJSON_Delete(st);

    /* A rollout IN_PROGRESS with failed tasks shows no health, however young. */
    snprintf(d2, sizeof d2,
             "{\"id\":\"ecs-svc/2\",\"status\":\"PRIMARY\",\"rolloutState\":\"IN_PROGRESS\",\"createdAt\":%.0f,"
             "\"desiredCount\":4,\"runningCount\":0,\"failedTasks\":40},"
             "{\"id\":\"ecs-svc/1\",\"status\":\"ACTIVE\",\"rolloutState\":\"COMPLETED\",\"createdAt\":%.0f,"
             "\"desiredCount\":4,\"runningCount\":4,\"failedTasks\":0}",
             NOW - 1500, NOW - 86400);
    st = state_of(service("ACTIVE", 4, 4, d2, NULL, NULL), NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "inconclusive");
    CHECK(has_reason(st, "40 failed tasks"));
    cJSON_Delete(st);

    /* IN_PROGRESS with no usable createdAt: a steady-state event cannot
     * show it finished. */
    snprintf(d2, sizeof d2,
             "{\"id\":\"ecs-svc/2\",\"status\":\"PRIMARY\",\"rolloutState\":\"IN_PROGRESS\",\"createdAt\":-1e308,"
             "\"desiredCount\":2,\"runningCount\":2,\"failedTasks\":0}");
    snprintf(s, sizeof s, "{\"createdAt\":%.0f,\"message\":\"(service web) has reached a steady state.\"}", NOW - 60);
    st = state_of(service("ACTIVE", 2, 2, d2, s, NULL), NULL);
    CHECK_STR(jsonx_str(st, "floor", ""), "inconclusive");
    cJSON_Delete(st);
}

/* The one verdict rule: the floor holds whatever is muted; the exit code
 * follows the state's severity; a report without a state has no floor. */
static void test_verdict_rule(void)
{
    cJSON *r = cJSON_Parse("{\"findings\":[{\"kind\":\"diagnosis\",\"severity\":\"critical\",\"muted\":true}],"
                           "\"checks\":[],\"status\":{\"desired\":4,\"running\":0},\"target\":{\"service\":\"web\"},"
                           "\"state\":{\"floor\":\"unhealthy\",\"severity\":\"critical\","
                           "\"reasons\":[\"web: 0 of 4 running for 2 h\"]}}");
    CHECK_STR(verdict_compute(r), "unhealthy");
    CHECK(verdict_refresh(r) >= 0);
    CHECK(strstr(jsonx_str(r, "summary", ""), "web: UNHEALTHY") != NULL);
    CHECK(strstr(jsonx_str(r, "summary", ""), "0 of 4 running for 2 h") != NULL);
    CHECK(report_exit_code(r, "high") == 1);
    CHECK(report_exit_code(r, "none") == 0);
    cJSON_Delete(r);
    /* A medium diagnosis: never HEALTHY in the headline. */
    r = cJSON_Parse("{\"findings\":[{\"kind\":\"diagnosis\",\"severity\":\"medium\",\"title\":\"T\"}],\"checks\":[],"
                    "\"target\":{\"service\":\"web\"},\"state\":{\"floor\":\"healthy\",\"severity\":null}}");
    CHECK(verdict_refresh(r) >= 0);
    CHECK_STR(jsonx_str(r, "verdict", ""), "degraded");
    CHECK(strstr(jsonx_str(r, "summary", ""), "HEALTHY") == NULL);
    cJSON_Delete(r);
    /* No positive evidence: inconclusive (exit 4), the reason in the summary. */
    r = cJSON_Parse("{\"findings\":[],\"checks\":[],\"target\":{\"service\":\"web\"},"
                    "\"state\":{\"floor\":\"inconclusive\",\"severity\":null,\"reasons\":[\"web: no COMPLETED\"]}}");
    CHECK(verdict_refresh(r) >= 0);
    CHECK_STR(jsonx_str(r, "verdict", ""), "inconclusive");
    CHECK(strstr(jsonx_str(r, "summary", ""), "no COMPLETED") != NULL);
    CHECK(report_exit_code(r, "high") == 4);
    cJSON_Delete(r);
    /* An unreadable floor is not health. */
    r = cJSON_Parse("{\"findings\":[],\"checks\":[],\"state\":{\"floor\":\"fine\"}}");
    CHECK_STR(verdict_compute(r), "inconclusive");
    cJSON_Delete(r);
    r = cJSON_Parse("{\"findings\":[],\"checks\":[]}");
    CHECK_STR(verdict_compute(r), "healthy");
    cJSON_Delete(r);
}

static void test_unexplained(void)
{
    struct finding_list raw = {0};
    struct finding *f;
    cJSON *ev, *st;
    char evs[512];
    const char *cmd;
    const cJSON *rem;
    int found_quoted = 0;
    /* A hostile service name: quoted in every command, never raw. */
    snprintf(evs, sizeof evs, "{\"createdAt\":%.0f,\"message\":\"(service x) has started 4 tasks.\"}", NOW - 600);
    snprintf(buf, sizeof buf,
             "{\"window\":{\"until\":%.0f},\"target\":{\"kind\":\"service\",\"cluster\":\"pr od\",\"region\":"
             "\"us-east-1\"},\"sources\":{},\"services\":[{\"serviceName\":\"a'b; rm -rf /\",\"status\":\"ACTIVE\","
             "\"desiredCount\":4,\"runningCount\":0,\"deployments\":[{\"id\":\"ecs-svc/9\",\"status\":\"PRIMARY\","
             "\"rolloutState\":\"IN_PROGRESS\",\"createdAt\":%.0f}],\"events\":[%s]}]}",
             NOW, NOW - 7800, evs);
    ev = cJSON_Parse(buf);
    CHECK(ev != NULL);
    st = svcstate_build(ev, 0);
    CHECK(unexplained_add(&raw, ev, st) == 1);
    CHECK(raw.n == 1);
    f = raw.n ? raw.v[0] : NULL;
    if (f) {
        CHECK_STR(f->category, "unknown_failure");
        CHECK_STR(f->severity, "critical");
        CHECK_STR(f->check, UNEXPLAINED_CHECK);
        CHECK(strstr(f->title, "0 of 4 running for 2 h 10 min") != NULL);
        CHECK(strstr(f->explanation, "no longer retained") != NULL);
        CHECK(strstr(f->explanation, "has started 4 tasks") != NULL);
        CHECK(cJSON_GetArraySize(f->evidence) >= 3);
        cJSON_ArrayForEach(rem, f->remediation) {
            cmd = jsonx_str(rem, "command", "");
            CHECK(strstr(cmd, "rm -rf /") == NULL || strstr(cmd, "'a'\\''b; rm -rf /'") != NULL);
            CHECK(strstr(cmd, "--cluster 'pr od'") != NULL);
            found_quoted |= strstr(cmd, "'a'\\''b; rm -rf /'") != NULL;
        }
        CHECK(found_quoted);
    }
    finding_list_cleanup(&raw);

    /* A high diagnosis explains it: nothing added. A restating one below
     * the state's severity (stuck at medium while nothing runs) does not. */
    f = finding_new("x.cause", "lua:x");
    finding_set(f, "severity", "high");
    finding_set(f, "category", "network_no_route");
    finding_list_push(&raw, f);
    CHECK(unexplained_add(&raw, ev, st) == 0);
    finding_list_cleanup(&raw);
    f = finding_new("deployment.stuck", "lua:x");
    finding_set(f, "severity", "medium");
    finding_set(f, "category", "deployment_stuck");
    finding_list_push(&raw, f);
    CHECK(unexplained_add(&raw, ev, st) == 1);
    finding_list_cleanup(&raw);
    /* A healthy state adds nothing. */
    cJSON_Delete(st);
    st = cJSON_Parse("{\"floor\":\"healthy\",\"severity\":null,\"services\":{\"web\":{\"severity\":null}}}");
    CHECK(unexplained_add(&raw, ev, st) == 0);
    cJSON_Delete(st);
    cJSON_Delete(ev);
}

int main(void)
{
    test_floor_rules();
    test_status_rules();
    test_tasks_and_targets();
    test_event_classes();
    test_task_target();
    test_hostile();
    test_review_cases();
    test_verdict_rule();
    test_unexplained();
    return test_done();
}
