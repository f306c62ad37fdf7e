/* ofctl-meters.c: nicflow-ofctl's meters commands (being written). */
#include "ofctl/ofctl.h"

const struct ofctl_command ofctl_meter_commands[] = {
    {NULL, NULL, 0, 0, NULL},
};
