/* ofp-group-text.c: groups in ovs-ofctl's text (see ofp-group.h). */
#include "ofctl/ofp-group.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofctl/match.h"
#include "ofctl/ofp-match.h"
#include "ofctl/text.h"

/* Group type names, including the alias ovs-ofctl accepts. */
static const struct {
    const char *name;
    enum of_group_type type;
} type_names[] = {
    { "all", OF_GT_ALL },           { "select", OF_GT_SELECT },
    { "indirect", OF_GT_INDIRECT }, { "ff", OF_GT_FF },
    { "fast_failover", OF_GT_FF },
};

/* Special bucket ids by name. */
static const struct {
    const char *name;
    uint32_t id;
} bucket_names[] = {
    { "first", OF_BUCKET_FIRST },
    { "last", OF_BUCKET_LAST },
    { "all", OF_BUCKET_ALL },
};

const char *
of_group_type_name(enum of_group_type type)
{
    for (size_t i = 0; i < ARRAY_SIZE(type_names); i++) {
        if (type_names[i].type == type) {
            return type_names[i].name;
        }
    }
    return "unknown";
}

static char *
parse_u32(const char *what, const char *s, uint32_t *v)
{
    uint64_t u;
    if (!of_text_parse_uint(s, UINT32_MAX, &u)) {
        return xasprintf("%s: %s: bad number", what, s);
    }
    *v = u;
    return NULL;
}

static char *
parse_bucket_id(const char *what, const char *s, uint32_t *id)
{
    for (size_t i = 0; i < ARRAY_SIZE(bucket_names); i++) {
        if (!strcmp(s, bucket_names[i].name)) {
            *id = bucket_names[i].id;
            return NULL;
        }
    }
    char *err = parse_u32(what, s, id);
    if (!err && *id > OF_BUCKET_MAX) {
        err = xasprintf("%s: %s: bucket id too large", what, s);
    }
    return err;
}

/* Parses one bucket's text S (what follows "bucket=", up to the next
 * bucket) into BK.  Settings come first; the first token that is not a
 * setting starts the actions, with or without "actions=". */
static char *
parse_bucket(char *s, struct of_bucket *bk)
{
    /* The tokenizer writes into S, so action text is taken from PRISTINE
     * at the same offset. */
    char *pristine = xstrdup(s);
    char *err = NULL;
    char *pos = s, *key, *value;
    while (*pos) {
        char *before = pos;
        while (*before == ',' || *before == ' ') {
            before++;
        }
        if (!of_text_next_kv(&pos, &key, &value, NULL)) {
            break;
        }
        uint32_t u = 0;
        if (!strcmp(key, "weight")) {
            err = parse_u32("weight", value, &u);
            if (!err && u > UINT16_MAX) {
                err = xasprintf("weight: %s: too large", value);
            }
            bk->weight = u;
        } else if (!strcmp(key, "watch_port")) {
            if (!of_port_parse(value, &bk->watch_port)) {
                err = xasprintf("watch_port: %s: bad port", value);
            }
        } else if (!strcmp(key, "watch_group")) {
            err = parse_u32("watch_group", value, &bk->watch_group);
        } else if (!strcmp(key, "bucket_id")) {
            err = parse_bucket_id("bucket_id", value, &bk->bucket_id);
        } else {
            /* The rest of the bucket is its action list; BEFORE points
             * at the (undamaged) copy's same place in the original. */
            const char *acts =
                pristine + ((!strcmp(key, "actions") ? value : before) - s);
            struct of_act_parse_ctx ctx = { .match = NULL, .base = acts };
            char *e = of_acts_parse(acts, &bk->acts, &ctx);
            if (e) {
                err = xasprintf("bucket actions: %s", e);
                free(e);
            }
            break;
        }
        if (err) {
            break;
        }
    }
    free(pristine);
    return err;
}

/* A field to hash on and the mask of its bits that count. */
struct hash_field {
    const struct of_field *field;
    union of_value mask;
};

static int
compare_fields(const void *a_, const void *b_)
{
    const struct hash_field *a = a_, *b = b_;
    return (int) a->field->id - (int) b->field->id;
}

/* Parses "fields(a,b=MASK)" / "fields=a" into G's raw OXM list, as Open
 * vSwitch sends it: for each field, in field order whatever the order in
 * the text, its unmasked header followed by the mask (all-ones unless
 * "=MASK" says otherwise). */
static char *
parse_fields(char *s, struct of_group *g)
{
    struct hash_field fields[32];
    size_t n = 0;
    char *save = NULL;

    for (char *tok = strtok_r(s, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        char *eq = strchr(tok, '=');
        if (eq) {
            *eq = '\0';
        }
        const struct of_field *f = of_field_from_name(tok);
        if (!f) {
            return xasprintf("fields: %s: unknown field", tok);
        }
        if (n >= ARRAY_SIZE(fields)) {
            return xstrdup("fields: too many fields");
        }
        fields[n].field = f;
        of_value_exact_mask(f, &fields[n].mask);
        if (eq) {
            char *err = of_field_parse_value(f, eq + 1, &fields[n].mask);
            if (err) {
                char *msg = xasprintf("fields: %s: %s", tok, err);
                free(err);
                return msg;
            }
        }
        n++;
    }
    qsort(fields, n, sizeof *fields, compare_fields);
    for (size_t i = 0; i < n; i++) {
        struct buf b = BUF_INITIALIZER;
        of_field_put_header(&b, fields[i].field, true, false);
        buf_put(&b, fields[i].mask.be, fields[i].field->n_bytes);
        if (g->props.fields_len + b.len > sizeof g->props.fields) {
            buf_destroy(&b);
            return xstrdup("fields: too many fields");
        }
        memcpy(g->props.fields + g->props.fields_len, b.data, b.len);
        g->props.fields_len += b.len;
        buf_destroy(&b);
    }
    return NULL;
}

/* Splits COPY at each ",bucket=" (or a leading "bucket=") that is not
 * inside parentheses, storing pointers to each bucket's text and cutting
 * the group settings off at the first one. */
static size_t
split_buckets(char *copy, char ***out)
{
    char **buckets = NULL;
    size_t n = 0;
    int depth = 0;
    for (char *p = copy; *p; p++) {
        if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth--;
        } else if (!depth && !strncmp(p, "bucket=", 7)
                   && (p == copy || p[-1] == ',' || p[-1] == ' ')) {
            if (p != copy) {
                p[-1] = '\0';
            }
            *p = '\0';
            buckets = xrealloc(buckets, (n + 1) * sizeof *buckets);
            buckets[n++] = p + 7;
            p += 6;
        }
    }
    *out = buckets;
    return n;
}

static char *
parse_settings(char *s, struct of_group *g, bool *have_id)
{
    char *pos = s, *key, *value;
    while (of_text_next_kv(&pos, &key, &value, NULL)) {
        char *err = NULL;
        if (!value) {
            return xasprintf("%s: unbalanced parentheses", key);
        }
        if (!strcmp(key, "group_id")) {
            if (!strcmp(value, "all")) {
                g->group_id = OF_GROUP_ALL;
            } else {
                err = parse_u32("group_id", value, &g->group_id);
            }
            *have_id = true;
        } else if (!strcmp(key, "type")) {
            size_t i;
            for (i = 0; i < ARRAY_SIZE(type_names); i++) {
                if (!strcmp(value, type_names[i].name)) {
                    g->type = type_names[i].type;
                    break;
                }
            }
            if (i == ARRAY_SIZE(type_names)) {
                err = xasprintf("type: %s: unknown group type", value);
            }
        } else if (!strcmp(key, "command_bucket_id")) {
            err = parse_bucket_id("command_bucket_id", value,
                                  &g->command_bucket_id);
        } else if (!strcmp(key, "selection_method")) {
            if (strlen(value) > 15) {
                err = xasprintf("selection_method: %s: too long", value);
            } else {
                strcpy(g->props.method, value);
            }
        } else if (!strcmp(key, "selection_method_param")) {
            uint64_t u;
            if (!of_text_parse_uint(value, UINT64_MAX, &u)) {
                err =
                    xasprintf("selection_method_param: %s: bad number", value);
            }
            g->props.param = u;
        } else if (!strcmp(key, "fields")) {
            err = parse_fields(value, g);
        } else {
            err = xasprintf("%s: unknown keyword", key);
        }
        if (err) {
            return err;
        }
    }
    return NULL;
}

char *
of_group_parse(struct of_group *g, const char *s, enum of_group_cmd command)
{
    char *copy = xstrdup(s);
    char **texts;
    bool have_id = false;
    char *err;

    of_group_init(g);
    g->command = command;
    if (command == OF_GC_DELETE) {
        g->group_id = OF_GROUP_ALL;
    }
    size_t n = split_buckets(copy, &texts);

    /* Settings first, so a select group's buckets default to weight 1. */
    err = parse_settings(copy, g, &have_id);
    for (size_t i = 0; !err && i < n; i++) {
        struct of_bucket *bk = of_group_add_bucket(g);
        bk->bucket_id = OF_BUCKET_ALL; /* Not given (yet). */
        err = parse_bucket(texts[i], bk);
    }
    /* Buckets without an explicit id are numbered 0, 1, ... in order, as
     * ovs-ofctl numbers them. */
    uint32_t next_id = 0;
    for (size_t i = 0; !err && i < g->n_buckets; i++) {
        if (g->buckets[i].bucket_id == OF_BUCKET_ALL) {
            g->buckets[i].bucket_id = next_id++;
        }
    }
    if (!err && !have_id && command != OF_GC_DELETE) {
        err = xstrdup("must specify a group_id");
    }
    if (!err && n
        && (command == OF_GC_DELETE || command == OF_GC_REMOVE_BUCKET)) {
        err = xstrdup("this command does not take buckets");
    }
    free(texts);
    free(copy);
    if (err) {
        of_group_destroy(g);
    }
    return err;
}

/* Appends the hashed fields as ofp-print shows them: ",fields=a" for one,
 * ",fields(a,b)" for more, each with "=MASK" unless its mask is exact. */
static void
format_fields(const struct of_group_props *props, struct buf *b)
{
    struct buf names = BUF_INITIALIZER;
    size_t count = 0;
    struct of_cursor c;

    of_cursor_init(&c, props->fields, props->fields_len);
    while (c.left) {
        bool masked;
        size_t plen;
        enum of_err err;
        const struct of_field *f =
            of_field_pull_header(&c, &masked, &plen, &err);
        const uint8_t *mask = f ? of_cursor_pull(&c, plen) : NULL;
        if (!mask) {
            break;
        }
        buf_printf(&names, "%s%s", count++ ? "," : "", f->name);
        union of_value m;
        memset(&m, 0, sizeof m);
        memcpy(m.be, mask, plen < f->n_bytes ? plen : f->n_bytes);
        if (!of_value_is_all_ones(f, &m)) {
            buf_put_char(&names, '=');
            of_field_format(f, &m, NULL, &names);
        }
    }
    if (count == 1) {
        buf_printf(b, ",fields=%s", buf_cstr(&names));
    } else if (count > 1) {
        buf_printf(b, ",fields(%s)", buf_cstr(&names));
    }
    buf_destroy(&names);
}

/* Group-mod command names as ofp-print shows them. */
static const struct {
    enum of_group_cmd command;
    const char *name;
} command_names[] = {
    { OF_GC_ADD, "ADD" },
    { OF_GC_MODIFY, "MOD" },
    { OF_GC_DELETE, "DEL" },
    { OF_GC_INSERT_BUCKET, "INSERT_BUCKET" },
    { OF_GC_REMOVE_BUCKET, "REMOVE_BUCKET" },
    { OF_GC_ADD_OR_MOD, "ADD_OR_MOD" },
};

static bool
is_bucket_command(enum of_group_cmd command)
{
    return command == OF_GC_INSERT_BUCKET || command == OF_GC_REMOVE_BUCKET;
}

static void
format_bucket_id(uint32_t id, struct buf *b)
{
    for (size_t i = 0; i < ARRAY_SIZE(bucket_names); i++) {
        if (bucket_names[i].id == id) {
            buf_put_cstr(b, bucket_names[i].name);
            return;
        }
    }
    buf_printf(b, "%" PRIu32, id);
}

void
of_group_mod_format(const struct of_group *g, uint8_t version, struct buf *b)
{
    const char *name = "UNKNOWN";
    for (size_t i = 0; i < ARRAY_SIZE(command_names); i++) {
        if (command_names[i].command == g->command) {
            name = command_names[i].name;
        }
    }
    buf_printf(b, "%s ", name);
    if (version >= OF_V15 && is_bucket_command(g->command)) {
        buf_put_cstr(b, "command_bucket_id:");
        format_bucket_id(g->command_bucket_id, b);
        buf_put_char(b, ',');
    }
    of_group_format(g, version, b);
}

void
of_group_format(const struct of_group *g, uint8_t version, struct buf *b)
{
    buf_printf(b, "group_id=%" PRIu32, g->group_id);
    /* Bucket commands leave the type alone, so it is not shown. */
    if (!is_bucket_command(g->command)) {
        buf_printf(b, ",type=%s", of_group_type_name(g->type));
    }
    if (g->props.method[0]) {
        buf_printf(b, ",selection_method=%s", g->props.method);
        if (g->props.param) {
            buf_printf(b, ",selection_method_param=%" PRIu64, g->props.param);
        }
        format_fields(&g->props, b);
    }
    for (size_t i = 0; i < g->n_buckets; i++) {
        const struct of_bucket *bk = &g->buckets[i];
        buf_put_cstr(b, ",bucket=");
        if (version >= OF_V15) {
            buf_printf(b, "bucket_id:%" PRIu32 ",", bk->bucket_id);
        }
        if (bk->weight != (g->type == OF_GT_SELECT ? 1 : 0)) {
            buf_printf(b, "weight:%u,", bk->weight);
        }
        if (bk->watch_port != OF_PORT_NONE) {
            buf_put_cstr(b, "watch_port:");
            of_port_format(b, bk->watch_port);
            buf_put_char(b, ',');
        }
        if (bk->watch_group != OF_GROUP_ANY) {
            buf_printf(b, "watch_group:%" PRIu32 ",", bk->watch_group);
        }
        buf_put_cstr(b, "actions=");
        /* Actions show as the version they came in shows them. */
        of_acts_format_view(&bk->acts, version, b);
    }
}

void
of_group_stats_format(const struct of_group_stats *s, struct buf *b)
{
    buf_printf(b, "group_id=%" PRIu32 ",", s->group_id);
    if (s->duration_sec != UINT32_MAX) {
        buf_printf(b, "duration=%" PRIu32, s->duration_sec);
        if (s->duration_nsec) {
            buf_printf(b, ".%03" PRIu32, s->duration_nsec / 1000000);
        }
        buf_put_cstr(b, "s,");
    }
    buf_printf(b,
               "ref_count=%" PRIu32 ",packet_count=%" PRIu64
               ",byte_count=%" PRIu64,
               s->ref_count, s->packets, s->bytes);
    for (size_t i = 0; i < s->n_buckets; i++) {
        buf_printf(b,
                   ",bucket%zu:packet_count=%" PRIu64 ",byte_count=%" PRIu64,
                   i, s->buckets[i].packets, s->buckets[i].bytes);
    }
}

/* OpenFlow 1.1+ action types by bit, in the order and spelling ofp-print
 * lists them in group features (Open vSwitch's own action order and
 * names; the types it does not implement, copy_ttl_in/out and PBB, are
 * not shown). */
static const struct {
    int bit;
    const char *name;
} action_bits[] = {
    { 0, "output" },      { 22, "group" },        { 25, "set_field" },
    { 18, "strip_vlan" }, { 17, "push_vlan" },    { 23, "mod_nw_ttl" },
    { 24, "dec_ttl" },    { 15, "set_mpls_ttl" }, { 16, "dec_mpls_ttl" },
    { 19, "push_mpls" },  { 20, "pop_mpls" },     { 21, "set_queue" },
};

static const char *const feature_type_names[4] = {
    "all",
    "select",
    "indirect",
    "fast failover",
};

void
of_group_features_format(const struct of_group_features *f, struct buf *b)
{
    buf_printf(b, " Group table:\n    Types:  0x%" PRIx32 "\n", f->types);
    buf_printf(b, "    Capabilities:  0x%" PRIx32 "\n", f->capabilities);
    for (int i = 0; i < 4; i++) {
        if (!(f->types & (1u << i))) {
            continue;
        }
        buf_printf(b, "    %s group:\n       max_groups=%#" PRIx32 "\n",
                   feature_type_names[i], f->max_groups[i]);
        buf_put_cstr(b, "       actions:");
        bool any = false;
        for (size_t j = 0; j < ARRAY_SIZE(action_bits); j++) {
            if (f->actions[i] & (1u << action_bits[j].bit)) {
                buf_printf(b, " %s", action_bits[j].name);
                any = true;
            }
        }
        buf_put_cstr(b, any ? "\n" : " <none>\n");
    }
}

enum of_err
of_group_msg_format(const struct of_msg *msg, struct buf *b)
{
    struct of_group g, *groups;
    struct of_group_stats *stats;
    struct of_group_features f;
    enum of_err err;
    uint32_t id;
    size_t n;

    switch (msg->type) {
    case OF_T_GROUP_MOD:
        err = of_group_mod_decode(msg, &g);
        if (!err) {
            buf_put_cstr(b, "\n ");
            of_group_mod_format(&g, msg->version, b);
            of_group_destroy(&g);
        }
        return err;
    case OF_T_GROUP_DESC_REQUEST:
    case OF_T_GROUP_STATS_REQUEST:
        err = msg->type == OF_T_GROUP_DESC_REQUEST
                  ? of_group_desc_request_decode(msg, &id)
                  : of_group_stats_request_decode(msg, &id);
        if (!err && id == OF_GROUP_ALL) {
            buf_put_cstr(b, " group_id=ALL");
        } else if (!err) {
            buf_printf(b, " group_id=%" PRIu32, id);
        }
        return err;
    case OF_T_GROUP_DESC_REPLY:
        err = of_group_desc_reply_decode(msg, &groups, &n);
        for (size_t i = 0; i < n; i++) {
            buf_put_cstr(b, "\n ");
            of_group_format(&groups[i], msg->version, b);
            of_group_destroy(&groups[i]);
        }
        free(groups);
        return err;
    case OF_T_GROUP_STATS_REPLY:
        err = of_group_stats_reply_decode(msg, &stats, &n);
        for (size_t i = 0; i < n; i++) {
            buf_put_cstr(b, "\n ");
            of_group_stats_format(&stats[i], b);
        }
        of_group_stats_free(stats, n);
        return err;
    case OF_T_GROUP_FEATURES_REPLY:
        err = of_group_features_reply_decode(msg, &f);
        if (!err) {
            buf_put_char(b, '\n');
            of_group_features_format(&f, b);
            buf_chomp(b);
        }
        return err;
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}
