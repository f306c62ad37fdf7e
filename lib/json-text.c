/* json-text.c: JSON text as Open vSwitch writes it (see json-text.h). */
#include "json-text.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
nf_json_string(const char *s, struct buf *out)
{
    static const char *const short_escapes[0x20] = {
        ['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n",
        ['\r'] = "\\r", ['\t'] = "\\t",
    };

    buf_put_char(out, '"');
    for (; *s; s++) {
        unsigned char c = *s;
        if (c == '"' || c == '\\') {
            buf_put_char(out, '\\');
            buf_put_char(out, (char) c);
        } else if (c < 0x20) {
            if (short_escapes[c]) {
                buf_put_cstr(out, short_escapes[c]);
            } else {
                buf_printf(out, "\\u%04x", c);
            }
        } else {
            buf_put_char(out, (char) c);
        }
    }
    buf_put_char(out, '"');
}

static int
cmp_keys(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

/* A new line and the indentation of DEPTH, when PRETTY. */
static void
newline_indent(bool pretty, int depth, struct buf *out)
{
    if (pretty) {
        buf_put_char(out, '\n');
        for (int i = 0; i < depth; i++) {
            buf_put_cstr(out, "  ");
        }
    }
}

static void
json_to_buf__(const json_t *j, bool pretty, int depth, struct buf *out)
{
    switch (json_typeof(j)) {
    case JSON_NULL:
        buf_put_cstr(out, "null");
        break;
    case JSON_TRUE:
        buf_put_cstr(out, "true");
        break;
    case JSON_FALSE:
        buf_put_cstr(out, "false");
        break;
    case JSON_INTEGER:
        buf_printf(out, "%lld", (long long) json_integer_value(j));
        break;
    case JSON_REAL:
        buf_printf(out, "%.*g", DBL_DIG, json_real_value(j));
        break;
    case JSON_STRING:
        nf_json_string(json_string_value(j), out);
        break;
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        buf_put_char(out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i) {
                buf_put_char(out, ',');
            }
            newline_indent(pretty, depth + 1, out);
            json_to_buf__(json_array_get(j, i), pretty, depth + 1, out);
        }
        buf_put_char(out, ']');
        break;
    }
    case JSON_OBJECT: {
        /* Jansson keeps members in insertion order; Open vSwitch prints
         * them sorted. */
        size_t n = json_object_size(j), i = 0;
        const char **keys = xcalloc(n ? n : 1, sizeof *keys);
        const char *key;
        json_t *v;
        json_object_foreach ((json_t *) j, key, v) {
            keys[i++] = key;
        }
        qsort(keys, n, sizeof *keys, cmp_keys);
        buf_put_char(out, '{');
        for (i = 0; i < n; i++) {
            if (i) {
                buf_put_char(out, ',');
            }
            newline_indent(pretty, depth + 1, out);
            nf_json_string(keys[i], out);
            buf_put_cstr(out, pretty ? ": " : ":");
            json_to_buf__(json_object_get(j, keys[i]), pretty, depth + 1, out);
        }
        buf_put_char(out, '}');
        free(keys);
        break;
    }
    }
}

void
nf_json_to_buf(const json_t *j, bool pretty, struct buf *out)
{
    json_to_buf__(j, pretty, 0, out);
}
