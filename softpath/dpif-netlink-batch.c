/* dpif-netlink-batch.c: several requests to openvswitch.ko in one
 * datagram, and their answers matched back to them by sequence number
 * (see dpif-netlink-msg.h).  No socket here: dpif-netlink.c sends and
 * reads; the unit test feeds hand-built answers. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "softpath/dpif-netlink-msg.h"

void
dpif_netlink_batch_init(struct dpif_netlink_batch *b)
{
    memset(b, 0, sizeof *b);
    buf_init(&b->msgs);
}

void
dpif_netlink_batch_clear(struct dpif_netlink_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->items[i].ext_msg);
    }
    buf_clear(&b->msgs);
    b->n = 0;
    b->n_pending = 0;
}

void
dpif_netlink_batch_destroy(struct dpif_netlink_batch *b)
{
    dpif_netlink_batch_clear(b);
    buf_destroy(&b->msgs);
    free(b->items);
    b->items = NULL;
    b->allocated = 0;
}

void *
dpif_netlink_batch_reserve(struct dpif_netlink_batch *b, size_t size)
{
    /* Requests start 4-byte aligned, as netlink wants them in a
     * datagram; builders' lengths already are. */
    size_t pad = MNL_ALIGN(b->msgs.len) - b->msgs.len;
    if (pad) {
        buf_put_zeros(&b->msgs, pad);
    }
    return buf_reserve(&b->msgs, size);
}

size_t
dpif_netlink_batch_commit(struct dpif_netlink_batch *b, size_t len)
{
    if (!len) {
        return SIZE_MAX;
    }
    if (b->n == b->allocated) {
        b->allocated = b->allocated ? 2 * b->allocated : 16;
        b->items = xrealloc(b->items, b->allocated * sizeof *b->items);
    }
    struct dpif_netlink_batch_item *it = &b->items[b->n];
    const struct nlmsghdr *nlh = (const void *) (b->msgs.data + b->msgs.len);

    memset(it, 0, sizeof *it);
    it->ofs = b->msgs.len;
    it->len = len;
    it->ack = nlh->nlmsg_flags & NLM_F_ACK;
    buf_put_uninit(&b->msgs, len);
    return b->n++;
}

void
dpif_netlink_batch_start(struct dpif_netlink_batch *b, uint32_t first_seq)
{
    b->first_seq = first_seq;
    for (size_t i = 0; i < b->n; i++) {
        struct dpif_netlink_batch_item *it = &b->items[i];
        struct nlmsghdr *nlh = (void *) (b->msgs.data + it->ofs);

        nlh->nlmsg_seq = first_seq + (uint32_t) i;
        if (it->quiet) {
            nlh->nlmsg_flags |= NLM_F_ACK; /* As it was added. */
        }
        free(it->ext_msg);
        it->ext_msg = NULL;
        it->done = it->quiet = it->implied = false;
        it->error = it->cb_error = 0;
    }
    b->n_pending = b->n;
}

static void
item_done(struct dpif_netlink_batch *b, struct dpif_netlink_batch_item *it,
          int error)
{
    it->done = true;
    it->error = error ? error : it->cb_error;
    b->n_pending--;
}

void
dpif_netlink_batch_quiet(struct dpif_netlink_batch *b, size_t first,
                         size_t end)
{
    for (size_t i = first; i + 1 < end && i < b->n; i++) {
        struct dpif_netlink_batch_item *it = &b->items[i];
        struct nlmsghdr *nlh = (void *) (b->msgs.data + it->ofs);

        if (!it->done && it->ack && !(nlh->nlmsg_flags & NLM_F_ECHO)) {
            nlh->nlmsg_flags &= (uint16_t) ~NLM_F_ACK;
            it->quiet = true;
        }
    }
}

/* An answer to item IDX came: the quiet items before it that are still
 * pending were run without an error. */
static void
imply_quiet_before(struct dpif_netlink_batch *b, size_t idx)
{
    for (size_t i = idx; i-- > 0;) {
        struct dpif_netlink_batch_item *it = &b->items[i];

        if (it->quiet && !it->done) {
            it->implied = true;
            item_done(b, it, 0);
        } else if (!it->quiet) {
            /* Quiet items are only ever directly before a datagram's
             * last request; earlier datagrams were read to their end. */
            break;
        }
    }
}

/* The pending item that a message of sequence number SEQ answers, or
 * NULL. */
static struct dpif_netlink_batch_item *
pending_item(struct dpif_netlink_batch *b, uint32_t seq)
{
    /* Unsigned arithmetic: wraps around as the numbers do. */
    uint32_t idx = seq - b->first_seq;

    if (idx >= b->n || b->items[idx].done) {
        return NULL;
    }
    return &b->items[idx];
}

void
dpif_netlink_batch_feed(struct dpif_netlink_batch *b, const void *data,
                        size_t len, bool trunc, dpif_netlink_batch_cb *cb,
                        void *aux)
{
    const char *p = data;

    while (len >= sizeof(struct nlmsghdr)) {
        const struct nlmsghdr *m = (const void *) p;
        struct dpif_netlink_batch_item *it = pending_item(b, m->nlmsg_seq);

        if (m->nlmsg_len < sizeof *m || m->nlmsg_len > len) {
            /* The rest of the datagram is unusable: cut short by the
             * socket, or malformed. */
            if (it) {
                imply_quiet_before(b, (size_t) (it - b->items));
                item_done(b, it,
                          trunc && m->nlmsg_len > len ? EMSGSIZE : EPROTO);
            }
            return;
        }
        if (it) {
            size_t idx = (size_t) (it - b->items);

            imply_quiet_before(b, idx);
            if (m->nlmsg_type == NLMSG_ERROR) {
                const char *ext = NULL;
                int error = 0;

                if (dpif_netlink_parse_error(m, m->nlmsg_len, &error, &ext)) {
                    item_done(b, it, EPROTO);
                } else {
                    if (error && ext) {
                        it->ext_msg = xstrdup(ext);
                    }
                    item_done(b, it, error);
                }
            } else if (m->nlmsg_type == NLMSG_DONE) {
                item_done(b, it, 0);
            } else if (m->nlmsg_type >= NLMSG_MIN_TYPE) {
                if (cb && !it->cb_error) {
                    it->cb_error = cb(idx, m, m->nlmsg_len, aux);
                }
                if (!it->ack) {
                    item_done(b, it, 0);
                }
            }
        }
        size_t step = MNL_ALIGN(m->nlmsg_len);
        if (step >= len) {
            return;
        }
        len -= step;
        p += step;
    }
}

void
dpif_netlink_batch_abandon(struct dpif_netlink_batch *b, int error)
{
    for (size_t i = 0; i < b->n && b->n_pending; i++) {
        if (!b->items[i].done) {
            item_done(b, &b->items[i], error);
        }
    }
}
