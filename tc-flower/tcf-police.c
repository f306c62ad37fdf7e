/* tcf-police.c: datapath meters as shared police actions (tcf-police.h).
 *
 * The registry holds one entry per datapath meter the provider knows of
 * and per police action of ours in the kernel:
 *   known      the manager has the meter (meter_set() with a meter);
 *   wanted     the meter can be a police action and should have one;
 *   in_kernel  our police action is at its index (as far as we know);
 *   leftover   found at start-up, not claimed by a meter_set() yet.
 *   users      installed filters of ours that bind it.
 * An action in the kernel that is not wanted (the meter was deleted or
 * became one we cannot carry, or an earlier run's that nobody claimed) is
 * deleted once no filter of ours binds it: at once when its last filter
 * goes (with short waits for the kernel's RCU grace period, after which
 * a deleted filter lets go of its actions); a refusal otherwise (EPERM:
 * a filter we do not count still binds it, an earlier run's not
 * reconciled yet) is retried by tcf_police_sweep() from the flow calls,
 * at most once a second. */
#include "tc-flower/tcf-police.h"

#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-nl.h"
#include "tc-flower/tcf-private.h"

VLOG_DEFINE_THIS_MODULE(tcf_police);

COVERAGE_DEFINE(tcf_police_set);
COVERAGE_DEFINE(tcf_police_del);
COVERAGE_DEFINE(tcf_police_busy);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

#define RETRY_MS 1000

struct police {
    struct hmap_node node; /* In 'registry', by dp_meter. */
    uint32_t dp_meter;
    bool known, wanted, in_kernel, leftover;
    unsigned users;           /* Installed filters that bind it. */
    struct tcf_action action; /* As last put into the kernel. */
    char why[200];            /* Why not wanted, for refusals. */
    long long retry_at;       /* Of a pending deletion. */
};

/* tcf_state.mutex guards the registry and 'claim_open'. */
static struct hmap registry = HMAP_INITIALIZER;
static bool claim_open;
/* Entries that are in the kernel and not wanted: a sweep has work. */
static atomic_uint n_pending;
/* Serialises netlink work on police actions. */
static pthread_mutex_t io_mutex = PTHREAD_MUTEX_INITIALIZER;

bool
tcf_police_index_is_ours(uint32_t index)
{
    return index >= TCF_POLICE_BASE && index <= TCF_POLICE_LAST;
}

int
tcf_police_from_meter(uint32_t dp_meter, const struct offload_meter *m,
                      struct tcf_action *a, char *why, size_t size)
{
    if (m->n_bands != 1) {
        snprintf(why, size, "%" PRIu32 " bands (a police action has one rate)",
                 m->n_bands);
        return EOPNOTSUPP;
    }
    if (!m->rate) {
        snprintf(why, size, "a rate of 0");
        return EOPNOTSUPP;
    }
    if (dp_meter > TCF_POLICE_LAST - TCF_POLICE_BASE) {
        snprintf(why, size, "meter id beyond the police index range");
        return EOPNOTSUPP;
    }
    memset(a, 0, sizeof *a);
    a->type = TCF_A_POLICE;
    strcpy(a->kind, "police");
    a->verdict = TC_ACT_SHOT; /* Exceed. */
    struct tcf_police_parms *p = &a->police;
    p->index = TCF_POLICE_BASE + dp_meter;
    p->conform = TC_ACT_PIPE;
    p->mtu = TCF_POLICE_MTU;
    uint64_t burst = m->burst ? m->burst : m->rate;
    if (m->pktps) {
        p->pkt_rate = m->rate;
        /* The kernel wants at least 1 (its policy's minimum). */
        p->pkt_burst = NF_MAX(tcf_police_ticks(m->rate, burst), 1);
    } else {
        p->rate = (uint64_t) m->rate * 1000 / 8;
        p->cell_log = TCF_POLICE_CELL_LOG;
        /* tc_police.burst is 32 bits of ticks: about 274 s at the rate. */
        p->burst = NF_MIN(tcf_police_ticks(p->rate, burst * 1000 / 8),
                          (uint64_t) UINT32_MAX);
    }
    return 0;
}

/* The registry (tcf_state.mutex held). */

static struct police *
find(uint32_t dp_meter)
{
    struct police *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, hash_int(dp_meter, 0), &registry) {
        if (p->dp_meter == dp_meter) {
            return p;
        }
    }
    return NULL;
}

static struct police *
find_or_add(uint32_t dp_meter)
{
    struct police *p = find(dp_meter);

    if (!p) {
        p = xzalloc(sizeof *p);
        p->dp_meter = dp_meter;
        hmap_insert(&registry, &p->node, hash_int(dp_meter, 0));
    }
    return p;
}

static bool
pending(const struct police *p)
{
    return p->in_kernel && !p->wanted;
}

/* Recounts 'n_pending' and frees entries nothing refers to any more. */
static void
tidy(void)
{
    struct police *p;
    unsigned n = 0;

    HMAP_FOR_EACH_SAFE (p, node, &registry) {
        if (!p->known && !p->in_kernel && !p->users) {
            hmap_remove(&registry, &p->node);
            free(p);
        } else {
            n += pending(p);
        }
    }
    atomic_store(&n_pending, n);
}

void
tcf_police_note(uint32_t dp_meter, const struct tcf_action *a, const char *why)
{
    pthread_mutex_lock(&tcf_state.mutex);
    struct police *p = find_or_add(dp_meter);
    p->known = true;
    p->leftover = false;
    if (a) {
        p->action = *a;
        p->wanted = p->in_kernel = true;
        p->why[0] = '\0';
    } else {
        p->wanted = false;
        snprintf(p->why, sizeof p->why, "%s", why ? why : "");
    }
    tidy();
    pthread_mutex_unlock(&tcf_state.mutex);
}

int
tcf_police_bind(uint32_t dp_meter, struct tcf_action *a,
                struct offload_reason *why)
{
    char reason[sizeof((struct police *) 0)->why];
    bool ok = false;

    pthread_mutex_lock(&tcf_state.mutex);
    const struct police *p = find(dp_meter);
    if (!p || !p->known) {
        snprintf(reason, sizeof reason, "no such meter");
    } else if (!p->wanted || !p->in_kernel) {
        snprintf(reason, sizeof reason, "%s", p->why);
    } else {
        memset(a, 0, sizeof *a);
        a->type = TCF_A_POLICE;
        strcpy(a->kind, "police");
        a->verdict = p->action.verdict;
        a->police.index = p->action.police.index;
        a->police.conform = p->action.police.conform;
        a->police.bind = true;
        ok = true;
    }
    pthread_mutex_unlock(&tcf_state.mutex);
    if (!ok) {
        tcf_reason(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "meter %" PRIu32 " has no police action: %s", dp_meter,
                   reason);
        return EOPNOTSUPP;
    }
    return 0;
}

size_t
tcf_police_meters(const struct tcf_filter *f, uint32_t *dp_meters)
{
    size_t n = 0;

    for (size_t i = 0; i < f->n_actions && i < TCF_MAX_ACTIONS; i++) {
        const struct tcf_action *a = &f->actions[i];
        if (a->type == TCF_A_POLICE
            && tcf_police_index_is_ours(a->police.index)
            && n < TCF_POLICE_MAX_PER_FLOW) {
            dp_meters[n++] = a->police.index - TCF_POLICE_BASE;
        }
    }
    return n;
}

void
tcf_police_ref_locked(const uint32_t *dp_meters, size_t n, int delta)
{
    for (size_t i = 0; i < n; i++) {
        struct police *p =
            delta > 0 ? find_or_add(dp_meters[i]) : find(dp_meters[i]);
        if (!p) {
            continue;
        }
        p->users =
            delta > 0 || p->users >= (unsigned) -delta ? p->users + delta : 0;
        if (!p->users && pending(p)) {
            /* The last filter went: its deletion is due now. */
            p->retry_at = 0;
        }
    }
    tidy();
}

/* Netlink (io_mutex held, tcf_state.mutex not). */

static void
ack_text(char *buf, size_t size, const struct tcf_ack *ack)
{
    /* The kernel's text is cut short to fit a reason. */
    snprintf(buf, size, "kernel: %s: %.150s", tcf_errno_name(ack->error),
             ack->msg[0] ? ack->msg : nf_strerror(ack->error));
}

struct echo_aux {
    struct tcf_action got;
    bool echoed;
    bool malformed;
};

static void
echo_cb(const struct nlmsghdr *nlh, void *aux_)
{
    struct echo_aux *aux = aux_;
    size_t n = 0;

    if (nlh->nlmsg_type != RTM_NEWACTION || aux->echoed) {
        return;
    }
    if (tcf_msg_parse_actions(nlh, &aux->got, 1, &n) || n != 1) {
        aux->malformed = true;
    } else {
        aux->echoed = true;
    }
}

/* Creates or replaces the police action A.  Returns 0, or an errno with
 * the reason in WHY. */
static int
put_action(struct tcf_nl *nl, const struct tcf_action *a, char *why,
           size_t size)
{
    uint8_t buf[2048];
    struct echo_aux aux;
    struct tcf_ack ack;
    int error;

    COVERAGE_INC(tcf_police_set);
    if (!nl) {
        snprintf(why, size, "no rtnetlink socket");
        return ENOTCONN;
    }
    if (!tcf_msg_new_action(buf, sizeof buf, 0, NLM_F_CREATE | NLM_F_REPLACE,
                            a)) {
        snprintf(why, size, "request too large");
        return EMSGSIZE;
    }
    memset(&aux, 0, sizeof aux);
    error = tcf_nl_request(nl, (struct nlmsghdr *) buf, echo_cb, &aux, &ack);
    if (error) {
        ack_text(why, size, &ack);
        return error;
    }
    /* Compared as a filter compares its actions: every parameter. */
    struct tcf_filter *want = xzalloc(2 * sizeof *want);
    struct tcf_filter *got = want + 1;
    char what[64] = "no echo";
    want->n_actions = got->n_actions = 1;
    want->actions[0] = *a;
    got->actions[0] = aux.got;
    bool same = aux.echoed && tcf_filter_agrees(want, got, what, sizeof what);
    free(want);
    if (!same) {
        snprintf(why, size,
                 "the kernel's police action differs from the "
                 "request: %s",
                 aux.malformed ? "malformed echo" : what);
        return EPROTO;
    }
    return 0;
}

/* Deletes our police action at INDEX.  ENOENT (gone already) counts as
 * done. */
static int
del_action(struct tcf_nl *nl, uint32_t index, struct tcf_ack *ack)
{
    uint8_t buf[256];
    int error;

    COVERAGE_INC(tcf_police_del);
    memset(ack, 0, sizeof *ack);
    if (!nl) {
        return ENOTCONN;
    }
    if (!tcf_msg_del_action(buf, sizeof buf, 0, "police", index)) {
        return EMSGSIZE;
    }
    error = tcf_nl_request(nl, (struct nlmsghdr *) buf, NULL, NULL, ack);
    return error == ENOENT ? 0 : error;
}

/* Tries to delete every pending action that no filter of ours binds and
 * whose time has come (all of them if FORCE); SETTLE: filters were just
 * deleted, see below.  io_mutex held. */
static void
delete_pending(struct tcf_nl *nl, bool force, bool quiet, bool settle)
{
    long long now = nf_time_msec();
    uint32_t *meters = NULL;
    size_t n = 0;

    pthread_mutex_lock(&tcf_state.mutex);
    if (atomic_load(&n_pending)) {
        struct police *p;
        meters = xcalloc(hmap_count(&registry), sizeof *meters);
        HMAP_FOR_EACH (p, node, &registry) {
            if (pending(p) && !p->users && (force || p->retry_at <= now)
                && !(p->leftover && claim_open)) {
                meters[n++] = p->dp_meter;
            }
        }
    }
    pthread_mutex_unlock(&tcf_state.mutex);

    for (size_t i = 0; i < n; i++) {
        struct tcf_ack ack;
        int error = del_action(nl, TCF_POLICE_BASE + meters[i], &ack);

        /* A filter just deleted lets go of its actions only after an RCU
         * grace period (cls_flower frees filters from RCU work): a
         * refusal then is worth a few short waits. */
        for (int wait_ms = 5;
             settle && (error == EPERM || error == EBUSY) && wait_ms <= 160;
             wait_ms *= 2) {
            struct timespec ts = { 0, wait_ms * 1000000L };
            nanosleep(&ts, NULL);
            error = del_action(nl, TCF_POLICE_BASE + meters[i], &ack);
        }

        pthread_mutex_lock(&tcf_state.mutex);
        struct police *p = find(meters[i]);
        if (p && pending(p)) {
            if (!error) {
                p->in_kernel = false;
                p->leftover = false;
            } else {
                p->retry_at = now + RETRY_MS;
            }
        }
        pthread_mutex_unlock(&tcf_state.mutex);
        if (error == EPERM || error == EBUSY) {
            /* Filters still bind to it: the manager removes them after
             * the meter (its flows go when revalidated). */
            COVERAGE_INC(tcf_police_busy);
            if (!quiet) {
                VLOG_INFO_RL(&rl,
                             "police index %#" PRIx32 " (meter %" PRIu32
                             ") still in use; deleting it again later",
                             TCF_POLICE_BASE + meters[i], meters[i]);
            }
        } else if (error && !quiet) {
            VLOG_WARN_RL(&rl,
                         "cannot delete police index %#" PRIx32
                         " (meter %" PRIu32 "): %s: %s",
                         TCF_POLICE_BASE + meters[i], meters[i],
                         tcf_errno_name(error),
                         ack.msg[0] ? ack.msg : nf_strerror(error));
        }
    }
    free(meters);
    pthread_mutex_lock(&tcf_state.mutex);
    tidy();
    pthread_mutex_unlock(&tcf_state.mutex);
}

void
tcf_police_meter_set(uint32_t dp_meter, const struct offload_meter *m)
{
    char why[sizeof((struct police *) 0)->why] = "";
    struct tcf_action a;
    int error = 0;

    pthread_mutex_lock(&io_mutex);
    if (!m) {
        pthread_mutex_lock(&tcf_state.mutex);
        struct police *p = find(dp_meter);
        if (p) {
            p->known = p->wanted = false;
            p->leftover = false;
            p->retry_at = 0;
            snprintf(p->why, sizeof p->why, "no such meter");
        }
        tidy();
        pthread_mutex_unlock(&tcf_state.mutex);
        delete_pending(tcf_state.main_nl, false, false, false);
        pthread_mutex_unlock(&io_mutex);
        return;
    }

    error = tcf_police_from_meter(dp_meter, m, &a, why, sizeof why);
    if (!error) {
        error = put_action(tcf_state.main_nl, &a, why, sizeof why);
        if (error == EPROTO) {
            /* In the kernel, but not as asked: deleted as unwanted. */
            pthread_mutex_lock(&tcf_state.mutex);
            find_or_add(dp_meter)->in_kernel = true;
            pthread_mutex_unlock(&tcf_state.mutex);
        }
    }
    if (error) {
        VLOG_WARN_RL(&rl, "meter %" PRIu32 " cannot be a police action: %s",
                     dp_meter, why);
    }
    tcf_police_note(dp_meter, error ? NULL : &a, why);
    if (error) {
        /* An action an earlier rate made is not what the meter says any
         * more. */
        delete_pending(tcf_state.main_nl, false, false, false);
    }
    pthread_mutex_unlock(&io_mutex);
}

/* Start-up. */

static void
leftover_cb(const struct nlmsghdr *nlh, void *aux)
{
    struct tcf_action acts[TCF_MAX_ACTIONS];
    size_t n = 0;

    (void) aux;
    if (nlh->nlmsg_type != RTM_GETACTION && nlh->nlmsg_type != RTM_NEWACTION) {
        return;
    }
    if (tcf_msg_parse_actions(nlh, acts, ARRAY_SIZE(acts), &n)) {
        VLOG_WARN_RL(&rl, "skipping a malformed police action dump message");
        return;
    }
    pthread_mutex_lock(&tcf_state.mutex);
    for (size_t i = 0; i < n; i++) {
        if (acts[i].type != TCF_A_POLICE
            || !tcf_police_index_is_ours(acts[i].police.index)) {
            continue;
        }
        struct police *p = find_or_add(acts[i].police.index - TCF_POLICE_BASE);
        if (!p->in_kernel) {
            p->in_kernel = true;
            p->leftover = !p->known;
            p->action = acts[i];
        }
    }
    tidy();
    pthread_mutex_unlock(&tcf_state.mutex);
}

void
tcf_police_start(struct tcf_nl *nl)
{
    uint8_t buf[256];
    struct tcf_ack ack;
    int error;

    if (!nl || !tcf_msg_dump_actions(buf, sizeof buf, 0, "police")) {
        return;
    }
    pthread_mutex_lock(&io_mutex);
    pthread_mutex_lock(&tcf_state.mutex);
    claim_open = true;
    pthread_mutex_unlock(&tcf_state.mutex);
    error =
        tcf_nl_request(nl, (struct nlmsghdr *) buf, leftover_cb, NULL, &ack);
    if (error && error != ENOENT && error != EINVAL) {
        /* ENOENT/EINVAL: no act_police (module not loaded yet). */
        VLOG_WARN_RL(&rl, "cannot list police actions: %s: %s",
                     tcf_errno_name(error),
                     ack.msg[0] ? ack.msg : nf_strerror(error));
    }
    pthread_mutex_lock(&tcf_state.mutex);
    size_t n = 0;
    struct police *p;
    HMAP_FOR_EACH (p, node, &registry) {
        n += p->leftover;
    }
    pthread_mutex_unlock(&tcf_state.mutex);
    if (n) {
        VLOG_INFO("%zu police actions of an earlier run: replaced by the "
                  "meters that still exist, the others removed",
                  n);
    }
    pthread_mutex_unlock(&io_mutex);
}

void
tcf_police_sweep(struct tcf_nl *nl, bool now)
{
    bool was_open;

    pthread_mutex_lock(&tcf_state.mutex);
    was_open = claim_open;
    claim_open = false;
    pthread_mutex_unlock(&tcf_state.mutex);
    if ((!atomic_load(&n_pending) && !was_open) || !nl) {
        return;
    }
    if (!pthread_mutex_trylock(&io_mutex)) {
        delete_pending(nl, was_open || now, false, now);
        pthread_mutex_unlock(&io_mutex);
    }
}

void
tcf_police_remove_all(struct tcf_nl *nl, bool forget)
{
    struct police *p;

    pthread_mutex_lock(&io_mutex);
    pthread_mutex_lock(&tcf_state.mutex);
    claim_open = false;
    HMAP_FOR_EACH (p, node, &registry) {
        if (p->wanted) {
            p->wanted = false;
            snprintf(p->why, sizeof p->why, "police actions removed (flush)");
        }
    }
    tidy();
    pthread_mutex_unlock(&tcf_state.mutex);
    /* On destroy() without flush(), filters left in place keep theirs
     * (EPERM): quiet. */
    delete_pending(nl, true, forget, !forget);
    if (forget) {
        pthread_mutex_lock(&tcf_state.mutex);
        HMAP_FOR_EACH_SAFE (p, node, &registry) {
            hmap_remove(&registry, &p->node);
            free(p);
        }
        atomic_store(&n_pending, 0);
        pthread_mutex_unlock(&tcf_state.mutex);
    }
    pthread_mutex_unlock(&io_mutex);
}
