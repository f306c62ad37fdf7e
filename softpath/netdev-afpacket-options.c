/* netdev-afpacket-options.c: the options of the "afpacket" port type
 * (options:rx-ring, rx-after-tc, tx-coalesce), parsed from the canonical
 * "key=value,..." string into struct netdev_afpacket_options.  Kept apart
 * from netdev-afpacket.c, which applies them, so that the parser (fed by
 * whoever configures ports) can be tested and fuzzed without a device. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "softpath/netdev-afpacket-private.h"

/* The port options, as a table: each key, the words it takes and what
 * each sets.  An empty value is the default (the first word). */
struct afpacket_word {
    const char *word;
    int value;
};

static void
afpacket_set_rx_ring(struct netdev_afpacket_options *opts, int value)
{
    opts->mode = (enum afpacket_mode) value;
}

static void
afpacket_set_rx_after_tc(struct netdev_afpacket_options *opts, int value)
{
    opts->rx_after_tc = value;
}

static void
afpacket_set_tx_coalesce(struct netdev_afpacket_options *opts, int value)
{
    opts->tx_coalesce = value;
}

static const struct afpacket_word afpacket_ring_words[] = {
    { "auto", AFPACKET_MODE_AUTO },
    { "v2", AFPACKET_MODE_V2 },
    { "v3", AFPACKET_MODE_V3 },
    { NULL, 0 },
};

static const struct afpacket_word afpacket_bool_words[] = {
    { "false", 0 },
    { "true", 1 },
    { NULL, 0 },
};

/* The same, for an option that defaults to true. */
static const struct afpacket_word afpacket_true_words[] = {
    { "true", 1 },
    { "false", 0 },
    { NULL, 0 },
};

static const struct afpacket_option {
    const char *key;
    const struct afpacket_word *words;
    const char *expected; /* For the message about a bad value. */
    void (*set)(struct netdev_afpacket_options *, int value);
} afpacket_options[] = {
    { "rx-ring", afpacket_ring_words, "auto, v2 or v3", afpacket_set_rx_ring },
    { "rx-after-tc", afpacket_bool_words, "true or false",
      afpacket_set_rx_after_tc },
    { "tx-coalesce", afpacket_true_words, "true or false",
      afpacket_set_tx_coalesce },
};

int
netdev_afpacket_parse_options(const char *name, const char *options,
                              struct netdev_afpacket_options *optsp,
                              char **errp)
{
    struct netdev_afpacket_options opts = {
        .mode = AFPACKET_MODE_AUTO,
        .rx_after_tc = false,
        .tx_coalesce = true,
    };
    char *copy = xstrdup(options), *save = NULL, *msg = NULL;

    for (char *item = strtok_r(copy, ",", &save); item && !msg;
         item = strtok_r(NULL, ",", &save)) {
        char *value = strchr(item, '=');
        const struct afpacket_option *opt = NULL;

        if (!value) {
            msg = xasprintf("%s: \"%s\": a port option is key=value", name,
                            item);
            break;
        }
        *value++ = '\0';
        for (size_t i = 0; i < ARRAY_SIZE(afpacket_options); i++) {
            if (!strcmp(item, afpacket_options[i].key)) {
                opt = &afpacket_options[i];
            }
        }
        if (!opt) {
            msg = xasprintf("%s: unknown option \"%s\" (an afpacket port "
                            "takes rx-ring, rx-after-tc and tx-coalesce)",
                            name, item);
            break;
        }

        const struct afpacket_word *w = opt->words;
        if (*value) {
            while (w->word && strcmp(w->word, value)) {
                w++;
            }
        }
        if (!w->word) {
            msg = xasprintf("%s: %s=%s: expected %s", name, opt->key, value,
                            opt->expected);
            break;
        }
        opt->set(&opts, w->value);
    }
    free(copy);

    if (msg) {
        nf_give_error(errp, msg);
        return EINVAL;
    }
    *optsp = opts;
    return 0;
}
