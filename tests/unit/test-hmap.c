/* Unit tests for lib/hmap, lib/list and lib/hash. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/util.h"

struct elem {
    struct hmap_node node;
    struct dlist lnode;
    int value;
};

/* A deliberately poor hash puts many values in one chain, exercising the
 * duplicate-hash paths as well as resizing. */
static uint32_t
weak_hash(int v)
{
    return (uint32_t) (v % 7);
}

static struct elem *
find(struct hmap *m, int v)
{
    struct elem *e;
    HMAP_FOR_EACH_WITH_HASH (e, node, weak_hash(v), m) {
        if (e->value == v) {
            return e;
        }
    }
    return NULL;
}

static void
test_hmap_insert_find_remove(void **state)
{
    enum { N = 1000 };
    struct hmap m;
    struct elem *elems = calloc(N, sizeof *elems);

    hmap_init(&m);
    assert_true(hmap_is_empty(&m));
    assert_null(find(&m, 3));
    for (int i = 0; i < N; i++) {
        elems[i].value = i;
        hmap_insert(&m, &elems[i].node, weak_hash(i));
    }
    assert_int_equal(hmap_count(&m), N);
    for (int i = 0; i < N; i++) {
        assert_ptr_equal(find(&m, i), &elems[i]);
    }
    assert_null(find(&m, N + 1));

    /* Remove the odd ones; the even ones must remain findable. */
    for (int i = 1; i < N; i += 2) {
        hmap_remove(&m, &elems[i].node);
    }
    assert_int_equal(hmap_count(&m), N / 2);
    for (int i = 0; i < N; i++) {
        if (i % 2) {
            assert_null(find(&m, i));
        } else {
            assert_ptr_equal(find(&m, i), &elems[i]);
        }
    }

    /* Iteration visits each remaining element exactly once. */
    int seen = 0;
    long sum = 0;
    struct elem *e;
    HMAP_FOR_EACH (e, node, &m) {
        seen++;
        sum += e->value;
    }
    assert_int_equal(seen, N / 2);
    assert_int_equal(sum, (long) (N / 2) * (N / 2 - 1));

    /* Removing everything during a safe iteration leaves it empty. */
    HMAP_FOR_EACH_SAFE (e, node, &m) {
        hmap_remove(&m, &e->node);
    }
    assert_true(hmap_is_empty(&m));
    assert_null(hmap_first(&m));
    hmap_destroy(&m);
    free(elems);
}

static void
test_list(void **state)
{
    struct dlist l = DLIST_INITIALIZER(&l);
    struct elem e[5];

    assert_true(dlist_is_empty(&l));
    for (int i = 0; i < 5; i++) {
        e[i].value = i;
        dlist_push_back(&l, &e[i].lnode);
    }
    assert_int_equal(dlist_size(&l), 5);

    int expect = 0;
    struct elem *it, *next;
    DLIST_FOR_EACH (it, lnode, &l) {
        assert_int_equal(it->value, expect++);
    }
    DLIST_FOR_EACH_SAFE (it, next, lnode, &l) {
        if (it->value == 2) {
            dlist_remove(&it->lnode);
        }
    }
    assert_int_equal(dlist_size(&l), 4);
    struct dlist *front = dlist_pop_front(&l);
    assert_ptr_equal(front, &e[0].lnode);
    dlist_push_front(&l, &e[2].lnode);
    assert_ptr_equal(l.next, &e[2].lnode);
    assert_int_equal(dlist_size(&l), 4);
}

static void
test_hash(void **state)
{
    /* Equal inputs hash equally; different bases and inputs differ. */
    assert_int_equal(hash_string("bridge0", 0), hash_string("bridge0", 0));
    assert_int_not_equal(hash_string("bridge0", 0), hash_string("bridge1", 0));
    assert_int_not_equal(hash_string("bridge0", 0), hash_string("bridge0", 1));
    /* Lengths that are not a multiple of 4 use every byte. */
    assert_int_not_equal(hash_bytes("abcde", 5, 0), hash_bytes("abcdf", 5, 0));
    assert_int_not_equal(hash_bytes("abcd\0", 5, 0), hash_bytes("abcd", 4, 0));
}

/* hash_bytes4() gives what four hash_bytes() would, for every length
 * around the word size and tail, so ufids do not change with it. */
static void
test_hash4(void **state)
{
    const uint32_t bases[4] = { 1, 0x9e3779b9u, 0xdeadbeefu, 0 };
    uint8_t data[67];

    (void) state;
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t) (i * 37 + 11);
    }
    for (size_t n = 0; n <= sizeof data; n++) {
        uint32_t out[4];

        hash_bytes4(data, n, bases, out);
        for (int k = 0; k < 4; k++) {
            assert_int_equal(out[k], hash_bytes(data, n, bases[k]));
        }
    }
}

/* nf_is_zero() finds a lone set bit at every position of regions of every
 * length around its word and 32-byte steps. */
static void
test_is_zero(void **state)
{
    uint8_t buf[80];

    (void) state;
    for (size_t n = 0; n <= 72; n++) {
        for (size_t ofs = 0; ofs < 8; ofs++) {
            memset(buf, 0, sizeof buf);
            assert_true(nf_is_zero(buf + ofs, n));
            for (size_t i = 0; i < n; i++) {
                buf[ofs + i] = 0x10;
                assert_false(nf_is_zero(buf + ofs, n));
                buf[ofs + i] = 0;
            }
            /* Bytes just outside the region are not looked at. */
            if (ofs) {
                buf[ofs - 1] = 1;
            }
            buf[ofs + n] = 1;
            assert_true(nf_is_zero(buf + ofs, n));
        }
    }
}

#ifndef __SANITIZE_ADDRESS__
/* The first allocation of a new thread makes its malloc arena. */
static void *
first_alloc(void *aux)
{
    void *p = malloc(64);

    *(uintptr_t *) aux = (uintptr_t) p;
    free(p);
    return NULL;
}

/* The size of the mapping that holds ADDR, if /proc/self/maps shows it
 * readable and writable; 0 otherwise. */
static size_t
rw_mapping_size(uintptr_t addr)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    size_t size = 0;

    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && addr >= lo
            && addr < hi) {
            size = perms[0] == 'r' && perms[1] == 'w' ? hi - lo : 0;
            break;
        }
    }
    fclose(f);
    return size;
}

/* After nf_malloc_grow_in_steps(), a new thread's heap is made readable
 * and writable STEP bytes at once (glibc's own start is 132 kB at most),
 * instead of a page per step.  (Not built with AddressSanitizer, whose
 * allocator has no arenas.) */
static void
test_malloc_steps(void **state)
{
    const size_t step = 16u << 20;
    uintptr_t p = 0;
    pthread_t t;

    (void) state;
    unsetenv("GLIBC_TUNABLES");
    nf_malloc_grow_in_steps(step);
    assert_int_equal(pthread_create(&t, NULL, first_alloc, &p), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(p != 0);
    assert_true(rw_mapping_size(p) >= step);
}
#endif

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmap_insert_find_remove),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_hash4),
        cmocka_unit_test(test_is_zero),
#ifndef __SANITIZE_ADDRESS__
        cmocka_unit_test(test_malloc_steps),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
