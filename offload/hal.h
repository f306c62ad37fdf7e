/* hal.h: the "hal" offload provider, which puts datapath flows into a
 * device through a vendor plugin of the HAL ABI (include/nicflow/hal.h).
 *
 * Loading.  offload_hal_configure() loads one plugin (one device) from
 * Open_vSwitch other_config:hal-plugin and opens it with hal-args.  A
 * plugin that cannot be loaded, speaks another ABI or fails to open is
 * refused with a message; the provider then refuses every port with that
 * message (and, with no plugin configured at all, with "hal: no plugin
 * loaded (other_config:hal-plugin)"), so those ports stay in software.
 *
 * Mapping (hal-map.c).  A datapath flow becomes one entry of the device's
 * L2 FDB when it is a plain L2 forward (a match on the input port, the
 * whole Ethernet destination and at most the outer VLAN, one output, no
 * other action) and the device has an FDB; otherwise one ACL entry of the
 * first key template that holds every matched field at the bits the mask
 * uses, with redirect/mirror for the outputs, VLAN push/pop, Ethernet and
 * IPv4 field sets, POLICE for a datapath meter the device carries (each
 * datapath meter is put into the device as the HAL meter of the same id,
 * see offload_meter_set()), and a counter when the device has counters.  Anything
 * else is refused with a reason ("hal: no key template covers tcp_flags",
 * "hal: action userspace cannot be offloaded").
 *
 * An FDB entry forwards frames from every port, not only from the input
 * port the flow matched: flows of other input ports to the same MAC and
 * VLAN share it; one that disagrees (another output) becomes an ACL entry
 * instead.
 *
 * Threads.  One mutex guards the plugin and the provider's rules and is
 * held across every plugin call, which keeps the ABI's promise that a
 * plugin never sees two calls at once. */
#ifndef NICFLOW_OFFLOAD_HAL_H
#define NICFLOW_OFFLOAD_HAL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/nicflow/hal.h"
#include "include/nicflow/offload-provider.h"

struct buf;

extern const struct offload_provider_class offload_hal_class;

/* Loads the plugin at PLUGIN_PATH and opens its device with ARGS (NULL:
 * ""), replacing the plugin loaded before; a NULL or empty PLUGIN_PATH
 * unloads it.  The same path and args again do nothing.  Returns 0, or an
 * errno with the message in *ERRP (malloc'd, caller frees), for example
 *   "hal-plugin /x.so: cannot load: <dlerror() text>"
 *   "hal-plugin /x.so: no symbol nicflow_hal_entry"
 *   "hal-plugin /x.so: ABI version 3, this nicflow speaks 2"
 * after which no plugin is loaded and ports are refused with the message.
 * Main thread, while the manager has no port on the provider (before
 * hw-offload is switched on, or after it is switched off): the device's
 * rules go with the plugin. */
int offload_hal_configure(const char *plugin_path, const char *args,
                          char **errp);

/* Appends what the loaded plugin says of its device (ports, tables, key
 * templates) to OUT, or why none is loaded.  Main thread. */
void offload_hal_describe(struct buf *out);

/* The text of hal/show: offload_hal_describe(), then whether the device
 * delivers frames to the host itself, each port's statistics (frames in,
 * taken by the tables, handed to the host, sent) where the device keeps
 * them, and each table's used/size.  Main thread. */
void offload_hal_show(struct buf *out);

/* Appends the device's lines of dpctl/offload-stats-show (nothing if no
 * plugin is loaded): the tables' used/size and each port's split between
 * hardware and host.  Any thread. */
void offload_hal_stats_lines(struct buf *out);

/* The hw-profiles/ name the loaded device says describes it
 * (nicflow_hal_caps.profile), if netdev NAME is one of its ports: a copy
 * the caller frees, or NULL.  Any thread. */
char *offload_hal_port_profile(const char *name);

/* How a device that owns its ports' wire (one with rx_register) hands
 * the host what its tables did not take.  nicflowd's wiring provides it,
 * since the offload layer has no ports of its own:
 *   handover(NAME, ON): from now on (ON) the port NAME reads only what
 *     deliver() gives it, or (!ON) its own netdev again.  Main thread.
 *   deliver(NAME, FRAME, LEN): FRAME entered port NAME and goes to the
 *     software datapath.  Any thread; must copy and never block.
 * Set before offload_hal_configure() loads a plugin (NULL: the device's
 * frames to the host are dropped, and ports read their netdevs). */
struct offload_hal_host {
    int (*handover)(const char *name, bool on);
    int (*deliver)(const char *name, const void *frame, size_t len);
};
void offload_hal_set_host(const struct offload_hal_host *);

/* ---------------------------------------------------------------------
 * Internal to offload/hal*.c (and tests).
 * --------------------------------------------------------------------- */

/* What the mapping needs to know of the device. */
struct hal_map_dev {
    const struct nicflow_hal_caps *caps;
    const struct nicflow_hal_port *ports; /* The port map. */
    size_t n_ports;
    bool has_fdb;      /* FDB supported and its calls present. */
    bool has_counters; /* Counters supported, COUNT action taken. */
    /* Whether the device polices for datapath meter DP_METER (the HAL
     * meter of the same id); if not, writes why into WHY (SIZE bytes).
     * NULL: no meters at all.  Called with the provider's lock held. */
    bool (*meter_usable)(uint32_t dp_meter, char *why, size_t size);
};

/* One flow mapped to a device entry. */
struct hal_map_result {
    bool is_fdb;
    struct nicflow_hal_fdb_entry fdb;
    struct nicflow_hal_acl_entry acl; /* Without id nor counter. */
    /* A flow that sends into a tunnel: the encapsulation its TUNNEL_ENCAP
     * action (ACL action ENCAP_ACTION) uses, whose id the caller fills
     * in. */
    bool has_encap;
    struct nicflow_hal_tunnel_encap encap;
    uint32_t encap_action;
    /* A flow of packets that came out of a tunnel: the decapsulation
     * entry that brings them to the ACL as entering decap.tunnel_port. */
    bool has_decap;
    struct nicflow_hal_tunnel_decap decap;
};

/* The chip port number decapsulated frames of tunnel vport ODP_PORT enter
 * by (outside every device's port map). */
#define HAL_TUNNEL_CHIP_PORT(ODP_PORT) (0x10000u + (ODP_PORT))

/* Tells whether PORT is a tunnel vport ("vxlan", "geneve", "gre") and if
 * so stores its HAL tunnel type and UDP port (from its name, as nicflowd
 * names them: vxlan_sys_4789, genev_sys_6081, gre_sys). */
bool hal_map_tunnel_vport(const struct offload_port *port, uint32_t *type,
                          uint16_t *dst_port);

/* The chip port of the netdev NAME in DEV's port map, or NULL. */
const struct nicflow_hal_port *hal_map_port(const struct hal_map_dev *dev,
                                            const char *name);

/* Maps F onto DEV into *OUT; with ALLOW_FDB false, never to the FDB.
 * Returns 0, or an errno with the reason in WHY. */
int hal_map_flow(const struct hal_map_dev *dev, const struct offload_flow *f,
                 bool allow_fdb, struct hal_map_result *out,
                 struct offload_reason *why);

/* The name of HAL field FIELD ("ipv4_dst"), and its full width in bits. */
const char *hal_field_name(unsigned field);
unsigned hal_field_bits(unsigned field);

#endif /* NICFLOW_OFFLOAD_HAL_H */
