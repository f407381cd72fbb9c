/* xmlshape — the output shapes of the XML-protocol operations ecs-doctor
 * calls (Query: ELBv2, IAM, STS, CloudWatch; EC2), generated from botocore's
 * service models into xmlshape_gen.c by scripts/gen_xmlshape.py. xml2json
 * walks an answer with them so that what the model calls a list is a JSON
 * array even when it is empty (<groups/>) or a flattened list of one, and an
 * empty structure is {} — the way the SDKs decide, never from an element's
 * name. All data is static and read-only. */
#ifndef EDOC_XMLSHAPE_H
#define EDOC_XMLSHAPE_H

#include <stddef.h>

enum xmlshape_kind {
    XMLSHAPE_SCALAR = 0, /* text kept as a string */
    XMLSHAPE_STRUCT = 1,
    XMLSHAPE_LIST = 2,
    XMLSHAPE_MAP = 3 /* converted generically */
};

struct xmlshape {
    unsigned char kind;        /* enum xmlshape_kind */
    unsigned char flattened;   /* list: its elements repeat in the parent, no wrapper */
    unsigned short nmembers;   /* struct: members at xmlshape_members[first..] */
    unsigned short first;
    unsigned short item;       /* list: the element's shape */
    const char *item_wire;     /* list: the element's name ("member", "item") */
};

struct xmlshape_member {
    const char *wire;     /* the element's name on the wire (locationName) */
    unsigned short shape; /* index into xmlshape_shapes */
};

struct xmlshape_op {
    const char *service;   /* ecs-doctor's name: "ec2", "elbv2" */
    const char *operation; /* "DescribeSecurityGroups" */
    const char *result;    /* Query's result wrapper ("DescribeTargetGroupsResult"); NULL for EC2 */
    unsigned short shape;  /* the output shape */
};

extern const struct xmlshape xmlshape_shapes[];
extern const struct xmlshape_member xmlshape_members[];
extern const struct xmlshape_op xmlshape_ops[];
extern const size_t xmlshape_nops, xmlshape_nshapes;

/* The operation's entry, or NULL when it has no model here (borrowed, static). */
const struct xmlshape_op *xmlshape_find(const char *service, const char *operation);

/* The shape at index i (borrowed, static); NULL for an index out of range. */
const struct xmlshape *xmlshape_get(unsigned short i);

/* The shape of struct st's member whose wire name is name, or NULL. */
const struct xmlshape *xmlshape_member(const struct xmlshape *st, const char *name);

#endif
