/* parser.c: checking JSON objects against member rules. */
#include "ovsdb/parser.h"

#include <errno.h>
#include <string.h>

#include "lib/util.h"

bool
ovsdb_is_id(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) {
        return false;
    }
    for (s++; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
              || (*s >= '0' && *s <= '9') || *s == '_')) {
            return false;
        }
    }
    return true;
}

static bool
type_allowed(const json_t *json, unsigned int types)
{
    if (types & OVSDB_J_ID) {
        return json_is_string(json) && ovsdb_is_id(json_string_value(json));
    }
    return (types & (1u << json_typeof(json))) != 0;
}

int
ovsdb_check_members(const json_t *obj, const struct ovsdb_member_rule *rules,
                    size_t n, struct ovsdb_error **errp)
{
    const char *key;
    const json_t *value;

    json_object_foreach ((json_t *) obj, key, value) {
        size_t i;
        for (i = 0; i < n; i++) {
            if (!strcmp(key, rules[i].name)) {
                break;
            }
        }
        if (i >= n) {
            return ovsdb_syntax_err(errp, obj, NULL,
                                    "member \"%s\" is present but not "
                                    "allowed here",
                                    key);
        }
        if (!type_allowed(value, rules[i].types)) {
            return ovsdb_syntax_err(
                errp, obj, NULL, "member \"%s\" has the wrong type%s", key,
                (rules[i].types & OVSDB_J_ID ? " (expected an identifier)"
                                             : ""));
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (rules[i].required && !json_object_get(obj, rules[i].name)) {
            return ovsdb_syntax_err(errp, obj, NULL,
                                    "required member \"%s\" is missing",
                                    rules[i].name);
        }
    }
    return 0;
}
