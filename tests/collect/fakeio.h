/* fakeio — a canned-answer transport for the collectors' unit tests.
 * Rules ({service, operation, match?, body | error}) are tried in order; the
 * first whose match (a substring of the params JSON) fits answers. Calls are
 * answered in rounds: everything queued when a round starts is answered in
 * it, so the round number of a call is its depth in round trips. Every call
 * is logged ({service, operation, params, round}). */
#ifndef EDOC_TEST_FAKEIO_H
#define EDOC_TEST_FAKEIO_H

#include <cjson/cJSON.h>
#include "collect/collect.h"

struct fake_pending;

struct fake_io {
    struct collect_io io;
    cJSON *rules;   /* borrowed array */
    struct fake_pending *q;
    size_t qn, qcap;
    cJSON *log;     /* owned */
    int round;
};

void fakeio_init(struct fake_io *f, cJSON *rules);
void fakeio_cleanup(struct fake_io *f);
/* Number of logged calls to service:operation (operation NULL: any). */
int fakeio_count(const struct fake_io *f, const char *service, const char *operation);
/* Rule helpers: prepend (so it wins) an error or a body rule. */
void fakeio_deny(cJSON *rules, const char *service, const char *operation, const char *match);
void fakeio_error(cJSON *rules, const char *service, const char *operation, const char *match,
                  enum err_code kind, const char *code);
void fakeio_body(cJSON *rules, const char *service, const char *operation, const char *match,
                 const char *json);

#endif
