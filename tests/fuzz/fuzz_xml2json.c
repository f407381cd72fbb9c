/* Fuzz target: the generic AWS XML -> cJSON converter (EC2/ELBv2/IAM/STS answers). */
#include <stdint.h>
#include <stdlib.h>

#include "aws/xml2json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    cJSON *j = xml2json_parse((const char *)data, size, &e);
    if (j) {
        char *s = cJSON_PrintUnformatted(j);
        free(s);
        cJSON_Delete(j);
    }
    return 0;
}
