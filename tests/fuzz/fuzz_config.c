/* Fuzz target: the shared config/credentials INI parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    struct config *c = NULL;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (config_parse(text, "fuzz", &c, &e) == ERR_OK) {
        (void)config_get(c, "default", "region");
        (void)config_get(c, "profile x", "role_arn");
        (void)config_has_section(c, "default");
        config_free(c);
    }
    free(text);
    return 0;
}
