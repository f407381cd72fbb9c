/* xml2json — see xml2json.h. Builds a small DOM with expat, then converts. */
#include "aws/xml2json.h"

#include <ctype.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xmlshape.h"
#include "util/buf.h"
#include "util/strutil.h"

struct node {
    char *name;
    struct buf text;
    struct node **kids;
    size_t nkids, cap;
    size_t named; /* children other than <member>/<item> */
};

struct state {
    struct node *root;
    struct node *stack[XML2JSON_MAX_DEPTH];
    int depth;
    size_t nodes;
    size_t text;      /* decoded character data of the whole answer */
    size_t max_text;
    int text_full;    /* XML2JSON_MAX_TEXT reached */
    enum err_code rc;
    XML_Parser p;
};

static void node_free(struct node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->name);
    buf_cleanup(&n->text);
    free(n);
}

static void fail(struct state *s, enum err_code rc)
{
    if (s->rc == ERR_OK)
        s->rc = rc;
    XML_StopParser(s->p, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct state *s = ud;
    struct node *n;
    const char *local = strchr(name, ' '); /* namespace-aware: "uri local" */
    (void)atts;
    if (s->rc != ERR_OK)
        return;
    if (s->depth >= XML2JSON_MAX_DEPTH || ++s->nodes > XML2JSON_MAX_NODES) {
        fail(s, ERR_LIMIT);
        return;
    }
    n = calloc(1, sizeof *n);
    if (!n || !(n->name = str_dup(local ? local + 1 : name))) {
        free(n);
        fail(s, ERR_NOMEM);
        return;
    }
    buf_init(&n->text, 0);
    if (s->depth == 0) {
        if (s->root) { /* cannot happen with a conforming parser */
            node_free(n);
            fail(s, ERR_PARSE);
            return;
        }
        s->root = n;
    } else {
        struct node *parent = s->stack[s->depth - 1];
        /* Objects are built with linear name lookups: bound their width so a
         * hostile answer cannot make conversion quadratic. Lists (member or
         * item children) are not bounded here. */
        if (strcmp(n->name, "member") != 0 && strcmp(n->name, "item") != 0 &&
            ++parent->named > XML2JSON_MAX_NAMED_CHILDREN) {
            node_free(n);
            fail(s, ERR_LIMIT);
            return;
        }
        if (parent->nkids == parent->cap) {
            size_t ncap = parent->cap ? parent->cap * 2 : 4;
            struct node **nk = realloc(parent->kids, ncap * sizeof *nk);
            if (!nk) {
                node_free(n);
                fail(s, ERR_NOMEM);
                return;
            }
            parent->kids = nk;
            parent->cap = ncap;
        }
        parent->kids[parent->nkids++] = n;
    }
    s->stack[s->depth++] = n;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct state *s = ud;
    (void)name;
    if (s->rc == ERR_OK && s->depth > 0)
        s->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *t, int len)
{
    struct state *s = ud;
    if (s->rc != ERR_OK || s->depth == 0)
        return;
    /* The whole answer's text, not one element's: entity tricks or many
     * medium texts must not add up to more than the body could hold. */
    if ((size_t)len > s->max_text - s->text) {
        s->text_full = 1;
        fail(s, ERR_LIMIT);
        return;
    }
    s->text += (size_t)len;
    if (buf_append(&s->stack[s->depth - 1]->text, t, (size_t)len) != ERR_OK)
        fail(s, ERR_LIMIT);
}

/* AWS never sends a DOCTYPE. One is refused before its internal subset is
 * read, so no entity is ever declared, let alone expanded (billion laughs:
 * a few KB of nested entities expand to gigabytes). */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    struct state *s = ud;
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    fail(s, ERR_REFUSED);
}

/* Belt and braces: an entity declaration can only come inside a DOCTYPE,
 * which on_doctype already refused. */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    struct state *s = ud;
    (void)name;
    (void)is_param;
    (void)value;
    (void)value_len;
    (void)base;
    (void)sysid;
    (void)pubid;
    (void)notation;
    fail(s, ERR_REFUSED);
}

static int blank(const struct buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (!isspace((unsigned char)b->data[i]))
            return 0;
    return 1;
}

static int repeated(const struct node *n, size_t i)
{
    for (size_t j = i + 1; j < n->nkids; j++)
        if (strcmp(n->kids[j]->name, n->kids[i]->name) == 0)
            return 1;
    return 0;
}

static cJSON *convert(const struct node *n, const struct xmlshape *sh);

/* Without a model (an operation xmlshape does not know, a member the model
 * does not name, a map): <member>/<item> children make an array, an empty
 * "...Set" element (EC2's lists) is [], a repeated name is an array. */
static cJSON *convert_generic(const struct node *n)
{
    cJSON *out;
    int all_items = n->nkids > 0;
    if (n->nkids == 0) {
        if (str_ends(n->name, "Set") && blank(&n->text))
            return cJSON_CreateArray();
        return cJSON_CreateString(n->text.data ? n->text.data : "");
    }
    for (size_t i = 0; i < n->nkids && all_items; i++)
        all_items = strcmp(n->kids[i]->name, "member") == 0 || strcmp(n->kids[i]->name, "item") == 0;
    out = all_items ? cJSON_CreateArray() : cJSON_CreateObject();
    if (!out)
        return NULL;
    for (size_t i = 0; i < n->nkids; i++) {
        cJSON *v = convert(n->kids[i], NULL), *prev;
        if (!v) {
            cJSON_Delete(out);
            return NULL;
        }
        if (all_items) {
            cJSON_AddItemToArray(out, v);
            continue;
        }
        prev = cJSON_GetObjectItemCaseSensitive(out, n->kids[i]->name);
        if (prev) {
            cJSON_AddItemToArray(prev, v); /* prev is a repeat array (below) */
        } else if (repeated(n, i)) {
            /* A repeated name (a flattened list) becomes an array. */
            cJSON *arr = cJSON_CreateArray();
            if (!arr) {
                cJSON_Delete(v);
                cJSON_Delete(out);
                return NULL;
            }
            cJSON_AddItemToArray(arr, v);
            cJSON_AddItemToObject(out, n->kids[i]->name, arr);
        } else {
            cJSON_AddItemToObject(out, n->kids[i]->name, v);
        }
    }
    return out;
}

/* A structure the model describes: each child is typed by its member's
 * shape; a flattened list member is an array however many times its element
 * repeats (once included); an empty structure is {}. Children the model does
 * not name are converted generically, so nothing on the wire is dropped. */
static cJSON *convert_struct(const struct node *n, const struct xmlshape *sh)
{
    cJSON *out = cJSON_CreateObject();
    if (!out)
        return NULL;
    for (size_t i = 0; i < n->nkids; i++) {
        const struct node *k = n->kids[i];
        const struct xmlshape *ms = xmlshape_member(sh, k->name);
        cJSON *v, *prev = cJSON_GetObjectItemCaseSensitive(out, k->name);
        int flat = ms && ms->kind == XMLSHAPE_LIST && ms->flattened;
        v = flat ? convert(k, xmlshape_get(ms->item)) : convert(k, ms);
        if (!v) {
            cJSON_Delete(out);
            return NULL;
        }
        if (flat || prev || repeated(n, i)) {
            /* A flattened list, or a name sent more than once: one array,
             * started at the name's first occurrence. */
            if (!prev) {
                prev = cJSON_CreateArray();
                if (!prev) {
                    cJSON_Delete(v);
                    cJSON_Delete(out);
                    return NULL;
                }
                cJSON_AddItemToObject(out, k->name, prev);
            }
            cJSON_AddItemToArray(prev, v);
        } else {
            cJSON_AddItemToObject(out, k->name, v);
        }
    }
    return out;
}

/* sh: the model's shape for n, or NULL (no model). What the model calls a
 * list is an array even when empty, a structure an object even when empty; a
 * node the wire shapes otherwise than the model (children in a scalar) is
 * converted generically. */
static cJSON *convert(const struct node *n, const struct xmlshape *sh)
{
    if (!sh || sh->kind == XMLSHAPE_MAP || (sh->kind == XMLSHAPE_SCALAR && n->nkids > 0))
        return convert_generic(n);
    if (sh->kind == XMLSHAPE_SCALAR)
        return cJSON_CreateString(n->text.data ? n->text.data : "");
    if (sh->kind == XMLSHAPE_STRUCT)
        return convert_struct(n, sh);
    {
        /* A wrapped list: every child is an element (<member>, <item>). */
        const struct xmlshape *item = xmlshape_get(sh->item);
        cJSON *out = cJSON_CreateArray();
        if (!out)
            return NULL;
        for (size_t i = 0; i < n->nkids; i++) {
            cJSON *v = convert(n->kids[i], item);
            if (!v) {
                cJSON_Delete(out);
                return NULL;
            }
            cJSON_AddItemToArray(out, v);
        }
        return out;
    }
}

/* The root: <OpResponse> holds the output shape directly (EC2) or inside
 * <OpResult> (Query); anything else (an <ErrorResponse>, another operation's
 * answer) is converted without the model. */
static cJSON *convert_root(const struct node *root, const struct xmlshape_op *op)
{
    char want[160];
    const struct xmlshape *sh;
    if (!op || snprintf(want, sizeof want, "%sResponse", op->operation) >= (int)sizeof want ||
        strcmp(root->name, want) != 0 || !(sh = xmlshape_get(op->shape)))
        return convert(root, NULL);
    if (!op->result)
        return convert(root, sh);
    {
        cJSON *out = cJSON_CreateObject();
        if (!out)
            return NULL;
        for (size_t i = 0; i < root->nkids; i++) {
            const struct node *k = root->kids[i];
            cJSON *v = convert(k, strcmp(k->name, op->result) == 0 ? sh : NULL);
            if (!v) {
                cJSON_Delete(out);
                return NULL;
            }
            cJSON_AddItemToObject(out, k->name, v);
        }
        return out;
    }
}

/* One parse: typed by op (NULL = no model), text capped at max_text. */
static cJSON *parse(const char *xml, size_t len, const struct xmlshape_op *op, size_t max_text,
                    struct err *e)
{
    struct state s;
    cJSON *out = NULL, *v;
    memset(&s, 0, sizeof s);
    s.max_text = max_text;
    s.p = XML_ParserCreate(NULL);
    if (!s.p) {
        err_set(e, ERR_NOMEM, "xml: out of memory");
        return NULL;
    }
    XML_SetUserData(s.p, &s);
    XML_SetElementHandler(s.p, on_start, on_end);
    XML_SetCharacterDataHandler(s.p, on_text);
    XML_SetStartDoctypeDeclHandler(s.p, on_doctype);
    XML_SetEntityDeclHandler(s.p, on_entity);
    if (len > (size_t)0x7fffffff) {
        err_set(e, ERR_LIMIT, "xml: document too large");
        goto out;
    }
    if (XML_Parse(s.p, xml, (int)len, XML_TRUE) != XML_STATUS_OK || s.rc != ERR_OK) {
        if (s.rc == ERR_REFUSED)
            err_set(e, ERR_REFUSED, "xml:%lu:%lu: DOCTYPE refused (AWS never sends one)",
                    (unsigned long)XML_GetCurrentLineNumber(s.p),
                    (unsigned long)XML_GetCurrentColumnNumber(s.p));
        else if (s.rc == ERR_LIMIT && s.text_full)
            err_set(e, ERR_LIMIT, "xml: more than %zu bytes of text in one answer", max_text);
        else if (s.rc == ERR_LIMIT)
            err_set(e, ERR_LIMIT,
                    "xml: deeper than %d levels, more than %d elements or an element with more "
                    "than %d named children",
                    XML2JSON_MAX_DEPTH, XML2JSON_MAX_NODES, XML2JSON_MAX_NAMED_CHILDREN);
        else if (s.rc == ERR_NOMEM)
            err_set(e, ERR_NOMEM, "xml: out of memory");
        else
            err_set(e, ERR_PARSE, "xml:%lu:%lu: %s", (unsigned long)XML_GetCurrentLineNumber(s.p),
                    (unsigned long)XML_GetCurrentColumnNumber(s.p),
                    XML_ErrorString(XML_GetErrorCode(s.p)));
        goto out;
    }
    if (!s.root) {
        err_set(e, ERR_PARSE, "xml: empty document");
        goto out;
    }
    out = cJSON_CreateObject();
    v = convert_root(s.root, op);
    if (!out || !v) {
        cJSON_Delete(out);
        cJSON_Delete(v);
        out = NULL;
        err_set(e, ERR_NOMEM, "xml: out of memory");
        goto out;
    }
    cJSON_AddItemToObject(out, s.root->name, v);
out:
    node_free(s.root);
    XML_ParserFree(s.p);
    return out;
}

cJSON *xml2json_parse_op(const char *xml, size_t len, const struct xmlshape_op *op,
                         struct err *e)
{
    return parse(xml, len, op, XML2JSON_MAX_TEXT, e);
}

cJSON *xml2json_parse_max(const char *xml, size_t len, size_t max_text, struct err *e)
{
    return parse(xml, len, NULL, max_text, e);
}

cJSON *xml2json_parse(const char *xml, size_t len, struct err *e)
{
    return parse(xml, len, NULL, XML2JSON_MAX_TEXT, e);
}
