/* checktest — see checktest.h. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "engine/checktest.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/evidence.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void add_why(char *why, size_t n, const char *fmt, ...)
{
    size_t len = strlen(why);
    va_list ap;
    if (len + 4 >= n)
        return;
    va_start(ap, fmt);
    vsnprintf(why + len, n - len, fmt, ap);
    va_end(ap);
}

static int field_ok(const cJSON *spec, const cJSON *f, const char *name)
{
    const char *want = jsonx_str(spec, name, NULL);
    return !want || !strcmp(want, jsonx_str(f, name, ""));
}

static const cJSON *by_id(const cJSON *findings, const char *id)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, findings)
        if (id && !strcmp(jsonx_str(f, "id", ""), id))
            return f;
    return NULL;
}

static void describe_spec(const cJSON *spec, char *out, size_t n)
{
    char *txt = cJSON_PrintUnformatted(spec);
    snprintf(out, n, "%s", txt ? txt : "?");
    cJSON_free(txt);
}

int checktest_compare(const cJSON *report, const cJSON *expect, char *why, size_t whylen)
{
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(report, "findings");
    const cJSON *spec, *f, *a;
    const char *verdict = jsonx_str(expect, "verdict", NULL);
    char desc[400], num[64];
    int unmet = 0;
    why[0] = '\0';
    cJSON_ArrayForEach(spec, cJSON_GetObjectItemCaseSensitive(expect, "findings")) {
        double min_count = jsonx_num(spec, "min_count", 1), count = 0;
        double max_rank = jsonx_num(spec, "max_rank", jsonx_num(spec, "rank", 0));
        const char *root = jsonx_str(spec, "caused_by", NULL);
        int best_rank = 0, root_ok = root == NULL;
        cJSON_ArrayForEach(f, findings) {
            if (!field_ok(spec, f, "check") || !field_ok(spec, f, "category") ||
                !field_ok(spec, f, "severity") || !field_ok(spec, f, "kind"))
                continue;
            count += jsonx_num(f, "count", 1);
            if (!best_rank || jsonx_num(f, "rank", 0) < best_rank)
                best_rank = (int)jsonx_num(f, "rank", 0);
            if (root) {
                const cJSON *r = by_id(findings, jsonx_str(f, "caused_by", NULL));
                if (r && (!strcmp(jsonx_str(r, "check", ""), root) ||
                          !strcmp(jsonx_str(r, "category", ""), root)))
                    root_ok = 1;
            }
        }
        describe_spec(spec, desc, sizeof desc);
        if (count < min_count) {
            snprintf(num, sizeof num, "%.0f", count);
            add_why(why, whylen, "    expected finding %s: found a count of %s\n", desc, num);
            unmet++;
        } else if (max_rank > 0 && best_rank > max_rank) {
            snprintf(num, sizeof num, "%d", best_rank);
            add_why(why, whylen, "    expected finding %s: its best rank is %s\n", desc, num);
            unmet++;
        } else if (!root_ok) {
            add_why(why, whylen, "    expected finding %s: not linked under %s\n", desc, root);
            unmet++;
        }
    }
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(expect, "absent")) {
        if (!cJSON_IsString(a))
            continue;
        cJSON_ArrayForEach(f, findings) {
            if (!strcmp(jsonx_str(f, "check", ""), a->valuestring) ||
                !strcmp(jsonx_str(f, "category", ""), a->valuestring)) {
                add_why(why, whylen, "    expected no finding of %s, got '%s'\n", a->valuestring,
                        jsonx_str(f, "title", ""));
                unmet++;
                break;
            }
        }
    }
    if (verdict && strcmp(verdict, jsonx_str(report, "verdict", ""))) {
        add_why(why, whylen, "    expected verdict %s, got %s\n", verdict, jsonx_str(report, "verdict", ""));
        unmet++;
    }
    return unmet;
}

/* Checks loaded from dir (by path prefix) that errored on this fixture. */
static int own_errors(const cJSON *report, struct engine *eng, const char *realdir, char *why, size_t n)
{
    const cJSON *c;
    int bad = 0;
    size_t dl = strlen(realdir), i;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "checks")) {
        if (strcmp(jsonx_str(c, "status", ""), "error"))
            continue;
        for (i = 0; i < eng->n_checks; i++) {
            char rp[PATH_MAX];
            const struct check *k = eng->checks[i];
            if (strcmp(k->id, jsonx_str(c, "id", "")) || !realpath(k->path, rp))
                continue;
            if (!strncmp(rp, realdir, dl) && (rp[dl] == '/' || !rp[dl])) {
                add_why(why, n, "    check %s failed: %s\n", k->id, jsonx_str(c, "message", ""));
                bad++;
            }
        }
    }
    return bad;
}

static void run_fixture(struct engine *eng, const char *path, const char *display, const char *realdir,
                        FILE *out, struct checktest_result *res)
{
    char expect_path[PATH_MAX], why[4096] = "";
    struct err e = {0};
    cJSON *ev = NULL, *expect = NULL, *report = NULL;
    int unmet = 0;
    size_t len = strlen(path);
    res->fixtures++;
    snprintf(expect_path, sizeof expect_path, "%.*s.expect.json", (int)(len - 5), path);
    ev = evidence_load(path, &e);
    if (!ev) {
        snprintf(why, sizeof why, "    %s\n", e.msg);
        unmet = 1;
        goto out;
    }
    expect = jsonx_load_file(expect_path, 0, &e);
    if (!expect) {
        snprintf(why, sizeof why, "    %s\n", e.msg);
        unmet = 1;
        goto out;
    }
    report = engine_analyze(eng, ev, NULL);
    if (!report) {
        snprintf(why, sizeof why, "    out of memory\n");
        unmet = 1;
        goto out;
    }
    if (eng->opts.debug) {
        char *txt = cJSON_Print(report);
        fprintf(out, "%s\n", txt ? txt : "");
        cJSON_free(txt);
    }
    unmet = checktest_compare(report, expect, why, sizeof why);
    unmet += own_errors(report, eng, realdir, why, sizeof why);
out:
    if (unmet) {
        res->failed++;
        fprintf(out, "FAIL %s\n%s", display, why);
    } else {
        res->passed++;
        fprintf(out, "ok   %s\n", display);
    }
    evidence_free(ev);
    cJSON_Delete(expect);
    cJSON_Delete(report);
}

/* Fixtures are the *.json (not *.expect.json) files of any tests/ folder. */
static void walk(struct engine *eng, const char *dir, const char *display, int in_tests, int depth,
                 const char *realdir, FILE *out, struct checktest_result *res)
{
    struct dirent **ents = NULL;
    int n, i;
    if (depth > 8)
        return;
    n = scandir(dir, &ents, NULL, alphasort);
    for (i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        char path[PATH_MAX], disp[PATH_MAX];
        struct stat st;
        if (name[0] != '.' && snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path &&
            snprintf(disp, sizeof disp, "%s/%s", display, name) < (int)sizeof disp &&
            stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                walk(eng, path, disp, in_tests || !strcmp(name, "tests"), depth + 1, realdir, out, res);
            else if (in_tests && S_ISREG(st.st_mode) && str_ends(name, ".json") &&
                     !str_ends(name, ".expect.json"))
                run_fixture(eng, path, disp, realdir, out, res);
        }
        free(ents[i]);
    }
    free(ents);
}

void checktest_run(struct engine *eng, const char *dir, FILE *out, struct checktest_result *res)
{
    char realdir[PATH_MAX];
    memset(res, 0, sizeof *res);
    size_t i, dl;
    if (!realpath(dir, realdir))
        snprintf(realdir, sizeof realdir, "%s", dir);
    dl = strlen(realdir);
    /* A check of DIR that does not load fails the test: fixtures that only
     * expect `absent` findings would otherwise pass over a check that never
     * ran. */
    for (i = 0; i < eng->n_failures; i++) {
        const struct load_failure *lf = &eng->failures[i];
        char rp[PATH_MAX];
        if (!realpath(lf->path, rp) || strncmp(rp, realdir, dl) || (rp[dl] != '/' && rp[dl]))
            continue;
        res->failed++;
        fprintf(out, "FAIL %s (does not load)\n    %s\n", strchr(lf->source, ':') + 1, lf->message);
    }
    walk(eng, dir, dir, 0, 0, realdir, out, res);
}
