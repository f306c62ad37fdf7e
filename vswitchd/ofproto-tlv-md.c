/* ofproto-tlv-md.c: Geneve options between the datapath and OpenFlow
 * (see ofproto-tlv.h): the raw options of a decapsulated packet mapped
 * through a bridge's TLV table to tun_metadataN, tun_metadata as keys of
 * the OpenFlow classifier, the megaflow mask of the options a translation
 * consulted, and the options a Geneve output carries. */
#include <errno.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"
#include "vswitchd/ofproto-private.h"
#include "vswitchd/ofproto-tlv.h"

#define OPT_HDR 4       /* class, type, flags + length. */
#define SLOT 4          /* Bytes of one field's slot in a key. */
#define CRIT_TYPE 0x80u /* The critical bit of an option's type. */

/* The mapping of option (CLS, TYPE) in P's table, or -1. */
static int
find_entry(const struct ofproto *p, uint16_t cls, uint8_t type)
{
    for (unsigned i = 0; i < OF_N_TUN_MD; i++) {
        const struct ofproto_tlv_entry *e = &p->tlv.entries[i];
        if (e->valid && e->option_class == cls && e->option_type == type) {
            return (int) i;
        }
    }
    return -1;
}

int
ofproto_tlv_md_from_geneve(const struct ofproto *p,
                           const struct pkt_tun_opts *raw, struct of_match *st,
                           char **whyp)
{
    return ofproto_tlv_md_from_geneve_masked(p, raw, NULL, st, whyp);
}

int
ofproto_tlv_md_from_geneve_masked(const struct ofproto *p,
                                  const struct pkt_tun_opts *raw,
                                  const struct pkt_tun_opts *rmask,
                                  struct of_match *st, char **whyp)
{
    const uint8_t *o = raw->data;
    size_t len = NF_MIN((size_t) raw->len, (size_t) PKT_TUN_OPTS_MAX);

    for (size_t ofs = 0; ofs + OPT_HDR <= len;) {
        uint16_t cls = (uint16_t) (o[ofs] << 8 | o[ofs + 1]);
        uint8_t type = o[ofs + 2];
        size_t dlen = (o[ofs + 3] & 0x1fu) * 4;
        if (ofs + OPT_HDR + dlen > len) {
            *whyp = xasprintf("option at byte %zu runs past the options", ofs);
            return EINVAL;
        }
        int idx = find_entry(p, cls, type);
        if (idx < 0) {
            if (type & CRIT_TYPE) {
                *whyp = xasprintf("critical option class=%#x,type=%#x,len=%zu "
                                  "has no TLV mapping",
                                  cls, type, dlen);
                return EINVAL;
            }
        } else if (p->tlv.entries[idx].option_len != dlen) {
            *whyp = xasprintf("option class=%#x,type=%#x has length %zu, "
                              "mapped to tun_metadata%d with length %u",
                              cls, type, dlen, idx,
                              p->tlv.entries[idx].option_len);
            return EINVAL;
        } else if (dlen) {
            const struct of_field *f =
                of_field_from_id(OF_F_TUN_METADATA0 + (unsigned) idx);
            union of_value v, m;
            memset(&v, 0, sizeof v);
            memset(&m, 0, sizeof m);
            memcpy(&v.be[f->n_bytes - dlen], o + ofs + OPT_HDR, dlen);
            if (rmask) {
                memcpy(&m.be[f->n_bytes - dlen], rmask->data + ofs + OPT_HDR,
                       dlen);
            } else {
                memset(&m.be[f->n_bytes - dlen], 0xff, dlen);
            }
            bool any = false;
            for (size_t i = f->n_bytes - dlen; i < f->n_bytes; i++) {
                v.be[i] &= m.be[i];
                any |= m.be[i] != 0;
            }
            if (!any) {
                ofs += OPT_HDR + dlen;
                continue;
            }
            /* A later option of the same class and type wins, as in Open
             * vSwitch. */
            if (of_match_set(st, f, &v, &m)) {
                *whyp = xstrdup("no room for the options' tun_metadata");
                return EINVAL;
            }
        }
        ofs += OPT_HDR + dlen;
    }
    return 0;
}

void
ofproto_tlv_md_to_key(const struct of_match *m, struct pkt_tun_opts *key,
                      struct pkt_tun_opts *mask)
{
    const struct of_tun_md *md = &m->tun_md;

    memset(key, 0, sizeof *key);
    if (mask) {
        memset(mask, 0, sizeof *mask);
    }
    if (!md->present) {
        return;
    }
    for (unsigned idx = 0; idx < OF_N_TUN_MD; idx++) {
        uint64_t bit = UINT64_C(1) << idx;
        if (!(md->present & bit)) {
            continue;
        }
        const struct of_field *f = of_field_from_id(OF_F_TUN_METADATA0 + idx);
        union of_value v, vm;
        size_t n = f->n_bytes, len = md->len[idx];
        uint8_t *ks = key->data + idx * SLOT;

        of_match_get(m, f, &v, &vm);
        key->present |= bit;
        if (mask) {
            mask->present |= bit;
        }
        if (len <= SLOT) {
            for (size_t i = 0; i < SLOT; i++) {
                ks[i] = v.be[n - SLOT + i] & vm.be[n - SLOT + i];
            }
            if (mask) {
                memcpy(mask->data + idx * SLOT, &vm.be[n - SLOT], SLOT);
            }
            continue;
        }
        /* Wider fields match by a hash of their value: exactly only. */
        bool exact = true;
        for (size_t i = n - len; i < n; i++) {
            exact &= vm.be[i] == 0xff;
        }
        if (mask && !exact) {
            key->pad[0] = 1; /* Packets have 0: this rule matches none. */
            mask->pad[0] = 0xff;
            continue;
        }
        uint32_t h = hash_bytes(&v.be[n - len], len, 0);
        memcpy(ks, &h, SLOT);
        if (mask) {
            memset(mask->data + idx * SLOT, 0xff, SLOT);
        }
    }
}

void
ofproto_tlv_match_to_key(const struct of_match *m, struct ofproto_key *key,
                         struct ofproto_key *mask)
{
    ofproto_tlv_md_to_key(m, &key->flow.tunnel.opts, &mask->flow.tunnel.opts);
}

/* The tun_metadata fields whose bits are in the OpenFlow-form mask WC (a
 * rule that matches no packet stands for all of them). */
static uint64_t
wc_fields(const struct pkt_tun_opts *wc)
{
    uint64_t fields = wc->present;

    if (wc->pad[0]) {
        return UINT64_MAX;
    }
    for (unsigned idx = 0; idx < OF_N_TUN_MD; idx++) {
        for (size_t i = 0; i < SLOT; i++) {
            if (wc->data[idx * SLOT + i]) {
                fields |= UINT64_C(1) << idx;
            }
        }
    }
    return fields;
}

void
ofproto_tlv_md_mask(const struct ofproto *p, const struct pkt_tun_opts *raw,
                    const struct pkt_tun_opts *wc, struct pkt_tun_opts *mask)
{
    uint64_t fields = wc_fields(wc);
    size_t len = NF_MIN((size_t) raw->len, (size_t) PKT_TUN_OPTS_MAX);
    const uint8_t *o = raw->data;

    memset(mask, 0, sizeof *mask);
    if (!fields) {
        return;
    }
    /* The same options in the same order (every header and the length
     * exactly), and the data of those that were consulted: a packet that
     * fits maps to the same tun_metadata for every consulted field. */
    mask->len = 0xff;
    for (size_t ofs = 0; ofs + OPT_HDR <= len;) {
        size_t dlen = (o[ofs + 3] & 0x1fu) * 4;
        if (ofs + OPT_HDR + dlen > len) {
            memset(mask->data + ofs, 0xff, len - ofs);
            break;
        }
        memset(mask->data + ofs, 0xff, OPT_HDR);
        int idx =
            find_entry(p, (uint16_t) (o[ofs] << 8 | o[ofs + 1]), o[ofs + 2]);
        if (idx >= 0 && fields & (UINT64_C(1) << idx)) {
            memset(mask->data + ofs + OPT_HDR, 0xff, dlen);
        }
        ofs += OPT_HDR + dlen;
    }
}

size_t
ofproto_tlv_md_to_geneve(const struct ofproto *p, const struct of_match *st,
                         uint8_t *opts, uint64_t *used)
{
    const struct of_tun_md *md = &st->tun_md;
    size_t len = 0;

    *used = 0;
    for (unsigned idx = 0; idx < OF_N_TUN_MD && md->present; idx++) {
        const struct ofproto_tlv_entry *e = &p->tlv.entries[idx];
        if (!(md->present & (UINT64_C(1) << idx)) || !e->valid) {
            continue;
        }
        if (len + OPT_HDR + e->option_len > PKT_TUN_OPTS_MAX) {
            break;
        }
        const struct of_field *f = of_field_from_id(OF_F_TUN_METADATA0 + idx);
        union of_value v;
        of_match_get(st, f, &v, NULL);
        opts[len] = (uint8_t) (e->option_class >> 8);
        opts[len + 1] = (uint8_t) e->option_class;
        opts[len + 2] = e->option_type;
        opts[len + 3] = (uint8_t) (e->option_len / 4);
        memcpy(opts + len + OPT_HDR, &v.be[f->n_bytes - e->option_len],
               e->option_len);
        len += OPT_HDR + e->option_len;
        *used |= UINT64_C(1) << idx;
    }
    return len;
}
