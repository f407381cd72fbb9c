/* driver — runs a fuzz target's LLVMFuzzerTestOneInput over files, without
 * libFuzzer. Every normal build links each target with this driver, so the
 * seed corpora and the crash inputs kept as regressions run in ctest (and
 * under ASan+UBSan) on any compiler. Arguments are files or directories. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t n = 0, cap = 0, r;
    unsigned char chunk[65536];
    if (!f) {
        fprintf(stderr, "driver: %s: cannot open\n", path);
        return 1;
    }
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n + r > cap) {
            unsigned char *p;
            cap = (n + r) * 2;
            p = realloc(data, cap);
            if (!p) {
                free(data);
                fclose(f);
                return 1;
            }
            data = p;
        }
        memcpy(data + n, chunk, r);
        n += r;
    }
    fclose(f);
    /* Hand over an exactly-sized copy so ASan catches reads past the end. */
    {
        unsigned char *exact = malloc(n ? n : 1);
        if (!exact) {
            free(data);
            return 1;
        }
        if (n)
            memcpy(exact, data, n);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    free(data);
    return 0;
}

static int run_path(const char *path, int *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "driver: %s: not found\n", path);
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        int rc = 0;
        char sub[4096];
        if (!d)
            return 1;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            rc |= run_path(sub, count);
        }
        closedir(d);
        return rc;
    }
    (*count)++;
    return run_file(path);
}

int main(int argc, char **argv)
{
    int i, rc = 0, count = 0;
    for (i = 1; i < argc; i++)
        rc |= run_path(argv[i], &count);
    printf("%d inputs run, %s\n", count, rc ? "with errors" : "no crash");
    return rc || count == 0;
}
