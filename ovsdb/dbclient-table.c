/* dbclient-table.c: nicflow-dbclient's output tables, in each of
 * ovsdb-client's --format (table, list, html, csv, json) and --data
 * (string, bare, json) styles, byte for byte as ovsdb-client prints them,
 * and JSON serialized the way Open vSwitch serializes it. */
#include <ctype.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/json-text.h"
#include "ovsdb/datum.h"
#include "ovsdb/dbclient.h"
#include "ovsdb/error.h"
#include "ovsdb/uuid.h"

struct dbclient_style dbclient_style = {
    .format = DBCLIENT_FMT_TABLE,
    .data = DBCLIENT_DATA_STRING,
    .headings = true,
};

/* JSON. */

void
dbclient_print_json(const json_t *j)
{
    struct buf b = BUF_INITIALIZER;
    nf_json_to_buf(j, dbclient_style.pretty, &b);
    puts(buf_cstr(&b));
    buf_destroy(&b);
}

/* Values in the "string" and "bare" styles. */

static void
atom_to_text(const union ovsdb_atom *a, enum ovsdb_atomic_type type, bool bare,
             struct buf *out)
{
    if (type == OVSDB_TYPE_STRING && !bare
        && ovsdb_string_needs_quotes(a->string->s)) {
        nf_json_string(a->string->s, out);
    } else if (type == OVSDB_TYPE_REAL) {
        buf_printf(out, "%.*g", DBL_DIG, a->real);
    } else {
        ovsdb_atom_to_buf(a, type, out);
    }
}

/* D in the "string" style (brackets around sets and maps, and around an
 * empty optional value; ", " between elements) or the "bare" one (no
 * brackets, " " between elements, strings unquoted). */
static void
datum_to_text(const struct ovsdb_datum *d, const struct ovsdb_type *type,
              bool bare, struct buf *out)
{
    bool is_map = ovsdb_type_is_map(type);
    bool brackets = !bare && (type->n_max > 1 || !d->n);

    if (brackets) {
        buf_put_char(out, is_map ? '{' : '[');
    }
    for (unsigned int i = 0; i < d->n; i++) {
        if (i) {
            buf_put_cstr(out, bare ? " " : ", ");
        }
        atom_to_text(&d->keys[i], type->key.type, bare, out);
        if (is_map) {
            buf_put_char(out, '=');
            atom_to_text(&d->values[i], type->value.type, bare, out);
        }
    }
    if (brackets) {
        buf_put_char(out, is_map ? '}' : ']');
    }
}

/* Tables. */

void
dbclient_table_init(struct dbclient_table *t, const char *caption)
{
    memset(t, 0, sizeof *t);
    t->caption = caption ? xstrdup(caption) : NULL;
}

void
dbclient_table_add_column(struct dbclient_table *t, const char *heading)
{
    nf_assert(!t->n_rows);
    t->headings = xrealloc(t->headings, (t->n_cols + 1) * sizeof *t->headings);
    t->headings[t->n_cols++] = xstrdup(heading);
}

struct dbclient_cell *
dbclient_table_add_row(struct dbclient_table *t)
{
    if (t->n_rows >= t->allocated) {
        t->allocated = t->allocated ? 2 * t->allocated : 8;
        t->cells =
            xrealloc(t->cells, t->allocated * t->n_cols * sizeof *t->cells);
    }
    struct dbclient_cell *row = &t->cells[t->n_rows++ * t->n_cols];
    memset(row, 0, t->n_cols * sizeof *row);
    return row;
}

void
dbclient_cell_set_text(struct dbclient_cell *c, const char *s)
{
    free(c->text);
    c->text = xstrdup(s);
}

void
dbclient_cell_set_json(struct dbclient_cell *c, json_t *json,
                       const struct ovsdb_type *type)
{
    json_decref(c->json);
    c->json = json;
    c->type = type;
}

void
dbclient_table_destroy(struct dbclient_table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++) {
        free(t->cells[i].text);
        json_decref(t->cells[i].json);
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        free(t->headings[i]);
    }
    free(t->headings);
    free(t->cells);
    free(t->caption);
}

static struct dbclient_cell *
cell_at(const struct dbclient_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->n_cols + col];
}

/* The text of cell C in the --data style (caller frees).  A value that
 * does not parse as a datum of its type (a monitor's difference can hold
 * more elements than the column allows) is shown as JSON, as
 * ovsdb-client does. */
static char *
cell_text(const struct dbclient_cell *c)
{
    struct buf b = BUF_INITIALIZER;

    if (c->text) {
        return xstrdup(c->text);
    } else if (!c->json) {
        return xstrdup("");
    }
    if (c->type && dbclient_style.data != DBCLIENT_DATA_JSON) {
        struct ovsdb_datum d;
        struct ovsdb_error *error = NULL;
        if (!ovsdb_datum_from_json(&d, c->type, c->json, NULL, &error)) {
            datum_to_text(&d, c->type,
                          dbclient_style.data == DBCLIENT_DATA_BARE, &b);
            ovsdb_datum_destroy(&d, c->type);
            return buf_steal_cstr(&b);
        }
        ovsdb_error_destroy(error);
    }
    nf_json_to_buf(c->json, false, &b);
    return buf_steal_cstr(&b);
}

/* Every cell's text, row by row (caller frees with free_texts()). */
static char **
table_texts(const struct dbclient_table *t)
{
    size_t n = t->n_rows * t->n_cols;
    char **texts = xcalloc(n ? n : 1, sizeof *texts);
    for (size_t i = 0; i < n; i++) {
        texts[i] = cell_text(&t->cells[i]);
    }
    return texts;
}

static void
free_texts(const struct dbclient_table *t, char **texts)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++) {
        free(texts[i]);
    }
    free(texts);
}

/* The time now, in UTC, to the millisecond, as ovsdb-client's --timestamp
 * shows it. */
static char *
timestamp_text(void)
{
    long long msec = nf_time_wall_msec();
    time_t secs = msec / 1000;
    struct tm tm;
    char s[64];

    gmtime_r(&secs, &tm);
    strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm);
    return xasprintf("%s.%03lld", s, msec % 1000);
}

/* What the text formats print above a table: a blank line between tables
 * (not in html), the timestamp, the caption. */
static void
print_preamble(const struct dbclient_table *t, bool caption)
{
    static int n_printed;

    if (n_printed++ && dbclient_style.format != DBCLIENT_FMT_HTML) {
        putchar('\n');
    }
    if (t->timestamp) {
        char *s = timestamp_text();
        puts(s);
        free(s);
    }
    if (t->caption && caption) {
        puts(t->caption);
    }
}

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
print_table(const struct dbclient_table *t)
{
    const struct dbclient_style *style = &dbclient_style;
    struct buf line = BUF_INITIALIZER;
    char **texts = table_texts(t);
    size_t *widths = xcalloc(t->n_cols ? t->n_cols : 1, sizeof *widths);

    print_preamble(t, true);
    for (size_t x = 0; x < t->n_cols; x++) {
        size_t w = 0;
        for (size_t y = 0; y < t->n_rows; y++) {
            w = NF_MAX(w, strlen(texts[y * t->n_cols + x]));
        }
        /* --max-column-width truncates cells, never headings. */
        if (style->max_column_width && w > style->max_column_width) {
            w = style->max_column_width;
        }
        if (style->headings) {
            w = NF_MAX(w, strlen(t->headings[x]));
        }
        widths[x] = w;
    }
    if (style->headings) {
        for (size_t x = 0; x < t->n_cols; x++) {
            buf_printf(&line, "%s%-*s", x ? " " : "", (int) widths[x],
                       t->headings[x]);
        }
        finish_line(&line);
        for (size_t x = 0; x < t->n_cols; x++) {
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
        for (size_t x = 0; x < t->n_cols; x++) {
            buf_printf(&line, "%s%-*.*s", x ? " " : "", (int) widths[x],
                       (int) widths[x], texts[y * t->n_cols + x]);
        }
        finish_line(&line);
    }
    free(widths);
    free_texts(t, texts);
    buf_destroy(&line);
}

static void
print_list(const struct dbclient_table *t)
{
    char **texts = table_texts(t);

    print_preamble(t, true);
    for (size_t y = 0; y < t->n_rows; y++) {
        if (y) {
            putchar('\n');
        }
        for (size_t x = 0; x < t->n_cols; x++) {
            if (dbclient_style.headings) {
                printf("%-20s: ", t->headings[x]);
            }
            puts(texts[y * t->n_cols + x]);
        }
    }
    free_texts(t, texts);
}

static void
html_escape(const char *s, size_t n, struct buf *out)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        switch (s[i]) {
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
            buf_put_char(out, s[i]);
        }
    }
}

/* Whether S starts with a UUID in its 36-character text form. */
static bool
starts_with_uuid(const char *s)
{
    for (int i = 0; i < OVSDB_UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char) s[i])) {
            return false;
        }
    }
    return true;
}

/* An HTML cell: the text escaped, each UUID in it a link to the row of
 * that UUID, shown by its first 8 digits. */
static void
print_html_cell(const char *element, const char *text)
{
    struct buf b = BUF_INITIALIZER;
    for (const char *p = text; *p;) {
        if (starts_with_uuid(p)) {
            buf_printf(&b, "<a href=\"#%.*s\">%.8s</a>", OVSDB_UUID_LEN, p, p);
            p += OVSDB_UUID_LEN;
        } else {
            html_escape(p++, 1, &b);
        }
    }
    printf("    <%s>%s</%s>\n", element, buf_cstr(&b), element);
    buf_destroy(&b);
}

static void
print_html(const struct dbclient_table *t)
{
    char **texts = table_texts(t);

    print_preamble(t, false);
    puts("<table border=1>");
    if (t->caption) {
        print_html_cell("caption", t->caption);
    }
    if (dbclient_style.headings) {
        puts("  <tr>");
        for (size_t x = 0; x < t->n_cols; x++) {
            print_html_cell("th", t->headings[x]);
        }
        puts("  </tr>");
    }
    for (size_t y = 0; y < t->n_rows; y++) {
        puts("  <tr>");
        for (size_t x = 0; x < t->n_cols; x++) {
            const char *text = texts[y * t->n_cols + x];
            if (!strcmp(t->headings[x], "_uuid")) {
                /* A row's own UUID is the anchor the links point to. */
                struct buf b = BUF_INITIALIZER;
                buf_put_cstr(&b, "    <td><a name=\"");
                html_escape(text, SIZE_MAX, &b);
                buf_put_cstr(&b, "\">");
                html_escape(text, 8, &b);
                buf_put_cstr(&b, "</a></td>");
                puts(buf_cstr(&b));
                buf_destroy(&b);
            } else {
                print_html_cell("td", text);
            }
        }
        puts("  </tr>");
    }
    puts("</table>");
    free_texts(t, texts);
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
print_csv(const struct dbclient_table *t)
{
    char **texts = table_texts(t);

    print_preamble(t, true);
    if (dbclient_style.headings) {
        for (size_t x = 0; x < t->n_cols; x++) {
            if (x) {
                putchar(',');
            }
            print_csv_cell(t->headings[x]);
        }
        putchar('\n');
    }
    for (size_t y = 0; y < t->n_rows; y++) {
        for (size_t x = 0; x < t->n_cols; x++) {
            if (x) {
                putchar(',');
            }
            print_csv_cell(texts[y * t->n_cols + x]);
        }
        putchar('\n');
    }
    free_texts(t, texts);
}

/* JSON tables always carry their headings, whatever --no-headings says,
 * and cells as JSON whatever --data says: so does ovsdb-client. */
static void
print_json_table(const struct dbclient_table *t)
{
    json_t *j = json_object();
    json_t *headings = json_array();
    json_t *data = json_array();

    if (t->caption) {
        json_object_set_new(j, "caption", json_string(t->caption));
    }
    if (t->timestamp) {
        char *s = timestamp_text();
        json_object_set_new(j, "time", json_string(s));
        free(s);
    }
    for (size_t x = 0; x < t->n_cols; x++) {
        json_array_append_new(headings, json_string(t->headings[x]));
    }
    for (size_t y = 0; y < t->n_rows; y++) {
        json_t *row = json_array();
        for (size_t x = 0; x < t->n_cols; x++) {
            const struct dbclient_cell *c = cell_at(t, y, x);
            json_array_append_new(row, c->text   ? json_string(c->text)
                                       : c->json ? json_incref(c->json)
                                                 : json_null());
        }
        json_array_append_new(data, row);
    }
    json_object_set_new(j, "headings", headings);
    json_object_set_new(j, "data", data);
    dbclient_print_json(j);
    json_decref(j);
}

void
dbclient_table_print(struct dbclient_table *t)
{
    switch (dbclient_style.format) {
    case DBCLIENT_FMT_TABLE:
        print_table(t);
        break;
    case DBCLIENT_FMT_LIST:
        print_list(t);
        break;
    case DBCLIENT_FMT_HTML:
        print_html(t);
        break;
    case DBCLIENT_FMT_CSV:
        print_csv(t);
        break;
    case DBCLIENT_FMT_JSON:
        print_json_table(t);
        break;
    }
    fflush(stdout);
}
