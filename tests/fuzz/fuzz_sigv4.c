/* Fuzz target: SigV4 canonicalisation of arbitrary paths and query strings.
 * Input: path, a NUL byte, query, a NUL byte, body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sigv4_header hdrs[] = {{"Host", "ecs.us-east-1.amazonaws.com"},
                                  {"Content-Type", "application/x-amz-json-1.1"}};
    struct sigv4_creds creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
    struct sigv4_in in;
    struct sigv4_out out;
    struct err e;
    char *copy = malloc(size + 2);
    char *path, *query, *body;
    size_t plen, qlen;
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = copy[size + 1] = '\0';
    path = copy;
    plen = strlen(path);
    query = path + plen + (plen < size ? 1 : 0);
    qlen = strlen(query);
    body = query + qlen + ((size_t)(query + qlen - copy) < size ? 1 : 0);
    memset(&in, 0, sizeof in);
    in.method = "POST";
    in.path = path[0] ? path : "/";
    in.query = query;
    in.headers = hdrs;
    in.n_headers = 2;
    in.body = body;
    in.body_len = size - (size_t)(body - copy) > size ? 0 : size - (size_t)(body - copy);
    in.region = "us-east-1";
    in.service = "ecs";
    in.amz_date = "20150830T123600Z";
    in.normalize_path = (size & 1) == 0;
    memset(&out, 0, sizeof out);
    if (sigv4_sign(&in, &creds, NULL, &out, &e) == ERR_OK)
        sigv4_out_cleanup(&out);
    free(copy);
    return 0;
}
