/* ofctl.h: internals of the nicflow-ofctl program (ofctl/ofctl-*.c),
 * shared between its command files.  Not part of libofctl. */
#ifndef NICFLOW_OFCTL_OFCTL_H
#define NICFLOW_OFCTL_OFCTL_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp.h"
#include "ofctl/vconn.h"

/* Options common to all commands. */
struct ofctl_opts {
    uint32_t versions; /* -O: allowed OpenFlow versions (bitmap). */
    bool strict;       /* --strict. */
    bool no_stats;     /* --no-stats. */
    bool names;        /* --names. */
    bool bundle;       /* --bundle. */
    bool readd;        /* --readd (replace-flows). */
    bool may_create;   /* --may-create (mod-group). */
    int timeout_ms;    /* -t/--timeout, -1: none. */
    int more;          /* -m/--more. */
    bool timestamp;    /* --timestamp (monitor, snoop). */
    /* --sort/--rsort: fields, in order (NULL name: by priority). */
    struct ofctl_sort {
        const char *field;
        bool descending;
    } sort[8];
    int n_sort;
};
extern struct ofctl_opts ofctl_opts;

/* Prints "nicflow-ofctl: MESSAGE" on stderr and exits with status 1. */
void ofctl_fatal(const char *fmt, ...) NF_PRINTF(1, 2) NF_NORETURN;

/* Opens TARGET with the allowed versions; exits on failure. */
struct of_vconn *ofctl_open(const char *target);

/* Sends REQUEST and returns its replies; exits on failure, printing the
 * error as ovs-ofctl does. */
void ofctl_transact(struct of_vconn *, const struct buf *request,
                    struct buf **replies, size_t *n);

/* Sends the N messages and a barrier; exits on an error reply. */
void ofctl_transact_noreply(struct of_vconn *, const struct buf *msgs,
                            size_t n);

/* Chooses the protocol for messages whose usable protocols are USABLE
 * (a set of OF_PROTO_*) on VC and, in OpenFlow 1.0, switches the
 * connection to it as ovs-ofctl does before a flow-mod (ofctl-flows.c);
 * exits if no allowed version can carry them. */
enum of_protocol ofctl_set_protocol(struct of_vconn *, unsigned usable);

/* --bundle (ofctl-groups.c): widens the allowed versions to those that
 * carry bundles, as ovs-ofctl does, before a connection is opened. */
void ofctl_bundle_allow_versions(void);

/* Sends the N messages in one atomic, ordered bundle (OpenFlow 1.4+, or
 * the ONF extension in 1.3) and commits it; exits printing the switch's
 * errors, as ovs-ofctl does, if anything fails. */
void ofctl_bundle_transact(struct of_vconn *, const struct buf *msgs,
                           size_t n);

/* Like ovs-ofctl, flow text may name ports by their names: this asks
 * TARGET for its ports (on a connection of its own) and puts their names
 * in use for parsing, and for printing until ofctl_unload_port_names()
 * (called before output unless --names was given). */
void ofctl_load_port_names(const char *target);
void ofctl_unload_port_names(void);

/* Reads the whole of FILE ("-": standard input); exits on failure. */
char *ofctl_read_file(const char *file);

/* Calls FN(flow, AUX) for every flow line of TEXT (read from FILE, named
 * in errors), parsed for CMD (an enum of_flow_cmd); the flow is valid
 * only during the call.  Exits on a syntax error.  With NOTICES, prints
 * which fields were dropped for missing prerequisites. */
struct of_flow;
void ofctl_for_each_flow(const char *file, const char *text, int cmd,
                         bool notices, void (*fn)(struct of_flow *, void *aux),
                         void *aux);

/* A command: NAME, argument counts, handler (ARGV[0] is the name). */
struct ofctl_command {
    const char *name;
    const char *usage;
    int min_args, max_args;
    void (*handler)(int argc, char *argv[]);
};

/* Command tables of the command files, each ended by a NULL name. */
extern const struct ofctl_command ofctl_flow_commands[];
extern const struct ofctl_command ofctl_dev_commands[];
extern const struct ofctl_command ofctl_switch_commands[];
extern const struct ofctl_command ofctl_group_commands[];
extern const struct ofctl_command ofctl_meter_commands[];
/* add-tlv-map, del-tlv-map, dump-tlv-map (ofctl-tlv.c). */
extern const struct ofctl_command ofctl_tlv_commands[];

#endif /* NICFLOW_OFCTL_OFCTL_H */
