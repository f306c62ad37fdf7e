# learning_switch.py: a small OpenFlow 1.3 learning switch for os-ken,
# the controller of tests/system/t-nicflowd-controller.sh.
#
# On connection it installs the table-miss flow (priority 0, everything to
# the controller).  Each packet-in teaches it the source MAC's port on
# that datapath; a packet to a known MAC gets a unicast flow (priority 10,
# idle timeout 60 s, matching in_port and both addresses, so that each
# direction is learned separately) and is sent out of that port; any other
# packet is flooded with a packet-out.  Every packet-in and flow-mod is
# logged with a fixed prefix ("PACKET_IN", "FLOW_MOD", "PACKET_OUT") for
# the test to count.
from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER
from os_ken.controller.handler import set_ev_cls
from os_ken.lib.packet import ethernet, packet
from os_ken.ofproto import ofproto_v1_3

FLOW_PRIORITY = 10
FLOW_IDLE_TIMEOUT = 60


class LearningSwitch(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # dpid -> {mac: port}
        self.macs = {}

    def _flow_mod(self, dp, priority, match, actions, idle_timeout=0):
        ofp, parser = dp.ofproto, dp.ofproto_parser
        inst = [parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS,
                                             actions)]
        dp.send_msg(parser.OFPFlowMod(datapath=dp, priority=priority,
                                      match=match, instructions=inst,
                                      idle_timeout=idle_timeout))
        self.logger.info("FLOW_MOD dpid=%016x priority=%d match=%s",
                         dp.id, priority, match)

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def switch_features(self, ev):
        dp = ev.msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        self.logger.info("CONNECTED dpid=%016x n_tables=%d", dp.id,
                         ev.msg.n_tables)
        self.macs.setdefault(dp.id, {})
        # The table-miss flow: whole packets to the controller.
        self._flow_mod(dp, 0, parser.OFPMatch(),
                       [parser.OFPActionOutput(ofp.OFPP_CONTROLLER,
                                               ofp.OFPCML_NO_BUFFER)])

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def packet_in(self, ev):
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        in_port = msg.match['in_port']
        eth = packet.Packet(msg.data).get_protocol(ethernet.ethernet)
        if eth is None:
            self.logger.info("PACKET_IN dpid=%016x in_port=%d not Ethernet",
                             dp.id, in_port)
            return
        self.logger.info("PACKET_IN dpid=%016x in_port=%d reason=%d "
                         "total_len=%d len=%d src=%s dst=%s", dp.id, in_port,
                         msg.reason, msg.total_len, len(msg.data), eth.src,
                         eth.dst)
        table = self.macs.setdefault(dp.id, {})
        table[eth.src] = in_port
        out_port = table.get(eth.dst, ofp.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out_port)]
        if out_port != ofp.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=in_port, eth_src=eth.src,
                                    eth_dst=eth.dst)
            self._flow_mod(dp, FLOW_PRIORITY, match, actions,
                           FLOW_IDLE_TIMEOUT)
        # The switch keeps no buffers here (the table-miss flow asked for
        # none), so the packet goes back whole.
        data = msg.data if msg.buffer_id == ofp.OFP_NO_BUFFER else None
        dp.send_msg(parser.OFPPacketOut(datapath=dp, buffer_id=msg.buffer_id,
                                        in_port=in_port, actions=actions,
                                        data=data))
        self.logger.info("PACKET_OUT dpid=%016x in_port=%d out_port=%s",
                         dp.id, in_port,
                         "flood" if out_port == ofp.OFPP_FLOOD else out_port)
