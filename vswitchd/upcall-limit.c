/* upcall-limit.c: the dynamic flow limit's rule (upcall.h), on its own:
 * a pure function of the last revalidator pass, which upcall.c applies
 * after every pass and tests/unit/test-vswitchd-upcall.c checks. */
#include "vswitchd/upcall.h"

#include "lib/util.h"

size_t
upcall_flow_limit_adjust(size_t cur, size_t configured, size_t n_flows,
                         long long duration_ms)
{
    /* Open vSwitch's rule (ofproto-dpif-upcall.c): a pass over 2 s divides
     * the limit by its seconds, one over 1.3 s takes a quarter off, and
     * one under 1 s gives 1,000 back while the flows would fit the time;
     * never under 1,000 nor over the configured limit.  Open vSwitch
     * starts at 10,000 and climbs from there; nicflowd starts at the
     * configured limit (its passes are cheap) and only comes down when
     * passes take too long. */
    if (duration_ms > 2000) {
        cur /= (size_t) (duration_ms / 1000);
    } else if (duration_ms > 1300) {
        cur = cur * 3 / 4;
    } else if (duration_ms < 1000
               && (!duration_ms
                   || cur < n_flows * 1000 / (size_t) duration_ms)) {
        cur += 1000;
    }
    cur = NF_MAX(cur, (size_t) 1000);
    return NF_MIN(cur, configured);
}
