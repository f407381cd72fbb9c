/* A constructor that leaves a mark, in an object that is no plugin at all
 * (no descriptor symbol): refused before dlopen, the constructor never runs. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void mark(void)
{
    const char *m = getenv("EDOC_CTOR_MARKER");
    if (m)
        close(open(m, O_WRONLY | O_CREAT, 0600));
}

int not_a_plugin(void);
int not_a_plugin(void) { return 1; }
