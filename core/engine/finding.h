/* finding — the finding model: what a check reports, validated against the
 * fixed vocabularies (categories, severities, kinds) and bounded in size.
 *
 * A finding owns all its strings and its cJSON arrays (evidence, resources,
 * remediation, explains). finding_list owns the findings it holds. */
#ifndef EDOC_FINDING_H
#define EDOC_FINDING_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/err.h"

#define FINDING_MAX_PER_CHECK 1000  /* distinct (after merging by key) */
#define FINDING_MAX_RAW 20000       /* reported by one C check run, before merging */
#define FINDING_MAX_EVIDENCE 20
#define FINDING_MAX_RESOURCES 100
#define FINDING_MAX_REMEDIATION 10
#define FINDING_MAX_EXPLAINS 16
#define FINDING_VALUE_MAX 500   /* quoted evidence values */
#define FINDING_TEXT_MAX 4000   /* explanation, commands */
#define FINDING_SHORT_MAX 300   /* titles, ids, keys */

struct finding {
    char *check, *source;
    char *kind, *category, *severity, *title, *explanation, *key, *subject, *rule;
    double confidence, when; /* when: epoch seconds, 0 when unknown */
    long count;
    cJSON *evidence;    /* [{pointer, value, note}] */
    cJSON *resources;   /* [string] */
    cJSON *remediation; /* [{description, command, docs}] */
    cJSON *explains;    /* [string] categories or check ids */
    /* Filled by rank.c. */
    double score;
    char *id;
    long caused_by;     /* index in the ranked list, -1 for a root */
    int rank, muted;
    /* Filled by corroborate.c: the CloudTrail change linked as the likely
     * cause ({event, time, actor, via, resource, summary, ...}); NULL none. */
    cJSON *change;
};

struct finding_list {
    struct finding **v;
    size_t n, cap;
};

/* A new finding with the check's id and source copied, kind "diagnosis",
 * confidence 0.5, count 1. NULL on allocation failure. */
struct finding *finding_new(const char *check, const char *source);
void finding_free(struct finding *f);

/* Sets a text field by name ("title", "category", "severity", "kind",
 * "explanation", "key", "subject", "rule"); values are truncated to the
 * field's cap. Unknown fields are ignored (ABI contract). Validation of
 * vocabularies happens in finding_validate(). */
enum err_code finding_set(struct finding *f, const char *field, const char *value);

/* Cites evidence: looks the pointer up in the evidence document and quotes
 * the value (strings truncated to FINDING_VALUE_MAX). Extra citations beyond
 * the cap are dropped. */
void finding_add_evidence(struct finding *f, const cJSON *evidence, const char *pointer,
                          const char *note);
void finding_add_resource(struct finding *f, const char *id);   /* de-duplicated */
/* A remediation step. command is a template (util/shquote.h): its {name}
 * placeholders are replaced by the host-quoted arguments; a command without
 * arguments is a template too, so a stray placeholder or an unbalanced quote
 * is refused. {region}, when used and not among args, is `region` (the
 * target's; NULL when unknown, and then the placeholder is refused). Returns
 * ERR_SCHEMA with the reason in e when the template is refused (nothing is
 * added: the caller reports a check error). A rendered command longer than
 * FINDING_TEXT_MAX is never cut (a cut could end inside a quote): the step
 * keeps its description and says the command was left out. */
struct shq_arg;
enum err_code finding_add_command(struct finding *f, const char *description, const char *command,
                                  const struct shq_arg *args, size_t n_args, const char *region,
                                  const char *docs, struct err *e);
/* A step whose command was already rendered by finding_add_command: a C
 * plugin's, built in its isolated child (pluginhost.c) and sent back. Not for
 * commands built any other way. */
void finding_add_rendered(struct finding *f, const char *description, const char *command, const char *docs);
void finding_add_explains(struct finding *f, const char *category_or_check);

/* ERR_OK, or ERR_SCHEMA with a one-line message naming the bad field. */
enum err_code finding_validate(const struct finding *f, struct err *e);

int finding_category_valid(const char *category);
/* The i-th category of the vocabulary (static), NULL past the end. */
const char *finding_category_name(size_t i);
/* critical 5, high 4, medium 3, low 2, info 1; 0 when unknown. */
int finding_severity_level(const char *severity);

/* The report form of the finding (docs/report.md); ids of caused_by and
 * symptoms are resolved against the ranked list. Caller frees. */
cJSON *finding_to_json(const struct finding *f, const struct finding_list *ranked);

/* Copies src's content into a new finding (used by merging). */
void finding_merge_into(struct finding *dst, const struct finding *src);

/* When l[start..] holds a finding of f's check with f's (non-empty) key,
 * merges f into it and returns 1 (f stays the caller's to free); else 0. */
int finding_list_merge_key(struct finding_list *l, size_t start, const struct finding *f);

enum err_code finding_list_push(struct finding_list *l, struct finding *f);
void finding_list_cleanup(struct finding_list *l); /* frees the findings too */

#endif
