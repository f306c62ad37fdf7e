/* buf.c: growable buffer (see buf.h). */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_destroy(struct buf *b)
{
    free(b->data);
    buf_init(b);
}

void *
buf_reserve(struct buf *b, size_t n)
{
    /* Keep one spare byte for buf_cstr()'s terminator. */
    if (b->cap - b->len < n + 1) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap - b->len < n + 1) {
            if (cap > SIZE_MAX / 2) {
                nf_abort("buffer size overflow");
            }
            cap *= 2;
        }
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    return b->data + b->len;
}

void *
buf_put_uninit(struct buf *b, size_t n)
{
    void *p = buf_reserve(b, n);
    b->len += n;
    return p;
}

void *
buf_put_zeros(struct buf *b, size_t n)
{
    return memset(buf_put_uninit(b, n), 0, n);
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
    if (n) {
        memcpy(buf_put_uninit(b, n), p, n);
    }
}

void
buf_put_u8(struct buf *b, uint8_t v)
{
    *(uint8_t *) buf_put_uninit(b, 1) = v;
}

void
buf_put_char(struct buf *b, char c)
{
    buf_put_u8(b, (uint8_t) c);
}

void
buf_put_cstr(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    size_t avail = b->cap > b->len ? b->cap - b->len : 0;
    int n =
        vsnprintf(avail ? (char *) b->data + b->len : NULL, avail, fmt, copy);
    va_end(copy);
    if (n < 0) {
        return;
    }
    if ((size_t) n >= avail) {
        buf_reserve(b, (size_t) n);
        vsnprintf((char *) b->data + b->len, (size_t) n + 1, fmt, args);
    }
    b->len += (size_t) n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    buf_vprintf(b, fmt, args);
    va_end(args);
}

void
buf_pull(struct buf *b, size_t n)
{
    nf_assert(n <= b->len);
    if (!n) {
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void
buf_chomp(struct buf *b)
{
    while (b->len && b->data[b->len - 1]
           && strchr(" \t\r\n", b->data[b->len - 1])) {
        b->len--;
    }
}

const char *
buf_cstr(struct buf *b)
{
    buf_reserve(b, 0);
    b->data[b->len] = '\0';
    return (const char *) b->data;
}

char *
buf_steal_cstr(struct buf *b)
{
    buf_cstr(b);
    char *s = (char *) b->data;
    buf_init(b);
    return s;
}
