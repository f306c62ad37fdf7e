/* buf.h: growable byte buffer, also used as a string builder.
 *
 * A struct buf owns DATA (capacity CAP, LEN bytes used).  It always keeps one
 * spare byte so buf_cstr() can NUL-terminate without reallocating the
 * caller's view.  A zeroed struct buf (BUF_INITIALIZER) is a valid empty
 * buffer. */
#ifndef NICFLOW_BUF_H
#define NICFLOW_BUF_H 1

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct buf {
    uint8_t *data;
    size_t len;
    size_t cap;
};

#define BUF_INITIALIZER \
    {                   \
        NULL, 0, 0      \
    }

static inline void
buf_init(struct buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}
void buf_destroy(struct buf *);
static inline void
buf_clear(struct buf *b)
{
    b->len = 0;
}

/* Ensures room for N more bytes and returns a pointer to them (the length is
 * unchanged; see buf_put_uninit() to claim them). */
void *buf_reserve(struct buf *, size_t n);

/* Appends N uninitialised bytes and returns a pointer to them. */
void *buf_put_uninit(struct buf *, size_t n);
void *buf_put_zeros(struct buf *, size_t n);
void buf_put(struct buf *, const void *p, size_t n);
void buf_put_u8(struct buf *, uint8_t);
void buf_put_cstr(struct buf *, const char *s);
void buf_put_char(struct buf *, char c);
void buf_printf(struct buf *, const char *fmt, ...) NF_PRINTF(2, 3);
void buf_vprintf(struct buf *, const char *fmt, va_list) NF_PRINTF(2, 0);

/* Removes the first N bytes (N <= len). */
void buf_pull(struct buf *, size_t n);

/* Drops trailing spaces, tabs and newlines. */
void buf_chomp(struct buf *);

/* NUL-terminates and returns the contents as a string; valid until the next
 * modification. */
const char *buf_cstr(struct buf *);

/* Hands the NUL-terminated contents to the caller (free() it) and leaves the
 * buffer empty. */
char *buf_steal_cstr(struct buf *);

#endif
