/* xml2json — one converter from AWS Query/EC2 XML answers to cJSON.
 *
 * With the operation's model (xmlshape.h, generated from botocore), the model
 * types each element as the SDKs do: a list is an array even when empty
 * (<groups/>, <ipPermissionsEgress/>) or a flattened list of one, a structure
 * is an object even when empty ({}), a scalar is its text as a string.
 * Where no model applies (xml2json_parse, an error answer, a member the model
 * does not name, a map) the generic rules hold: an element whose children
 * are all <member> or <item> becomes an array; an empty element whose name
 * ends in "Set" becomes []; other empty elements and text leaves become
 * strings; an element with named children becomes an object (a repeated
 * child name becomes an array). Answers the converter cannot vouch for
 * (deeper than 64, too many elements, an object wider than 4096) fail. Names are kept as on the wire (EC2's
 * "subnetSet", "vpcId"; Query's "TargetGroups"). Depth and node count are
 * capped (ERR_LIMIT); malformed XML is ERR_PARSE. A DOCTYPE (AWS never sends
 * one; it is how entity expansion bombs start) is refused with ERR_REFUSED
 * before any entity is declared, and the decoded text of the whole answer is
 * capped at XML2JSON_MAX_TEXT (ERR_LIMIT). */
#ifndef EDOC_XML2JSON_H
#define EDOC_XML2JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include "aws/xmlshape.h"
#include "util/err.h"

#define XML2JSON_MAX_DEPTH 64
#define XML2JSON_MAX_NODES 2000000
#define XML2JSON_MAX_NAMED_CHILDREN 4096 /* an AWS structure has a few dozen */
/* Decoded character data of one answer. Without entities, UTF-8 text never
 * outgrows its body (HTTP_MAX_BODY), so real answers never reach this. */
#define XML2JSON_MAX_TEXT ((size_t)64 * 1024 * 1024)

/* Returns a new object {"<RootName>": <converted root>} (caller frees), or
 * NULL with e set. */
cJSON *xml2json_parse(const char *xml, size_t len, struct err *e);
/* The same with another cap on the answer's decoded text (tests). */
cJSON *xml2json_parse_max(const char *xml, size_t len, size_t max_text, struct err *e);

/* The same, typed by op's output shape (xmlshape_find; NULL = no model) when
 * the root is <op->operation>Response. */
cJSON *xml2json_parse_op(const char *xml, size_t len, const struct xmlshape_op *op,
                         struct err *e);

#endif
