/* hal-bad-plugin.c: broken HAL plugins for tests/unit/test-offload-hal.c.
 * Built twice (offload/build.mk): with -DHAL_BAD_ABI_VERSION=N, a plugin
 * that says it speaks ABI version N; with -DHAL_BAD_NO_ENTRY, a shared
 * object without the entry symbol. */
#include "include/nicflow/hal.h"

#ifdef HAL_BAD_ABI_VERSION
static const struct nicflow_hal_ops bad_ops = {
    .abi_version = HAL_BAD_ABI_VERSION,
    .struct_size = sizeof(struct nicflow_hal_ops),
    .name = "bad-abi",
};

const struct nicflow_hal_ops *
nicflow_hal_entry(void)
{
    return &bad_ops;
}
#endif

#ifdef HAL_BAD_NO_ENTRY
int hal_bad_plugin_something(void);
int
hal_bad_plugin_something(void)
{
    return 0;
}
#endif
