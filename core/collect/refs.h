/* refs — pure parsers for the references collectors follow: ARNs, container
 * image references, secret ARNs/parameter names, awslogs stream names, plus
 * the small arithmetic the collectors share (batching, edit distance for
 * "did you mean"). No I/O, no allocation unless a name says so: easy to test. */
#ifndef EDOC_REFS_H
#define EDOC_REFS_H

#include <stddef.h>

/* arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (resource may hold ':' and '/'). */
struct arn {
    char partition[16], service[32], region[32], account[16];
    char resource[1024];
};
/* 0 when s is an ARN (fields copied, truncated to fit), -1 otherwise. */
int refs_arn_parse(const char *s, struct arn *out);

/* ECS target references. Service ARNs come in two formats:
 * "service/CLUSTER/NAME" (new) and "service/NAME" (old, no cluster); task ARNs
 * likewise ("task/CLUSTER/ID", "task/ID"). cluster is set to "" when the
 * reference does not name one. Returns 0, or -1 when s is an ARN of another kind. */
int refs_ecs_target(const char *s, const char *kind, char *cluster, size_t clen, char *name,
                    size_t nlen, char *region, size_t rlen);

/* A container image reference as written in a task definition. */
struct image_ref {
    char registry[16];     /* "ecr" | "dockerhub" | "other" */
    char host[256];        /* "" for Docker Hub short forms */
    char registry_id[16];  /* ECR: the account id */
    char region[32];       /* ECR: the registry's region */
    char repository[256];
    char tag[128];         /* "" when pinned by digest only; "latest" when neither given */
    char digest[160];      /* "sha256:..." or "" */
};
int refs_image_parse(const char *ref, struct image_ref *out); /* 0, or -1 if malformed */

/* A secret reference: secrets[].valueFrom or repositoryCredentials.credentialsParameter. */
enum secret_kind { SECRET_SM = 1, SECRET_SSM = 2 };
struct secret_ref {
    enum secret_kind kind;
    char id[1024];     /* SM: the secret's ARN without the :json-key:stage:version suffix;
                          SSM: the name or ARN as given (GetParameters takes both) */
    char name[512];    /* SM: secret name (with AWS's random suffix); SSM: parameter name */
    char region[32];   /* "" when not an ARN (same region) */
    char json_key[256];/* SM: the json-key part, "" when none */
};
int refs_secret_parse(const char *value_from, struct secret_ref *out); /* 0, or -1 */

/* "<prefix>/<container>/<task id>" — the awslogs driver's stream name. task may
 * be a task ARN or a bare id. Returns out, or NULL when it does not fit. */
char *refs_stream_name(const char *prefix, const char *container, const char *task, char *out,
                       size_t len);

/* Task definition family from "arn:...:task-definition/FAMILY:REV" or
 * "FAMILY:REV"; revision into *rev (0 when none). */
int refs_taskdef_family(const char *arn, char *family, size_t flen, long *rev);

/* Number of calls needed to cover n items with at most max per call. */
size_t refs_batches(size_t n, size_t max);

/* Levenshtein distance (ASCII, case-insensitive), capped at 255. */
int refs_edit_distance(const char *a, const char *b);

/* Writes up to 3 candidates near name, comma-separated, closest first, into
 * out ("" when none is close). */
void refs_suggest(const char *name, const char *const *candidates, size_t n, char *out, size_t len);

/* Percent-decodes s (and '+' as space is NOT applied: IAM uses %20). Caller
 * frees; NULL on allocation failure. */
char *refs_url_decode(const char *s);

#endif
