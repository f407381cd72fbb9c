/* allowlist — the exact read-only operations ecs-doctor may call.
 *
 * ecs-doctor is read-only by construction: the client refuses any operation
 * not listed here (ERR_REFUSED) before building a request. The list is the
 * source of docs/iam-policy.json (a unit test keeps the two identical). */
#ifndef EDOC_ALLOWLIST_H
#define EDOC_ALLOWLIST_H

#include <stddef.h>

struct allowlist_entry {
    const char *service;   /* SDK name */
    const char *operation;
    int in_policy;         /* 0 for sts:AssumeRole*: used by the credential chain
                              with the *source* identity, not by the caller */
};

int allowlist_allows(const char *service, const char *operation);
/* The entry (static: its names outlive any call), or NULL. */
const struct allowlist_entry *allowlist_find(const char *service, const char *operation);
const struct allowlist_entry *allowlist_entries(size_t *n);

#endif
