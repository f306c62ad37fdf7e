/* vsctl-table.c: the tables that "list" and "find" print, in each of
 * ovs-vsctl's --format (list, table, html, csv, json) and --data (string,
 * bare, json) styles, byte for byte as ovs-vsctl prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json-text.h"
#include "ovsdb/vsctl.h"

struct vsctl_cell {
    struct ovsdb_datum datum;
    const struct ovsdb_type *type; /* NULL: empty cell. */
};

struct vsctl_table {
    char **headings;
    size_t n_columns;
    struct vsctl_cell *cells; /* n_rows * n_columns. */
    size_t n_rows, allocated_rows;
};

const struct ovsdb_type *
vsctl_uuid_type(void)
{
    static struct ovsdb_type type;
    static bool inited;
    if (!inited) {
        ovsdb_type_init_scalar(&type, OVSDB_TYPE_UUID);
        inited = true;
    }
    return &type;
}

struct vsctl_table *
vsctl_table_create(void)
{
    return xzalloc(sizeof(struct vsctl_table));
}

void
vsctl_table_destroy(struct vsctl_table *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_rows * t->n_columns; i++) {
        if (t->cells[i].type) {
            ovsdb_datum_destroy(&t->cells[i].datum, t->cells[i].type);
        }
    }
    for (size_t i = 0; i < t->n_columns; i++) {
        free(t->headings[i]);
    }
    free(t->headings);
    free(t->cells);
    free(t);
}

void
vsctl_table_add_column(struct vsctl_table *t, const char *heading)
{
    nf_assert(!t->n_rows);
    t->headings =
        xrealloc(t->headings, (t->n_columns + 1) * sizeof *t->headings);
    t->headings[t->n_columns++] = xstrdup(heading);
}

void
vsctl_table_add_row(struct vsctl_table *t)
{
    if (t->n_rows >= t->allocated_rows) {
        t->allocated_rows = t->allocated_rows ? 2 * t->allocated_rows : 8;
        t->cells = xrealloc(t->cells, t->allocated_rows * t->n_columns
                                          * sizeof *t->cells);
    }
    memset(&t->cells[t->n_rows * t->n_columns], 0,
           t->n_columns * sizeof *t->cells);
    t->n_rows++;
}

void
vsctl_table_set_cell(struct vsctl_table *t, size_t column,
                     const struct ovsdb_datum *d,
                     const struct ovsdb_type *type)
{
    nf_assert(t->n_rows && column < t->n_columns);
    struct vsctl_cell *c = &t->cells[(t->n_rows - 1) * t->n_columns + column];
    ovsdb_datum_clone(&c->datum, d, type);
    c->type = type;
}

static const struct vsctl_cell *
cell_at(const struct vsctl_table *t, size_t row, size_t column)
{
    return &t->cells[row * t->n_columns + column];
}

static json_t *
cell_json(const struct vsctl_cell *c)
{
    return c->type ? ovsdb_datum_to_json(&c->datum, c->type) : json_null();
}

/* The text of cell C in the --data style (caller frees). */
static char *
cell_text(const struct vsctl_cell *c, enum vsctl_cell_format fmt)
{
    struct buf b = BUF_INITIALIZER;
    if (!c->type) {
        return xstrdup("");
    }
    switch (fmt) {
    case VSCTL_CELL_STRING:
        vsctl_datum_to_string(&c->datum, c->type, &b);
        break;
    case VSCTL_CELL_BARE:
        vsctl_datum_to_bare(&c->datum, c->type, &b);
        break;
    case VSCTL_CELL_JSON: {
        json_t *j = cell_json(c);
        nf_json_to_buf(j, false, &b);
        json_decref(j);
        break;
    }
    }
    return buf_steal_cstr(&b);
}

static void
html_escape(const char *s, struct buf *out)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            buf_put_cstr(out, "&amp;");
            break;
        case '<':
            buf_put_cstr(out, "&lt;");
            break;
        case '>':
            buf_put_cstr(out, "&gt;");
            break;
        case '"':
            buf_put_cstr(out, "&quot;");
            break;
        default:
            buf_put_char(out, *s);
        }
    }
}

/* One atom of an HTML cell other than a UUID: its text (BARE: without
 * quotes), escaped. */
static void
html_atom(const union ovsdb_atom *a, const struct ovsdb_base_type *base,
          bool bare, struct buf *out)
{
    struct buf text = BUF_INITIALIZER;
    if (bare) {
        ovsdb_atom_to_buf(a, base->type, &text);
    } else {
        vsctl_atom_to_string(a, base->type, &text);
    }
    html_escape(buf_cstr(&text), out);
    buf_destroy(&text);
}

/* A UUID in an HTML cell: a link to the row it refers to or, for a row's
 * own "_uuid", an anchor, shown by its first 8 digits. */
static void
html_uuid(const struct ovsdb_uuid *uuid, bool is_ref, struct buf *out)
{
    char s[OVSDB_UUID_LEN + 1];
    ovsdb_uuid_format(uuid, s);
    buf_printf(out,
               is_ref ? "<a href=\"#%s\">%.8s</a>" : "<a name=\"%s\">%.8s</a>",
               s, s);
}

/* The contents of an HTML cell, without the <td> tags. */
static void
html_cell(const struct vsctl_cell *c, enum vsctl_cell_format fmt,
          struct buf *out)
{
    if (fmt == VSCTL_CELL_JSON || !c->type) {
        char *s = cell_text(c, fmt);
        html_escape(s, out);
        free(s);
        return;
    }
    const struct ovsdb_datum *d = &c->datum;
    const struct ovsdb_type *type = c->type;
    bool is_map = ovsdb_type_is_map(type);
    bool bare = fmt == VSCTL_CELL_BARE;
    bool brackets = !bare && (type->n_max > 1 || !d->n);

    if (brackets) {
        buf_put_char(out, is_map ? '{' : '[');
    }
    for (unsigned int i = 0; i < d->n; i++) {
        if (i) {
            buf_put_cstr(out, bare ? " " : ", ");
        }
        if (type->key.type == OVSDB_TYPE_UUID) {
            html_uuid(&d->keys[i].uuid, ovsdb_base_type_is_ref(&type->key),
                      out);
        } else {
            html_atom(&d->keys[i], &type->key, bare, out);
        }
        if (is_map) {
            buf_put_char(out, '=');
            if (type->value.type == OVSDB_TYPE_UUID) {
                html_uuid(&d->values[i].uuid,
                          ovsdb_base_type_is_ref(&type->value), out);
            } else {
                html_atom(&d->values[i], &type->value, bare, out);
            }
        }
    }
    if (brackets) {
        buf_put_char(out, is_map ? '}' : ']');
    }
}

/* Prints LINE without trailing spaces, then a new line. */
static void
finish_line(struct buf *line)
{
    while (line->len && ((char *) line->data)[line->len - 1] == ' ') {
        line->len--;
    }
    buf_put_char(line, '\n');
    fwrite(line->data, 1, line->len, stdout);
    buf_clear(line);
}

static void
print_table(const struct vsctl_table *t, const struct vsctl_style *style)
{
    static int n_printed;
    struct buf line = BUF_INITIALIZER;
    size_t n = t->n_rows * t->n_columns;
    char **texts = xcalloc(n ? n : 1, sizeof *texts);
    size_t *widths = xcalloc(t->n_columns ? t->n_columns : 1, sizeof *widths);

    if (n_printed++) {
        putchar('\n');
    }
    for (size_t x = 0; x < t->n_columns; x++) {
        widths[x] = style->headings ? strlen(t->headings[x]) : 0;
        for (size_t y = 0; y < t->n_rows; y++) {
            char **text = &texts[y * t->n_columns + x];
            *text = cell_text(cell_at(t, y, x), style->cell_format);
            widths[x] = NF_MAX(widths[x], strlen(*text));
        }
    }
    if (style->headings) {
        for (size_t x = 0; x < t->n_columns; x++) {
            buf_printf(&line, "%s%-*s", x ? " " : "", (int) widths[x],
                       t->headings[x]);
        }
        finish_line(&line);
        for (size_t x = 0; x < t->n_columns; x++) {
            if (x) {
                buf_put_char(&line, ' ');
            }
            for (size_t i = 0; i < widths[x]; i++) {
                buf_put_char(&line, '-');
            }
        }
        finish_line(&line);
    }
    for (size_t y = 0; y < t->n_rows; y++) {
        for (size_t x = 0; x < t->n_columns; x++) {
            buf_printf(&line, "%s%-*s", x ? " " : "", (int) widths[x],
                       texts[y * t->n_columns + x]);
        }
        finish_line(&line);
    }
    for (size_t i = 0; i < n; i++) {
        free(texts[i]);
    }
    free(texts);
    free(widths);
    buf_destroy(&line);
}

static void
print_list(const struct vsctl_table *t, const struct vsctl_style *style)
{
    static int n_printed;

    if (n_printed++) {
        putchar('\n');
    }
    for (size_t y = 0; y < t->n_rows; y++) {
        if (y) {
            putchar('\n');
        }
        for (size_t x = 0; x < t->n_columns; x++) {
            char *text = cell_text(cell_at(t, y, x), style->cell_format);
            if (style->headings) {
                printf("%-20s: ", t->headings[x]);
            }
            puts(text);
            free(text);
        }
    }
}

static void
print_html_cell(const char *element, const char *content, bool escape)
{
    struct buf b = BUF_INITIALIZER;
    if (escape) {
        html_escape(content, &b);
    } else {
        buf_put_cstr(&b, content);
    }
    printf("    <%s>%s</%s>\n", element, buf_cstr(&b), element);
    buf_destroy(&b);
}

static void
print_html(const struct vsctl_table *t, const struct vsctl_style *style)
{
    puts("<table border=1>");
    if (style->headings) {
        puts("  <tr>");
        for (size_t x = 0; x < t->n_columns; x++) {
            print_html_cell("th", t->headings[x], true);
        }
        puts("  </tr>");
    }
    for (size_t y = 0; y < t->n_rows; y++) {
        puts("  <tr>");
        for (size_t x = 0; x < t->n_columns; x++) {
            struct buf b = BUF_INITIALIZER;
            html_cell(cell_at(t, y, x), style->cell_format, &b);
            print_html_cell("td", buf_cstr(&b), false);
            buf_destroy(&b);
        }
        puts("  </tr>");
    }
    puts("</table>");
}

static void
print_csv_cell(const char *s)
{
    if (!strpbrk(s, "\n\",")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') {
            putchar('"');
        }
        putchar(*s);
    }
    putchar('"');
}

static void
print_csv(const struct vsctl_table *t, const struct vsctl_style *style)
{
    static int n_printed;

    if (n_printed++) {
        putchar('\n');
    }
    if (style->headings) {
        for (size_t x = 0; x < t->n_columns; x++) {
            if (x) {
                putchar(',');
            }
            print_csv_cell(t->headings[x]);
        }
        putchar('\n');
    }
    for (size_t y = 0; y < t->n_rows; y++) {
        for (size_t x = 0; x < t->n_columns; x++) {
            char *text = cell_text(cell_at(t, y, x), style->cell_format);
            if (x) {
                putchar(',');
            }
            print_csv_cell(text);
            free(text);
        }
        putchar('\n');
    }
}

static void
print_json(const struct vsctl_table *t, const struct vsctl_style *style)
{
    json_t *j = json_object();
    json_t *headings = json_array();
    json_t *data = json_array();

    for (size_t x = 0; x < t->n_columns; x++) {
        json_array_append_new(headings, json_string(t->headings[x]));
    }
    for (size_t y = 0; y < t->n_rows; y++) {
        json_t *row = json_array();
        for (size_t x = 0; x < t->n_columns; x++) {
            json_array_append_new(row, cell_json(cell_at(t, y, x)));
        }
        json_array_append_new(data, row);
    }
    json_object_set_new(j, "headings", headings);
    json_object_set_new(j, "data", data);

    struct buf b = BUF_INITIALIZER;
    nf_json_to_buf(j, style->pretty, &b);
    puts(buf_cstr(&b));
    buf_destroy(&b);
    json_decref(j);
}

void
vsctl_table_print(const struct vsctl_table *t, const struct vsctl_style *style)
{
    switch (style->format) {
    case VSCTL_FMT_TABLE:
        print_table(t, style);
        break;
    case VSCTL_FMT_LIST:
        print_list(t, style);
        break;
    case VSCTL_FMT_HTML:
        print_html(t, style);
        break;
    case VSCTL_FMT_CSV:
        print_csv(t, style);
        break;
    case VSCTL_FMT_JSON:
        print_json(t, style);
        break;
    }
}
