/* pluginhost — see pluginhost.h. */
/* realpath(); dl_iterate_phdr() (link.h) needs the GNU extensions. */
#define _GNU_SOURCE
#include "engine/pluginhost.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <grp.h>
#include <pwd.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/iam_eval.h"
#include "analysis/netpath.h"
#include "engine/finding.h"
#include "engine/nodeidx.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/shquote.h"
#include "util/strutil.h"
#include "util/textsafe.h"

struct plugin {
    void *handle;
    char *path;
    int fd; /* the descriptor it was loaded from: open while loaded, so
             * "/proc/self/fd/N" names this object alone */
};

/* ---- safety of the file on disk ---------------------------------------- */

/* A user-private group (the owner's primary group, named after the owner,
 * with no other members: the umask-002 convention of Fedora and Ubuntu)
 * gives group write to nobody else. */
static int private_group(const struct stat *st)
{
    struct passwd *pw = getpwuid(st->st_uid);
    struct group *gr;
    if (!pw || pw->pw_gid != st->st_gid)
        return 0;
    gr = getgrgid(st->st_gid);
    return gr && gr->gr_name && pw->pw_name && !strcmp(gr->gr_name, pw->pw_name) &&
           (!gr->gr_mem || !gr->gr_mem[0]);
}

/* Whether others than the owner can change the file or the folder's
 * entries. A sticky folder (as /tmp) lets nobody else rename or replace
 * what its owner put there, so it may be world-writable (sshd's StrictModes
 * has no such exception; without it no plugin could live under /tmp). */
static enum err_code mode_safe(const struct stat *st, const char *what, struct err *e)
{
    int others = (st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && !private_group(st));
    if (others && !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)))
        return err_set(e, ERR_PLUGIN, "refused: %s is writable by group or others (chmod go-w)", what);
    if (st->st_uid != 0 && st->st_uid != geteuid())
        return err_set(e, ERR_PLUGIN, "refused: %s is owned by uid %ld, not by root or you", what,
                       (long)st->st_uid);
    return ERR_OK;
}

static enum err_code stat_safe(const char *path, const char *what, struct err *e)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return err_set(e, ERR_PLUGIN, "%s: %s", what, strerror(errno));
    return mode_safe(&st, what, e);
}

/* StrictModes: every folder from / down to `dir` (a canonical path, from
 * realpath) must be owned by root or the user and not writable by others,
 * or whoever can write one of them can swap what lies below. `what` names
 * the last one ("its folder"); the others are named by path. */
static enum err_code dir_safe(const char *dir, const char *label, struct err *e)
{
    struct stat st;
    if (lstat(dir, &st) != 0)
        return err_set(e, ERR_PLUGIN, "%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return err_set(e, ERR_PLUGIN, "refused: %s changed while it was checked", dir);
    return mode_safe(&st, label, e);
}

static enum err_code chain_safe(const char *dir, const char *what, struct err *e)
{
    char prefix[PATH_MAX], label[PATH_MAX + 16];
    size_t n = strlen(dir), k;
    enum err_code rc = ERR_OK;
    if (dir[0] != '/' || n >= sizeof prefix)
        return err_set(e, ERR_PLUGIN, "refused: %s: not a canonical path", what);
    if (n > 1) {
        snprintf(label, sizeof label, "folder /");
        rc = dir_safe("/", label, e);
    }
    for (k = 1; k <= n && rc == ERR_OK; k++) {
        if (k < n && dir[k] != '/')
            continue;
        memcpy(prefix, dir, k);
        prefix[k] = '\0';
        if (k == n)
            snprintf(label, sizeof label, "%s", what);
        else
            snprintf(label, sizeof label, "folder %s", prefix);
        rc = dir_safe(prefix, label, e);
    }
    return rc;
}

/* The file must be safe, and so must every folder above it, both where the
 * name is and where symlinks lead: a link in a safe folder to a file in a
 * world-writable one would otherwise pass. On success *real (when asked)
 * gets the canonical path, caller frees. */
static enum err_code file_safe_real(const char *path, char **real, struct err *e)
{
    char *copy = str_dup(path), *rp = realpath(path, NULL), *rcopy = NULL, *dir = NULL;
    enum err_code rc;
    if (!copy) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = stat_safe(path, "the file", e);
    if (rc == ERR_OK && !rp)
        rc = err_set(e, ERR_PLUGIN, "the file: %s", strerror(errno));
    if (rc == ERR_OK && !(dir = realpath(dirname(copy), NULL)))
        rc = err_set(e, ERR_PLUGIN, "its folder: %s", strerror(errno));
    if (rc == ERR_OK)
        rc = chain_safe(dir, "its folder", e);
    if (rc == ERR_OK && !(rcopy = str_dup(rp)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (rc == ERR_OK && strcmp(dirname(rcopy), dir) != 0)
        rc = chain_safe(rcopy, "the folder its symlink leads to", e);
    if (rc == ERR_OK && real) {
        *real = rp;
        rp = NULL;
    }
out:
    free(copy);
    free(rcopy);
    free(dir);
    free(rp);
    return rc;
}

enum err_code pluginhost_file_safe(const char *path, struct err *e)
{
    return file_safe_real(path, NULL, e);
}

/* ---- the descriptor, read from the file before any of its code runs ----
 *
 * dlopen() runs the object's constructors (and its dependencies') before
 * the host can look at anything. So everything that can be decided from the
 * file alone is decided first, from the opened descriptor: it is an ELF
 * shared object for this machine, its dynamic symbol table defines
 * edoc_plugin_v1 as an object, and the descriptor's plain integers (ABI
 * version, size, number of checks, check size) are acceptable. What is left
 * for after dlopen needs the relocated pointers: the check ids, categories,
 * severities and run functions. Linux/glibc, 64-bit ELF; other hosts skip
 * this pre-check and rely on the checks after dlopen. */

#if UINTPTR_MAX == 0xffffffffffffffffu && (defined(__x86_64__) || defined(__aarch64__))
#define EDOC_ELF_PRECHECK 1
#if defined(__x86_64__)
#define EDOC_EM EM_X86_64
#else
#define EDOC_EM EM_AARCH64
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define EDOC_ELFDATA ELFDATA2LSB
#else
#define EDOC_ELFDATA ELFDATA2MSB
#endif

#define ELF_TABLE_MAX ((uint64_t)64 * 1024 * 1024)

/* n bytes at off, inside a file of fsize bytes. */
static int read_at(int fd, uint64_t off, void *buf, uint64_t n, uint64_t fsize)
{
    char *p = buf;
    if (off > fsize || n > fsize - off)
        return -1;
    while (n > 0) {
        ssize_t k = pread(fd, p, (size_t)n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        off += (uint64_t)k;
        n -= (uint64_t)k;
    }
    return 0;
}

static void *read_table(int fd, uint64_t off, uint64_t n, uint64_t fsize)
{
    void *p;
    if (n == 0 || n > ELF_TABLE_MAX || !(p = malloc((size_t)n)))
        return NULL;
    if (read_at(fd, off, p, n, fsize) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

/* Fills *desc from the file (members the file does not hold stay zero).
 * Returns 0, or -1 with a one-line reason in msg. */
static int elf_descriptor(int fd, uint64_t fsize, edoc_plugin *desc, char *msg, size_t mlen)
{
    Elf64_Ehdr eh;
    Elf64_Shdr *sh = NULL;
    Elf64_Phdr *ph = NULL;
    Elf64_Sym *syms = NULL;
    char *strs = NULL;
    const Elf64_Sym *found = NULL;
    uint64_t i, nsym, off = 0, avail = 0;
    int rc = -1;
    memset(desc, 0, sizeof *desc);
    if (read_at(fd, 0, &eh, sizeof eh, fsize) != 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        snprintf(msg, mlen, "refused: not an ELF shared object");
        goto out;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != EDOC_ELFDATA || eh.e_type != ET_DYN ||
        eh.e_machine != EDOC_EM) {
        snprintf(msg, mlen, "refused: not a shared object for this machine (ELF class %u, type %u, machine %u)",
                 (unsigned)eh.e_ident[EI_CLASS], (unsigned)eh.e_type, (unsigned)eh.e_machine);
        goto out;
    }
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phnum == 0 || eh.e_phnum == PN_XNUM ||
        !(sh = read_table(fd, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof *sh, fsize)) ||
        !(ph = read_table(fd, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof *ph, fsize))) {
        snprintf(msg, mlen, "refused: unreadable ELF headers");
        goto out;
    }
    for (i = 0; i < eh.e_shnum && !found; i++) {
        const Elf64_Shdr *s = &sh[i], *st;
        uint64_t k;
        if (s->sh_type != SHT_DYNSYM)
            continue;
        if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_link >= eh.e_shnum ||
            (st = &sh[s->sh_link])->sh_type != SHT_STRTAB || !(syms = read_table(fd, s->sh_offset, s->sh_size, fsize)) ||
            !(strs = read_table(fd, st->sh_offset, st->sh_size, fsize))) {
            snprintf(msg, mlen, "refused: unreadable dynamic symbol table");
            goto out;
        }
        nsym = s->sh_size / sizeof(Elf64_Sym);
        for (k = 0; k < nsym; k++) {
            const Elf64_Sym *y = &syms[k];
            if (y->st_name >= st->sh_size || y->st_shndx == SHN_UNDEF ||
                strnlen(strs + y->st_name, st->sh_size - y->st_name) == st->sh_size - y->st_name)
                continue;
            if (!strcmp(strs + y->st_name, EDOC_PLUGIN_SYMBOL)) {
                found = y;
                break;
            }
        }
    }
    if (!found || ELF64_ST_TYPE(found->st_info) != STT_OBJECT || found->st_size < 2 * sizeof(uint32_t)) {
        snprintf(msg, mlen, "refused: no '" EDOC_PLUGIN_SYMBOL "' symbol (not an ecs-doctor plugin, "
                            "or built for another ABI)");
        goto out;
    }
    /* Where the symbol's bytes are in the file: the loadable segment that
     * holds its address. Bytes past the segment's file size are zero (bss). */
    for (i = 0; i < eh.e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type == PT_LOAD && found->st_value >= p->p_vaddr && found->st_value - p->p_vaddr < p->p_memsz) {
            uint64_t rel = found->st_value - p->p_vaddr;
            off = p->p_offset + rel;
            avail = rel < p->p_filesz ? p->p_filesz - rel : 0;
            break;
        }
    }
    if (i == eh.e_phnum) {
        snprintf(msg, mlen, "refused: '" EDOC_PLUGIN_SYMBOL "' lies outside the object's segments");
        goto out;
    }
    avail = avail < found->st_size ? avail : found->st_size;
    avail = avail < sizeof *desc ? avail : sizeof *desc;
    if (avail && read_at(fd, off, desc, avail, fsize) != 0) {
        snprintf(msg, mlen, "refused: '" EDOC_PLUGIN_SYMBOL "' cannot be read from the file");
        goto out;
    }
    rc = 0;
out:
    free(sh);
    free(ph);
    free(syms);
    free(strs);
    return rc;
}
#endif

/* ---- loading ----------------------------------------------------------- */

static void refuse(struct engine *eng, const char *display, const char *msg)
{
    textsafe_line(eng->diag, "ecs-doctor: plugin %s: %s\n", display, msg);
    engine_load_failed(eng, "plugin", display, NULL, NULL, msg);
}

static char *dup_or_empty(const char *s) { return str_dup(s ? s : ""); }

/* "ecs.tasks, ec2.route_tables" -> ["ecs.tasks", "ec2.route_tables"] */
static void split_sources(const char *list, cJSON *into)
{
    const char *p, *q;
    for (p = list; p && *p; p = *q ? q + 1 : q) {
        char name[128];
        size_t n;
        while (*p == ' ' || *p == ',')
            p++;
        q = p;
        while (*q && *q != ',')
            q++;
        n = (size_t)(q - p);
        while (n && p[n - 1] == ' ')
            n--;
        if (n && n < sizeof name) {
            memcpy(name, p, n);
            name[n] = '\0';
            cJSON_AddItemToArray(into, cJSON_CreateString(name));
        }
    }
}

static struct check *check_from(const edoc_check *ec, const char *source, const char *path)
{
    struct check *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->lang = CHECK_C;
    c->c = *ec;
    c->id = dup_or_empty(ec->id);
    c->category = dup_or_empty(ec->category);
    c->severity = dup_or_empty(ec->severity);
    c->summary = dup_or_empty(ec->summary);
    c->source = str_dup(source);
    c->path = str_dup(path);
    c->needs = cJSON_CreateArray();
    c->uses = cJSON_CreateArray();
    if (!c->id || !c->category || !c->severity || !c->summary || !c->source || !c->path || !c->needs ||
        !c->uses) {
        check_free(c);
        return NULL;
    }
    split_sources(ec->needs, c->needs);
    return c;
}

static int push_plugin(struct engine *eng, struct plugin *p)
{
    if (eng->n_plugins == eng->cap_plugins) {
        size_t nc = eng->cap_plugins ? eng->cap_plugins * 2 : 8;
        struct plugin **nv = realloc(eng->plugins, nc * sizeof *nv);
        if (!nv)
            return -1;
        eng->plugins = nv;
        eng->cap_plugins = nc;
    }
    eng->plugins[eng->n_plugins++] = p;
    return 0;
}

static int id_valid(const char *id)
{
    size_t n = 0;
    if (!id || !*id)
        return 0;
    for (; *id; id++, n++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') || (*id >= '0' && *id <= '9') ||
              *id == '.' || *id == '_' || *id == '-'))
            return 0;
    return n <= 128;
}

/* The descriptor's integers: ABI version, size (members beyond it are
 * zeroed here, the ABI policy), check size and count. Used on the bytes in
 * the file before dlopen and on the loaded symbol after. */
static int desc_head_ok(edoc_plugin *desc, size_t *csize, char *msg, size_t mlen)
{
    if (desc->abi_version != EDOC_ABI_VERSION) {
        snprintf(msg, mlen,
                 "refused: built for plugin ABI version %u, this ecs-doctor speaks version %u "
                 "(rebuild it against this ecs-doctor's plugin.h)",
                 (unsigned)desc->abi_version, (unsigned)EDOC_ABI_VERSION);
        return 0;
    }
    if (desc->size < offsetof(edoc_plugin, check_size)) {
        snprintf(msg, mlen, "refused: descriptor size %u is smaller than the minimum %u", (unsigned)desc->size,
                 (unsigned)offsetof(edoc_plugin, check_size));
        return 0;
    }
    if (desc->size < sizeof *desc)
        memset((char *)desc + desc->size, 0, sizeof *desc - desc->size);
    *csize = desc->check_size ? desc->check_size : sizeof(edoc_check);
    if (*csize < offsetof(edoc_check, run) + sizeof(void (*)(void))) {
        snprintf(msg, mlen, "refused: check descriptor size %zu is smaller than the minimum %zu", *csize,
                 offsetof(edoc_check, run) + sizeof(void (*)(void)));
        return 0;
    }
    if (desc->n_checks == 0 || desc->n_checks > 1000) {
        snprintf(msg, mlen, "refused: descriptor lists %zu checks", desc->n_checks);
        return 0;
    }
    return 1;
}

static int name_loaded(struct dl_phdr_info *info, size_t size, void *name)
{
    (void)size;
    return info->dlpi_name && !strcmp(info->dlpi_name, (const char *)name);
}

/* Loading, in the order that keeps every decision ahead of the plugin's code:
 * the file and its folders (file_safe_real), one open() of the canonical path
 * with O_NOFOLLOW, fstat() of that descriptor (what will be mapped is what
 * was checked: no second resolution of the path), the descriptor read from
 * the file (elf_descriptor), and only then dlopen("/proc/self/fd/N") of the
 * same descriptor (Linux: the magic link opens the very inode we hold). */
enum err_code pluginhost_load(struct engine *eng, const char *path, const char *display)
{
    struct err e = {0};
    char msg[700], source[600], fdpath[64];
    char *real = NULL;
    void *h = NULL;
    const void *sym;
    edoc_plugin desc;
    struct check **added = NULL;
    struct plugin *pl = NULL;
    size_t i, n_added = 0, csize;
    struct stat st;
    int fd = -1;

    if (file_safe_real(path, &real, &e) != ERR_OK) {
        refuse(eng, display, e.msg);
        return ERR_PLUGIN;
    }
    /* The same file reached through two search-path entries (a symlink, or
     * `checks test` on a folder of the default path) is loaded once. */
    for (i = 0; i < eng->n_plugins; i++)
        if (!strcmp(eng->plugins[i]->path, real)) {
            free(real);
            return ERR_OK;
        }
    fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
        refuse(eng, display, msg);
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        refuse(eng, display, "refused: not a regular file");
        goto fail;
    }
    if (mode_safe(&st, "the file", &e) != ERR_OK) {
        refuse(eng, display, e.msg);
        goto fail;
    }
#ifdef EDOC_ELF_PRECHECK
    if (elf_descriptor(fd, (uint64_t)st.st_size, &desc, msg, sizeof msg) != 0 ||
        !desc_head_ok(&desc, &csize, msg, sizeof msg)) {
        refuse(eng, display, msg);
        goto fail;
    }
#endif
    /* glibc knows loaded objects by name too: an object still mapped under
     * this /proc/self/fd name (a refused plugin dlclose could not unload)
     * would be handed back instead of ours. Move to a fresh number. */
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
    while (dl_iterate_phdr(name_loaded, fdpath)) {
        int nfd = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
        close(fd);
        fd = nfd;
        if (fd < 0) {
            refuse(eng, display, "cannot load: out of descriptors");
            goto fail;
        }
        snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
    }
    h = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *de = dlerror();
        snprintf(msg, sizeof msg, "cannot load: %s", de ? de : "unknown dlopen error");
        refuse(eng, display, msg);
        goto fail;
    }
    sym = dlsym(h, EDOC_PLUGIN_SYMBOL);
    if (!sym) {
        refuse(eng, display, "refused: no '" EDOC_PLUGIN_SYMBOL "' symbol (not an ecs-doctor plugin, "
                             "or built for another ABI)");
        goto fail;
    }
    /* Read the fixed head first: the version decides how to read the rest.
     * Checked again on the loaded bytes: a constructor may have changed them. */
    memset(&desc, 0, sizeof desc);
    memcpy(&desc, sym, offsetof(edoc_plugin, name));
    if (desc.abi_version == EDOC_ABI_VERSION && desc.size >= offsetof(edoc_plugin, check_size))
        memcpy(&desc, sym, desc.size < sizeof desc ? desc.size : sizeof desc);
    if (!desc_head_ok(&desc, &csize, msg, sizeof msg)) {
        refuse(eng, display, msg);
        goto fail;
    }
    if (!desc.checks) {
        refuse(eng, display, "refused: descriptor has no check table");
        goto fail;
    }
    snprintf(source, sizeof source, "plugin:%s", display);
    added = calloc(desc.n_checks, sizeof *added);
    if (!added)
        goto fail;
    for (i = 0; i < desc.n_checks; i++) {
        edoc_check ec;
        memset(&ec, 0, sizeof ec);
        memcpy(&ec, (const char *)desc.checks + i * csize, csize < sizeof ec ? csize : sizeof ec);
        if (!id_valid(ec.id) || !ec.run) {
            snprintf(msg, sizeof msg, "refused: check #%zu has %s", i,
                     !ec.run ? "no run function" : "an invalid id (letters, digits, . _ - only)");
            refuse(eng, display, msg);
            goto fail;
        }
        if (!finding_category_valid(ec.category) || !finding_severity_level(ec.severity)) {
            snprintf(msg, sizeof msg, "refused: check '%s' declares %s '%.40s' (see docs/categories.md)", ec.id,
                     !finding_category_valid(ec.category) ? "an unknown category" : "an unknown severity",
                     !finding_category_valid(ec.category) ? (ec.category ? ec.category : "(none)")
                                                          : (ec.severity ? ec.severity : "(none)"));
            refuse(eng, display, msg);
            goto fail;
        }
        added[n_added] = check_from(&ec, source, real);
        if (!added[n_added])
            goto fail;
        n_added++;
    }
    pl = calloc(1, sizeof *pl);
    if (!pl)
        goto fail;
    pl->fd = -1;
    if (!(pl->path = str_dup(real)) || push_plugin(eng, pl) != 0)
        goto fail;
    pl->handle = h;
    pl->fd = fd;
    free(real);
    /* Duplicate ids are refused one by one: the plugin's other checks stay. */
    for (i = 0; i < n_added; i++) {
        engine_add_check(eng, added[i]);
        added[i] = NULL;
    }
    free(added);
    return ERR_OK;
fail:
    for (i = 0; added && i < n_added; i++)
        check_free(added[i]);
    free(added);
    if (pl) {
        free(pl->path);
        free(pl);
    }
    if (h)
        dlclose(h);
    if (fd >= 0)
        close(fd);
    free(real);
    return ERR_PLUGIN;
}

void pluginhost_close(struct plugin *p)
{
    if (!p)
        return;
    if (p->handle)
        dlclose(p->handle);
    if (p->fd >= 0)
        close(p->fd);
    free(p->path);
    free(p);
}

/* ---- the host table ---------------------------------------------------- */

#define NODE(n) ((const cJSON *)(const void *)(n))
#define EDNODE(j) ((const edoc_node *)(const void *)(j))

static const edoc_node *h_root(edoc_ctx *ctx) { return ctx ? EDNODE(ctx->evidence) : NULL; }

static const edoc_node *h_ptr(edoc_ctx *ctx, const char *p)
{
    return ctx && p ? EDNODE(nodeidx_pointer(ctx->evidence, p)) : NULL;
}

static const edoc_node *h_get(const edoc_node *obj, const char *key)
{
    const cJSON *o = NODE(obj);
    return cJSON_IsObject(o) && key ? EDNODE(cJSON_GetObjectItemCaseSensitive(o, key)) : NULL;
}

static const edoc_node *h_at(const edoc_node *n, size_t i)
{
    return EDNODE(nodeidx_at(NODE(n), i));
}

static size_t h_len(const edoc_node *n)
{
    return nodeidx_len(NODE(n));
}

static int h_type(const edoc_node *n)
{
    const cJSON *o = NODE(n);
    if (!o) return EDOC_T_MISSING;
    if (cJSON_IsNull(o)) return EDOC_T_NULL;
    if (cJSON_IsBool(o)) return EDOC_T_BOOL;
    if (cJSON_IsNumber(o)) return EDOC_T_NUMBER;
    if (cJSON_IsString(o)) return EDOC_T_STRING;
    if (cJSON_IsArray(o)) return EDOC_T_ARRAY;
    if (cJSON_IsObject(o)) return EDOC_T_OBJECT;
    return EDOC_T_NULL;
}

static const char *h_key(const edoc_node *m) { return m ? NODE(m)->string : NULL; }

static const char *h_str(const edoc_node *n)
{
    const cJSON *o = NODE(n);
    return cJSON_IsString(o) ? o->valuestring : NULL;
}

static double h_num(const edoc_node *n, double dflt)
{
    const cJSON *o = NODE(n);
    char *end;
    double d;
    if (cJSON_IsNumber(o))
        return o->valuedouble;
    /* XML services give numbers as strings ("80"). */
    if (cJSON_IsString(o) && o->valuestring && *o->valuestring) {
        d = strtod(o->valuestring, &end);
        if (!*end && isfinite(d))
            return d;
    }
    return dflt;
}

static int h_truthy(const edoc_node *n)
{
    const cJSON *o = NODE(n);
    if (cJSON_IsTrue(o)) return 1;
    if (cJSON_IsNumber(o)) return o->valuedouble != 0;
    if (cJSON_IsString(o)) return o->valuestring && !strcmp(o->valuestring, "true");
    return 0;
}

/* Findings past the cap still need an object the plugin can call set() and
 * evidence() on: they go to the run's scratch list, freed after the run.
 * Vocabulary checks run after the check returns (engine.c), so a plugin sees
 * the same rules as a Lua check. */
static edoc_finding *h_finding(edoc_ctx *ctx, const char *category, const char *severity,
                               double confidence, const char *title)
{
    struct finding *f;
    struct finding_list *dst;
    if (!ctx)
        return NULL;
    f = finding_new(ctx->check->id, ctx->check->source);
    if (!f)
        return NULL;
    finding_set(f, "category", category ? category : ctx->check->category);
    finding_set(f, "severity", severity ? severity : ctx->check->severity);
    finding_set(f, "title", title);
    f->confidence = confidence;
    /* Keys are set after creation, so C findings merge when run() returns
     * (engine.c); until then the raw count is capped. */
    dst = ctx->n_findings < FINDING_MAX_RAW ? ctx->out : &ctx->scratch;
    if (ctx->n_findings == FINDING_MAX_RAW && !ctx->message[0])
        snprintf(ctx->message, sizeof ctx->message, "more than %d findings: the rest were dropped",
                 FINDING_MAX_RAW);
    if (finding_list_push(dst, f) != ERR_OK) {
        finding_free(f);
        return NULL;
    }
    ctx->n_findings++;
    return (edoc_finding *)(void *)f;
}

#define FIND(f) ((struct finding *)(void *)(f))

static void h_set(edoc_finding *f, const char *field, const char *value)
{
    if (f && field && value)
        finding_set(FIND(f), field, value);
}

static edoc_ctx *current_ctx;

static void h_evidence(edoc_finding *f, const char *pointer, const char *note)
{
    if (f && current_ctx)
        finding_add_evidence(FIND(f), current_ctx->evidence, pointer, note);
}

static void h_resource(edoc_finding *f, const char *id)
{
    if (f)
        finding_add_resource(FIND(f), id);
}

static void h_count(edoc_finding *f, long n)
{
    if (f)
        FIND(f)->count = n;
}

static void h_when(edoc_finding *f, double t)
{
    if (f && isfinite(t) && t > 0)
        FIND(f)->when = t;
}

/* The target's region, for an implicit {region} argument. */
static const char *target_region(void)
{
    const cJSON *r = current_ctx ? cJSON_GetObjectItemCaseSensitive(
                                       cJSON_GetObjectItemCaseSensitive(current_ctx->evidence, "target"), "region")
                                 : NULL;
    return cJSON_IsString(r) ? r->valuestring : NULL;
}

/* A refused command template fails the check (its first error is kept):
 * the author sees it in checks[], and no unquoted text is printed. */
static int refuse_command(const struct err *e)
{
    if (current_ctx && !current_ctx->failed) {
        current_ctx->failed = 1;
        snprintf(current_ctx->message, sizeof current_ctx->message, "%.100s: remediation command refused: %.300s",
                 current_ctx->check->id, e->msg);
    }
    return -1;
}

/* The plain form: the command is a template without arguments (literal text;
 * {region} is the target's). */
static void h_remediation(edoc_finding *f, const char *d, const char *c, const char *u)
{
    struct err e = {0};
    if (f && finding_add_command(FIND(f), d, c, NULL, 0, target_region(), u, &e) != ERR_OK)
        refuse_command(&e);
}

static int h_remediation_cmd(edoc_finding *f, const char *d, const char *tmpl, const char *const *args,
                             const char *u)
{
    struct shq_arg a[SHQ_MAX_ARGS + 1];
    size_t n = 0;
    struct err e = {0};
    if (!f || !tmpl)
        return -1;
    for (; args && args[0]; args += 2) {
        if (n == SHQ_MAX_ARGS) {
            err_set(&e, ERR_SCHEMA, "more than %d arguments", SHQ_MAX_ARGS);
            return refuse_command(&e);
        }
        a[n] = (struct shq_arg){args[0], &args[1], 1, 0};
        n++;
    }
    if (finding_add_command(FIND(f), d, tmpl, a, n, target_region(), u, &e) != ERR_OK)
        return refuse_command(&e);
    return 0;
}

static void h_explains(edoc_finding *f, const char *what)
{
    if (f)
        finding_add_explains(FIND(f), what);
}

static int h_iam_eval(edoc_ctx *ctx, const char *role, const char *action, const char *resource,
                      char *why, size_t whylen)
{
    if (!ctx || !role || !action)
        return EDOC_IAM_UNKNOWN;
    return iam_eval(ctx->evidence, role, action, resource ? resource : "*", why, whylen);
}

static int h_net_reach(edoc_ctx *ctx, const char *subnet, const char *const *sgs, size_t n_sg,
                       int public_ip, const char *service, char *why, size_t whylen)
{
    if (!ctx || !subnet || !service)
        return EDOC_REACH_UNKNOWN;
    return netpath_reach(ctx->evidence, subnet, sgs, sgs ? n_sg : 0, public_ip, service, why, whylen);
}

static void h_log(edoc_ctx *ctx, const char *message)
{
    if (ctx && ctx->debug && message)
        textsafe_line(ctx->diag, "debug: %s: %s\n", ctx->check->id, message);
}

static int h_incomplete(edoc_ctx *ctx, const char *source, const char *why)
{
    if (!ctx || !source)
        return -1;
    return engine_report_incomplete(ctx, source, why);
}

static const edoc_node *h_service_state(edoc_ctx *ctx, const char *service)
{
    const cJSON *st = ctx ? ctx->state : NULL;
    if (service)
        st = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "services"), service);
    return cJSON_IsObject(st) ? (const edoc_node *)(const void *)st : NULL;
}

static const edoc_host host = {
    EDOC_ABI_VERSION, (uint32_t)sizeof(edoc_host),
    h_root, h_ptr, h_get, h_at, h_len, h_type, h_key, h_str, h_num, h_truthy,
    h_finding, h_set, h_evidence, h_resource, h_count, h_when, h_remediation, h_explains,
    h_iam_eval, h_net_reach, h_log, h_incomplete, h_remediation_cmd, h_service_state,
};

const edoc_host *pluginhost_table(void) { return &host; }

/* ---- running a C check isolated ----------------------------------------
 *
 * A plugin is native code: a NULL dereference or an endless loop in it would
 * take the whole run down (exit 139, or --deadline ignored). Each C check
 * therefore runs in a forked child, which inherits the loaded evidence
 * (copy-on-write) and sends back what the check reported as one JSON
 * document over a pipe. The parent reads it within the time limit, rebuilds
 * the findings through the same finding_* calls the host table uses (so a
 * garbled result can only be refused, never corrupt the report: evidence
 * values are quoted again from the parent's own document), and reports a
 * crash, a timeout or an unreadable result as that check's error. */

#define RESULT_MAX ((size_t)64 * 1024 * 1024)

static cJSON *strings_of(const cJSON *arr)
{
    return arr ? cJSON_Duplicate(arr, 1) : cJSON_CreateArray();
}

/* Child side: the check's result as JSON. */
static char *result_json(const struct edoc_ctx *ctx, int rc)
{
    cJSON *r = cJSON_CreateObject(), *fs;
    size_t i;
    char *txt;
    static const char *const text[] = {"title", "category", "severity", "explanation", "key", "kind",
                                       "rule", "subject"};
    if (!r)
        return NULL;
    cJSON_AddNumberToObject(r, "rc", rc);
    cJSON_AddBoolToObject(r, "failed", ctx->failed);
    cJSON_AddStringToObject(r, "message", ctx->message);
    cJSON_AddStringToObject(r, "why", ctx->why);
    cJSON_AddItemToObject(r, "gaps", strings_of(ctx->gaps));
    cJSON_AddNumberToObject(r, "reported", (double)ctx->n_findings);
    fs = cJSON_AddArrayToObject(r, "findings");
    for (i = ctx->start; fs && i < ctx->out->n; i++) {
        const struct finding *f = ctx->out->v[i];
        const char *vals[8];
        cJSON *o = cJSON_CreateObject(), *ev, *it;
        size_t k;
        vals[0] = f->title; vals[1] = f->category; vals[2] = f->severity; vals[3] = f->explanation;
        vals[4] = f->key; vals[5] = f->kind; vals[6] = f->rule; vals[7] = f->subject;
        for (k = 0; k < 8; k++)
            if (vals[k])
                cJSON_AddStringToObject(o, text[k], vals[k]);
        cJSON_AddNumberToObject(o, "confidence", f->confidence);
        cJSON_AddNumberToObject(o, "when", f->when);
        cJSON_AddNumberToObject(o, "count", (double)f->count);
        ev = cJSON_AddArrayToObject(o, "evidence");
        cJSON_ArrayForEach(it, f->evidence) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "pointer", jsonx_str(it, "pointer", ""));
            if (jsonx_str(it, "note", NULL))
                cJSON_AddStringToObject(e, "note", jsonx_str(it, "note", ""));
            cJSON_AddItemToArray(ev, e);
        }
        cJSON_AddItemToObject(o, "resources", strings_of(f->resources));
        cJSON_AddItemToObject(o, "explains", strings_of(f->explains));
        cJSON_AddItemToObject(o, "remediation", strings_of(f->remediation));
        cJSON_AddItemToArray(fs, o);
    }
    txt = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
    return txt;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;
        p += k;
        n -= (size_t)k;
    }
}

static _Noreturn void run_child(struct check *c, struct edoc_ctx *ctx, int fd)
{
    struct finding_list mine = {0};
    char *txt;
    int rc;
    /* Die with the parent (Ctrl-C, a kill): an endless loop must not outlive
     * the run. Linux-only, like the rest of the isolation. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        _exit(127);
    /* A fault in the plugin ends the child with its signal, which the
     * parent reports; no handler of the host (a sanitizer's in test builds)
     * turns it into something else. */
    {
        static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGPIPE};
        size_t i;
        for (i = 0; i < sizeof faults / sizeof faults[0]; i++)
            signal(faults[i], SIG_DFL);
    }
    /* Nothing a plugin prints may reach stdout (--output json). */
    dup2(STDERR_FILENO, STDOUT_FILENO);
    ctx->out = &mine;
    ctx->start = 0;
    current_ctx = ctx;
    rc = c->c.run(&host, ctx);
    current_ctx = NULL;
    txt = result_json(ctx, rc);
    if (txt)
        write_all(fd, txt, strlen(txt));
    _exit(txt ? 0 : 125);
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void fail_ctx(struct edoc_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    ctx->failed = 1;
    va_start(ap, fmt);
    vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
    va_end(ap);
}

static const char *str_or(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Parent side: rebuilds what the child reported; anything malformed is
 * skipped (a finding without a valid title then fails validation). */
static void apply_result(const cJSON *r, struct check *c, struct edoc_ctx *ctx, int *rc)
{
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(r, "findings"), *fo, *it;
    static const char *const text[] = {"title", "category", "severity", "explanation", "key", "kind",
                                       "rule", "subject"};
    size_t n = 0, k;
    *rc = (int)jsonx_num(r, "rc", 0);
    if (jsonx_bool(r, "failed", 0)) {
        ctx->failed = 1;
    }
    if (str_or(r, "message"))
        snprintf(ctx->message, sizeof ctx->message, "%s", str_or(r, "message"));
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r, "gaps"))
        if (cJSON_IsString(it))
            (void)engine_report_incomplete(ctx, it->valuestring, str_or(r, "why"));
    cJSON_ArrayForEach(fo, fs) {
        struct finding *f;
        double d;
        if (!cJSON_IsObject(fo))
            continue;
        if (n++ >= FINDING_MAX_RAW) {
            if (!ctx->message[0])
                snprintf(ctx->message, sizeof ctx->message, "more than %d findings: the rest were dropped",
                         FINDING_MAX_RAW);
            break;
        }
        if (!(f = finding_new(c->id, c->source)))
            break;
        finding_set(f, "category", c->category);
        finding_set(f, "severity", c->severity);
        for (k = 0; k < sizeof text / sizeof text[0]; k++)
            if (str_or(fo, text[k]))
                finding_set(f, text[k], str_or(fo, text[k]));
        d = jsonx_num(fo, "confidence", 0.5);
        f->confidence = isfinite(d) ? d : 0.5;
        d = jsonx_num(fo, "when", 0);
        f->when = isfinite(d) && d > 0 ? d : 0;
        d = jsonx_num(fo, "count", 1);
        f->count = isfinite(d) && d >= 1 && d <= 1e9 ? (long)d : 1;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(fo, "evidence"))
            if (str_or(it, "pointer"))
                finding_add_evidence(f, ctx->evidence, str_or(it, "pointer"), str_or(it, "note"));
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(fo, "resources"))
            if (cJSON_IsString(it))
                finding_add_resource(f, it->valuestring);
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(fo, "explains"))
            if (cJSON_IsString(it))
                finding_add_explains(f, it->valuestring);
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(fo, "remediation"))
            if (cJSON_IsObject(it))
                finding_add_rendered(f, str_or(it, "description"), str_or(it, "command"), str_or(it, "docs"));
        if (finding_list_push(ctx->out, f) != ERR_OK) {
            finding_free(f);
            break;
        }
        ctx->n_findings++;
    }
}

int pluginhost_run(struct check *c, struct edoc_ctx *ctx, double timeout_s)
{
    int fds[2], status = 0, rc = 0, exited = 0, eof = 0, timed_out = 0;
    const char *who = c->source + 7; /* "plugin:" */
    struct buf res;
    double end = mono_now() + (timeout_s > 0 ? timeout_s : PLUGINHOST_TIMEOUT_DEFAULT);
    pid_t pid;
    cJSON *r;
    buf_init(&res, RESULT_MAX);
    if (pipe(fds) != 0) {
        fail_ctx(ctx, "%s: cannot isolate the plugin (pipe: %s)", who, strerror(errno));
        return -1;
    }
    fflush(NULL); /* nothing buffered is written twice */
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        fail_ctx(ctx, "%s: cannot isolate the plugin (fork: %s)", who, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(c, ctx, fds[1]);
    }
    close(fds[1]);
    /* Read until EOF or the child is gone (a grandchild may hold the pipe),
     * within the limit. */
    while (!eof) {
        double left = end - mono_now();
        struct pollfd pfd = {fds[0], POLLIN, 0};
        int pr;
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        pr = poll(&pfd, 1, left > 0.1 ? 100 : (int)(left * 1000) + 1);
        if (pr > 0) {
            char chunk[65536];
            ssize_t k = read(fds[0], chunk, sizeof chunk);
            if (k > 0) {
                if (res.len + (size_t)k > RESULT_MAX) {
                    eof = 2; /* too large */
                    break;
                }
                buf_append(&res, chunk, (size_t)k);
            } else if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
                eof = 1;
            }
        } else if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
            exited = 1;
            /* Drain what it wrote, then stop: nothing more can come from it. */
            fcntl(fds[0], F_SETFL, O_NONBLOCK);
            for (;;) {
                char chunk[65536];
                ssize_t k = read(fds[0], chunk, sizeof chunk);
                if (k <= 0 || res.len + (size_t)k > RESULT_MAX)
                    break;
                buf_append(&res, chunk, (size_t)k);
            }
            eof = 1;
        }
    }
    close(fds[0]);
    while (!exited) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR)) {
            exited = 1;
            break;
        }
        if (timed_out || eof == 2 || mono_now() >= end) {
            timed_out = timed_out || eof != 2;
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            exited = 1;
            break;
        }
        {
            struct timespec ts = {0, 2000000};
            nanosleep(&ts, NULL);
        }
    }
    if (timed_out) {
        fail_ctx(ctx, "%s: timed out after %g s (killed)", who,
                 timeout_s > 0 ? timeout_s : PLUGINHOST_TIMEOUT_DEFAULT);
        rc = -1;
    } else if (eof == 2) {
        fail_ctx(ctx, "%s: sent a result larger than %zu MiB", who, RESULT_MAX >> 20);
        rc = -1;
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *name = strsignal(sig);
        fail_ctx(ctx, "%s: crashed with signal %d (%s)", who, sig, name ? name : "?");
        rc = -1;
    } else if (res.len == 0) {
        fail_ctx(ctx, "%s: exited with status %d before reporting a result", who,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        rc = -1;
    } else if (!(r = cJSON_ParseWithLength(res.data, res.len)) || !cJSON_IsObject(r)) {
        cJSON_Delete(r);
        fail_ctx(ctx, "%s: sent an unreadable result (%zu bytes)", who, res.len);
        rc = -1;
    } else {
        apply_result(r, c, ctx, &rc);
        cJSON_Delete(r);
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && !ctx->failed)
            fail_ctx(ctx, "%s: exited with status %d after its result", who, WEXITSTATUS(status));
    }
    buf_cleanup(&res);
    return rc;
}
