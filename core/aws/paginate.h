/* paginate — per-operation pagination rules and page merging.
 *
 * A table gives, for each paginated (service, operation): the input token
 * member, the output token member (EC2's XML "nextToken", ELBv2's
 * "NextMarker", IAM's "Marker" with "IsTruncated"), the result arrays and the
 * page-size member. Pages are appended into the first page's arrays. Bodies
 * passed in are borrowed unless the name says otherwise. */
#ifndef EDOC_PAGINATE_H
#define EDOC_PAGINATE_H

#include <cjson/cJSON.h>

#define PAGINATE_MAX_RESULTS 3

struct paginate_spec {
    const char *service, *operation;
    const char *in_token;   /* request member */
    const char *out_token;  /* answer member */
    const char *more_key;   /* "IsTruncated" (IAM) or NULL */
    const char *results[PAGINATE_MAX_RESULTS]; /* NULL-terminated; results[0] counts items */
    const char *limit_key;  /* page-size request member, or NULL */
    int limit_max;          /* the largest page the API accepts */
};

/* NULL when the operation does not paginate. */
const struct paginate_spec *paginate_find(const char *service, const char *operation);

/* The token for the next page, or NULL when page is the last (borrowed). */
const char *paginate_next_token(const struct paginate_spec *s, const cJSON *page);

/* Sets the input token in params (replacing a previous one). */
int paginate_set_token(const struct paginate_spec *s, cJSON *params, const char *token);

/* Normalises page's result members to arrays (an empty Query list arrives as
 * ""), then appends page's result items into acc (moved out of page).
 * Returns the item count of acc's first result array. */
int paginate_merge(const struct paginate_spec *s, cJSON *acc, cJSON *page);
int paginate_normalise(const struct paginate_spec *s, cJSON *page);

/* Bounds acc's result arrays to max_items. */
void paginate_truncate(const struct paginate_spec *s, cJSON *acc, int max_items);

/* Removes the output token (and IsTruncated) from the merged body when the
 * whole collection was read; keeps them when stopped early (max_items). */
void paginate_finish(const struct paginate_spec *s, cJSON *acc, int complete);

#endif
