/* xmlshape — see xmlshape.h. The tables are in the generated xmlshape_gen.c. */
#include "aws/xmlshape.h"

#include <string.h>

const struct xmlshape_op *xmlshape_find(const char *service, const char *operation)
{
    for (size_t i = 0; service && operation && i < xmlshape_nops; i++)
        if (strcmp(xmlshape_ops[i].service, service) == 0 &&
            strcmp(xmlshape_ops[i].operation, operation) == 0)
            return &xmlshape_ops[i];
    return NULL;
}

const struct xmlshape *xmlshape_get(unsigned short i)
{
    return i < xmlshape_nshapes ? &xmlshape_shapes[i] : NULL;
}

const struct xmlshape *xmlshape_member(const struct xmlshape *st, const char *name)
{
    if (!st || st->kind != XMLSHAPE_STRUCT || !name)
        return NULL;
    for (unsigned i = 0; i < st->nmembers; i++) {
        const struct xmlshape_member *m = &xmlshape_members[st->first + i];
        if (strcmp(m->wire, name) == 0)
            return xmlshape_get(m->shape);
    }
    return NULL;
}
