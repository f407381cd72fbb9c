/* fakeio — see fakeio.h. */
#include "fakeio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_pending {
    char service[32], operation[64];
    char *params; /* printed JSON */
    aws_done_fn cb;
    void *arg;
};

static const char *action(const char *service, const char *operation, char *buf, size_t len)
{
    const char *prefix = !strcmp(service, "elbv2") ? "elasticloadbalancing" : service;
    snprintf(buf, len, "%s:%s", prefix, operation);
    return buf;
}

static enum err_code fcall(void *ctx, const char *service, const char *operation, cJSON *params,
                           int flags, int max_items, aws_done_fn cb, void *arg)
{
    struct fake_io *f = ctx;
    struct fake_pending *p;
    (void)flags;
    (void)max_items;
    if (f->qn == f->qcap) {
        size_t ncap = f->qcap ? f->qcap * 2 : 32;
        struct fake_pending *nq = realloc(f->q, ncap * sizeof *nq);
        if (!nq) {
            cJSON_Delete(params);
            return ERR_NOMEM;
        }
        f->q = nq;
        f->qcap = ncap;
    }
    p = &f->q[f->qn++];
    snprintf(p->service, sizeof p->service, "%s", service);
    snprintf(p->operation, sizeof p->operation, "%s", operation);
    p->params = params ? cJSON_PrintUnformatted(params) : strdup("{}");
    p->cb = cb;
    p->arg = arg;
    cJSON_Delete(params);
    return ERR_OK;
}

static cJSON *find_rule(struct fake_io *f, const struct fake_pending *p)
{
    cJSON *r;
    cJSON_ArrayForEach(r, f->rules) {
        cJSON *m = cJSON_GetObjectItem(r, "match");
        if (strcmp(cJSON_GetObjectItem(r, "service")->valuestring, p->service) ||
            strcmp(cJSON_GetObjectItem(r, "operation")->valuestring, p->operation))
            continue;
        if (m && !strstr(p->params, m->valuestring))
            continue;
        return r;
    }
    return NULL;
}

static void answer(struct fake_io *f, struct fake_pending *p)
{
    struct aws_result res;
    cJSON *rule = find_rule(f, p), *entry = cJSON_CreateObject();
    memset(&res, 0, sizeof res);
    res.service = p->service;
    res.operation = p->operation;
    res.attempts = 1;
    if (!rule) {
        res.error.kind = ERR_AWS;
        res.error.http_status = 400;
        snprintf(res.error.code, sizeof res.error.code, "NoCannedAnswer");
        snprintf(res.error.message, sizeof res.error.message, "no rule for %s:%s %s", p->service,
                 p->operation, p->params);
    } else if (cJSON_GetObjectItem(rule, "error")) {
        cJSON *e = cJSON_GetObjectItem(rule, "error");
        res.error.kind = (enum err_code)cJSON_GetObjectItem(e, "kind")->valueint;
        res.error.http_status = 400;
        snprintf(res.error.code, sizeof res.error.code, "%s", cJSON_GetObjectItem(e, "code")->valuestring);
        snprintf(res.error.message, sizeof res.error.message, "canned %s for %s", res.error.code, p->operation);
        snprintf(res.error.request_id, sizeof res.error.request_id, "req-%d", f->round);
    } else {
        res.body = cJSON_Duplicate(cJSON_GetObjectItem(rule, "body"), 1);
    }
    cJSON_AddStringToObject(entry, "service", p->service);
    cJSON_AddStringToObject(entry, "operation", p->operation);
    cJSON_AddStringToObject(entry, "params", p->params);
    cJSON_AddNumberToObject(entry, "round", f->round);
    cJSON_AddItemToArray(f->log, entry);
    p->cb(p->arg, &res);
    cJSON_Delete(res.body);
}

static enum err_code frun(void *ctx)
{
    struct fake_io *f = ctx;
    while (f->qn) {
        struct fake_pending *batch = f->q;
        size_t n = f->qn, i;
        f->q = NULL;
        f->qn = f->qcap = 0;
        f->round++;
        for (i = 0; i < n; i++) {
            answer(f, &batch[i]);
            free(batch[i].params);
        }
        free(batch);
    }
    return ERR_OK;
}

void fakeio_init(struct fake_io *f, cJSON *rules)
{
    memset(f, 0, sizeof *f);
    f->rules = rules;
    f->log = cJSON_CreateArray();
    f->io.ctx = f;
    f->io.call = fcall;
    f->io.run = frun;
    f->io.iam_action = action;
    f->io.region = "us-east-1";
    f->io.partition = "aws";
}

void fakeio_cleanup(struct fake_io *f)
{
    size_t i;
    for (i = 0; i < f->qn; i++)
        free(f->q[i].params);
    free(f->q);
    cJSON_Delete(f->log);
}

int fakeio_count(const struct fake_io *f, const char *service, const char *operation)
{
    cJSON *e;
    int n = 0;
    cJSON_ArrayForEach(e, f->log) {
        if (!strcmp(cJSON_GetObjectItem(e, "service")->valuestring, service) &&
            (!operation || !strcmp(cJSON_GetObjectItem(e, "operation")->valuestring, operation)))
            n++;
    }
    return n;
}

static cJSON *rule(cJSON *rules, const char *service, const char *operation, const char *match)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "service", service);
    cJSON_AddStringToObject(r, "operation", operation);
    if (match)
        cJSON_AddStringToObject(r, "match", match);
    cJSON_InsertItemInArray(rules, 0, r);
    return r;
}

void fakeio_error(cJSON *rules, const char *service, const char *operation, const char *match,
                  enum err_code kind, const char *code)
{
    cJSON *e = cJSON_AddObjectToObject(rule(rules, service, operation, match), "error");
    cJSON_AddNumberToObject(e, "kind", kind);
    cJSON_AddStringToObject(e, "code", code);
}

void fakeio_deny(cJSON *rules, const char *service, const char *operation, const char *match)
{
    fakeio_error(rules, service, operation, match, ERR_DENIED, "AccessDenied");
}

void fakeio_body(cJSON *rules, const char *service, const char *operation, const char *match,
                 const char *json)
{
    cJSON_AddItemToObject(rule(rules, service, operation, match), "body", cJSON_Parse(json));
}
