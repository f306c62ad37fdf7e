/* ofctl-groups.c: nicflow-ofctl's group commands — add-group, add-groups,
 * mod-group, del-groups, insert-buckets, remove-buckets, dump-groups,
 * dump-group-stats and dump-group-features — with ovs-ofctl's arguments,
 * messages and output.
 *
 * It also holds the bundle transaction that "--bundle" uses, for group
 * mods here and for flow mods in ofctl-flows.c (ofctl_bundle_*() below;
 * their declarations belong in ofctl.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofctl/flow-text.h"
#include "ofctl/ofctl.h"
#include "ofctl/ofp-bundle.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-group.h"
#include "ofctl/ofp-print.h"

/* ---------------------------------------------------------------------
 * Bundles.
 * --------------------------------------------------------------------- */

/* The versions that can carry bundles: 1.3 (with the ONF extension) and
 * later. */
#define BUNDLE_VERSIONS (OF_VBIT(OF_V13) | OF_VBIT(OF_V14) | OF_VBIT(OF_V15))

/* Like ovs-ofctl, "--bundle" with no bundle-capable version allowed (the
 * default OpenFlow 1.0, or -O OpenFlow10) quietly allows OpenFlow 1.4,
 * and versions that cannot carry bundles are never offered. */
void
ofctl_bundle_allow_versions(void)
{
    if (!(ofctl_opts.versions & BUNDLE_VERSIONS)) {
        ofctl_opts.versions |= OF_VBIT(OF_V14);
    }
    ofctl_opts.versions &= BUNDLE_VERSIONS;
}

/* The messages of one bundle transaction that an error may refer to. */
struct bundle_sent {
    const struct buf *msgs; /* The bundled messages. */
    size_t n;
    struct buf ctrl[2]; /* The last open/commit/discard requests. */
};

/* Prints ERROR, an OFPT_ERROR received during the transaction, as
 * ovs-ofctl does: "Error NAME for: " and then the message it answers, in
 * full when it is one we sent, else as much as the error echoes. */
static void
bundle_print_error(const struct of_msg *error, const struct bundle_sent *s)
{
    struct buf out = BUF_INITIALIZER;
    const uint8_t *data;
    size_t data_len;
    uint16_t type, code;
    enum of_err err;

    if (of_error_decode(error, &err, &type, &code, &data, &data_len)) {
        fprintf(stderr, "***decode error***\n");
        return;
    }
    if (err == OF_ERR_UNKNOWN) {
        buf_printf(&out, "Error type %u code %u for: ", type, code);
    } else {
        buf_printf(&out, "Error %s for: ", of_err_name(err));
    }
    for (size_t i = 0; i < s->n + 2; i++) {
        const struct buf *m = i < s->n ? &s->msgs[i] : &s->ctrl[i - s->n];
        if (m->len >= 8 && !memcmp(m->data + 4, error->data + 4, 4)) {
            data = m->data;
            data_len = m->len;
            break;
        }
    }
    if (of_msg_format_raw(data, data_len, &out)) {
        buf_put_cstr(&out, " (truncated)");
    }
    fprintf(stderr, "%s\n", buf_cstr(&out));
    buf_destroy(&out);
}

/* Sends bundle control BC of type TYPE and waits for its reply.  Errors
 * answering earlier bundled messages are printed on the way.  Returns
 * true if the switch answered with the expected reply, false after
 * printing the error it answered with instead. */
static bool
bundle_control(struct of_vconn *vc, struct of_bundle_ctrl *bc,
               enum of_bundle_ctrl_type type, struct bundle_sent *s,
               bool *errors)
{
    struct buf *req = &s->ctrl[type == OF_BCT_OPEN_REQUEST ? 0 : 1];
    struct buf reply = BUF_INITIALIZER;
    uint32_t xid = of_next_xid();
    char *err;

    bc->type = type;
    of_bundle_ctrl_encode(bc, of_vconn_version(vc), xid, req);
    if (of_vconn_send(vc, req, &err)) {
        ofctl_fatal("%s", err);
    }
    for (;;) {
        struct of_msg m;

        if (of_vconn_recv(vc, &reply, &err)) {
            ofctl_fatal("%s", err);
        }
        if (of_msg_decode(reply.data, reply.len, &m)) {
            continue;
        }
        if (m.type == OF_T_ERROR) {
            bundle_print_error(&m, s);
            *errors = true;
            if (m.xid == xid) {
                break;
            }
        } else if (m.xid == xid) {
            struct of_bundle_ctrl r;
            bool ok = !of_bundle_ctrl_decode(&m, &r) && r.type == type + 1
                      && r.bundle_id == bc->bundle_id;
            if (!ok) {
                fprintf(stderr, "%s: unexpected reply to a bundle %s\n",
                        of_vconn_name(vc),
                        type == OF_BCT_OPEN_REQUEST ? "open" : "commit");
                *errors = true;
            }
            buf_destroy(&reply);
            return ok;
        }
    }
    buf_destroy(&reply);
    return false;
}

/* Runs the N messages MSGS (encoded for the connection's version, each
 * with its own xid) as one atomic, ordered bundle, as ovs-ofctl's
 * "--bundle" does: open, add each, commit.  On any error it prints every
 * error the switch sent, each with the message it answers, and exits. */
void
ofctl_bundle_transact(struct of_vconn *vc, const struct buf *msgs, size_t n)
{
    struct of_bundle_ctrl bc = {
        .bundle_id = 0,
        .flags = OF_BF_ATOMIC | OF_BF_ORDERED,
    };
    struct bundle_sent s = { msgs, n, { BUF_INITIALIZER, BUF_INITIALIZER } };
    bool errors = false;
    char *err;

    if (bundle_control(vc, &bc, OF_BCT_OPEN_REQUEST, &s, &errors)) {
        struct buf add = BUF_INITIALIZER;

        for (size_t i = 0; i < n; i++) {
            struct of_bundle_add ba = {
                .bundle_id = bc.bundle_id,
                .flags = bc.flags,
                .msg = msgs[i].data,
                .msg_len = msgs[i].len,
            };
            of_bundle_add_encode(&ba, of_vconn_version(vc), &add);
            if (of_vconn_send(vc, &add, &err)) {
                ofctl_fatal("%s", err);
            }
        }
        buf_destroy(&add);
        /* The switch checks the bundled messages when it commits; a
         * failing one makes the commit fail, after the error that names
         * it, and the atomic bundle leaves the switch untouched. */
        bundle_control(vc, &bc, OF_BCT_COMMIT_REQUEST, &s, &errors);
    }
    buf_destroy(&s.ctrl[0]);
    buf_destroy(&s.ctrl[1]);
    if (errors) {
        ofctl_fatal("talking to %s (%s)", of_vconn_name(vc),
                    nf_strerror(EPROTO));
    }
}

/* ---------------------------------------------------------------------
 * Connections.
 * --------------------------------------------------------------------- */

/* Groups travel in OpenFlow 1.1 and later.  (ovs-ofctl 3.1 also speaks
 * Open vSwitch's Nicira group extension of OpenFlow 1.0, which nicflow
 * does not, so here OpenFlow 1.0 alone is refused with advice.) */
#define GROUP_VERSIONS (OF_VERSIONS_SUPPORTED & ~OF_VBIT(OF_V10))

static void NF_NORETURN
needs_version(const char *what, const char *version, const char *option)
{
    ofctl_fatal("%s needs %s or later ('-O %s')", what, version, option);
}

/* Opens TARGET for the group command WHAT ("add-group", "dump-groups",
 * ...), exiting with advice if no version that carries groups is allowed
 * or agreed on. */
static struct of_vconn *
open_for_groups(const char *target, const char *what)
{
    struct of_vconn *vc;

    if (!(ofctl_opts.versions & GROUP_VERSIONS)) {
        needs_version(what, "OpenFlow 1.1", "OpenFlow13");
    }
    vc = ofctl_open(target);
    if (of_vconn_version(vc) < OF_V11) {
        ofctl_fatal("%s needs OpenFlow 1.1 or later, but %s speaks only "
                    "OpenFlow 1.0 of the versions allowed",
                    what, of_vconn_name(vc));
    }
    return vc;
}

/* ---------------------------------------------------------------------
 * Group mods.
 * --------------------------------------------------------------------- */

struct group_list {
    struct of_group *groups;
    size_t n;
};

static void
group_list_destroy(struct group_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        of_group_destroy(&l->groups[i]);
    }
    free(l->groups);
}

static struct of_group *
group_list_add(struct group_list *l)
{
    l->groups = xrealloc(l->groups, (l->n + 1) * sizeof *l->groups);
    return &l->groups[l->n++];
}

/* Parses TEXT as a group for COMMAND into a new entry of L; exits with
 * the parser's message, prefixed by WHERE ("groups.txt:3: " or ""). */
static void
parse_group(struct group_list *l, const char *text, enum of_group_cmd command,
            const char *where)
{
    char *err = of_group_parse(group_list_add(l), text, command);

    if (err) {
        l->n--;
        ofctl_fatal("%s%s", where, err);
    }
}

/* The commands a line of an add-groups file may start with, as ovs-ofctl
 * accepts them: any prefix of the keyword names it, checked in this
 * order ("mod" is "modify", "a" is "add"). */
static const struct {
    const char *keyword;
    enum of_group_cmd command;
} line_commands[] = {
    { "add", OF_GC_ADD },
    { "delete", OF_GC_DELETE },
    { "modify", OF_GC_MODIFY },
    { "add_or_mod", OF_GC_ADD_OR_MOD },
    { "insert_bucket", OF_GC_INSERT_BUCKET },
    { "remove_bucket", OF_GC_REMOVE_BUCKET },
};

/* Strips a leading command keyword from *TEXT and returns its command,
 * or OF_GC_ADD if the line starts with none. */
static enum of_group_cmd
line_command(const char **text)
{
    const char *s = *text + strspn(*text, " \t\r\n");
    size_t len = strcspn(s, ", \t\r\n");

    for (size_t i = 0; i < sizeof line_commands / sizeof *line_commands; i++) {
        const char *kw = line_commands[i].keyword;
        if (len <= strlen(kw) && !strncmp(s, kw, len)) {
            *text = s + len;
            return line_commands[i].command;
        }
    }
    *text = s;
    return OF_GC_ADD;
}

/* Reads every group of FILE ("-": stdin).  For add-groups (COMMAND
 * OF_GC_ADD) each line may name its own command; otherwise every line is
 * a COMMAND. */
static void
read_group_file(struct group_list *l, const char *file,
                enum of_group_cmd command)
{
    char *text = ofctl_read_file(file);
    const char *pos = text;
    struct buf line = BUF_INITIALIZER;
    int line_no = 0;

    while (of_flow_next_line(&pos, &line, &line_no)) {
        const char *s = buf_cstr(&line);
        enum of_group_cmd cmd = command;
        char *where = xasprintf("%s:%d: ", file, line_no);

        if (command == OF_GC_ADD) {
            cmd = line_command(&s);
        }
        parse_group(l, s, cmd, where);
        free(where);
    }
    buf_destroy(&line);
    free(text);
}

/* The name ovs-ofctl uses for a command in its version complaints. */
static const char *
group_cmd_name(enum of_group_cmd command)
{
    switch (command) {
    case OF_GC_INSERT_BUCKET:
        return "insert-bucket";
    case OF_GC_REMOVE_BUCKET:
        return "remove-bucket";
    case OF_GC_ADD:
    case OF_GC_MODIFY:
    case OF_GC_DELETE:
    case OF_GC_ADD_OR_MOD:
    default:
        return "group-mod";
    }
}

/* Sends the groups of L to TARGET as group mods: each followed by a
 * barrier, so that the first one the switch refuses stops the rest, as
 * in ovs-ofctl; or, with --bundle, all in one atomic bundle. */
static void
send_group_mods(const char *target, struct group_list *l, const char *what)
{
    struct of_vconn *vc;
    struct buf *msgs;
    uint8_t version;

    if (ofctl_opts.bundle) {
        ofctl_bundle_allow_versions();
    }
    vc = open_for_groups(target, what);
    version = of_vconn_version(vc);

    msgs = xcalloc(l->n ? l->n : 1, sizeof *msgs);
    for (size_t i = 0; i < l->n; i++) {
        const struct of_group *g = &l->groups[i];
        enum of_err err =
            of_group_mod_encode(g, version, of_next_xid(), &msgs[i]);

        if (err == OF_ERR_OFPGMFC_BAD_COMMAND && version < OF_V15) {
            needs_version(group_cmd_name(g->command), "OpenFlow 1.5",
                          "OpenFlow15");
        } else if (err) {
            ofctl_fatal("group %" PRIu32 " cannot be encoded in %s: %s",
                        g->group_id, of_version_name(version),
                        of_err_what(err));
        }
    }
    if (ofctl_opts.bundle) {
        ofctl_bundle_transact(vc, msgs, l->n);
    } else {
        for (size_t i = 0; i < l->n; i++) {
            ofctl_transact_noreply(vc, &msgs[i], 1);
        }
    }
    for (size_t i = 0; i < l->n; i++) {
        buf_destroy(&msgs[i]);
    }
    free(msgs);
    of_vconn_close(vc);
}

/* The group-mod commands: "-" as the group reads groups from stdin, as
 * in ovs-ofctl; del-groups without a group deletes them all. */
static void
group_mod(int argc, char *argv[], enum of_group_cmd command)
{
    struct group_list l = { 0 };

    if (argc > 2 && !strcmp(argv[2], "-")) {
        read_group_file(&l, "-", command);
    } else {
        parse_group(&l, argc > 2 ? argv[2] : "", command, "");
    }
    send_group_mods(argv[1], &l, argv[0]);
    group_list_destroy(&l);
}

static void
cmd_add_group(int argc, char *argv[])
{
    group_mod(argc, argv, OF_GC_ADD);
}

static void
cmd_add_groups(int argc NF_UNUSED, char *argv[])
{
    struct group_list l = { 0 };

    read_group_file(&l, argv[2], OF_GC_ADD);
    send_group_mods(argv[1], &l, argv[0]);
    group_list_destroy(&l);
}

static void
cmd_mod_group(int argc, char *argv[])
{
    /* --may-create: Open vSwitch's add-or-modify command. */
    group_mod(argc, argv,
              ofctl_opts.may_create ? OF_GC_ADD_OR_MOD : OF_GC_MODIFY);
}

static void
cmd_del_groups(int argc, char *argv[])
{
    group_mod(argc, argv, OF_GC_DELETE);
}

static void
cmd_insert_buckets(int argc, char *argv[])
{
    group_mod(argc, argv, OF_GC_INSERT_BUCKET);
}

static void
cmd_remove_buckets(int argc, char *argv[])
{
    group_mod(argc, argv, OF_GC_REMOVE_BUCKET);
}

/* ---------------------------------------------------------------------
 * Dumps.
 * --------------------------------------------------------------------- */

/* Sends REQUEST on VC and prints every reply as ovs-ofctl does, with its
 * header line and its body as "ovs-ofctl ofp-print" shows it. */
static void
dump_transaction(struct of_vconn *vc, const struct buf *request)
{
    struct buf *replies;
    size_t n;

    ofctl_transact(vc, request, &replies, &n);
    for (size_t i = 0; i < n; i++) {
        struct buf out = BUF_INITIALIZER;
        enum of_err err =
            of_msg_format_raw(replies[i].data, replies[i].len, &out);

        fputs(buf_cstr(&out), stdout);
        putchar('\n');
        buf_destroy(&out);
        if (err) {
            ofctl_fatal("bad reply from switch: %s", of_err_name(err));
        }
    }
    of_vconn_free_replies(replies, n);
}

/* dump-groups takes a bare group id ("1", "all", "any"); like ovs-ofctl,
 * anything else dumps every group, after a warning. */
static uint32_t
parse_group_id(const char *s)
{
    char *end;
    unsigned long long id;

    if (!strcasecmp(s, "all")) {
        return OF_GROUP_ALL;
    } else if (!strcasecmp(s, "any")) {
        return OF_GROUP_ANY;
    }
    errno = 0;
    id = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || id > UINT32_MAX) {
        fprintf(stderr,
                "%s: %s is not a valid group ID (valid group IDs are 32-bit "
                "nonnegative integers or the keywords ANY or ALL); dumping "
                "all groups\n",
                nf_program_name, s);
        return OF_GROUP_ALL;
    }
    return id;
}

static void
cmd_dump_groups(int argc, char *argv[])
{
    uint32_t id = argc > 2 ? parse_group_id(argv[2]) : OF_GROUP_ALL;
    struct of_vconn *vc = open_for_groups(argv[1], "dump-groups");
    struct buf req = BUF_INITIALIZER;

    of_group_desc_request_encode(id, of_vconn_version(vc), of_next_xid(),
                                 &req);
    dump_transaction(vc, &req);
    buf_destroy(&req);
    of_vconn_close(vc);
}

static void
cmd_dump_group_stats(int argc, char *argv[])
{
    struct group_list l = { 0 };
    struct of_vconn *vc;
    struct buf req = BUF_INITIALIZER;

    /* The group is given as del-groups takes it ("group_id=1"), as in
     * ovs-ofctl; none means all groups. */
    parse_group(&l, argc > 2 ? argv[2] : "", OF_GC_DELETE, "");
    vc = open_for_groups(argv[1], "dump-group-stats");
    of_group_stats_request_encode(l.groups[0].group_id, of_vconn_version(vc),
                                  of_next_xid(), &req);
    dump_transaction(vc, &req);
    buf_destroy(&req);
    of_vconn_close(vc);
    group_list_destroy(&l);
}

static void
cmd_dump_group_features(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = open_for_groups(argv[1], "dump-group-features");
    struct buf req = BUF_INITIALIZER;

    of_msg_start(&req, OF_T_GROUP_FEATURES_REQUEST, of_vconn_version(vc),
                 of_next_xid());
    of_msg_finish(&req);
    dump_transaction(vc, &req);
    buf_destroy(&req);
    of_vconn_close(vc);
}

const struct ofctl_command ofctl_group_commands[] = {
    { "add-group", "SWITCH GROUP        add group described by GROUP", 1, 2,
      cmd_add_group },
    { "add-groups", "SWITCH FILE        add group from FILE", 2, 2,
      cmd_add_groups },
    { "mod-group", "SWITCH GROUP        modify specific group", 1, 2,
      cmd_mod_group },
    { "del-groups", "SWITCH [GROUP]     delete matching GROUPs", 1, 2,
      cmd_del_groups },
    { "insert-buckets", "SWITCH [GROUP] add buckets to GROUP", 1, 2,
      cmd_insert_buckets },
    { "remove-buckets", "SWITCH [GROUP] remove buckets from GROUP", 1, 2,
      cmd_remove_buckets },
    { "dump-groups", "SWITCH [GROUP]    print group description", 1, 2,
      cmd_dump_groups },
    { "dump-group-stats", "SWITCH [GROUP]  print group statistics", 1, 2,
      cmd_dump_group_stats },
    { "dump-group-features", "SWITCH   print group features", 1, 1,
      cmd_dump_group_features },
    { NULL, NULL, 0, 0, NULL },
};
