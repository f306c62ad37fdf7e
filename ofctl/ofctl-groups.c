/* ofctl-groups.c: nicflow-ofctl's groups commands (being written). */
#include "ofctl/ofctl.h"

const struct ofctl_command ofctl_group_commands[] = {
    {NULL, NULL, 0, 0, NULL},
};
