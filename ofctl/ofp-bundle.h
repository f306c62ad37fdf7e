/* ofp-bundle.h: bundles (OpenFlow 1.4+ OFPT_BUNDLE_CONTROL/ADD_MESSAGE and
 * the OpenFlow 1.3 ONF extension ONFT_BUNDLE_CONTROL/ADD_MESSAGE that
 * "ovs-ofctl --bundle -O OpenFlow13" sends).  Both spellings share one
 * body layout, so one model and codec serve them; the version picks the
 * message type.  Bundle properties are kept as opaque bytes. */
#ifndef NICFLOW_OFCTL_OFP_BUNDLE_H
#define NICFLOW_OFCTL_OFP_BUNDLE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/ofp.h"

/* Bundle control types (wire values). */
enum of_bundle_ctrl_type {
    OF_BCT_OPEN_REQUEST = 0,
    OF_BCT_OPEN_REPLY = 1,
    OF_BCT_CLOSE_REQUEST = 2,
    OF_BCT_CLOSE_REPLY = 3,
    OF_BCT_COMMIT_REQUEST = 4,
    OF_BCT_COMMIT_REPLY = 5,
    OF_BCT_DISCARD_REQUEST = 6,
    OF_BCT_DISCARD_REPLY = 7,
};

/* Bundle flags. */
#define OF_BF_ATOMIC 0x1
#define OF_BF_ORDERED 0x2

#define OF_BUNDLE_MAX_PROPS 256 /* Bytes of properties kept. */

struct of_bundle_ctrl {
    uint32_t bundle_id;
    enum of_bundle_ctrl_type type;
    uint16_t flags;
    uint8_t props[OF_BUNDLE_MAX_PROPS]; /* Opaque, padded properties. */
    size_t props_len;
};

/* A bundle-add: MSG is the whole inner message (header included), a copy
 * owned by the model after decoding; the outer message takes the inner
 * one's xid, as the spec requires. */
struct of_bundle_add {
    uint32_t bundle_id;
    uint16_t flags;
    uint8_t *msg;
    size_t msg_len;
    uint8_t props[OF_BUNDLE_MAX_PROPS];
    size_t props_len;
};

/* Encodes a bundle control message (1.3 ONF or 1.4+ standard). */
void of_bundle_ctrl_encode(const struct of_bundle_ctrl *, uint8_t version,
                           uint32_t xid, struct buf *);
/* Decodes one into BC: unknown types are OFPBFC_BAD_TYPE, unknown flags
 * OFPBFC_BAD_FLAGS, malformed properties OFPBPC_BAD_LEN. */
enum of_err of_bundle_ctrl_decode(const struct of_msg *,
                                  struct of_bundle_ctrl *);

/* Encodes a bundle-add wrapping BA->msg (whose header gives the xid). */
void of_bundle_add_encode(const struct of_bundle_add *, uint8_t version,
                          struct buf *);
/* Decodes a bundle-add into BA (which then owns a copy of the inner
 * message; free with of_bundle_add_destroy()).  The inner message must be
 * at least a header and fit (OFPBFC_MSG_BAD_LEN), be of the same version
 * (OFPBRC_BAD_VERSION), carry the outer xid (OFPBFC_MSG_BAD_XID), and be
 * a message that may be bundled (OFPBFC_MSG_UNSUP): flow, group and port
 * mods and packet-outs, as Open vSwitch allows. */
enum of_err of_bundle_add_decode(const struct of_msg *,
                                 struct of_bundle_add *);
/* Frees BA's copy of the inner message and clears BA. */
void of_bundle_add_destroy(struct of_bundle_add *);

/* Appends the ofp-print text of a bundle control message, with the id in
 * hex as ofp-print shows it: " bundle_id=0x7 type=OPEN_REQUEST
 * flags=atomic ordered". */
void of_bundle_ctrl_format(const struct of_bundle_ctrl *, struct buf *);
/* Appends " bundle_id=0x7 flags=atomic ordered" (the inner message is
 * printed by its own printer). */
void of_bundle_add_format(const struct of_bundle_add *, struct buf *);

/* Decodes MSG, a bundle control or bundle-add message in either
 * spelling, and appends what "ovs-ofctl ofp-print" shows after the
 * header line, except a bundle-add's inner message, which ofp-print
 * shows next, in full, with its own header.  Returns the decoder's error
 * (OFPBRC_BAD_TYPE for other messages). */
enum of_err of_bundle_msg_format(const struct of_msg *, struct buf *);

#endif /* NICFLOW_OFCTL_OFP_BUNDLE_H */
