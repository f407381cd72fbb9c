/* test_textidx — the per-analysis index of the tasks' failure texts: distinct
 * texts, scopes, odd shapes (non-object tasks, containers that are not an
 * array, null reasons), rebuild on another document and reset. */
#include <stdlib.h>
#include <string.h>

#include "engine/textidx.h"
#include "test.h"
#include "util/jsonx.h"

static cJSON *load(void)
{
    struct err e = {0};
    /* Off-schema on purpose (a task that is a number, containers that are
     * not an array): tests/engine/odd/ is not held to the evidence schema. */
    cJSON *ev = jsonx_load_file(TEST_ODD_DIR "/task_texts.json", 1 << 20, &e);
    if (!ev)
        printf("# %s\n", e.msg);
    return ev;
}

/* Flags the distinct texts whose normalised form contains pat. */
static void flag(const struct textidx *ix, const char *pat, unsigned char *text_hit)
{
    size_t t;
    memset(text_hit, 0, ix->n_texts);
    for (t = 0; t < ix->n_texts; t++)
        text_hit[t] = strstr(ix->text[t].norm, pat) != NULL;
}

/* The matching task indexes as a string such as "0,5". */
static const char *tasks_of(const struct textidx *ix, const char *pat, unsigned scope)
{
    static char out[128];
    unsigned char text_hit[64], hit[64];
    size_t i, n, k = 0;
    flag(ix, pat, text_hit);
    n = textidx_tasks(ix, text_hit, scope, hit);
    out[0] = '\0';
    for (i = 0; i < ix->n_tasks; i++)
        if (hit[i])
            k += (size_t)snprintf(out + k, sizeof out - k, "%s%zu", k ? "," : "", i);
    for (i = 0, k = 0; i < ix->n_tasks; i++)
        k += hit[i];
    CHECK(k == n);
    return out;
}

static void test_norm(void)
{
    char out[64];
    const char *s = "  It\xE2\x80\x99s  \xE2\x80\x9CQuoted\xE2\x80\x9D\xE2\x80\xA6\xC2\xA0\n ";
    size_t n = textidx_norm(out, s, strlen(s));
    out[n] = '\0';
    CHECK_STR(out, "it's \"quoted\"...");
    CHECK(textidx_norm(out, "", 0) == 0);
    n = textidx_norm(out, "   ", 3);
    CHECK(n == 0);
}

static void test_index(void)
{
    cJSON *ev = load();
    const struct textidx *ix;
    const unsigned all = TEXTIDX_REASON | TEXTIDX_CONTAINERS;
    size_t t, pulls = 0;
    CHECK(ev != NULL);
    ix = textidx_get(ev);
    CHECK(ix != NULL);
    CHECK(ix->n_tasks == 7);
    CHECK(cJSON_IsNumber(ix->task[3]));
    CHECK_STR(jsonx_str(ix->task[6], "taskArn", ""), "t6");
    /* Equal texts are one distinct text; texts equal once normalised are
     * still two (the raw text is the key), both matching. */
    for (t = 0; t < ix->n_texts; t++)
        if (strstr(ix->text[t].raw, "i/o timeout") || strstr(ix->text[t].raw, "I/O"))
            pulls++;
    CHECK(pulls == 2);
    CHECK(textidx_get(ev) == ix); /* built once */
    CHECK_STR(tasks_of(ix, "cannotpullcontainererror", all), "0,5");
    CHECK_STR(tasks_of(ix, "i/o timeout", TEXTIDX_REASON), "0,5");
    CHECK_STR(tasks_of(ix, "i/o timeout", TEXTIDX_CONTAINERS), "0");
    CHECK_STR(tasks_of(ix, "outofmemoryerror", all), "1");
    CHECK_STR(tasks_of(ix, "outofmemoryerror", TEXTIDX_REASON), "");
    CHECK_STR(tasks_of(ix, "essential container", TEXTIDX_REASON), "1,6");
    CHECK_STR(tasks_of(ix, "logging driver", TEXTIDX_CONTAINERS), "6");
    /* stopCode is its own scope, and not in the default one. */
    CHECK_STR(tasks_of(ix, "spotinterruption", TEXTIDX_STOPCODE), "2");
    CHECK_STR(tasks_of(ix, "spotinterruption", all), "");
    CHECK_STR(tasks_of(ix, "your spot task", all | TEXTIDX_STOPCODE), "2");
    CHECK_STR(tasks_of(ix, "no such text", all | TEXTIDX_STOPCODE), "");
    /* The other task fields. */
    CHECK_STR(tasks_of(ix, "service:api", TEXTIDX_GROUP), "5");
    CHECK_STR(tasks_of(ix, "service:", TEXTIDX_GROUP), "0,1,5");
    CHECK_STR(tasks_of(ix, "td:1", TEXTIDX_TASKDEF), "0,5");
    CHECK_STR(tasks_of(ix, "running", TEXTIDX_LASTSTATUS), "4");
    CHECK_STR(tasks_of(ix, "td:1", all), "");
    {
        uint32_t ids[64];
        size_t n = textidx_values(ix, TEXTIDX_GROUP, ids);
        CHECK(n == 2);
        CHECK_STR(ix->text[ids[0]].raw, "service:web");
        CHECK_STR(ix->text[ids[1]].raw, "service:api");
        n = textidx_values(ix, TEXTIDX_LASTSTATUS, ids);
        CHECK(n == 2);
        CHECK_STR(ix->text[ids[0]].raw, "STOPPED");
        CHECK_STR(ix->text[ids[1]].raw, "RUNNING");
        CHECK(textidx_values(ix, TEXTIDX_CONTAINERS, ids) == 0);
        CHECK(textidx_values(ix, TEXTIDX_REASON | TEXTIDX_GROUP, ids) == 0);
    }
    CHECK(textidx_scope_bit("group") == TEXTIDX_GROUP);
    CHECK(textidx_scope_bit("containers") == TEXTIDX_CONTAINERS);
    CHECK(textidx_scope_bit("nope") == 0 && textidx_scope_bit(NULL) == 0);
    cJSON_Delete(ev);
    textidx_reset();
}

static void test_rebuild(void)
{
    cJSON *a = cJSON_Parse("{\"tasks\":[{\"stoppedReason\":\"A\"}]}");
    cJSON *b = cJSON_Parse("{\"tasks\":[{\"stoppedReason\":\"B\"},{\"stoppedReason\":\"B\"}]}");
    cJSON *none = cJSON_Parse("{\"tasks\":{\"not\":\"an array\"}}");
    const struct textidx *ix = textidx_get(a);
    CHECK(ix && ix->n_tasks == 1 && ix->n_texts == 1);
    ix = textidx_get(b); /* another document: rebuilt */
    CHECK(ix && ix->n_tasks == 2 && ix->n_texts == 1);
    CHECK_STR(ix->text[0].raw, "B");
    ix = textidx_get(none);
    CHECK(ix && ix->n_tasks == 0 && ix->n_texts == 0);
    textidx_reset();
    textidx_reset(); /* idempotent */
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(none);
}

/* Many distinct texts (the dictionary grows) and many tasks. */
static void test_many(void)
{
    cJSON *doc = cJSON_CreateObject(), *tasks = cJSON_AddArrayToObject(doc, "tasks");
    const struct textidx *ix;
    unsigned char *text_hit, *hit;
    char buf[96];
    int i;
    for (i = 0; i < 5000; i++) {
        cJSON *t = cJSON_CreateObject();
        snprintf(buf, sizeof buf, "ResourceInitializationError: dial tcp 10.0.%d.%d:443: i/o timeout", i / 250, i % 250);
        cJSON_AddStringToObject(t, "stoppedReason", i % 2 ? buf : "Essential container in task exited");
        cJSON_AddItemToArray(tasks, t);
    }
    ix = textidx_get(doc);
    CHECK(ix && ix->n_tasks == 5000);
    CHECK(ix->n_texts == 2500 + 1);
    text_hit = calloc(ix->n_texts, 1);
    hit = calloc(ix->n_tasks, 1);
    flag(ix, "i/o timeout", text_hit);
    CHECK(textidx_tasks(ix, text_hit, TEXTIDX_REASON, hit) == 2500);
    CHECK(hit[1] && !hit[0] && hit[4999]);
    free(text_hit);
    free(hit);
    textidx_reset();
    cJSON_Delete(doc);
}

int main(void)
{
    test_norm();
    test_index();
    test_rebuild();
    test_many();
    return test_done();
}
