/* team.latest_tag — a team-style C check: task definitions that run an image
 * by a mutable tag (":latest" or no tag at all) cannot be rolled back to
 * what ran before. A recommendation, not a diagnosis.
 *
 * Build (one line, out of the ecs-doctor tree):
 *   cc -shared -fPIC -fvisibility=hidden $(pkg-config --cflags ecs-doctor-plugin) -o latest_tag.so latest_tag.c
 */
#include <stdio.h>
#include <string.h>

#include <ecs_doctor/plugin.h>

static int mutable_tag(const char *image)
{
    const char *slash = strrchr(image, '/'), *colon;
    if (strchr(image, '@'))
        return 0; /* pinned by digest */
    colon = strrchr(slash ? slash : image, ':');
    return !colon || !strcmp(colon, ":latest");
}

/* Appends token to the pointer in buf, '~' as "~0" and '/' as "~1". */
static void escape_into(char *buf, size_t n, const char *token)
{
    size_t k = strlen(buf);
    for (; token && *token && k + 3 < n; token++) {
        if (*token == '~' || *token == '/') {
            buf[k++] = '~';
            buf[k++] = *token == '~' ? '0' : '1';
        } else {
            buf[k++] = *token;
        }
    }
    buf[k] = '\0';
}

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    const edoc_node *tds = h->ptr(ctx, "/task_definitions");
    size_t i, j, n = h->len(tds);
    for (i = 0; i < n; i++) {
        const edoc_node *td = h->at(tds, i);
        const edoc_node *defs = h->get(td, "containerDefinitions");
        for (j = 0; j < h->len(defs); j++) {
            const char *image = h->str(h->get(h->at(defs, j), "image"));
            char title[300], ptr[600];
            edoc_finding *f;
            if (!image || !mutable_tag(image))
                continue;
            snprintf(title, sizeof title, "Image %s uses a mutable tag", image);
            f = h->finding(ctx, "best_practice", "low", 0.9, title);
            h->set(f, "kind", "recommendation");
            h->set(f, "rule", "team.latest_tag");
            h->set(f, "key", image);
            h->set(f, "explanation", "A tag that moves (\"latest\") makes a rollback re-pull whatever the tag "
                                     "points at now; pin a version tag or a digest.");
            /* The member's key is the task definition ARN: escape it (RFC 6901). */
            snprintf(ptr, sizeof ptr, "/task_definitions/");
            escape_into(ptr, sizeof ptr, h->key(td));
            snprintf(ptr + strlen(ptr), sizeof ptr - strlen(ptr), "/containerDefinitions/%zu/image", j);
            h->evidence(f, ptr, NULL);
            h->remediation(f, "Pin the image to an immutable version tag or digest in the task definition", NULL,
                           "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html");
        }
    }
    return 0;
}

static const edoc_check checks[] = {
    {"team.latest_tag", "best_practice", "low", "Images referenced by a mutable tag (latest or none)",
     "ecs.task_definitions", run},
};

EDOC_PLUGIN_DEFINE("team-latest-tag", "1.0.0", checks);
