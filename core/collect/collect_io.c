/* collect_io — binds struct collect_io to the aws client. Kept apart from
 * collect.c so unit tests link the collectors without the client. */
#include "collect/collect.h"

static enum err_code io_call(void *ctx, const char *service, const char *operation, cJSON *params,
                             int flags, int max_items, aws_done_fn cb, void *arg)
{
    return aws_call_async(ctx, service, operation, params, flags, max_items, cb, arg);
}

static enum err_code io_call_in(void *ctx, const char *region, const char *service, const char *operation,
                                cJSON *params, int flags, int max_items, aws_done_fn cb, void *arg)
{
    return aws_call_async_in(ctx, region, service, operation, params, flags, max_items, cb, arg);
}

static enum err_code io_run(void *ctx)
{
    return aws_run(ctx);
}

void collect_io_aws(struct collect_io *io, struct aws_client *client)
{
    io->ctx = client;
    io->call = io_call;
    io->call_in = io_call_in;
    io->run = io_run;
    io->iam_action = aws_iam_action;
    io->region = aws_client_region(client);
    io->partition = aws_client_partition(client);
}
