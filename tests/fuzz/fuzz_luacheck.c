/* Fuzz target: the Lua check loader and sandbox. The input is a check's
 * source text; it is loaded and, when it returns a check table, run over a
 * small evidence document. Errors are expected and contained; crashes,
 * leaks and sanitizer reports are not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/luacheck.h"
#include "util/jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char evidence_text[] =
    "{\"schema\":\"ecs-doctor/evidence/v1\",\"target\":{\"kind\":\"service\",\"cluster\":\"prod\","
    "\"service\":\"web\",\"region\":\"us-east-1\"},\"sources\":{\"ecs.tasks\":{\"status\":\"ok\"}},"
    "\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/prod/abc\",\"stoppedReason\":"
    "\"CannotPullContainerError: x\",\"containers\":[{\"name\":\"app\",\"exitCode\":137}]}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cJSON *ev;
    char path[] = "/tmp/edoc-fuzz-lua-XXXXXX";
    struct err e;
    struct check *c;
    int fd;
    if (!ev)
        ev = jsonx_parse(evidence_text, sizeof evidence_text - 1, "fuzz-evidence", &e);
    fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    c = luacheck_load(path, "fuzz.lua", 200000, 8 * 1024 * 1024, &e);
    if (c) {
        struct finding_list out;
        struct edoc_ctx ctx;
        memset(&out, 0, sizeof out);
        memset(&ctx, 0, sizeof ctx);
        ctx.evidence = ev;
        ctx.check = c;
        ctx.out = &out;
        ctx.diag = stderr;
        (void)luacheck_run(c, &ctx);
        finding_list_cleanup(&out);
        finding_list_cleanup(&ctx.scratch);
        check_free(c);
    }
    unlink(path);
    return 0;
}
